package task

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

// planSummary is the part of a taskPlan each table case decides; the full status is pinned separately.
type planSummary struct {
	Phase          tasksv1.TaskPhase
	Reason         string
	Attempts       int32
	JobName        string
	StartTime      *metav1.Time
	CompletionTime *metav1.Time
	NextRetryTime  *metav1.Time
	Result         *tasksv1.TaskResult
	Conditions     map[string]metav1.ConditionStatus
	CreateJob      bool
	SuspendJob     *bool
	DeleteTask     bool
	RequeueAfter   time.Duration
}

func summarize(p taskPlan) planSummary {
	conds := map[string]metav1.ConditionStatus{}
	for _, c := range p.status.Conditions {
		switch c.Type {
		case tasksv1.ConditionReady, tasksv1.ConditionReconciling, tasksv1.ConditionStalled:
			continue // the summary conditions follow the phase; TestPlanTaskSummary pins them
		}
		conds[c.Type] = c.Status
	}
	return planSummary{
		Phase: p.status.Phase, Reason: p.status.Reason, Attempts: p.status.Attempts, JobName: p.status.JobName,
		StartTime: p.status.StartTime, CompletionTime: p.status.CompletionTime, NextRetryTime: p.status.NextRetryTime,
		Result: p.status.Result, Conditions: conds,
		CreateJob: p.createJob, SuspendJob: p.suspendJob, DeleteTask: p.deleteTask, RequeueAfter: p.requeueAfter,
	}
}

// planTestTask is the task of the planTask table: generation 3, three retries 60s apart (capped at 10m), and
// a progress report the plan must never carry.
func planTestTask(st tasksv1.TaskStatus, edits ...func(*tasksv1.VideoTask)) *tasksv1.VideoTask {
	task := stored(videoTaskBuilder().Retries(3).Backoff(60, 600).Obj())
	task.Generation = 3
	st.Progress = &tasksv1.TaskProgress{Current: ptr.To[int64](2), Total: ptr.To[int64](5), Percent: ptr.To[int32](40), Stage: "clips"}
	task.Status = st
	for _, e := range edits {
		e(task)
	}
	return task
}

func suspended(t *tasksv1.VideoTask) { t.Spec.Suspend = ptr.To(true) }

func retries(n int32) func(*tasksv1.VideoTask) {
	return func(t *tasksv1.VideoTask) { t.Spec.Retry.MaxRetries = ptr.To(n) }
}

func ttl(seconds int32) func(*tasksv1.VideoTask) {
	return func(t *tasksv1.VideoTask) { t.Spec.TTLSecondsAfterFinished = ptr.To(seconds) }
}

const (
	successMessage = `{"reason":"Completed","expressions":3,"manifest":"/data/lessons/episode-1/manifest.json","outputs":{"videos":3,"slides":3}}`
	partialMessage = `{"reason":"SoftTimeLimitExceeded","message":"soft time limit passed after 2 of 5 expressions",` +
		`"expressions":2,"manifest":"/data/lessons/episode-1/manifest.json","outputs":{"videos":2},"partial":true}`
	invalidMessage = `{"reason":"InvalidInput","message":"input/episode.srt: no subtitle cues"}`
	crashMessage   = `{"reason":"AttemptFailed","message":"ffmpeg exited with status 1"}`
)

