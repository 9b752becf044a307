package launch

import (
	"fmt"
	"math"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// LoopbackIP is the pod and host IP that localnode reports: every process shares the node's network.
const LoopbackIP = "127.0.0.1"

// EnvVar is one resolved environment variable.
type EnvVar struct {
	Name  string
	Value string
}

// Objects holds the ConfigMaps and Secrets of the pod's namespace that the pod refers to, fetched from the API
// beforehand. A name that is absent was not found.
type Objects struct {
	ConfigMaps map[string]*corev1.ConfigMap
	Secrets    map[string]*corev1.Secret
}

// ResolveEnv computes a container's environment as the kubelet does: envFrom sources first (in order, with
// their prefix), then env entries in order, where later definitions override earlier ones and $(NAME)
// references see every variable defined before them. Values are in the container's view: mount paths are
// not rewritten yet. allocatable stands in for unset limits in resourceFieldRef, as the node's allocatable
// does in the kubelet.
func ResolveEnv(pod *corev1.Pod, c *corev1.Container, objs Objects, allocatable corev1.ResourceList) ([]EnvVar, error) {
	var env envList
	for _, from := range c.EnvFrom {
		if err := addEnvFrom(&env, from, objs); err != nil {
			return nil, err
		}
	}
	for _, e := range c.Env {
		value, skip, err := envValue(pod, c, e, env.lookup, objs, allocatable)
		if err != nil {
			return nil, fmt.Errorf("container %q env %s: %w", c.Name, e.Name, err)
		}
		if !skip {
			env.set(e.Name, value)
		}
	}
	return env.vars, nil
}

func addEnvFrom(env *envList, from corev1.EnvFromSource, objs Objects) error {
	var data map[string]string
	switch {
	case from.ConfigMapRef != nil:
		cm := objs.ConfigMaps[from.ConfigMapRef.Name]
		if cm == nil {
			if isOptional(from.ConfigMapRef.Optional) {
				return nil
			}
			return Retryablef(ReasonConfig, "configmap %q not found", from.ConfigMapRef.Name)
		}
		data = cm.Data
	case from.SecretRef != nil:
		s := objs.Secrets[from.SecretRef.Name]
		if s == nil {
			if isOptional(from.SecretRef.Optional) {
				return nil
			}
			return Retryablef(ReasonConfig, "secret %q not found", from.SecretRef.Name)
		}
		data = make(map[string]string, len(s.Data))
		for k, v := range s.Data {
			data[k] = string(v)
		}
	default:
		return Permanentf(ReasonUnsupported, "envFrom source without configMapRef or secretRef is not supported")
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys) // map order is random; a stable order keeps the process environment reproducible
	for _, k := range keys {
		if strings.Contains(k, "=") {
			continue // cannot be an environment variable name; the kubelet skips such keys too
		}
		env.set(from.Prefix+k, data[k])
	}
	return nil
}

// envValue resolves one env entry. skip is true for an optional reference that does not resolve.
func envValue(pod *corev1.Pod, c *corev1.Container, e corev1.EnvVar, lookup func(string) (string, bool),
	objs Objects, allocatable corev1.ResourceList) (value string, skip bool, err error) {
	from := e.ValueFrom
	if from == nil {
		return Expand(e.Value, lookup), false, nil
	}
	switch {
	case from.FieldRef != nil:
		v, err := FieldValue(pod, from.FieldRef.FieldPath)
		return v, false, err
	case from.ResourceFieldRef != nil:
		v, err := ResourceValue(pod, c, from.ResourceFieldRef, allocatable)
		return v, false, err
	case from.ConfigMapKeyRef != nil:
		ref := from.ConfigMapKeyRef
		cm := objs.ConfigMaps[ref.Name]
		if cm == nil {
			if isOptional(ref.Optional) {
				return "", true, nil
			}
			return "", false, Retryablef(ReasonConfig, "configmap %q not found", ref.Name)
		}
		v, ok := cm.Data[ref.Key]
		if !ok {
			if b, okb := cm.BinaryData[ref.Key]; okb {
				return string(b), false, nil
			}
			if isOptional(ref.Optional) {
				return "", true, nil
			}
			return "", false, Retryablef(ReasonConfig, "key %q not found in configmap %q", ref.Key, ref.Name)
		}
		return v, false, nil
	case from.SecretKeyRef != nil:
		ref := from.SecretKeyRef
		s := objs.Secrets[ref.Name]
		if s == nil {
			if isOptional(ref.Optional) {
				return "", true, nil
			}
			return "", false, Retryablef(ReasonConfig, "secret %q not found", ref.Name)
		}
		v, ok := s.Data[ref.Key]
		if !ok {
			if isOptional(ref.Optional) {
				return "", true, nil
			}
			return "", false, Retryablef(ReasonConfig, "key %q not found in secret %q", ref.Key, ref.Name)
		}
		return string(v), false, nil
	default:
		return "", false, Permanentf(ReasonUnsupported, "this kind of valueFrom is not supported")
	}
}

// FieldValue returns the downward-API value of fieldPath for pod. Pod and host IPs are the loopback address
// because the processes share the node's network.
func FieldValue(pod *corev1.Pod, fieldPath string) (string, error) {
	switch fieldPath {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "metadata.labels":
		return formatMap(pod.Labels), nil
	case "metadata.annotations":
		return formatMap(pod.Annotations), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.podIP", "status.podIPs", "status.hostIP", "status.hostIPs":
		return LoopbackIP, nil
	}
	if key, ok := subscript(fieldPath, "metadata.labels"); ok {
		return pod.Labels[key], nil
	}
	if key, ok := subscript(fieldPath, "metadata.annotations"); ok {
		return pod.Annotations[key], nil
	}
	return "", Permanentf(ReasonUnsupported, "fieldRef %q is not supported", fieldPath)
}

// subscript parses "prefix['key']".
func subscript(fieldPath, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(fieldPath, prefix+"['")
	if !ok || !strings.HasSuffix(rest, "']") {
		return "", false
	}
	return strings.TrimSuffix(rest, "']"), true
}

// formatMap renders labels or annotations the way the kubelet's downward API files do: sorted key="value"
// lines with Go string quoting.
func formatMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = fmt.Sprintf("%s=%q", k, m[k])
	}
	return strings.Join(lines, "\n")
}

