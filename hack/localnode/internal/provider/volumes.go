package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/langflix/langflix-operator/hack/localnode/internal/launch"
)

// reasonFailedMount is the kubelet's event reason for volumes that cannot be set up (yet).
const reasonFailedMount = "FailedMount"

// volume is a pod volume as a host directory.
type volume struct {
	dir string
	// kubeconfig is set for a projected volume holding a token for the API server: a kubeconfig that uses
	// it, given to containers that mount the volume because processes cannot use the in-cluster config.
	kubeconfig string
}

// setupVolumes gives every volume of the pod a host directory: hostPath and PersistentVolumeClaim volumes
// use the real directory (shared with the host and other pods), the others get a directory of their own
// under the pod's scratch dir, with ConfigMap, Secret, downward API and token files written into it.
func (p *Provider) setupVolumes(ctx context.Context, pod *corev1.Pod, objs launch.Objects, plan *podPlan) (map[string]*volume, error) {
	vols := map[string]*volume{}
	var tokens []*tokenFile
	for _, v := range pod.Spec.Volumes {
		scratch := filepath.Join(plan.scratchDir, "volumes", v.Name)
		vol := &volume{dir: scratch}
		var err error
		switch {
		case v.HostPath != nil:
			vol.dir, err = hostPathDir(v.HostPath.Path, v.HostPath.Type)
		case v.PersistentVolumeClaim != nil:
			vol.dir, err = p.claimDir(ctx, pod.Namespace, v.PersistentVolumeClaim.ClaimName)
		case v.EmptyDir != nil:
			err = os.MkdirAll(scratch, 0o777)
		case v.ConfigMap != nil:
			err = writeConfigMap(scratch, v.ConfigMap.Name, v.ConfigMap.Items, v.ConfigMap.Optional, v.ConfigMap.DefaultMode, objs)
		case v.Secret != nil:
			err = writeSecret(scratch, v.Secret.SecretName, v.Secret.Items, v.Secret.Optional, v.Secret.DefaultMode, objs)
		case v.DownwardAPI != nil:
			err = p.writeDownwardAPI(scratch, pod, v.DownwardAPI.Items, v.DownwardAPI.DefaultMode)
		case v.Projected != nil:
			var t []*tokenFile
			t, err = p.writeProjected(ctx, scratch, pod, v.Projected, objs)
			tokens = append(tokens, t...)
			for _, tf := range t {
				if tf.kubeconfig != "" {
					vol.kubeconfig = tf.kubeconfig
				}
			}
		default:
			err = launch.Permanentf(launch.ReasonUnsupported,
				"volume %q has a type localnode does not support (supported: hostPath, persistentVolumeClaim of hostPath or local volumes, emptyDir, configMap, secret, downwardAPI, projected)", v.Name)
		}
		if err != nil {
			if launch.SetupErrorOf(err) == nil {
				err = &launch.SetupError{Reason: reasonFailedMount, Err: err}
			}
			return nil, fmt.Errorf("volume %q: %w", v.Name, err)
		}
		vols[v.Name] = vol
	}
	if len(tokens) > 0 {
		plan.stopTokens = p.refreshTokens(pod, tokens)
	}
	return vols, nil
}

// hostPathDir checks a hostPath volume the way its type asks; an unset type creates a missing directory,
// as container runtimes do for bind mounts.
func hostPathDir(path string, typ *corev1.HostPathType) (string, error) {
	t := corev1.HostPathUnset
	if typ != nil {
		t = *typ
	}
	info, statErr := os.Stat(path)
	switch t {
	case corev1.HostPathUnset, corev1.HostPathDirectoryOrCreate:
		if errors.Is(statErr, os.ErrNotExist) {
			return path, os.MkdirAll(path, 0o755)
		}
	case corev1.HostPathFileOrCreate:
		if errors.Is(statErr, os.ErrNotExist) {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return "", err
			}
			f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				return "", err
			}
			return path, f.Close()
		}
	default:
		if statErr != nil {
			return "", launch.Retryablef(reasonFailedMount, "hostPath %s: %v", path, statErr)
		}
		if t == corev1.HostPathDirectory && !info.IsDir() {
			return "", launch.Retryablef(reasonFailedMount, "hostPath %s is not a directory", path)
		}
	}
	return path, nil
}

// claimDir returns the host directory behind a bound PersistentVolumeClaim: the hostPath or local path of
// its PersistentVolume.
func (p *Provider) claimDir(ctx context.Context, namespace, claim string) (string, error) {
	pvc, err := p.cfg.Client.CoreV1().PersistentVolumeClaims(namespace).Get(ctx, claim, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", launch.Retryablef(reasonFailedMount, "persistentvolumeclaim %q not found", claim)
	}
	if err != nil {
		return "", err
	}
	if pvc.Status.Phase != corev1.ClaimBound || pvc.Spec.VolumeName == "" {
		return "", launch.Retryablef(reasonFailedMount, "persistentvolumeclaim %q is not bound", claim)
	}
	pv, err := p.cfg.Client.CoreV1().PersistentVolumes().Get(ctx, pvc.Spec.VolumeName, metav1.GetOptions{})
	if err != nil {
		return "", fmt.Errorf("persistentvolume %q of claim %q: %w", pvc.Spec.VolumeName, claim, err)
	}
	switch {
	case pv.Spec.HostPath != nil:
		return hostPathDir(pv.Spec.HostPath.Path, pv.Spec.HostPath.Type)
	case pv.Spec.Local != nil:
		return hostPathDir(pv.Spec.Local.Path, ptrTo(corev1.HostPathDirectory))
	default:
		return "", launch.Permanentf(launch.ReasonUnsupported,
			"persistentvolume %q of claim %q is neither hostPath nor local; localnode cannot mount it", pv.Name, claim)
	}
}