func TestPlanTask(t *testing.T) {
	running := tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 1, JobName: "episode-1-vt-1", StartTime: at(-10 * time.Minute)}
	job := func(attempt int32, mods ...jobMod) *batchv1.Job {
		return attemptJob(planTestTask(tasksv1.TaskStatus{}), tasksv1.KindVideoTask, attempt, mods...)
	}
	notSuspendedNotRunning := map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "False"}

	tests := []struct {
		name string
		task *tasksv1.VideoTask
		obs  taskObservation
		now  time.Time // t0 when zero
		want planSummary
	}{
		{
			name: "new task: create attempt 1 and queue",
			task: planTestTask(tasksv1.TaskStatus{}),
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 1, StartTime: at(0),
				Conditions: notSuspendedNotRunning, CreateJob: true},
		},
		{
			name: "suspended before it started: cancelled, nothing created",
			task: planTestTask(tasksv1.TaskStatus{}, suspended),
			want: planSummary{Phase: tasksv1.TaskCancelled, Reason: tasksv1.ReasonSuspended,
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "True", tasksv1.ConditionRunning: "False"}},
		},
		{
			name: "Job exists, pod not ready: queued",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-time.Minute)}),
			obs:  taskObservation{attempt: 1, job: job(1, jobActiveNotReady)},
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: at(-time.Minute), Conditions: notSuspendedNotRunning},
		},
		{
			name: "pod ready: running",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-time.Minute)}),
			obs:  taskObservation{attempt: 1, job: job(1, jobReady)},
			want: planSummary{Phase: tasksv1.TaskRunning, Reason: tasksv1.ReasonPodRunning, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime:  at(-time.Minute),
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "True"}},
		},
		{
			name: "suspend while running: suspend the Job, cancelled",
			task: planTestTask(running, suspended),
			obs:  taskObservation{attempt: 1, job: job(1, jobReady)},
			want: planSummary{Phase: tasksv1.TaskCancelled, Reason: tasksv1.ReasonSuspended, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime:  running.StartTime,
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "True", tasksv1.ConditionRunning: "False"},
				SuspendJob: ptr.To(true)},
		},
		{
			name: "still suspended, Job already suspended: nothing to patch",
			task: planTestTask(running, suspended),
			obs:  taskObservation{attempt: 1, job: job(1, jobSuspended)},
			want: planSummary{Phase: tasksv1.TaskCancelled, Reason: tasksv1.ReasonSuspended, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime:  running.StartTime,
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "True", tasksv1.ConditionRunning: "False"}},
		},
		{
			name: "resume: unsuspend the Job",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskCancelled, Attempts: 1, StartTime: at(-time.Hour)}),
			obs:  taskObservation{attempt: 1, job: job(1, jobSuspended)},
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: at(-time.Hour), Conditions: notSuspendedNotRunning, SuspendJob: ptr.To(false)},
		},
		{
			name: "complete with the runner's summary: succeeded with a storage-relative manifest",
			task: planTestTask(running),
			obs:  taskObservation{attempt: 1, job: job(1, jobComplete(t0.Add(-5*time.Second))), termination: terminated(0, successMessage)},
			want: planSummary{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, CompletionTime: at(-5 * time.Second),
				Result: &tasksv1.TaskResult{Expressions: ptr.To[int32](3), Manifest: "lessons/episode-1/manifest.json",
					Outputs:      []tasksv1.OutputCount{{Kind: tasksv1.OutputSlides, Count: 3}, {Kind: tasksv1.OutputVideos, Count: 3}},
					Completeness: tasksv1.ResultComplete},
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "False", tasksv1.ConditionSucceeded: "True"}},
		},
		{
			name: "complete but the pod is gone: succeeded without a result",
			task: planTestTask(running),
			obs:  taskObservation{attempt: 1, job: job(1, jobComplete(t0.Add(-5*time.Second)))},
			want: planSummary{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, CompletionTime: at(-5 * time.Second),
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "False", tasksv1.ConditionSucceeded: "True"}},
		},
		{
			name: "hard time limit: failed for good, no retry",
			task: planTestTask(running),
			obs: taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonDeadlineExceeded, "Job was active longer than specified deadline")),
				termination: terminated(137, "")},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonHardTimeLimitExceeded, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, CompletionTime: at(-time.Second),
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "False", tasksv1.ConditionFailed: "True"}},
		},
		{
			name: "exit 2: invalid input, no retry",
			task: planTestTask(running),
			obs:  taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(2, invalidMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonInvalidInput, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, CompletionTime: at(-time.Second),
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "False", tasksv1.ConditionFailed: "True"}},
		},
		{
			name: "reason InvalidInput in the message counts even with another exit code",
			task: planTestTask(running),
			obs:  taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, invalidMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonInvalidInput, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, CompletionTime: at(-time.Second),
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "False", tasksv1.ConditionFailed: "True"}},
		},
		{
			name: "exit 3: soft time limit, failed with the partial result",
			task: planTestTask(running),
			obs:  taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(3, partialMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonSoftTimeLimitExceeded, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, CompletionTime: at(-time.Second),
				Result: &tasksv1.TaskResult{Expressions: ptr.To[int32](2), Manifest: "lessons/episode-1/manifest.json",
					Outputs:      []tasksv1.OutputCount{{Kind: tasksv1.OutputVideos, Count: 2}},
					Completeness: tasksv1.ResultPartial},
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "False", tasksv1.ConditionFailed: "True"}},
		},
		{
			name: "exit 1: retry after backoffBase from the failure",
			task: planTestTask(running),
			obs:  taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-20*time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, NextRetryTime: at(40 * time.Second),
				Conditions: notSuspendedNotRunning, RequeueAfter: 40 * time.Second},
		},
		{
			name: "failed Job without a pod to read: retried",
			task: planTestTask(running),
			obs:  taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-20*time.Second), batchv1.JobReasonBackoffLimitExceeded, "Job has reached the specified backoff limit"))},
			want: planSummary{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, NextRetryTime: at(40 * time.Second),
				Conditions: notSuspendedNotRunning, RequeueAfter: 40 * time.Second},
		},
		{
			name: "waiting for a retry keeps the planned time",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskPending, Attempts: 1, StartTime: running.StartTime, NextRetryTime: at(10 * time.Second)}),
			obs:  taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-20*time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, NextRetryTime: at(10 * time.Second),
				Conditions: notSuspendedNotRunning, RequeueAfter: 10 * time.Second},
		},
		{
			name: "backoff passed: create attempt 2",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskPending, Attempts: 1, StartTime: running.StartTime, NextRetryTime: at(-time.Second)}),
			obs:  taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-61*time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 2, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, Conditions: notSuspendedNotRunning, CreateJob: true},
		},
		{
			name: "backoff passed with the retry time lost: computed from the failure again",
			task: planTestTask(running),
			obs:  taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-60*time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 2, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, Conditions: notSuspendedNotRunning, CreateJob: true},
		},
		{
			name: "attempt 2 fails: the backoff doubles",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 2, StartTime: running.StartTime}),
			obs:  taskObservation{attempt: 2, job: job(2, jobFailed(t0.Add(-20*time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 2, JobName: "episode-1-vt-2",
				StartTime: running.StartTime, NextRetryTime: at(100 * time.Second),
				Conditions: notSuspendedNotRunning, RequeueAfter: 100 * time.Second},
		},
		{
			name: "maxRetries exhausted: failed with BackoffLimitExceeded",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 4, StartTime: running.StartTime}),
			obs:  taskObservation{attempt: 4, job: job(4, jobFailed(t0.Add(-time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonBackoffLimitExceeded, Attempts: 4, JobName: "episode-1-vt-4",
				StartTime: running.StartTime, CompletionTime: at(-time.Second),
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "False", tasksv1.ConditionFailed: "True"}},
		},
		{
			name: "maxRetries 0: the first failure is final",
			task: planTestTask(running, retries(0)),
			obs:  taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonBackoffLimitExceeded, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, CompletionTime: at(-time.Second),
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "False", tasksv1.ConditionFailed: "True"}},
		},
		{
			name: "failure while suspended: cancelled, no retry until resumed",
			task: planTestTask(running, suspended),
			obs:  taskObservation{attempt: 1, job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskCancelled, Reason: tasksv1.ReasonSuspended, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime:  running.StartTime,
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "True", tasksv1.ConditionRunning: "False"}},
		},
		{
			name: "a Job label ahead of status.attempts wins (status write was lost)",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskPending, Attempts: 1, StartTime: running.StartTime, NextRetryTime: at(-time.Minute)}),
			obs:  taskObservation{attempt: 2, job: job(2, jobReady)},
			want: planSummary{Phase: tasksv1.TaskRunning, Reason: tasksv1.ReasonPodRunning, Attempts: 2, JobName: "episode-1-vt-2",
				StartTime:  running.StartTime,
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "True"}},
		},
		{
			name: "Job of the current attempt missing: created again under the same attempt",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 2, JobName: "episode-1-vt-2", StartTime: running.StartTime}),
			obs:  taskObservation{attempt: 2},
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 2, JobName: "episode-1-vt-2",
				StartTime: running.StartTime, Conditions: notSuspendedNotRunning, CreateJob: true},
		},
		{
			name: "succeeded just now with ttlSecondsAfterFinished 0: delete",
			task: planTestTask(running, ttl(0)),
			obs:  taskObservation{attempt: 1, job: job(1, jobComplete(t0.Add(-time.Second))), termination: terminated(0, successMessage)},
			want: planSummary{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, JobName: "episode-1-vt-1",
				StartTime: running.StartTime, CompletionTime: at(-time.Second),
				Result: &tasksv1.TaskResult{Expressions: ptr.To[int32](3), Manifest: "lessons/episode-1/manifest.json",
					Outputs:      []tasksv1.OutputCount{{Kind: tasksv1.OutputSlides, Count: 3}, {Kind: tasksv1.OutputVideos, Count: 3}},
					Completeness: tasksv1.ResultComplete},
				Conditions: map[string]metav1.ConditionStatus{tasksv1.ConditionSuspended: "False", tasksv1.ConditionRunning: "False", tasksv1.ConditionSucceeded: "True"},
				DeleteTask: true},
		},
		{
			name: "finished, TTL passed: delete",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonInvalidInput, Attempts: 1, CompletionTime: at(-time.Hour)}, ttl(3600)),
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonInvalidInput, Attempts: 1, CompletionTime: at(-time.Hour),
				Conditions: map[string]metav1.ConditionStatus{}, DeleteTask: true},
		},
		{
			name: "finished, TTL not yet passed: look again when it does",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, CompletionTime: at(-time.Hour)}, ttl(7200)),
			want: planSummary{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, CompletionTime: at(-time.Hour),
				Conditions: map[string]metav1.ConditionStatus{}, RequeueAfter: time.Hour},
		},
		{
			name: "finished without TTL: kept, nothing to do even if its Job is gone",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, CompletionTime: at(-time.Hour)}),
			obs:  taskObservation{attempt: 1},
			want: planSummary{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, CompletionTime: at(-time.Hour),
				Conditions: map[string]metav1.ConditionStatus{}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := tc.now
			if now.IsZero() {
				now = t0
			}
			before := tc.task.DeepCopy()
			plan := planTask(tc.task, tc.obs, now)

			if diff := cmp.Diff(tc.want, summarize(plan)); diff != "" {
				t.Errorf("plan mismatch (-want +got):\n%s", diff)
			}
			if plan.status.Progress != nil {
				t.Errorf("the plan carries progress %+v: the runner owns it", plan.status.Progress)
			}
			if plan.status.ObservedGeneration != 3 {
				t.Errorf("observedGeneration = %d, want 3", plan.status.ObservedGeneration)
			}
			for _, c := range plan.status.Conditions {
				if c.ObservedGeneration != 3 || c.LastTransitionTime.IsZero() || c.Reason == "" {
					t.Errorf("condition %+v lacks observedGeneration 3, lastTransitionTime or reason", c)
				}
			}
			if diff := cmp.Diff(before, tc.task); diff != "" {
				t.Errorf("planTask changed its input (-before +after):\n%s", diff)
			}
			again := planTask(tc.task, tc.obs, now)
			if diff := cmp.Diff(plan, again, cmp.AllowUnexported(taskPlan{})); diff != "" {
				t.Errorf("planTask is not deterministic (-first +second):\n%s", diff)
			}
		})
	}
}

