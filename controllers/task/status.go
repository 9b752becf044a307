package task

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
	"github.com/langflix/langflix-operator/controllers/internal/kubewrite"
	"github.com/langflix/langflix-operator/controllers/internal/metrics"
)

// writeStatus writes the desired status when it differs from the current one (progress aside) and was not
// written already from the same version of the task (writtenStatuses), then emits
// the events of the change: such an event is only ever sent for a status that was stored. stepErr is the
// failed step of this reconcile, if any.
func (r *Reconciler) writeStatus(ctx context.Context, task tasksv1.Task, desired tasksv1.TaskStatus, stepErr error) error {
	current := task.GetTaskStatus().DeepCopy()
	current.Progress = nil
	if equality.Semantic.DeepEqual(*current, desired) || r.written.alreadyWritten(task, desired) {
		return nil
	}
	if err := kubewrite.ApplyStatus(ctx, r.Client, task, r.Kind, &desired, "progress"); err != nil {
		return err
	}
	r.written.record(task, desired, r.Clock.Now())
	r.recordTransition(task, *current, desired)
	if stepErr != nil {
		// Written once per change of status, so a step that keeps failing does not flood the events.
		r.Recorder.Eventf(task, nil, corev1.EventTypeWarning, conditions.StepReason(stepErr), "Reconcile", "%s",
			conditions.Message(stepErr))
	}
	return nil
}

// recordTransition emits events and metrics for an attempt that ended and for a phase change between two
// statuses. (A new attempt's JobCreated event is emitted where its Job is created.)
func (r *Reconciler) recordTransition(task tasksv1.Task, old, cur tasksv1.TaskStatus) {
	// An attempt's end is told by the task's events below (RetryScheduled names the failed attempt and
	// why, Failed and Completed the last one); the metric counts every end by its reason.
	for _, ended := range attemptsEnded(old, cur) {
		metrics.TaskAttemptEnds.WithLabelValues(r.Kind, ended.Reason).Inc()
	}
	if cur.Phase == old.Phase {
		return
	}
	metrics.TaskPhaseTransitions.WithLabelValues(r.Kind, string(cur.Phase)).Inc()
	switch cur.Phase {
	case tasksv1.TaskRunning:
		r.Recorder.Eventf(task, nil, corev1.EventTypeNormal, tasksv1.ReasonPodRunning, "Run", "Attempt %d is running", cur.Attempts)
	case tasksv1.TaskSucceeded:
		r.Recorder.Eventf(task, nil, corev1.EventTypeNormal, tasksv1.ReasonCompleted, "Complete", "%s", cur.Message)
	case tasksv1.TaskFailed:
		r.Recorder.Eventf(task, nil, corev1.EventTypeWarning, cur.Reason, "Fail", "%s", cur.Message)
	case tasksv1.TaskPending:
		if cur.Reason == tasksv1.ReasonRetryScheduled {
			r.Recorder.Eventf(task, nil, corev1.EventTypeWarning, tasksv1.ReasonRetryScheduled, "Retry", "%s", cur.Message)
		}
	case tasksv1.TaskCancelled:
		r.Recorder.Eventf(task, nil, corev1.EventTypeNormal, tasksv1.ReasonSuspended, "Suspend", "%s", cur.Message)
	}
}

// attemptsEnded returns the attempts whose end cur records and old did not: the current one, and the one
// before it when a retry started in the same write.
func attemptsEnded(old, cur tasksv1.TaskStatus) []tasksv1.AttemptStatus {
	endedBefore := func(n int32) bool {
		if a := old.CurrentAttempt; a != nil && a.Number == n {
			return a.FinishTime != nil
		}
		for _, a := range old.PreviousAttempts {
			if a.Number == n {
				return true
			}
		}
		return false
	}
	var candidates, out []tasksv1.AttemptStatus
	if k := len(cur.PreviousAttempts); k > 0 {
		candidates = append(candidates, cur.PreviousAttempts[k-1])
	}
	if cur.CurrentAttempt != nil {
		candidates = append(candidates, *cur.CurrentAttempt)
	}
	for _, a := range candidates {
		if a.FinishTime != nil && !endedBefore(a.Number) {
			out = append(out, a)
		}
	}
	return out
}
