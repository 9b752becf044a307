package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Task is what VideoTask and SlideTask have in common, so one reconciler serves both kinds.
// +kubebuilder:object:generate=false
type Task interface {
	metav1.Object
	runtime.Object
	// GetTemplate returns the fields every task kind shares.
	GetTemplate() *TaskTemplate
	// GetTaskStatus returns the task's status for reading and writing.
	GetTaskStatus() *TaskStatus
}

var (
	_ Task = &VideoTask{}
	_ Task = &SlideTask{}
)

// GetTemplate returns the shared task fields.
func (t *VideoTask) GetTemplate() *TaskTemplate { return &t.Spec.TaskTemplate }

// GetTaskStatus returns the task's status.
func (t *VideoTask) GetTaskStatus() *TaskStatus { return &t.Status }

// GetTemplate returns the shared task fields.
func (t *SlideTask) GetTemplate() *TaskTemplate { return &t.Spec.TaskTemplate }

// GetTaskStatus returns the task's status.
func (t *SlideTask) GetTaskStatus() *TaskStatus { return &t.Status }

// IsSuspended reports whether spec.suspend holds the task.
func (t *TaskTemplate) IsSuspended() bool { return t.Suspend != nil && *t.Suspend }

// IsFinished reports whether the phase is terminal.
func (p TaskPhase) IsFinished() bool { return p == TaskSucceeded || p == TaskFailed }

// PriorityOrDefault is spec.priority, 0 when unset.
func (t *TaskTemplate) PriorityOrDefault() int32 {
	if t.Priority == nil {
		return 0
	}
	return *t.Priority
}
