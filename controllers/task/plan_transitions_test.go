package task

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// Each status write costs the API server a request per task (issue 11: at most 4 lifecycle writes per
// task). A Job's intermediate states must not change the planned status: the status planned from the
// previous state, stored, is planned again unchanged. Each case plans the states in order, storing each
// plan's status as the task's, and checks that the last state changes nothing.
func TestPlanTaskWritesNothingForIntermediateJobStates(t *testing.T) {
	type step struct {
		obs func(task *tasksv1.VideoTask) taskObservation
		at  time.Duration
	}
	jobOf := func(task *tasksv1.VideoTask, mods ...jobMod) *batchv1.Job {
		j := attemptJob(task, tasksv1.KindVideoTask, 1, mods...)
		j.UID, j.CreationTimestamp = jobUID(1), *at(-time.Hour)
		return j
	}
	noJob := func(*tasksv1.VideoTask) taskObservation { return taskObservation{} }
	obsOf := func(mods ...jobMod) func(*tasksv1.VideoTask) taskObservation {
		return func(task *tasksv1.VideoTask) taskObservation { return taskObservation{job: jobOf(task, mods...)} }
	}
	withPod := func(mods ...jobMod) func(*tasksv1.VideoTask) taskObservation {
		return func(task *tasksv1.VideoTask) taskObservation {
			return withPendingPod(taskObservation{job: jobOf(task, mods...)})
		}
	}
	succeededNotComplete := func(j *batchv1.Job) {
		j.Status.Active, j.Status.Ready, j.Status.Succeeded = 0, ptr.To[int32](0), 1
	}
	tests := []struct {
		name      string
		steps     []step
		wantPhase tasksv1.TaskPhase
	}{
		{"a queued task keeps its message when its Job shows up", []step{
			{noJob, 0}, {obsOf(), time.Second},
		}, tasksv1.TaskQueued},
		{"a queued task keeps its message when its Job's pod shows up", []step{
			{noJob, 0}, {withPod(jobActiveNotReady, jobStartedAgo(time.Second)), time.Second},
		}, tasksv1.TaskQueued},
		{"Running stays Running while the Job ends (uncounted pod, SuccessCriteriaMet)", []step{
			{noJob, 0}, {obsOf(jobReady), time.Second}, {obsOf(jobReady, jobEnding), 2 * time.Second},
		}, tasksv1.TaskRunning},
		{"Running stays Running while the Job ends (pod counted, Complete not written)", []step{
			{noJob, 0}, {obsOf(jobReady), time.Second}, {obsOf(jobReady, succeededNotComplete), 2 * time.Second},
		}, tasksv1.TaskRunning},
		{"an attempt never seen running is not judged by the start limit while its Job ends", []step{
			{noJob, 0}, {obsOf(jobReady, jobEnding, jobStartedAgo(11*time.Minute)), time.Second},
		}, tasksv1.TaskQueued},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			task := planTestTask(tasksv1.TaskStatus{})
			var last taskPlan
			for i, s := range tc.steps {
				last = planTask(task, tasksv1.KindVideoTask, s.obs(task), t0.Add(s.at), DefaultAttemptPolicy)
				if i < len(tc.steps)-1 {
					st := withCreatedJob(last.status, jobOf(task))
					task.Status = st
				}
			}
			stored := *task.Status.DeepCopy()
			stored.Progress = nil
			if diff := cmp.Diff(stored, last.status); diff != "" {
				t.Errorf("the last state changes the status (a write for nothing) (-stored +planned):\n%s", diff)
			}
			if last.status.Phase != tc.wantPhase {
				t.Errorf("phase = %s, want %s", last.status.Phase, tc.wantPhase)
			}
		})
	}
}
