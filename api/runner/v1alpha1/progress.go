package runnerv1alpha1

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// ProgressApply is the object the runner server-side applies to its task's status subresource, with field
// manager FieldManagerRunner: the task's identity and status.progress, nothing else, so every other status
// field keeps its owner (the operator).
type ProgressApply struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        ProgressApplyMeta   `json:"metadata"`
	Status          ProgressApplyStatus `json:"status"`
}

// ProgressApplyMeta identifies the task.
type ProgressApplyMeta struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

// ProgressApplyStatus holds the one status field the runner owns.
type ProgressApplyStatus struct {
	Progress tasksv1.TaskProgress `json:"progress"`
}

// NewProgressApply is the apply configuration of progress p for the task ref, stamped with ref's attempt.
func NewProgressApply(ref TaskRef, p tasksv1.TaskProgress) ProgressApply {
	p.Attempt = ref.Attempt
	return ProgressApply{
		TypeMeta: metav1.TypeMeta{APIVersion: tasksv1.GroupVersion.String(), Kind: ref.Kind},
		Metadata: ProgressApplyMeta{Name: ref.Name, Namespace: ref.Namespace},
		Status:   ProgressApplyStatus{Progress: p},
	}
}

// Unstructured is the apply configuration as a dynamic client sends it.
func (a ProgressApply) Unstructured() (*unstructured.Unstructured, error) {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&a)
	if err != nil {
		return nil, fmt.Errorf("progress of %s %s/%s: %w", a.Kind, a.Metadata.Namespace, a.Metadata.Name, err)
	}
	return &unstructured.Unstructured{Object: obj}, nil
}