// TestPlanTaskStatus pins a whole planned status once: messages, conditions and their timestamps.
func TestPlanTaskStatus(t *testing.T) {
	task := planTestTask(tasksv1.TaskStatus{
		Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-time.Minute), Reason: tasksv1.ReasonJobCreated,
		Conditions: []metav1.Condition{
			{Type: tasksv1.ConditionSuspended, Status: "False", Reason: tasksv1.ReasonNotSuspended, ObservedGeneration: 2, LastTransitionTime: *at(-time.Minute)},
			{Type: tasksv1.ConditionRunning, Status: "False", Reason: tasksv1.ReasonJobCreated, ObservedGeneration: 2, LastTransitionTime: *at(-time.Minute)},
		},
	})
	plan := planTask(task, taskObservation{attempt: 1, job: attemptJob(task, tasksv1.KindVideoTask, 1, jobReady)}, t0)

	want := tasksv1.TaskStatus{
		ObservedGeneration: 3,
		Phase:              tasksv1.TaskRunning,
		Attempts:           1,
		JobName:            "episode-1-vt-1",
		StartTime:          at(-time.Minute),
		Reason:             tasksv1.ReasonPodRunning,
		Message:            "attempt 1 is running",
		Conditions: []metav1.Condition{
			// Unchanged status: the transition time stays, the generation moves on.
			{Type: tasksv1.ConditionSuspended, Status: "False", Reason: tasksv1.ReasonNotSuspended, ObservedGeneration: 3, LastTransitionTime: *at(-time.Minute)},
			// Changed status: stamped with the plan's clock.
			{Type: tasksv1.ConditionRunning, Status: "True", Reason: tasksv1.ReasonPodRunning, ObservedGeneration: 3, LastTransitionTime: *at(0)},
			// The summary for GitOps tools: still working.
			{Type: tasksv1.ConditionReady, Status: "False", Reason: tasksv1.ReasonPodRunning, Message: "attempt 1 is running", ObservedGeneration: 3, LastTransitionTime: *at(0)},
			{Type: tasksv1.ConditionReconciling, Status: "True", Reason: tasksv1.ReasonPodRunning, Message: "attempt 1 is running", ObservedGeneration: 3, LastTransitionTime: *at(0)},
			{Type: tasksv1.ConditionStalled, Status: "False", Reason: tasksv1.ReasonNotStalled, ObservedGeneration: 3, LastTransitionTime: *at(0)},
		},
	}
	if diff := cmp.Diff(want, plan.status); diff != "" {
		t.Errorf("status mismatch (-want +got):\n%s", diff)
	}
}

