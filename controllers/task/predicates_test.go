package task

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
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

// TestJobUpdates names each field of a Job that a task's reconcile reads (jobView) and the Job controller's
// writes it does not read. Each case also plans the task from the Job before and after the change, for a
// task waiting for its pod and one seen running: an update the filter drops must plan the same, so a
// planner that starts to read a field the filter does not pass fails here.
func TestJobUpdates(t *testing.T) {
	task := videoTask()
	base := attemptJob(task, tasksv1.KindVideoTask, 1, jobActiveNotReady, func(j *batchv1.Job) {
		j.UID, j.ResourceVersion, j.Generation = jobUID(1), "10", 1
		j.Status.StartTime = at(-time.Minute)
	})
	ready := func(j *batchv1.Job) { j.Status.Ready = ptr.To[int32](1) }
	for _, tc := range []struct {
		name   string
		from   []jobMod
		change jobMod
		want   bool
	}{
		// Read: metadata.
		{"metadata.labels (attempt, task, kind, Kueue's queue)", nil, func(j *batchv1.Job) { j.Labels[tasksv1.LabelAttempt] = "2" }, true},
		{"metadata.annotations", nil, func(j *batchv1.Job) { j.Annotations = map[string]string{"a": "b"} }, true},
		{"metadata.ownerReferences (the task controls it)", nil, func(j *batchv1.Job) { j.OwnerReferences = nil }, true},
		{"metadata.deletionTimestamp", nil, func(j *batchv1.Job) { j.DeletionTimestamp = ptr.To(metav1.NewTime(t0)) }, true},
		// Read: spec.
		{"spec.suspend", nil, func(j *batchv1.Job) { j.Generation++; j.Spec.Suspend = ptr.To(true) }, true},
		{"spec.suspend changed by Kueue (resumed)", []jobMod{jobSuspended}, func(j *batchv1.Job) { j.Generation++; j.Spec.Suspend = ptr.To(false) }, true},
		{"metadata.generation (spec.activeDeadlineSeconds)", nil, func(j *batchv1.Job) {
			j.Generation++
			j.Spec.ActiveDeadlineSeconds = ptr.To[int64](60)
		}, true},
		// Read: status.
		{"status.startTime set", []jobMod{func(j *batchv1.Job) { j.Status.StartTime = nil }}, func(j *batchv1.Job) { j.Status.StartTime = at(-time.Minute) }, true},
		{"status.startTime reset on resume", nil, func(j *batchv1.Job) { j.Status.StartTime = at(0) }, true},
		{"status.ready from 0 to 1 (the runner runs)", nil, ready, true},
		{"status.ready from 1 to 0", []jobMod{ready}, func(j *batchv1.Job) { j.Status.Ready = ptr.To[int32](0) }, true},
		{"status.uncountedTerminatedPods.succeeded (the Job is ending)", []jobMod{ready}, func(j *batchv1.Job) {
			j.Status.UncountedTerminatedPods = &batchv1.UncountedTerminatedPods{Succeeded: []types.UID{"pod-uid"}}
		}, true},
		{"status.uncountedTerminatedPods.failed", []jobMod{ready}, func(j *batchv1.Job) {
			j.Status.UncountedTerminatedPods = &batchv1.UncountedTerminatedPods{Failed: []types.UID{"pod-uid"}}
		}, true},
		{"status.succeeded", []jobMod{ready}, func(j *batchv1.Job) { j.Status.Succeeded = 1 }, true},
		{"status.failed", []jobMod{ready}, func(j *batchv1.Job) { j.Status.Failed = 1 }, true},
		{"status.conditions: SuccessCriteriaMet (ending)", []jobMod{ready}, jobEnding, true},
		{"status.conditions: Complete", []jobMod{ready}, jobComplete(t0), true},
		{"status.conditions: Failed (deadline)", []jobMod{ready}, jobFailed(t0, batchv1.JobReasonDeadlineExceeded, "deadline"), true},
		{"status.completionTime", []jobMod{ready}, func(j *batchv1.Job) { j.Status.CompletionTime = at(0) }, true},
		// Not read.
		{"status.active", nil, func(j *batchv1.Job) { j.Status.Active = 2 }, false},
		{"status.terminating", nil, func(j *batchv1.Job) { j.Status.Terminating = ptr.To[int32](1) }, false},
		{"status.ready count that stays above zero", []jobMod{ready}, func(j *batchv1.Job) { j.Status.Ready = ptr.To[int32](2) }, false},
		{"metadata.managedFields", nil, func(j *batchv1.Job) { j.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kcm"}} }, false},
		{"metadata.finalizers", nil, func(j *batchv1.Job) { j.Finalizers = []string{"example.com/keep"} }, false},
		{"resourceVersion only", nil, func(*batchv1.Job) {}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, after := beforeAfter(base, tc.from, tc.change)
			if got := jobUpdates().Update(event.UpdateEvent{ObjectOld: before, ObjectNew: after}); got != tc.want {
				t.Errorf("reconcile = %t, want %t", got, tc.want)
			}
			if tc.want {
				return
			}
			for _, st := range []tasksv1.TaskStatus{
				{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 1, StartTime: at(-time.Minute), CurrentAttempt: recorded(1)},
				{Phase: tasksv1.TaskRunning, Reason: tasksv1.ReasonPodRunning, Attempts: 1, StartTime: at(-time.Minute), CurrentAttempt: recorded(1, seenRunning)},
			} {
				task := planTestTask(st)
				planBefore := planTask(task, tasksv1.KindVideoTask, taskObservation{job: before}, t0, DefaultAttemptPolicy)
				planAfter := planTask(task, tasksv1.KindVideoTask, taskObservation{job: after}, t0, DefaultAttemptPolicy)
				if diff := cmp.Diff(summarize(planBefore), summarize(planAfter)); diff != "" {
					t.Errorf("an update the filter drops changes the plan of a %s task (-before +after):\n%s", st.Phase, diff)
				}
				if diff := cmp.Diff(planBefore.status, planAfter.status); diff != "" {
					t.Errorf("an update the filter drops changes the status of a %s task (-before +after):\n%s", st.Phase, diff)
				}
			}
		})
	}
}

// beforeAfter are the two sides of a watch update: base with from applied, and a copy of that at a newer
// resourceVersion with change applied.
func beforeAfter[T client.Object, M ~func(T)](base T, from []M, change M) (T, T) {
	before, ok := base.DeepCopyObject().(T)
	if !ok {
		panic("DeepCopyObject changed the type")
	}
	for _, m := range from {
		m(before)
	}
	after, _ := before.DeepCopyObject().(T)
	after.SetResourceVersion("11")
	change(after)
	return before, after
}
