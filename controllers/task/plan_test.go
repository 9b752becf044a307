package task

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
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
	Current        *attemptSummary
	Previous       []int32
	StartTime      *metav1.Time
	CompletionTime *metav1.Time
	NextRetryTime  *metav1.Time
	Result         *tasksv1.TaskResult
	Conditions     map[string]metav1.ConditionStatus
	CreateJob      bool
	SuspendJob     *bool
	StopJob        string
	DeleteTask     bool
	RequeueAfter   time.Duration
}

// attemptSummary is the part of status.currentAttempt the table decides.
type attemptSummary struct {
	Number     int32
	JobUID     types.UID
	StartTime  *metav1.Time
	FinishTime *metav1.Time
	Reason     string
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
	var cur *attemptSummary
	if a := p.status.CurrentAttempt; a != nil {
		cur = &attemptSummary{Number: a.Number, JobUID: a.JobUID, StartTime: a.StartTime, FinishTime: a.FinishTime, Reason: a.Reason}
	}
	var previous []int32
	for _, a := range p.status.PreviousAttempts {
		previous = append(previous, a.Number)
	}
	stop := ""
	if p.stopJob != nil {
		stop = p.stopJob.Name
	}
	return planSummary{
		Phase: p.status.Phase, Reason: p.status.Reason, Attempts: p.status.Attempts, JobName: p.status.JobName,
		Current: cur, Previous: previous,
		StartTime: p.status.StartTime, CompletionTime: p.status.CompletionTime, NextRetryTime: p.status.NextRetryTime,
		Result: p.status.Result, Conditions: conds,
		CreateJob: p.createJob, SuspendJob: p.suspendJob, StopJob: stop, DeleteTask: p.deleteTask, RequeueAfter: p.requeueAfter,
	}
}

// planTestTask is the task of the planTask table: generation 3, three retries 60s apart (capped at 10m), a
// 10m start limit, and a progress report the plan must never carry.
func planTestTask(st tasksv1.TaskStatus, edits ...func(*tasksv1.VideoTask)) *tasksv1.VideoTask {
	task := stored(videoTaskBuilder().Retries(3).Backoff(60, 600).Obj())
	task.Generation = 3
	st.Progress = &tasksv1.TaskProgress{Current: ptr.To[int64](2), Total: ptr.To[int64](5), Percent: ptr.To[int32](40), Stage: "clips", Attempt: st.Attempts}
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

// jobUID is the UID the API server gave attempt n's Job in these tests.
func jobUID(n int32) types.UID { return types.UID(fmt.Sprintf("job-uid-%d", n)) }

// recorded is attempt n as the status records it once its Job was created an hour before t0.
func recorded(n int32, mods ...func(*tasksv1.AttemptStatus)) *tasksv1.AttemptStatus {
	a := &tasksv1.AttemptStatus{Number: n, JobName: fmt.Sprintf("episode-1-vt-%d", n), JobUID: jobUID(n), CreateTime: at(-time.Hour)}
	for _, m := range mods {
		m(a)
	}
	return a
}

func seenRunning(a *tasksv1.AttemptStatus) { a.StartTime = at(-50 * time.Minute) }

func endedWith(reason string, finished time.Duration) func(*tasksv1.AttemptStatus) {
	return func(a *tasksv1.AttemptStatus) {
		a.FinishTime, a.Reason, a.Message = at(finished), reason, "ffmpeg exited with status 1"
	}
}

// jobStartedAgo marks a Job as started by the Job controller d before t0.
func jobStartedAgo(d time.Duration) jobMod {
	return func(job *batchv1.Job) { job.Status.StartTime = at(-d) }
}

// podOf is a pod of a Job with the given status, as the cache holds it.
func podOf(job *batchv1.Job, mod func(*corev1.Pod)) corev1.Pod {
	pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: job.Name + "-abcde", Namespace: job.Namespace,
		Labels:     map[string]string{batchv1.ControllerUidLabel: string(job.UID), tasksv1.LabelAttempt: job.Labels[tasksv1.LabelAttempt]},
		Finalizers: []string{tasksv1.FinalizerResult}}}
	pod.Status.Phase = corev1.PodPending
	if mod != nil {
		mod(&pod)
	}
	return pod
}