// TestPlanTaskSummary pins the Ready, Reconciling and Stalled conditions of every phase: a task that works
// is Reconciling, a succeeded one Ready, a failed one Stalled, a suspended one none of them.
func TestPlanTaskSummary(t *testing.T) {
	running := tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 1, StartTime: at(-time.Minute)}
	tests := []struct {
		name   string
		task   *tasksv1.VideoTask
		obs    func(task *tasksv1.VideoTask) taskObservation
		want   map[string]metav1.ConditionStatus
		reason string
	}{
		{"queued", planTestTask(tasksv1.TaskStatus{}), func(*tasksv1.VideoTask) taskObservation { return taskObservation{} },
			map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "True", "Stalled": "False"}, tasksv1.ReasonJobCreated},
		{"running", planTestTask(running), func(task *tasksv1.VideoTask) taskObservation {
			return taskObservation{attempt: 1, job: attemptJob(task, tasksv1.KindVideoTask, 1, jobReady)}
		}, map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "True", "Stalled": "False"}, tasksv1.ReasonPodRunning},
		{"waiting for a retry", planTestTask(running), func(task *tasksv1.VideoTask) taskObservation {
			return taskObservation{attempt: 1, job: attemptJob(task, tasksv1.KindVideoTask, 1, jobFailed(t0, batchv1.JobReasonBackoffLimitExceeded, "")),
				termination: terminated(1, crashMessage)}
		}, map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "True", "Stalled": "False"}, tasksv1.ReasonRetryScheduled},
		{"succeeded", planTestTask(running), func(task *tasksv1.VideoTask) taskObservation {
			return taskObservation{attempt: 1, job: attemptJob(task, tasksv1.KindVideoTask, 1, jobComplete(t0)), termination: terminated(0, successMessage)}
		}, map[string]metav1.ConditionStatus{"Ready": "True", "Reconciling": "False", "Stalled": "False"}, tasksv1.ReasonCompleted},
		{"failed", planTestTask(running), func(task *tasksv1.VideoTask) taskObservation {
			return taskObservation{attempt: 1, job: attemptJob(task, tasksv1.KindVideoTask, 1, jobFailed(t0, batchv1.JobReasonBackoffLimitExceeded, "")),
				termination: terminated(2, invalidMessage)}
		}, map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "False", "Stalled": "True"}, tasksv1.ReasonInvalidInput},
		{"suspended", planTestTask(tasksv1.TaskStatus{}, suspended), func(*tasksv1.VideoTask) taskObservation { return taskObservation{} },
			map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "False", "Stalled": "False"}, tasksv1.ReasonSuspended},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := planTask(tc.task, tc.obs(tc.task), t0).status
			got := map[string]metav1.ConditionStatus{}
			for _, c := range st.Conditions {
				switch c.Type {
				case tasksv1.ConditionReady, tasksv1.ConditionReconciling, tasksv1.ConditionStalled:
					got[c.Type] = c.Status
					if c.ObservedGeneration != tc.task.Generation {
						t.Errorf("%s observes generation %d, want %d", c.Type, c.ObservedGeneration, tc.task.Generation)
					}
				}
			}
			diffField(t, "summary conditions", tc.want, got)
			diffField(t, "Ready's reason", tc.reason, meta.FindStatusCondition(st.Conditions, tasksv1.ConditionReady).Reason)
		})
	}
}

