package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// chart is the operator's Helm chart rendered with its default values (helm template --include-crds): what
// a platform team installs. Everything in it is applied to the cluster except the manager Deployment, whose
// container runs here as a local process instead, with the same flags, environment and ServiceAccount, so
// that its memory can be read from /proc.
type chart struct {
	crds    []*unstructured.Unstructured
	objects []*unstructured.Unstructured
	manager *appsv1.Deployment
}

func loadChart(path string) (*chart, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rendered chart: %w", err)
	}
	out := &chart{}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("rendered chart: %w", err)
		}
		u := &unstructured.Unstructured{}
		if err := utilyaml.Unmarshal(doc, &u.Object); err != nil {
			return nil, fmt.Errorf("rendered chart: %w", err)
		}
		switch {
		case len(u.Object) == 0:
		case u.GetKind() == "CustomResourceDefinition":
			out.crds = append(out.crds, u)
		case u.GetKind() == "Deployment":
			var dep appsv1.Deployment
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &dep); err != nil {
				return nil, fmt.Errorf("rendered chart: Deployment: %w", err)
			}
			out.manager = &dep
		default:
			out.objects = append(out.objects, u)
		}
	}
	if out.manager == nil || len(out.manager.Spec.Template.Spec.Containers) == 0 {
		return nil, fmt.Errorf("rendered chart %s has no manager Deployment", path)
	}
	return out, nil
}

// install applies the CRDs, waits until they serve, then applies the rest, all by server-side apply.
func (ch *chart) install(ctx context.Context, c client.Client) error {
	ns := &corev1.Namespace{}
	ns.Name = ch.manager.Namespace
	if err := client.IgnoreAlreadyExists(c.Create(ctx, ns)); err != nil {
		return fmt.Errorf("create namespace %s: %w", ns.Name, err)
	}
	apply := func(u *unstructured.Unstructured) error {
		err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(benchFieldManager), client.ForceOwnership)
		if err != nil {
			return fmt.Errorf("apply %s %s: %w", u.GetKind(), u.GetName(), err)
		}
		return nil
	}
	for _, u := range ch.crds {
		if err := apply(u); err != nil {
			return err
		}
	}
	for _, u := range ch.crds {
		if err := waitFor(ctx, 60*time.Second, "CRD "+u.GetName()+" Established", func() (bool, error) {
			var crd apiextensionsv1.CustomResourceDefinition
			if err := c.Get(ctx, client.ObjectKey{Name: u.GetName()}, &crd); err != nil {
				return false, client.IgnoreNotFound(err)
			}
			for _, cond := range crd.Status.Conditions {
				if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
					return true, nil
				}
			}
			return false, nil
		}); err != nil {
			return err
		}
	}
	for _, u := range ch.objects {
		if err := apply(u); err != nil {
			return err
		}
	}
	return nil
}

// managerContainer is the manager's container spec.
func (ch *chart) managerContainer() corev1.Container {
	return ch.manager.Spec.Template.Spec.Containers[0]
}

// managerArgs are the container's arguments with the listening addresses moved to the given loopback ports
// (the chart's :8080 and :8081 would collide on a shared machine).
func (ch *chart) managerArgs(metricsAddr, probeAddr string) []string {
	var out []string
	for _, a := range ch.managerContainer().Args {
		switch {
		case strings.HasPrefix(a, "--metrics-bind-address="):
			a = "--metrics-bind-address=" + metricsAddr
		case strings.HasPrefix(a, "--health-probe-bind-address="):
			a = "--health-probe-bind-address=" + probeAddr
		}
		out = append(out, a)
	}
	return out
}

// managerEnv resolves the container's environment as the kubelet would for a pod of the Deployment in its
// namespace: literal values, the pod's namespace and name, and resource limits and requests.
func (ch *chart) managerEnv() ([]string, error) {
	ctr := ch.managerContainer()
	var out []string
	for _, e := range ctr.Env {
		switch {
		case e.ValueFrom == nil:
			out = append(out, e.Name+"="+e.Value)
		case e.ValueFrom.FieldRef != nil:
			switch e.ValueFrom.FieldRef.FieldPath {
			case "metadata.namespace":
				out = append(out, e.Name+"="+ch.manager.Namespace)
			case "metadata.name":
				out = append(out, e.Name+"="+ch.manager.Name+"-local")
			default:
				return nil, fmt.Errorf("manager env %s: fieldRef %s is not resolved here", e.Name, e.ValueFrom.FieldRef.FieldPath)
			}
		case e.ValueFrom.ResourceFieldRef != nil:
			v, err := resourceValue(ctr, e.ValueFrom.ResourceFieldRef)
			if err != nil {
				return nil, fmt.Errorf("manager env %s: %w", e.Name, err)
			}
			out = append(out, e.Name+"="+v)
		default:
			return nil, fmt.Errorf("manager env %s: only values, fieldRef and resourceFieldRef are resolved here", e.Name)
		}
	}
	return out, nil
}

// resourceValue is what the kubelet puts into a resourceFieldRef variable: the quantity divided by the
// divisor, rounded up.
func resourceValue(ctr corev1.Container, ref *corev1.ResourceFieldSelector) (string, error) {
	kind, name, ok := strings.Cut(ref.Resource, ".")
	if !ok {
		return "", fmt.Errorf("resourceFieldRef %q", ref.Resource)
	}
	list := ctr.Resources.Limits
	if kind == "requests" {
		list = ctr.Resources.Requests
	}
	q, ok := list[corev1.ResourceName(name)]
	if !ok {
		return "", fmt.Errorf("the container sets no %s", ref.Resource)
	}
	divisor := ref.Divisor
	if divisor.IsZero() {
		divisor = resource.MustParse("1")
	}
	v := (q.MilliValue() + divisor.MilliValue() - 1) / divisor.MilliValue()
	return fmt.Sprint(v), nil
}

// managerMemoryLimit is the container's memory limit in bytes, 0 when it has none.
func (ch *chart) managerMemoryLimit() int64 {
	q, ok := ch.managerContainer().Resources.Limits[corev1.ResourceMemory]
	if !ok {
		return 0
	}
	return q.Value()
}

// managerServiceAccount is the ServiceAccount the manager pods run as.
func (ch *chart) managerServiceAccount() (namespace, name string) {
	return ch.manager.Namespace, ch.manager.Spec.Template.Spec.ServiceAccountName
}