const (
	successMessage = `{"reason":"Completed","expressions":3,"manifest":"/data/lessons/episode-1/manifest.json","outputs":{"videos":3,"slides":3}}`
	partialMessage = `{"reason":"SoftTimeLimitExceeded","message":"soft time limit passed after 2 of 5 expressions",` +
		`"expressions":2,"manifest":"/data/lessons/episode-1/manifest.json","outputs":{"videos":2},"partial":true}`
	invalidMessage = `{"reason":"InvalidInput","message":"input/episode.srt: no subtitle cues"}`
	crashMessage   = `{"reason":"AttemptFailed","message":"ffmpeg exited with status 1"}`
	hardMessage    = `{"reason":"HardTimeLimitExceeded","message":"hard time limit exceeded (limit 30m0s)"}`
)

func TestPlanTask(t *testing.T) {
	running := tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 1, JobName: "episode-1-vt-1", StartTime: at(-time.Hour),
		CurrentAttempt: recorded(1, seenRunning)}
	job := func(attempt int32, mods ...jobMod) *batchv1.Job {
		j := attemptJob(planTestTask(tasksv1.TaskStatus{}), tasksv1.KindVideoTask, attempt, mods...)
		j.UID, j.CreationTimestamp = jobUID(attempt), *at(-time.Hour)
		return j
	}
	cond := func(kv ...string) map[string]metav1.ConditionStatus {
		m := map[string]metav1.ConditionStatus{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = metav1.ConditionStatus(kv[i+1])
		}
		return m
	}
	queuedConds := cond("Suspended", "False", "Running", "False")
	failedConds := cond("Suspended", "False", "Running", "False", "Failed", "True")
	pendingRetry := func(n int32, finished time.Duration) tasksv1.TaskStatus {
		return tasksv1.TaskStatus{Phase: tasksv1.TaskPending, Attempts: n, JobName: fmt.Sprintf("episode-1-vt-%d", n), StartTime: at(-time.Hour),
			CurrentAttempt: recorded(n, seenRunning, endedWith(tasksv1.ReasonAttemptFailed, finished))}
	}
	permanent := &jobs.StartProblem{Reason: "CreateContainerConfigError", Message: `secret "llm" not found`, Permanent: true}
	transient := &jobs.StartProblem{Reason: "ImagePullBackOff", Message: `Back-off pulling image "langflix-runner:test"`}

	tests := []struct {
		name string
		task *tasksv1.VideoTask
		obs  taskObservation
		want planSummary
	}{
		{
			name: "new task: attempt 1 is created",
			task: planTestTask(tasksv1.TaskStatus{}),
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1}, StartTime: at(0), Conditions: queuedConds, CreateJob: true},
		},
		{
			name: "suspended before it started: cancelled, nothing created",
			task: planTestTask(tasksv1.TaskStatus{}, suspended),
			want: planSummary{Phase: tasksv1.TaskCancelled, Reason: tasksv1.ReasonSuspended, Conditions: cond("Suspended", "True", "Running", "False")},
		},
		{
			name: "Job exists, pod on its way: queued, a look again at the start limit",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-time.Minute), CurrentAttempt: recorded(1)}),
			obs:  withPendingPod(taskObservation{job: job(1, jobActiveNotReady, jobStartedAgo(time.Minute))}),
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1, JobUID: jobUID(1)}, StartTime: at(-time.Minute), Conditions: queuedConds,
				RequeueAfter: 9 * time.Minute},
		},
		{
			name: "pod ready: running, and the attempt is seen running now",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-time.Minute), CurrentAttempt: recorded(1)}),
			obs:  taskObservation{job: job(1, jobReady)},
			want: planSummary{Phase: tasksv1.TaskRunning, Reason: tasksv1.ReasonPodRunning, Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(0)}, StartTime: at(-time.Minute),
				Conditions: cond("Suspended", "False", "Running", "True")},
		},
		{
			name: "runner container running before the Job counts it ready: running",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-time.Minute), CurrentAttempt: recorded(1)}),
			obs: func() taskObservation {
				j := job(1, jobActiveNotReady, jobStartedAgo(time.Minute))
				return taskObservation{job: j, pods: []corev1.Pod{podOf(j, func(p *corev1.Pod) {
					p.Status.Phase = corev1.PodRunning
					p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "runner", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
				})}}
			}(),
			want: planSummary{Phase: tasksv1.TaskRunning, Reason: tasksv1.ReasonPodRunning, Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(0)}, StartTime: at(-time.Minute),
				Conditions: cond("Suspended", "False", "Running", "True")},
		},
		{
			name: "suspend while running: suspend the Job, cancelled",
			task: planTestTask(running, suspended),
			obs:  taskObservation{job: job(1, jobReady)},
			want: planSummary{Phase: tasksv1.TaskCancelled, Reason: tasksv1.ReasonSuspended, Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute)}, StartTime: at(-time.Hour),
				Conditions: cond("Suspended", "True", "Running", "False"), SuspendJob: ptr.To(true)},
		},
		{
			name: "resume: unsuspend the Job; the start limit waits for the Job controller to start it again",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskCancelled, Attempts: 1, StartTime: at(-time.Hour), CurrentAttempt: recorded(1)}),
			obs:  taskObservation{job: job(1, jobSuspended)},
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1, JobUID: jobUID(1)}, StartTime: at(-time.Hour), Conditions: queuedConds, SuspendJob: ptr.To(false)},
		},
		{
			name: "complete with the runner's summary: succeeded with a storage-relative manifest",
			task: planTestTask(running),
			obs:  taskObservation{job: job(1, jobComplete(t0.Add(-5*time.Second))), termination: terminated(0, successMessage)},
			want: planSummary{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-5 * time.Second), Reason: tasksv1.ReasonCompleted},
				StartTime: at(-time.Hour), CompletionTime: at(-5 * time.Second),
				Result: &tasksv1.TaskResult{Expressions: ptr.To[int32](3), Manifest: "lessons/episode-1/manifest.json",
					Outputs:      []tasksv1.OutputCount{{Kind: tasksv1.OutputSlides, Count: 3}, {Kind: tasksv1.OutputVideos, Count: 3}},
					Completeness: tasksv1.ResultComplete},
				Conditions: cond("Suspended", "False", "Running", "False", "Succeeded", "True")},
		},
		{
			name: "complete but the pod is gone: succeeded without a result",
			task: planTestTask(running),
			obs:  taskObservation{job: job(1, jobComplete(t0.Add(-5*time.Second)))},
			want: planSummary{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-5 * time.Second), Reason: tasksv1.ReasonCompleted},
				StartTime: at(-time.Hour), CompletionTime: at(-5 * time.Second), Conditions: cond("Suspended", "False", "Running", "False", "Succeeded", "True")},
		},
		{
			name: "the Job's deadline, the hard limit's backstop: failed for good",
			task: planTestTask(running),
			obs: taskObservation{job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonDeadlineExceeded, "Job was active longer than specified deadline")),
				termination: terminated(137, "")},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonHardTimeLimitExceeded, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-time.Second), Reason: tasksv1.ReasonHardTimeLimitExceeded},
				StartTime: at(-time.Hour), CompletionTime: at(-time.Second), Conditions: failedConds},
		},
		{
			name: "exit 4: the runner's own hard limit, failed for good",
			task: planTestTask(running),
			obs:  taskObservation{job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonPodFailurePolicy, "")), termination: terminated(4, hardMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonHardTimeLimitExceeded, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-time.Second), Reason: tasksv1.ReasonHardTimeLimitExceeded},
				StartTime: at(-time.Hour), CompletionTime: at(-time.Second), Conditions: failedConds},
		},
		{
			name: "exit 2: invalid input, no retry",
			task: planTestTask(running),
			obs:  taskObservation{job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonPodFailurePolicy, "")), termination: terminated(2, invalidMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonInvalidInput, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-time.Second), Reason: tasksv1.ReasonInvalidInput},
				StartTime: at(-time.Hour), CompletionTime: at(-time.Second), Conditions: failedConds},
		},
		{
			name: "reason InvalidInput in the message counts even with another exit code",
			task: planTestTask(running),
			obs:  taskObservation{job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, invalidMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonInvalidInput, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-time.Second), Reason: tasksv1.ReasonInvalidInput},
				StartTime: at(-time.Hour), CompletionTime: at(-time.Second), Conditions: failedConds},
		},
		{
			name: "pod gone, the Job's FailJob condition quotes exit code 2: invalid input, as the Job itself judged",
			task: planTestTask(running),
			obs: taskObservation{job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonPodFailurePolicy,
				"Container runner for pod lessons/episode-1-vt-1-abcde failed with exit code 2 matching FailJob rule at index 0"))},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonInvalidInput, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-time.Second), Reason: tasksv1.ReasonInvalidInput},
				StartTime: at(-time.Hour), CompletionTime: at(-time.Second), Conditions: failedConds},
		},
		{
			name: "exit 3: soft time limit, failed with the partial result",
			task: planTestTask(running),
			obs:  taskObservation{job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonPodFailurePolicy, "")), termination: terminated(3, partialMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonSoftTimeLimitExceeded, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-time.Second), Reason: tasksv1.ReasonSoftTimeLimitExceeded},
				StartTime: at(-time.Hour), CompletionTime: at(-time.Second),
				Result: &tasksv1.TaskResult{Expressions: ptr.To[int32](2), Manifest: "lessons/episode-1/manifest.json",
					Outputs:      []tasksv1.OutputCount{{Kind: tasksv1.OutputVideos, Count: 2}},
					Completeness: tasksv1.ResultPartial},
				Conditions: failedConds},
		},
		{
			name: "exit 1: retry after backoffBaseSeconds from the failure",
			task: planTestTask(running),
			obs:  taskObservation{job: job(1, jobFailed(t0.Add(-20*time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-20 * time.Second), Reason: tasksv1.ReasonAttemptFailed},
				StartTime: at(-time.Hour), NextRetryTime: at(40 * time.Second), Conditions: queuedConds, RequeueAfter: 40 * time.Second},
		},
		{
			name: "waiting for a retry keeps the planned time; the old Job and pods change nothing",
			task: planTestTask(func() tasksv1.TaskStatus {
				s := pendingRetry(1, -20*time.Second)
				s.NextRetryTime = at(10 * time.Second)
				return s
			}()),
			want: planSummary{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-20 * time.Second), Reason: tasksv1.ReasonAttemptFailed},
				StartTime: at(-time.Hour), NextRetryTime: at(10 * time.Second), Conditions: queuedConds, RequeueAfter: 10 * time.Second},
		},
		{
			name: "backoff passed: attempt 2 is created under its own name, attempt 1 joins the history",
			task: planTestTask(func() tasksv1.TaskStatus {
				s := pendingRetry(1, -61*time.Second)
				s.NextRetryTime = at(-time.Second)
				return s
			}()),
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 2, JobName: "episode-1-vt-2",
				Current: &attemptSummary{Number: 2}, Previous: []int32{1}, StartTime: at(-time.Hour), Conditions: queuedConds, CreateJob: true},
		},
		{
			name: "backoff passed with the retry time lost: computed from the attempt's end again",
			task: planTestTask(pendingRetry(1, -60*time.Second)),
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 2, JobName: "episode-1-vt-2",
				Current: &attemptSummary{Number: 2}, Previous: []int32{1}, StartTime: at(-time.Hour), Conditions: queuedConds, CreateJob: true},
		},
		{
			name: "attempt 2 fails: the backoff doubles",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 2, StartTime: at(-time.Hour), CurrentAttempt: recorded(2, seenRunning),
				PreviousAttempts: []tasksv1.AttemptStatus{*recorded(1, endedWith(tasksv1.ReasonAttemptFailed, -30*time.Minute))}}),
			obs: taskObservation{job: job(2, jobFailed(t0.Add(-20*time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 2, JobName: "episode-1-vt-2",
				Current:  &attemptSummary{Number: 2, JobUID: jobUID(2), StartTime: at(-50 * time.Minute), FinishTime: at(-20 * time.Second), Reason: tasksv1.ReasonAttemptFailed},
				Previous: []int32{1}, StartTime: at(-time.Hour), NextRetryTime: at(100 * time.Second), Conditions: queuedConds, RequeueAfter: 100 * time.Second},
		},
		{
			name: "maxRetries exhausted: failed with BackoffLimitExceeded",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 4, StartTime: at(-time.Hour), CurrentAttempt: recorded(4, seenRunning)}),
			obs:  taskObservation{job: job(4, jobFailed(t0.Add(-time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonBackoffLimitExceeded, Attempts: 4, JobName: "episode-1-vt-4",
				Current:   &attemptSummary{Number: 4, JobUID: jobUID(4), StartTime: at(-50 * time.Minute), FinishTime: at(-time.Second), Reason: tasksv1.ReasonAttemptFailed},
				StartTime: at(-time.Hour), CompletionTime: at(-time.Second), Conditions: failedConds},
		},
		{
			name: "maxRetries 0: the first failure is final",
			task: planTestTask(running, retries(0)),
			obs:  taskObservation{job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonBackoffLimitExceeded, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-time.Second), Reason: tasksv1.ReasonAttemptFailed},
				StartTime: at(-time.Hour), CompletionTime: at(-time.Second), Conditions: failedConds},
		},
		{
			name: "failure while suspended: cancelled, no retry until resumed",
			task: planTestTask(running, suspended),
			obs:  taskObservation{job: job(1, jobFailed(t0.Add(-time.Second), batchv1.JobReasonBackoffLimitExceeded, "")), termination: terminated(1, crashMessage)},
			want: planSummary{Phase: tasksv1.TaskCancelled, Reason: tasksv1.ReasonSuspended, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-time.Second), Reason: tasksv1.ReasonAttemptFailed},
				StartTime: at(-time.Hour), Conditions: cond("Suspended", "True", "Running", "False")},
		},
		{
			name: "the Job of a running attempt vanished: the attempt failed (JobDeleted), retried after the backoff",
			task: planTestTask(running),
			obs:  taskObservation{jobGone: true},
			want: planSummary{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(0), Reason: tasksv1.ReasonJobDeleted},
				StartTime: at(-time.Hour), NextRetryTime: at(time.Minute), Conditions: queuedConds, RequeueAfter: time.Minute},
		},
		{
			name: "the Job vanished with no retries left: failed with BackoffLimitExceeded",
			task: planTestTask(running, retries(0)),
			obs:  taskObservation{jobGone: true},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonBackoffLimitExceeded, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(0), Reason: tasksv1.ReasonJobDeleted},
				StartTime: at(-time.Hour), CompletionTime: at(0), Conditions: failedConds},
		},
		{
			name: "a Job of a later attempt than status knows (its record was lost): adopted as the current attempt",
			task: planTestTask(func() tasksv1.TaskStatus {
				s := pendingRetry(1, -2*time.Minute)
				s.NextRetryTime = at(-time.Minute)
				return s
			}()),
			obs: taskObservation{newerJob: job(2, jobReady), job: job(2, jobReady)},
			want: planSummary{Phase: tasksv1.TaskRunning, Reason: tasksv1.ReasonPodRunning, Attempts: 2, JobName: "episode-1-vt-2",
				Current: &attemptSummary{Number: 2, JobUID: jobUID(2), StartTime: at(0)}, Previous: []int32{1}, StartTime: at(-time.Hour),
				Conditions: cond("Suspended", "False", "Running", "True")},
		},
		{
			name: "the attempt's Job was never recorded and does not exist: created again under the attempt's name",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonQuotaExceeded, Attempts: 1, StartTime: at(-time.Minute),
				CurrentAttempt: &tasksv1.AttemptStatus{Number: 1, JobName: "episode-1-vt-1"}}),
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: tasksv1.ReasonJobCreated, Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1}, StartTime: at(-time.Minute), Conditions: queuedConds, CreateJob: true},
		},
		{
			name: "a status from before attempts had an identity: the Job of its attempt is adopted",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 2, JobName: "episode-1-vt-2", StartTime: at(-time.Hour)}),
			obs:  taskObservation{job: job(2, jobReady)},
			want: planSummary{Phase: tasksv1.TaskRunning, Reason: tasksv1.ReasonPodRunning, Attempts: 2, JobName: "episode-1-vt-2",
				Current: &attemptSummary{Number: 2, JobUID: jobUID(2), StartTime: at(0)}, StartTime: at(-time.Hour),
				Conditions: cond("Suspended", "False", "Running", "True")},
		},
		{
			name: "pod held up by a pull back-off: queued with the kubelet's reason, until the start limit",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-4 * time.Minute), CurrentAttempt: recorded(1)}),
			obs:  withPendingPod(taskObservation{job: job(1, jobActiveNotReady, jobStartedAgo(4*time.Minute)), startProblem: transient}),
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: "ImagePullBackOff", Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1, JobUID: jobUID(1)}, StartTime: at(-4 * time.Minute), Conditions: queuedConds,
				RequeueAfter: 6 * time.Minute},
		},
		{
			name: "a missing Secret within the grace: queued with the kubelet's reason, a look again when the grace ends",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-time.Minute), CurrentAttempt: recorded(1)}),
			obs:  withPendingPod(taskObservation{job: job(1, jobActiveNotReady, jobStartedAgo(30*time.Second)), startProblem: permanent}),
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: "CreateContainerConfigError", Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1, JobUID: jobUID(1)}, StartTime: at(-time.Minute), Conditions: queuedConds,
				RequeueAfter: 90 * time.Second},
		},
		{
			name: "no pod at all yet (the Job controller cannot create it): the events are read again soon",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-time.Minute), CurrentAttempt: recorded(1)}),
			obs: taskObservation{job: job(1, jobStartedAgo(30*time.Second)),
				startProblem: &jobs.StartProblem{Reason: "FailedCreate", Message: `quota "pods" exceeded`}},
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: "FailedCreate", Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1, JobUID: jobUID(1)}, StartTime: at(-time.Minute), Conditions: queuedConds,
				RequeueAfter: DefaultAttemptPolicy.RecheckInterval},
		},
		{
			name: "a missing Secret past the grace: the task fails with PodConfigurationError, not at the hard limit",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-3 * time.Minute), CurrentAttempt: recorded(1)}),
			obs:  taskObservation{job: job(1, jobActiveNotReady, jobStartedAgo(2*time.Minute)), startProblem: permanent},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonPodConfigurationError, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), FinishTime: at(0), Reason: tasksv1.ReasonPodConfigurationError},
				StartTime: at(-3 * time.Minute), CompletionTime: at(0), Conditions: failedConds},
		},
		{
			name: "the start limit passed: the attempt failed (StartTimeLimitExceeded), retried",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-11 * time.Minute), CurrentAttempt: recorded(1)}),
			obs:  taskObservation{job: job(1, jobActiveNotReady, jobStartedAgo(10*time.Minute)), startProblem: transient},
			want: planSummary{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), FinishTime: at(0), Reason: tasksv1.ReasonStartTimeLimitExceeded},
				StartTime: at(-11 * time.Minute), NextRetryTime: at(time.Minute), Conditions: queuedConds, RequeueAfter: time.Minute},
		},
		{
			name: "a runner seen running once is never judged by the start limit again",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(-time.Hour), CurrentAttempt: recorded(1, seenRunning)}),
			obs:  taskObservation{job: job(1, jobActiveNotReady, jobStartedAgo(time.Hour)), startProblem: transient},
			want: planSummary{Phase: tasksv1.TaskQueued, Reason: "ImagePullBackOff", Attempts: 1, JobName: "episode-1-vt-1",
				Current: &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute)}, StartTime: at(-time.Hour), Conditions: queuedConds},
		},
		{
			name: "retry pending while the ended attempt's Job still runs (its pod never started): the Job is stopped",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskPending, Attempts: 1, StartTime: at(-time.Hour),
				CurrentAttempt: recorded(1, endedWith(tasksv1.ReasonStartTimeLimitExceeded, -5*time.Second)), NextRetryTime: at(55 * time.Second)}),
			obs: taskObservation{job: job(1, jobActiveNotReady, jobStartedAgo(11*time.Minute))},
			want: planSummary{Phase: tasksv1.TaskPending, Reason: tasksv1.ReasonRetryScheduled, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), FinishTime: at(-5 * time.Second), Reason: tasksv1.ReasonStartTimeLimitExceeded},
				StartTime: at(-time.Hour), NextRetryTime: at(55 * time.Second), Conditions: queuedConds, StopJob: "episode-1-vt-1", RequeueAfter: 55 * time.Second},
		},
		{
			name: "failed for a configuration error while its Job still runs: the Job is stopped",
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonPodConfigurationError, Attempts: 1, CompletionTime: at(-time.Second),
				CurrentAttempt: recorded(1, endedWith(tasksv1.ReasonPodConfigurationError, -time.Second))}),
			obs: taskObservation{job: job(1, jobActiveNotReady)},
			want: planSummary{Phase: tasksv1.TaskFailed, Reason: tasksv1.ReasonPodConfigurationError, Attempts: 1,
				Current:        &attemptSummary{Number: 1, JobUID: jobUID(1), FinishTime: at(-time.Second), Reason: tasksv1.ReasonPodConfigurationError},
				CompletionTime: at(-time.Second), Conditions: map[string]metav1.ConditionStatus{}, StopJob: "episode-1-vt-1"},
		},
		{
			name: "succeeded just now with ttlSecondsAfterFinished 0: delete",
			task: planTestTask(running, ttl(0)),
			obs:  taskObservation{job: job(1, jobComplete(t0.Add(-time.Second))), termination: terminated(0, successMessage)},
			want: planSummary{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, JobName: "episode-1-vt-1",
				Current:   &attemptSummary{Number: 1, JobUID: jobUID(1), StartTime: at(-50 * time.Minute), FinishTime: at(-time.Second), Reason: tasksv1.ReasonCompleted},
				StartTime: at(-time.Hour), CompletionTime: at(-time.Second),
				Result: &tasksv1.TaskResult{Expressions: ptr.To[int32](3), Manifest: "lessons/episode-1/manifest.json",
					Outputs:      []tasksv1.OutputCount{{Kind: tasksv1.OutputSlides, Count: 3}, {Kind: tasksv1.OutputVideos, Count: 3}},
					Completeness: tasksv1.ResultComplete},
				Conditions: cond("Suspended", "False", "Running", "False", "Succeeded", "True"), DeleteTask: true},
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
			task: planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, CompletionTime: at(-time.Hour),
				CurrentAttempt: recorded(1, endedWith(tasksv1.ReasonCompleted, -time.Hour))}),
			obs: taskObservation{jobGone: true},
			want: planSummary{Phase: tasksv1.TaskSucceeded, Reason: tasksv1.ReasonCompleted, Attempts: 1, CompletionTime: at(-time.Hour),
				Current:    &attemptSummary{Number: 1, JobUID: jobUID(1), FinishTime: at(-time.Hour), Reason: tasksv1.ReasonCompleted},
				Conditions: map[string]metav1.ConditionStatus{}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.task.DeepCopy()
			plan := planTask(tc.task, tasksv1.KindVideoTask, tc.obs, t0, DefaultAttemptPolicy)

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
			if a := plan.status.CurrentAttempt; a != nil && a.FinishTime != nil && !retryableEnds[a.Reason] && !finalEnds[a.Reason] && a.Reason != tasksv1.ReasonCompleted {
				t.Errorf("attempt ended with reason %q, which is neither retryable nor final", a.Reason)
			}
			if diff := cmp.Diff(before, tc.task); diff != "" {
				t.Errorf("planTask changed its input (-before +after):\n%s", diff)
			}
			again := planTask(tc.task, tasksv1.KindVideoTask, tc.obs, t0, DefaultAttemptPolicy)
			if diff := cmp.Diff(plan, again, cmp.AllowUnexported(taskPlan{})); diff != "" {
				t.Errorf("planTask is not deterministic (-first +second):\n%s", diff)
			}
		})
	}
}