// TestPlanTaskMessages checks that failure messages carry the runner's own words.
func TestPlanTaskMessages(t *testing.T) {
	running := tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 1, StartTime: at(-time.Minute)}
	tests := []struct {
		name string
		job  jobMod
		term *jobs.Termination
		want string
	}{
		{"runner message", jobFailed(t0, batchv1.JobReasonBackoffLimitExceeded, ""), terminated(2, invalidMessage), "input/episode.srt: no subtitle cues"},
		{"log tail when not JSON", jobFailed(t0, batchv1.JobReasonBackoffLimitExceeded, ""), terminated(2, "panic: boom\n"), "panic: boom"},
		{"exit code when silent", jobFailed(t0, batchv1.JobReasonBackoffLimitExceeded, ""), terminated(2, ""), "runner exited with code 2"},
		{"hard limit names the limit", jobFailed(t0, batchv1.JobReasonDeadlineExceeded, "deadline"), nil,
			"the hard time limit of 1800s passed and the attempt was stopped"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			task := planTestTask(running)
			plan := planTask(task, taskObservation{attempt: 1, job: attemptJob(task, tasksv1.KindVideoTask, 1, tc.job), termination: tc.term}, t0)
			if plan.status.Message != tc.want {
				t.Errorf("message = %q, want %q", plan.status.Message, tc.want)
			}
		})
	}
}