// ResourceValue returns the value of a resourceFieldRef, rounded up to the divisor as the kubelet does. An
// unset limit falls back to the node's allocatable; an unset request is zero.
func ResourceValue(pod *corev1.Pod, c *corev1.Container, ref *corev1.ResourceFieldSelector, allocatable corev1.ResourceList) (string, error) {
	target := c
	if ref.ContainerName != "" && ref.ContainerName != c.Name {
		target = findContainer(pod, ref.ContainerName)
		if target == nil {
			return "", Permanentf(ReasonUnsupported, "resourceFieldRef names unknown container %q", ref.ContainerName)
		}
	}
	kind, name, ok := strings.Cut(ref.Resource, ".")
	if !ok || (kind != "limits" && kind != "requests") {
		return "", Permanentf(ReasonUnsupported, "resourceFieldRef %q is not supported", ref.Resource)
	}
	resName := corev1.ResourceName(name)
	var q resource.Quantity
	if kind == "limits" {
		if v, ok := target.Resources.Limits[resName]; ok {
			q = v
		} else {
			q = allocatable[resName]
		}
	} else {
		q = target.Resources.Requests[resName]
	}
	divisor := ref.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	if resName == corev1.ResourceCPU {
		return fmt.Sprint(int64(math.Ceil(float64(q.MilliValue()) / float64(divisor.MilliValue())))), nil
	}
	return fmt.Sprint(int64(math.Ceil(float64(q.Value()) / float64(divisor.Value())))), nil
}

func findContainer(pod *corev1.Pod, name string) *corev1.Container {
	for i := range pod.Spec.InitContainers {
		if pod.Spec.InitContainers[i].Name == name {
			return &pod.Spec.InitContainers[i]
		}
	}
	for i := range pod.Spec.Containers {
		if pod.Spec.Containers[i].Name == name {
			return &pod.Spec.Containers[i]
		}
	}
	return nil
}

func isOptional(b *bool) bool { return b != nil && *b }

// envList is an ordered set of variables: redefining a name replaces its value in place.
type envList struct {
	vars  []EnvVar
	index map[string]int
}

func (l *envList) set(name, value string) {
	if l.index == nil {
		l.index = map[string]int{}
	}
	if i, ok := l.index[name]; ok {
		l.vars[i].Value = value
		return
	}
	l.index[name] = len(l.vars)
	l.vars = append(l.vars, EnvVar{Name: name, Value: value})
}

func (l *envList) lookup(name string) (string, bool) {
	i, ok := l.index[name]
	if !ok {
		return "", false
	}
	return l.vars[i].Value, true
}
