package task

import (
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

// taskObservation is everything the operator saw of a task's children in one reconcile.
type taskObservation struct {
	// attempt is the newest attempt known: the larger of status.attempts and the Jobs' attempt labels, so a
	// status write lost in a crash cannot make the operator repeat an attempt.
	attempt int32
	// job is the Job of that attempt, nil when it does not exist (yet, or any more).
	job *batchv1.Job
	// termination is the runner's exit of that attempt, when its pod finished and could be read.
	termination *jobs.Termination
}

// taskPlan is what the reconciler must do, and the status to write once it is done.
type taskPlan struct {
	status tasksv1.TaskStatus
	// createJob asks for the Job of status.attempts to be created (AlreadyExists counts as done).
	createJob bool
	// suspendJob, when set, is the value the current Job's spec.suspend must take.
	suspendJob *bool
	// kueueQueue, when set, submits the created Job to this Kueue LocalQueue (the gate decides it).
	kueueQueue string
	// deleteTask asks for the task to be deleted: its ttlSecondsAfterFinished passed.
	deleteTask bool
	// requeueAfter asks for another look after this long (a retry's backoff, a TTL).
	requeueAfter time.Duration
}

// planTask decides the next step of a task and computes its status from what was observed. It is pure: the
// same inputs always give the same plan, and it never touches status.progress (the runner owns it).
func planTask(task tasksv1.Task, obs taskObservation, now time.Time) taskPlan {
	tmpl := task.GetTemplate()
	st := *task.GetTaskStatus().DeepCopy()
	st.Progress = nil
	st.ObservedGeneration = task.GetGeneration()
	st.Attempts = max(st.Attempts, obs.attempt)
	plan := taskPlan{}

	if st.Phase.IsFinished() {
		setSummary(&st, now)
		plan.status = st
		plan.deleteTask, plan.requeueAfter = ttlExpiry(tmpl, st, now)
		return plan
	}

	suspended := tmpl.IsSuspended()
	setCondition(&st, now, tasksv1.ConditionSuspended, suspended, suspendReason(suspended), "")

	switch {
	case obs.job == nil:
		planWithoutJob(&plan, &st, suspended, now)
	case jobs.Finished(obs.job) != nil:
		planFinishedJob(&plan, &st, tmpl, obs, suspended, now)
	default:
		planActiveJob(&plan, &st, obs.job, suspended, now)
	}
	setSummary(&st, now)
	plan.status = st
	return plan
}

// setSummary writes the Ready, Reconciling and Stalled conditions of the phase, so GitOps tools see a task
// that still works as in progress, a succeeded one as current and a failed one as failed.
func setSummary(st *tasksv1.TaskStatus, now time.Time) {
	state := conditions.Reconciling
	switch st.Phase {
	case tasksv1.TaskSucceeded:
		state = conditions.Ready
	case tasksv1.TaskFailed:
		state = conditions.Stalled
	case tasksv1.TaskCancelled:
		state = conditions.Idle
	}
	conditions.SetSummary(&st.Conditions, st.ObservedGeneration, now, state, st.Reason, st.Message)
}

// planWithoutJob handles a task whose current attempt has no Job: the first attempt, or a Job that was
// deleted (or not yet seen) — it is created again under the same deterministic name, so nothing is lost.
func planWithoutJob(plan *taskPlan, st *tasksv1.TaskStatus, suspended bool, now time.Time) {
	if suspended {
		setPhase(st, tasksv1.TaskCancelled, tasksv1.ReasonSuspended, "spec.suspend is true: no attempt runs")
		setCondition(st, now, tasksv1.ConditionRunning, false, tasksv1.ReasonSuspended, "")
		return
	}
	if st.Attempts == 0 {
		st.Attempts = 1
	}
	if st.StartTime == nil {
		st.StartTime = ptr.To(metav1.NewTime(now))
	}
	plan.createJob = true
	st.NextRetryTime = nil
	setPhase(st, tasksv1.TaskQueued, tasksv1.ReasonJobCreated, fmt.Sprintf("attempt %d is queued", st.Attempts))
	setCondition(st, now, tasksv1.ConditionRunning, false, tasksv1.ReasonJobCreated, "")
}

// planActiveJob handles a Job that has not finished: queued, running, or to be suspended or resumed.
func planActiveJob(plan *taskPlan, st *tasksv1.TaskStatus, job *batchv1.Job, suspended bool, now time.Time) {
	jobSuspended := job.Spec.Suspend != nil && *job.Spec.Suspend
	if suspended != jobSuspended {
		plan.suspendJob = ptr.To(suspended)
	}
	if st.StartTime == nil {
		st.StartTime = ptr.To(metav1.NewTime(now))
	}
	st.JobName = job.Name
	// The attempt's Job exists, so no retry is waiting (this also clears a retry time left behind when the
	// status write that started this attempt was lost).
	st.NextRetryTime = nil
	if suspended {
		setPhase(st, tasksv1.TaskCancelled, tasksv1.ReasonSuspended,
			fmt.Sprintf("spec.suspend is true: attempt %d is stopped until it is false again", st.Attempts))
		setCondition(st, now, tasksv1.ConditionRunning, false, tasksv1.ReasonSuspended, "")
		return
	}
	if jobs.Ending(job) {
		// The runner ended; the Job's next status update says how. Until then the status stays as it is.
		return
	}
	if ptr.Deref(job.Status.Ready, 0) > 0 {
		setPhase(st, tasksv1.TaskRunning, tasksv1.ReasonPodRunning, fmt.Sprintf("attempt %d is running", st.Attempts))
		setCondition(st, now, tasksv1.ConditionRunning, true, tasksv1.ReasonPodRunning, "")
		return
	}
	// A task queued when its Job was created keeps that status (and its message, which may name the failure
	// that caused the attempt) while the pod waits: seeing the Job in the cache is no reason for another
	// status write.
	if st.Phase != tasksv1.TaskQueued || st.Reason != tasksv1.ReasonJobCreated {
		setPhase(st, tasksv1.TaskQueued, tasksv1.ReasonJobCreated, fmt.Sprintf("attempt %d is waiting for its pod", st.Attempts))
	}
	setCondition(st, now, tasksv1.ConditionRunning, false, tasksv1.ReasonJobCreated, "")
}

// planFinishedJob turns a finished attempt into success, a final failure, or a scheduled retry.
func planFinishedJob(plan *taskPlan, st *tasksv1.TaskStatus, tmpl *tasksv1.TaskTemplate, obs taskObservation, suspended bool, now time.Time) {
	st.JobName = obs.job.Name
	cond := jobs.Finished(obs.job)
	outcome := classifyAttempt(obs.job, cond, obs.termination)
	finishedAt := cond.LastTransitionTime.Time
	if finishedAt.IsZero() {
		finishedAt = now
	}
	setCondition(st, now, tasksv1.ConditionRunning, false, tasksv1.ReasonCompleted, "")

	if outcome.succeeded {
		st.Result = outcome.result
		st.CompletionTime = ptr.To(metav1.NewTime(finishedAt))
		st.NextRetryTime = nil
		setPhase(st, tasksv1.TaskSucceeded, outcome.reason, outcome.message)
		setCondition(st, now, tasksv1.ConditionSucceeded, true, outcome.reason, outcome.message)
		plan.deleteTask, plan.requeueAfter = ttlExpiry(tmpl, *st, now)
		return
	}

	// The schema defaults maxRetries; an object that bypassed defaulting gets no retry rather than a guess.
	maxRetries := ptr.Deref(tmpl.Retry.MaxRetries, 0)
	if !outcome.retryable || st.Attempts > maxRetries {
		reason, message := outcome.reason, outcome.message
		if outcome.retryable {
			reason = tasksv1.ReasonBackoffLimitExceeded
			message = fmt.Sprintf("%d attempts failed; the last: %s", st.Attempts, outcome.message)
		}
		st.Result = outcome.result
		st.CompletionTime = ptr.To(metav1.NewTime(finishedAt))
		st.NextRetryTime = nil
		setPhase(st, tasksv1.TaskFailed, reason, message)
		setCondition(st, now, tasksv1.ConditionFailed, true, reason, message)
		plan.deleteTask, plan.requeueAfter = ttlExpiry(tmpl, *st, now)
		return
	}

	if suspended {
		setPhase(st, tasksv1.TaskCancelled, tasksv1.ReasonSuspended,
			fmt.Sprintf("attempt %d failed (%s); spec.suspend is true: no retry until it is false", st.Attempts, outcome.message))
		return
	}
	if st.NextRetryTime == nil {
		st.NextRetryTime = ptr.To(metav1.NewTime(finishedAt.Add(retryDelay(tmpl.Retry, st.Attempts))))
	}
	if wait := st.NextRetryTime.Sub(now); wait > 0 {
		setPhase(st, tasksv1.TaskPending, tasksv1.ReasonRetryScheduled,
			fmt.Sprintf("attempt %d failed: %s; attempt %d starts at %s", st.Attempts, outcome.message,
				st.Attempts+1, st.NextRetryTime.UTC().Format(time.RFC3339)))
		plan.requeueAfter = wait
		return
	}
	st.Attempts++
	st.NextRetryTime = nil
	plan.createJob = true
	setPhase(st, tasksv1.TaskQueued, tasksv1.ReasonJobCreated,
		fmt.Sprintf("attempt %d is queued after: %s", st.Attempts, outcome.message))
}

// retryDelay is the backoff before the retry that follows attempt n (1-based): base * 2^(n-1), capped.
func retryDelay(p tasksv1.RetryPolicy, attempt int32) time.Duration {
	delay, limit := time.Duration(p.BackoffBaseSeconds)*time.Second, time.Duration(p.BackoffCapSeconds)*time.Second
	for i := int32(1); i < attempt && delay < limit; i++ {
		delay *= 2
	}
	return min(delay, limit)
}

// ttlExpiry says whether a finished task's TTL has passed, or how long until it does.
func ttlExpiry(tmpl *tasksv1.TaskTemplate, st tasksv1.TaskStatus, now time.Time) (bool, time.Duration) {
	if tmpl.TTLSecondsAfterFinished == nil || st.CompletionTime == nil {
		return false, 0
	}
	expiry := st.CompletionTime.Add(time.Duration(*tmpl.TTLSecondsAfterFinished) * time.Second)
	if !now.Before(expiry) {
		return true, 0
	}
	return false, expiry.Sub(now)
}

func setPhase(st *tasksv1.TaskStatus, phase tasksv1.TaskPhase, reason, message string) {
	st.Phase, st.Reason, st.Message = phase, reason, message
}

// setCondition sets a condition with meta.SetStatusCondition, which keeps lastTransitionTime when the
// status does not change. A transition is stamped with now, not the wall clock, so planTask stays pure.
func setCondition(st *tasksv1.TaskStatus, now time.Time, condType string, status bool, reason, message string) {
	conditions.Set(&st.Conditions, st.ObservedGeneration, now, condType, status, reason, message)
}

func suspendReason(suspended bool) string {
	if suspended {
		return tasksv1.ReasonSuspended
	}
	return tasksv1.ReasonNotSuspended
}

// attemptOutcome is how one finished attempt ended.
type attemptOutcome struct {
	succeeded bool
	retryable bool
	reason    string
	message   string
	result    *tasksv1.TaskResult
}

// classifyAttempt reads a finished Job and its runner's exit. The hard limit, invalid input and the soft
// limit are final: running the same input again would end the same way.
func classifyAttempt(job *batchv1.Job, cond *batchv1.JobCondition, term *jobs.Termination) attemptOutcome {
	var msg *runnerv1.TerminationMessage
	if term != nil {
		msg = term.Message
	}
	result := resultFrom(msg)
	if cond.Type == batchv1.JobComplete {
		message := "completed"
		if result != nil {
			message = fmt.Sprintf("completed: %d expressions, manifest %s", ptr.Deref(result.Expressions, 0), result.Manifest)
		}
		if msg != nil && msg.Reason == runnerv1.ReasonCacheHit {
			return attemptOutcome{succeeded: true, reason: tasksv1.ReasonCacheHit, message: msg.Message, result: result}
		}
		return attemptOutcome{succeeded: true, reason: tasksv1.ReasonCompleted, message: message, result: result}
	}
	if cond.Reason == batchv1.JobReasonDeadlineExceeded {
		return attemptOutcome{reason: tasksv1.ReasonHardTimeLimitExceeded, result: result,
			message: fmt.Sprintf("the hard time limit of %ds passed and the attempt was stopped", ptr.Deref(job.Spec.ActiveDeadlineSeconds, 0))}
	}
	message := jobs.FailureMessage(cond, term)
	switch {
	case term != nil && (term.ExitCode == runnerv1.ExitInvalidInput || (msg != nil && msg.Reason == runnerv1.ReasonInvalidInput)):
		return attemptOutcome{reason: tasksv1.ReasonInvalidInput, message: message, result: result}
	case term != nil && (term.ExitCode == runnerv1.ExitSoftTimeLimit || (msg != nil && msg.Reason == runnerv1.ReasonSoftTimeLimitExceeded)):
		if result != nil {
			result.Completeness = tasksv1.ResultPartial
		}
		return attemptOutcome{reason: tasksv1.ReasonSoftTimeLimitExceeded, message: message, result: result}
	}
	return attemptOutcome{retryable: true, reason: tasksv1.ReasonAttemptFailed, message: message}
}

func resultFrom(msg *runnerv1.TerminationMessage) *tasksv1.TaskResult {
	if msg == nil || (msg.Manifest == "" && msg.Expressions == 0 && msg.Outputs == nil) {
		return nil
	}
	r := &tasksv1.TaskResult{Expressions: ptr.To(msg.Expressions), Manifest: msg.Manifest, Completeness: tasksv1.ResultComplete}
	if msg.Partial {
		r.Completeness = tasksv1.ResultPartial
	}
	if msg.Outputs != nil {
		r.Outputs = msg.Outputs.Counts()
	}
	return r
}