func TestRetryDelay(t *testing.T) {
	policy := func(baseSeconds, capSeconds int32) tasksv1.RetryPolicy {
		return tasksv1.RetryPolicy{BackoffBaseSeconds: baseSeconds, BackoffCapSeconds: capSeconds}
	}
	tests := []struct {
		policy  tasksv1.RetryPolicy
		attempt int32
		want    time.Duration
	}{
		{policy(60, 600), 1, 60 * time.Second},
		{policy(60, 600), 2, 2 * time.Minute},
		{policy(60, 600), 3, 4 * time.Minute},
		{policy(60, 600), 4, 8 * time.Minute},
		{policy(60, 600), 5, 10 * time.Minute},
		{policy(60, 600), 20, 10 * time.Minute},
		{policy(1, 1), 1, time.Second},
		{policy(1, 1), 7, time.Second},
		{policy(1, 86400), 10, 512 * time.Second},
		// Doubling stops at the cap, so a huge attempt number cannot overflow.
		{policy(1, 3600), 1 << 30, time.Hour},
	}
	for _, tc := range tests {
		if got := retryDelay(tc.policy, tc.attempt); got != tc.want {
			t.Errorf("retryDelay(base %ds, cap %ds, attempt %d) = %s, want %s",
				tc.policy.BackoffBaseSeconds, tc.policy.BackoffCapSeconds, tc.attempt, got, tc.want)
		}
	}
}