// withPendingPod gives the observation's Job a pod that waits to start.
func withPendingPod(obs taskObservation) taskObservation {
	obs.pods = append(obs.pods, podOf(obs.job, nil))
	return obs
}

// At most MaxPreviousAttempts earlier attempts are kept, the newest.
func TestPlanTaskBoundsTheAttemptHistory(t *testing.T) {
	var previous []tasksv1.AttemptStatus
	for n := int32(1); n <= tasksv1.MaxPreviousAttempts; n++ {
		previous = append(previous, *recorded(n, endedWith(tasksv1.ReasonAttemptFailed, -time.Hour)))
	}
	task := planTestTask(tasksv1.TaskStatus{Phase: tasksv1.TaskPending, Attempts: 11, StartTime: at(-2 * time.Hour),
		CurrentAttempt: recorded(11, endedWith(tasksv1.ReasonAttemptFailed, -time.Hour)), PreviousAttempts: previous}, retries(20))
	st := planTask(task, tasksv1.KindVideoTask, taskObservation{}, t0, DefaultAttemptPolicy).status
	diffField(t, "current attempt", int32(12), st.CurrentAttempt.Number)
	var numbers []int32
	for _, a := range st.PreviousAttempts {
		numbers = append(numbers, a.Number)
	}
	diffField(t, "previous attempts", []int32{2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, numbers)
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
	plan := planTask(task, tasksv1.KindVideoTask, taskObservation{job: attemptJob(task, tasksv1.KindVideoTask, 1, jobReady)}, t0, DefaultAttemptPolicy)

	want := tasksv1.TaskStatus{
		ObservedGeneration: 3,
		Phase:              tasksv1.TaskRunning,
		Attempts:           1,
		JobName:            "episode-1-vt-1",
		// A status written before attempts had an identity gets one: the attempt, seen running now.
		CurrentAttempt: &tasksv1.AttemptStatus{Number: 1, JobName: "episode-1-vt-1", StartTime: at(0)},
		StartTime:      at(-time.Minute),
		Reason:         tasksv1.ReasonPodRunning,
		Message:        "attempt 1 is running",
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
			return taskObservation{job: attemptJob(task, tasksv1.KindVideoTask, 1, jobReady)}
		}, map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "True", "Stalled": "False"}, tasksv1.ReasonPodRunning},
		{"waiting for a retry", planTestTask(running), func(task *tasksv1.VideoTask) taskObservation {
			return taskObservation{job: attemptJob(task, tasksv1.KindVideoTask, 1, jobFailed(t0, batchv1.JobReasonBackoffLimitExceeded, "")),
				termination: terminated(1, crashMessage)}
		}, map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "True", "Stalled": "False"}, tasksv1.ReasonRetryScheduled},
		{"succeeded", planTestTask(running), func(task *tasksv1.VideoTask) taskObservation {
			return taskObservation{job: attemptJob(task, tasksv1.KindVideoTask, 1, jobComplete(t0)), termination: terminated(0, successMessage)}
		}, map[string]metav1.ConditionStatus{"Ready": "True", "Reconciling": "False", "Stalled": "False"}, tasksv1.ReasonCompleted},
		{"failed", planTestTask(running), func(task *tasksv1.VideoTask) taskObservation {
			return taskObservation{job: attemptJob(task, tasksv1.KindVideoTask, 1, jobFailed(t0, batchv1.JobReasonBackoffLimitExceeded, "")),
				termination: terminated(2, invalidMessage)}
		}, map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "False", "Stalled": "True"}, tasksv1.ReasonInvalidInput},
		{"suspended", planTestTask(tasksv1.TaskStatus{}, suspended), func(*tasksv1.VideoTask) taskObservation { return taskObservation{} },
			map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "False", "Stalled": "False"}, tasksv1.ReasonSuspended},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := planTask(tc.task, tasksv1.KindVideoTask, tc.obs(tc.task), t0, DefaultAttemptPolicy).status
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
			"the attempt's Job ran past its activeDeadlineSeconds (2400s: timeLimits.startSeconds + timeLimits.hardSeconds) and was stopped"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			task := planTestTask(running)
			plan := planTask(task, tasksv1.KindVideoTask, taskObservation{job: attemptJob(task, tasksv1.KindVideoTask, 1, tc.job), termination: tc.term}, t0, DefaultAttemptPolicy)
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
