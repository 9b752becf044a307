// Package kubewrite is how the operator changes objects it does not create: their status, by server-side
// apply as the operator's field manager, and their spec or metadata, by one merge-patch helper.
package kubewrite

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// ApplyStatus server-side applies the operator's part of an object's status with its own field manager.
// Fields left out (status.progress, which the runner applies as "langflix-runner") keep their owner and
// value, so the two writers never overwrite each other.
func ApplyStatus(ctx context.Context, c client.Client, obj client.Object, kind string, status any, omit ...string) error {
	fields, err := runtime.DefaultUnstructuredConverter.ToUnstructured(status)
	if err != nil {
		return fmt.Errorf("convert status of %s/%s: %w", obj.GetNamespace(), obj.GetName(), err)
	}
	for _, f := range omit {
		delete(fields, f)
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": tasksv1.GroupVersion.String(),
		"kind":       kind,
		"metadata":   map[string]any{"name": obj.GetName(), "namespace": obj.GetNamespace()},
		"status":     fields,
	}}
	err = c.Status().Apply(ctx, client.ApplyConfigurationFromUnstructured(u),
		client.FieldOwner(runnerv1.FieldManagerOperator), client.ForceOwnership)
	if err != nil {
		return fmt.Errorf("apply status of %s %s/%s: %w", kind, obj.GetNamespace(), obj.GetName(), err)
	}
	return nil
}
