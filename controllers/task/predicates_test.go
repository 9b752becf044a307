package task

import (
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

func TestTaskUpdates(t *testing.T) {
	base := videoTask()
	base.Generation, base.ResourceVersion = 1, "10"
	own := tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 1, JobName: "x-vt-1"}
	r := &Reconciler{}
	r.written.record(base, own, time.Time{})
	for _, tc := range []struct {
		name   string
		change func(*tasksv1.VideoTask)
		want   bool
	}{
		{"runner's progress", func(v *tasksv1.VideoTask) {
			v.Status.Progress = &tasksv1.TaskProgress{Current: ptr.To[int64](3), Total: ptr.To[int64](10), Percent: ptr.To[int32](30), Stage: "clips"}
		}, false},
		{"the operator's own status write", func(v *tasksv1.VideoTask) { v.Status = own }, false},
		{"a status someone else wrote", func(v *tasksv1.VideoTask) { v.Status = tasksv1.TaskStatus{Phase: tasksv1.TaskQueued} }, true},
		{"managed fields only", func(v *tasksv1.VideoTask) {
			v.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "someone"}}
		}, false},
		{"the operator's finalizer added", func(v *tasksv1.VideoTask) { v.Finalizers = []string{taskFinalizer} }, false},
		{"spec changed (suspend)", func(v *tasksv1.VideoTask) { v.Generation = 2; v.Spec.Suspend = ptr.To(true) }, true},
		{"deletion requested", func(v *tasksv1.VideoTask) { v.DeletionTimestamp = ptr.To(metav1.Now()) }, true},
		{"label changed", func(v *tasksv1.VideoTask) { v.Labels = map[string]string{"team": "a"} }, true},
		{"annotation changed", func(v *tasksv1.VideoTask) { v.Annotations = map[string]string{"note": "x"} }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			updated := base.DeepCopy()
			updated.ResourceVersion = "11"
			tc.change(updated)
			if got := r.taskUpdates().Update(event.UpdateEvent{ObjectOld: base, ObjectNew: updated}); got != tc.want {
				t.Errorf("reconcile = %t, want %t", got, tc.want)
			}
		})
	}
}

// The operator's own status writes that record an attempt's end, an attempt after an earlier one, or the
// task's end must reconcile again: the next reconcile stops the ended attempt's Job and releases its pods'
// result finalizer, both decided from the stored status (the cause of a controllers-suite spec that failed
// whenever the echo was filtered: the Job of an attempt failed for a missing Secret ran on).
func TestTaskUpdatesOwnWrites(t *testing.T) {
	at := metav1.NewTime(t0)
	attempt := func(n int32, ended bool) *tasksv1.AttemptStatus {
		a := &tasksv1.AttemptStatus{Number: n, JobName: "x-vt-" + string(rune('0'+n)), JobUID: "uid"}
		if ended {
			a.FinishTime, a.Reason = &at, tasksv1.ReasonAttemptFailed
		}
		return a
	}
	queued := tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 1, CurrentAttempt: attempt(1, false)}
	running := tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Reason: tasksv1.ReasonPodRunning, Attempts: 1, CurrentAttempt: attempt(1, false)}
	retrying := tasksv1.TaskStatus{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 1, CurrentAttempt: attempt(1, true)}
	second := tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 2, CurrentAttempt: attempt(2, false),
		PreviousAttempts: []tasksv1.AttemptStatus{*attempt(1, true)}}
	failed := tasksv1.TaskStatus{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonPodConfigurationError, Attempts: 1, CurrentAttempt: attempt(1, true),
		CompletionTime: &at}
	for _, tc := range []struct {
		name     string
		old, cur tasksv1.TaskStatus
		want     bool
	}{
		{"first attempt queued", tasksv1.TaskStatus{}, queued, false},
		{"attempt seen running", queued, running, false},
		{"attempt ended, retry scheduled", running, retrying, true},
		{"next attempt started", retrying, second, true},
		{"attempt ended and task failed in one write", queued, failed, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := videoTask()
			before.ResourceVersion, before.Status = "10", tc.old
			after := before.DeepCopy()
			after.ResourceVersion, after.Status = "11", tc.cur
			r := &Reconciler{}
			r.written.record(before, tc.cur, time.Time{})
			if got := r.taskUpdates().Update(event.UpdateEvent{ObjectOld: before, ObjectNew: after}); got != tc.want {
				t.Errorf("reconcile = %t, want %t", got, tc.want)
			}
		})
	}
}

func TestJobUpdates(t *testing.T) {
	task := videoTask()
	running := attemptJob(task, tasksv1.KindVideoTask, 1, jobReady)
	running.ResourceVersion = "10"
	for _, tc := range []struct {
		name   string
		change jobMod
		want   bool
	}{
		{"counter the operator does not read (terminating)", func(j *batchv1.Job) { j.Status.Terminating = ptr.To[int32](1) }, false},
		{"ready count stays above zero", func(j *batchv1.Job) { j.Status.Ready = ptr.To[int32](2) }, false},
		{"managed fields only", func(j *batchv1.Job) { j.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kcm"}} }, false},
		{"pod no longer ready", func(j *batchv1.Job) { j.Status.Ready = ptr.To[int32](0) }, true},
		{"pod ended, Job ending", jobEnding, true},
		{"Job complete", jobComplete(t0), true},
		{"Job failed", jobFailed(t0, batchv1.JobReasonDeadlineExceeded, "deadline"), true},
		{"suspended", jobSuspended, true},
		{"annotation (someone touched it)", func(j *batchv1.Job) { j.Annotations = map[string]string{"a": "b"} }, true},
		{"being deleted", func(j *batchv1.Job) { j.DeletionTimestamp = ptr.To(metav1.Now()) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			updated := running.DeepCopy()
			updated.ResourceVersion = "11"
			tc.change(updated)
			var oldObj, newObj client.Object = running, updated
			if got := jobUpdates().Update(event.UpdateEvent{ObjectOld: oldObj, ObjectNew: newObj}); got != tc.want {
				t.Errorf("reconcile = %t, want %t", got, tc.want)
			}
		})
	}
}