// TestPlanKeepsStatusWhileJobEnds: when the runner's pod ended, the Job controller first counts the pod
// (no pod is ready any more) and only then writes Complete. The plan in between is the status as it was:
// neither a "waiting for its pod" that would be written and overwritten at once, nor any other write.
func TestPlanKeepsStatusWhileJobEnds(t *testing.T) {
	queued := planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-time.Minute)})
	runningPlan := planTask(queued, taskObservation{attempt: 1, job: attemptJob(queued, tasksv1.KindVideoTask, 1, jobReady)}, t0)
	if runningPlan.status.Phase != tasksv1.TaskRunning {
		t.Fatalf("with a ready pod the task should run, got %s", runningPlan.status.Phase)
	}
	running := planTestTask(runningPlan.status)
	for _, tc := range []struct {
		name string
		task *tasksv1.VideoTask
	}{{"running task", running}, {"task never seen running", planTestTask(*queuedStatus(queued))}} {
		t.Run(tc.name, func(t *testing.T) {
			plan := planTask(tc.task, taskObservation{attempt: 1, job: attemptJob(tc.task, tasksv1.KindVideoTask, 1, jobEnding)}, t0.Add(time.Second))
			want := *tc.task.Status.DeepCopy()
			want.Progress = nil
			if diff := cmp.Diff(want, plan.status); diff != "" {
				t.Errorf("status changed while the Job ends (-want +got):\n%s", diff)
			}
			if plan.createJob || plan.suspendJob != nil || plan.requeueAfter != 0 {
				t.Errorf("nothing to do while the Job ends, got %+v", summarize(plan))
			}
		})
	}
}

// queuedStatus is the status a first plan writes for the task: Queued with the Job created.
func queuedStatus(task *tasksv1.VideoTask) *tasksv1.TaskStatus {
	plan := planTask(task, taskObservation{attempt: 1, job: attemptJob(task, tasksv1.KindVideoTask, 1, jobActiveNotReady)}, t0)
	return &plan.status
}

// TestPlanQueuedTaskSeesItsJob: the status written when the Job was created (Queued, with the Job's name,
// which the reconciler adds once the create succeeded) is what the plan keeps when the Job first shows up
// in the cache with its pod not ready yet: no second status write per task.
func TestPlanQueuedTaskSeesItsJob(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status tasksv1.TaskStatus
	}{
		{"first attempt", planTask(planTestTask(tasksv1.TaskStatus{}), taskObservation{}, t0).status},
		{"queued a minute before its Job shows up", planTask(planTestTask(tasksv1.TaskStatus{}), taskObservation{}, t0.Add(-time.Minute)).status},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.status
			task := planTestTask(st)
			st.JobName = attemptJob(task, tasksv1.KindVideoTask, st.Attempts, jobActiveNotReady).Name
			task = planTestTask(st)
			plan := planTask(task, taskObservation{attempt: st.Attempts, job: attemptJob(task, tasksv1.KindVideoTask, st.Attempts, jobActiveNotReady)}, t0.Add(time.Second))
			if diff := cmp.Diff(st, plan.status); diff != "" {
				t.Errorf("status changed when the queued attempt's Job showed up (-want +got):\n%s", diff)
			}
			if plan.createJob {
				t.Error("Job created again")
			}
		})
	}
}