func ptrTo[T any](v T) *T { return &v }

func writeConfigMap(dir, name string, items []corev1.KeyToPath, optional *bool, defaultMode *int32, objs launch.Objects) error {
	cm := objs.ConfigMaps[name]
	if cm == nil {
		if optional != nil && *optional {
			return os.MkdirAll(dir, 0o755)
		}
		return launch.Retryablef(reasonFailedMount, "configmap %q not found", name)
	}
	data := make(map[string][]byte, len(cm.Data)+len(cm.BinaryData))
	for k, v := range cm.Data {
		data[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		data[k] = v
	}
	return projectKeys(dir, "configmap "+name, data, items, optional, defaultMode)
}

func writeSecret(dir, name string, items []corev1.KeyToPath, optional *bool, defaultMode *int32, objs launch.Objects) error {
	s := objs.Secrets[name]
	if s == nil {
		if optional != nil && *optional {
			return os.MkdirAll(dir, 0o755)
		}
		return launch.Retryablef(reasonFailedMount, "secret %q not found", name)
	}
	return projectKeys(dir, "secret "+name, s.Data, items, optional, defaultMode)
}

// projectKeys writes data into dir: every key as a file, or only the listed items at their paths.
func projectKeys(dir, what string, data map[string][]byte, items []corev1.KeyToPath, optional *bool, defaultMode *int32) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	mode := fileMode(nil, defaultMode)
	if len(items) == 0 {
		keys := make([]string, 0, len(data))
		for k := range data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := writeFileAtomic(dir, k, data[k], mode); err != nil {
				return err
			}
		}
		return nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			if optional != nil && *optional {
				continue
			}
			return launch.Retryablef(reasonFailedMount, "key %q not found in %s", it.Key, what)
		}
		if err := writeFileAtomic(dir, it.Path, v, fileMode(it.Mode, defaultMode)); err != nil {
			return err
		}
	}
	return nil
}

func fileMode(itemMode, defaultMode *int32) os.FileMode {
	switch {
	case itemMode != nil:
		return os.FileMode(*itemMode) & os.ModePerm
	case defaultMode != nil:
		return os.FileMode(*defaultMode) & os.ModePerm
	default:
		return 0o644
	}
}

func (p *Provider) writeDownwardAPI(dir string, pod *corev1.Pod, items []corev1.DownwardAPIVolumeFile, defaultMode *int32) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, it := range items {
		var value string
		var err error
		switch {
		case it.FieldRef != nil:
			value, err = launch.FieldValue(pod, it.FieldRef.FieldPath)
		case it.ResourceFieldRef != nil:
			c := containerByName(pod, it.ResourceFieldRef.ContainerName)
			if c == nil {
				return launch.Permanentf(launch.ReasonUnsupported, "downward API item %q names unknown container %q", it.Path, it.ResourceFieldRef.ContainerName)
			}
			value, err = launch.ResourceValue(pod, c, it.ResourceFieldRef, p.cfg.Allocatable)
		default:
			err = launch.Permanentf(launch.ReasonUnsupported, "downward API item %q has no fieldRef or resourceFieldRef", it.Path)
		}
		if err != nil {
			return err
		}
		if err := writeFileAtomic(dir, it.Path, []byte(value), fileMode(it.Mode, defaultMode)); err != nil {
			return err
		}
	}
	return nil
}

func containerByName(pod *corev1.Pod, name string) *corev1.Container {
	for _, list := range [][]corev1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range list {
			if list[i].Name == name {
				return &list[i]
			}
		}
	}
	return nil
}

// writeProjected writes each source of a projected volume into dir. Service account tokens are requested
// from the API (TokenRequest, bound to the pod) and returned so they can be refreshed.
func (p *Provider) writeProjected(ctx context.Context, dir string, pod *corev1.Pod, pv *corev1.ProjectedVolumeSource, objs launch.Objects) ([]*tokenFile, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var tokens []*tokenFile
	for _, src := range pv.Sources {
		var err error
		switch {
		case src.ServiceAccountToken != nil:
			var tf *tokenFile
			tf, err = p.writeToken(ctx, dir, pod, src.ServiceAccountToken)
			if tf != nil {
				tokens = append(tokens, tf)
			}
		case src.ConfigMap != nil:
			err = writeConfigMap(dir, src.ConfigMap.Name, src.ConfigMap.Items, src.ConfigMap.Optional, pv.DefaultMode, objs)
		case src.Secret != nil:
			err = writeSecret(dir, src.Secret.Name, src.Secret.Items, src.Secret.Optional, pv.DefaultMode, objs)
		case src.DownwardAPI != nil:
			err = p.writeDownwardAPI(dir, pod, src.DownwardAPI.Items, pv.DefaultMode)
		case src.ClusterTrustBundle != nil && src.ClusterTrustBundle.Optional != nil && *src.ClusterTrustBundle.Optional:
			// optional and unsupported: leave it out, as if no bundle matched
		default:
			err = launch.Permanentf(launch.ReasonUnsupported, "projected volume source of this type is not supported by localnode")
		}
		if err != nil {
			return tokens, err
		}
	}
	return tokens, nil
}
