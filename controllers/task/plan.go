package task

import (
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

// AttemptPolicy tunes how the operator judges an attempt whose runner does not start. It comes from the
// manager's flags and is the same for every task; the per-task bound is spec.timeLimits.startSeconds.
type AttemptPolicy struct {
	// ConfigErrorGrace is how long a configuration error that waiting cannot fix (a missing Secret,
	// PersistentVolumeClaim or ServiceAccount) may hold an attempt's pod before the task fails with reason
	// PodConfigurationError. The grace leaves time for a GitOps tool that applies the missing object a
	// moment after the task.
	ConfigErrorGrace time.Duration
	// RecheckInterval is how often a Job without a pod is looked at again: the Job controller's
	// FailedCreate events, which say why, trigger no reconcile.
	RecheckInterval time.Duration
}

// uncachedJobRecheck is how often a running attempt whose Job dropped out of the operator's cache (someone
// removed its labels) is looked at: no watch event reports its changes.
const uncachedJobRecheck = 30 * time.Second

// DefaultAttemptPolicy is the manager's default.
var DefaultAttemptPolicy = AttemptPolicy{ConfigErrorGrace: 2 * time.Minute, RecheckInterval: 10 * time.Second}

// taskPlan is what the reconciler must do, and the status to write once it is done.
type taskPlan struct {
	status tasksv1.TaskStatus
	// createJob asks for the Job of status.currentAttempt to be created.
	createJob bool
	// suspendJob, when set, is the value the current Job's spec.suspend must take.
	suspendJob *bool
	// stopJob is a Job whose attempt's end is recorded while it still runs (its pod never started): it is
	// deleted, and its pods with it.
	stopJob *batchv1.Job
	// releasePods are pods whose result finalizer can go (see releasablePods).
	releasePods []corev1.Pod
	// clearProgress asks for the stored progress, an earlier attempt's, to be removed.
	clearProgress bool
	// kueueQueue, when set, submits the created Job to this Kueue LocalQueue (the gate decides it).
	kueueQueue string
	// deleteTask asks for the task to be deleted: its ttlSecondsAfterFinished passed.
	deleteTask bool
	// requeueAfter asks for another look after this long (a retry's backoff, a start deadline, a TTL).
	requeueAfter time.Duration
}

// planTask decides the next step of a task and computes its status from what was observed. It is pure: the
// same inputs always give the same plan, and it never sets status.progress (the runner owns it).
//
// The task moves attempt by attempt. An attempt is created (its Job's UID recorded), may be seen running,
// and ends exactly once, with a reason: from its Job's end and its runner's exit, or decided by the
// operator (its Job vanished, its pod could not start). Only then does the next attempt start, after the
// backoff, and only once no pod of an earlier attempt is alive.
func planTask(task tasksv1.Task, kind string, obs taskObservation, now time.Time, policy AttemptPolicy) taskPlan {
	tmpl := task.GetTemplate()
	stored := task.GetTaskStatus()
	st := *stored.DeepCopy()
	st.Progress = nil
	st.ObservedGeneration = task.GetGeneration()
	p := &planner{task: task, kind: kind, tmpl: tmpl, obs: obs, now: now, policy: policy, st: &st}
	p.plan.releasePods = releasablePods(stored, obs.pods)
	p.plan.clearProgress = staleProgress(stored)

	if st.Phase.IsFinished() {
		p.stopOutlivingJob()
		setSummary(&st, now)
		p.plan.deleteTask, p.plan.requeueAfter = ttlExpiry(tmpl, st, now)
		p.plan.status = st
		return p.plan
	}

	p.suspended = tmpl.IsSuspended()
	setCondition(&st, now, tasksv1.ConditionSuspended, p.suspended, suspendReason(p.suspended), "")
	st.CurrentAttempt = currentAttempt(&st, task.GetName(), kind)
	if obs.newerJob != nil {
		adoptJob(startAttempt(&st, task.GetName(), kind, attemptOf(obs.newerJob)), obs.newerJob)
	}
	if cur := st.CurrentAttempt; cur != nil && cur.JobUID == "" && obs.job != nil {
		adoptJob(cur, obs.job)
	}

	cur := st.CurrentAttempt
	if cur != nil {
		st.JobName = cur.JobName
	}
	switch {
	case cur == nil:
		p.nextAttempt()
	case cur.FinishTime != nil:
		p.stopOutlivingJob()
		p.afterAttempt()
	case obs.jobGone:
		p.endAttempt(attemptOutcome{reason: tasksv1.ReasonJobDeleted, retryable: true,
			message: fmt.Sprintf("Job %s was deleted before attempt %d finished", cur.JobName, cur.Number)}, now)
	case obs.job == nil:
		p.createCurrent()
	case jobs.Finished(obs.job) != nil:
		cond := jobs.Finished(obs.job)
		at := cond.LastTransitionTime.Time
		if at.IsZero() {
			at = now
		}
		p.endAttempt(classifyAttempt(obs.job, cond, obs.termination), at)
	default:
		p.activeJob()
		if obs.jobLive {
			p.requeue(uncachedJobRecheck)
		}
	}
	setSummary(&st, now)
	p.plan.status = st
	return p.plan
}

// planner carries one planTask call's inputs and the status and plan it builds.
type planner struct {
	task      tasksv1.Task
	kind      string
	tmpl      *tasksv1.TaskTemplate
	obs       taskObservation
	now       time.Time
	policy    AttemptPolicy
	suspended bool

	st   *tasksv1.TaskStatus
	plan taskPlan
}

// nextAttempt starts the attempt after the current one (the first when there is none): its Job is created
// under a new deterministic name, so an earlier attempt's Job never stands in for it.
func (p *planner) nextAttempt() {
	if p.suspended {
		setPhase(p.st, tasksv1.TaskCancelled, tasksv1.ReasonSuspended, "spec.suspend is true: no attempt runs")
		setCondition(p.st, p.now, tasksv1.ConditionRunning, false, tasksv1.ReasonSuspended, "")
		return
	}
	n := int32(1)
	if cur := p.st.CurrentAttempt; cur != nil {
		n = cur.Number + 1
	}
	startAttempt(p.st, p.task.GetName(), p.kind, n)
	p.createCurrent()
}

// createCurrent creates the current attempt's Job: a new attempt, or one whose creation failed or was never
// recorded (then the create finds the Job that exists and adopts it, if it is the task's).
func (p *planner) createCurrent() {
	if p.suspended && p.st.CurrentAttempt.CreateTime == nil {
		setPhase(p.st, tasksv1.TaskCancelled, tasksv1.ReasonSuspended,
			fmt.Sprintf("spec.suspend is true: attempt %d does not start until it is false", p.st.CurrentAttempt.Number))
		setCondition(p.st, p.now, tasksv1.ConditionRunning, false, tasksv1.ReasonSuspended, "")
		return
	}
	if p.st.StartTime == nil {
		p.st.StartTime = ptr.To(metav1.NewTime(p.now))
	}
	p.st.JobName = p.st.CurrentAttempt.JobName
	p.plan.createJob = true
	setPhase(p.st, tasksv1.TaskQueued, tasksv1.ReasonJobCreated, fmt.Sprintf("attempt %d is queued", p.st.CurrentAttempt.Number))
	setCondition(p.st, p.now, tasksv1.ConditionRunning, false, tasksv1.ReasonJobCreated, "")
}

// activeJob follows a Job that has not finished: queued, running, suspended or resumed, or held up by a
// pod that does not start.
func (p *planner) activeJob() {
	job, cur := p.obs.job, p.st.CurrentAttempt
	jobSuspended := ptr.Deref(job.Spec.Suspend, false)
	if p.suspended != jobSuspended {
		p.plan.suspendJob = ptr.To(p.suspended)
	}
	if p.st.StartTime == nil {
		p.st.StartTime = ptr.To(metav1.NewTime(p.now))
	}
	p.st.JobName, p.st.NextRetryTime = job.Name, nil
	if p.suspended {
		setPhase(p.st, tasksv1.TaskCancelled, tasksv1.ReasonSuspended,
			fmt.Sprintf("spec.suspend is true: attempt %d is stopped until it is false again", cur.Number))
		setCondition(p.st, p.now, tasksv1.ConditionRunning, false, tasksv1.ReasonSuspended, "")
		return
	}
	if ptr.Deref(job.Status.Ready, 0) > 0 || anyRunning(jobs.OfJob(p.obs.pods, job)) {
		if cur.StartTime == nil {
			cur.StartTime = ptr.To(metav1.NewTime(p.now))
		}
		setPhase(p.st, tasksv1.TaskRunning, tasksv1.ReasonPodRunning, fmt.Sprintf("attempt %d is running", cur.Number))
		setCondition(p.st, p.now, tasksv1.ConditionRunning, true, tasksv1.ReasonPodRunning, "")
		return
	}
	if jobs.Ending(job) {
		// The Job's pod ended and the Job controller counted it, but Complete or Failed is its next status
		// write. The Job has no ready pod any more: read as waiting for a pod, the attempt would flap from
		// Running to Queued (a status write for nothing) or be judged by the start limit. It keeps the phase
		// it has until its end is read; that write reconciles the task (jobUpdates).
		return
	}
	if p.startFailed() {
		return
	}
	reason, message := tasksv1.ReasonJobCreated, fmt.Sprintf("attempt %d is waiting for its pod", cur.Number)
	switch prob := p.obs.startProblem; {
	case prob != nil:
		reason, message = prob.Reason, fmt.Sprintf("attempt %d's pod does not start: %s", cur.Number, prob.Message)
	case p.st.Phase == tasksv1.TaskQueued && p.st.Reason == tasksv1.ReasonJobCreated:
		// Queued when its Job was created ("attempt n is queued"): the Job showing up says nothing new, and
		// another message would be a second status write per task.
		message = p.st.Message
	}
	setPhase(p.st, tasksv1.TaskQueued, reason, message)
	setCondition(p.st, p.now, tasksv1.ConditionRunning, false, reason, "")
}

// startFailed ends an attempt whose runner never ran, once waiting is pointless: a configuration error
// that lasted the grace period (final), or the start limit passed (retried). The clock is the Job's own
// start (status.startTime, which the Job controller resets when a suspended Job resumes), the same the
// Job's activeDeadlineSeconds counts from. Otherwise it asks for a look when the next deadline passes.
func (p *planner) startFailed() bool {
	job, cur, prob := p.obs.job, p.st.CurrentAttempt, p.obs.startProblem
	if cur.StartTime != nil || job.Status.StartTime == nil {
		return false
	}
	waited := p.now.Sub(job.Status.StartTime.Time)
	startLimit := time.Duration(p.tmpl.TimeLimits.StartSeconds) * time.Second
	if prob != nil && prob.Permanent && waited >= p.policy.ConfigErrorGrace {
		p.endAttempt(attemptOutcome{reason: tasksv1.ReasonPodConfigurationError,
			message: fmt.Sprintf("attempt %d's pod could not start for %s: %s", cur.Number, waited.Round(time.Second), prob)}, p.now)
		return true
	}
	if waited >= startLimit {
		message := fmt.Sprintf("attempt %d's runner did not start within timeLimits.startSeconds (%s)", cur.Number, startLimit)
		if prob != nil {
			message += ": " + prob.String()
		}
		p.endAttempt(attemptOutcome{reason: tasksv1.ReasonStartTimeLimitExceeded, retryable: true, message: message}, p.now)
		return true
	}
	next := startLimit - waited
	if prob != nil && prob.Permanent {
		next = min(next, p.policy.ConfigErrorGrace-waited)
	}
	if len(jobs.OfJob(p.obs.pods, job)) == 0 && p.policy.RecheckInterval > 0 {
		next = min(next, p.policy.RecheckInterval)
	}
	p.requeue(next)
	return false
}

// endAttempt records how the current attempt ended, at time at, and moves the task on.
func (p *planner) endAttempt(o attemptOutcome, at time.Time) {
	cur := p.st.CurrentAttempt
	cur.FinishTime = ptr.To(metav1.NewTime(at))
	cur.Reason, cur.Message = o.reason, truncate(o.message)
	if cur.StartTime == nil && o.startedAt != nil {
		cur.StartTime = o.startedAt
	}
	setCondition(p.st, p.now, tasksv1.ConditionRunning, false, o.reason, "")
	switch {
	case o.succeeded:
		p.st.Result = o.result
		p.finish(tasksv1.TaskSucceeded, o.reason, o.message, at)
	case !o.retryable:
		p.st.Result = o.result
		p.finish(tasksv1.TaskFailed, o.reason, o.message, at)
	default:
		p.afterAttempt()
	}
}

// afterAttempt moves on from an attempt that ended with a retryable failure: fail when the retries are
// used up, else wait for the backoff and start the next attempt.
func (p *planner) afterAttempt() {
	cur := p.st.CurrentAttempt
	if !retryableEnds[cur.Reason] {
		// Only a status written by hand gets here: a finished attempt whose end is final or a success
		// always finishes the task in the same write.
		p.finish(tasksv1.TaskFailed, cur.Reason, cur.Message, cur.FinishTime.Time)
		return
	}
	// The schema defaults maxRetries; an object that bypassed defaulting gets no retry rather than a guess.
	if cur.Number > ptr.Deref(p.tmpl.Retry.MaxRetries, 0) {
		message := fmt.Sprintf("%d attempts failed; the last: %s", cur.Number, cur.Message)
		if cur.Number == 1 {
			message = "the only attempt (spec.retry.maxRetries is 0) failed: " + cur.Message
		}
		p.finish(tasksv1.TaskFailed, tasksv1.ReasonBackoffLimitExceeded, message, cur.FinishTime.Time)
		return
	}
	if p.suspended {
		setPhase(p.st, tasksv1.TaskCancelled, tasksv1.ReasonSuspended,
			fmt.Sprintf("attempt %d failed (%s); spec.suspend is true: no retry until it is false", cur.Number, cur.Message))
		setCondition(p.st, p.now, tasksv1.ConditionRunning, false, tasksv1.ReasonSuspended, "")
		return
	}
	if p.st.NextRetryTime == nil {
		p.st.NextRetryTime = ptr.To(metav1.NewTime(cur.FinishTime.Add(retryDelay(p.tmpl.Retry, cur.Number))))
	}
	if wait := p.st.NextRetryTime.Sub(p.now); wait > 0 {
		setPhase(p.st, tasksv1.TaskPending, tasksv1.ReasonRetryScheduled,
			fmt.Sprintf("attempt %d failed: %s; attempt %d starts at %s", cur.Number, cur.Message,
				cur.Number+1, p.st.NextRetryTime.UTC().Format(time.RFC3339)))
		setCondition(p.st, p.now, tasksv1.ConditionRunning, false, tasksv1.ReasonRetryScheduled, "")
		p.requeue(wait)
		return
	}
	p.nextAttempt()
}

// finish ends the task: Succeeded or Failed, for good.
func (p *planner) finish(phase tasksv1.TaskPhase, reason, message string, at time.Time) {
	p.st.CompletionTime = ptr.To(metav1.NewTime(at))
	p.st.NextRetryTime = nil
	setPhase(p.st, phase, reason, message)
	condType := tasksv1.ConditionSucceeded
	if phase == tasksv1.TaskFailed {
		condType = tasksv1.ConditionFailed
	}
	setCondition(p.st, p.now, condType, true, reason, message)
	p.plan.deleteTask, p.plan.requeueAfter = ttlExpiry(p.tmpl, *p.st, p.now)
}

// stopOutlivingJob stops the Job of an attempt whose end is recorded while the Job still runs (the
// operator ended it: its pod never started). Deleting it removes the pod, which the next attempt waits for.
func (p *planner) stopOutlivingJob() {
	cur, job := p.task.GetTaskStatus().CurrentAttempt, p.obs.job
	if cur != nil && cur.FinishTime != nil && job != nil && job.UID == cur.JobUID && jobs.Finished(job) == nil &&
		job.DeletionTimestamp.IsZero() {
		p.plan.stopJob = job
	}
}

func (p *planner) requeue(after time.Duration) {
	if after <= 0 {
		after = time.Second
	}
	if p.plan.requeueAfter == 0 || after < p.plan.requeueAfter {
		p.plan.requeueAfter = after
	}
}

func anyRunning(pods []corev1.Pod) bool {
	for i := range pods {
		if jobs.Running(&pods[i]) {
			return true
		}
	}
	return false
}

// maxAttemptMessage bounds an attempt's message in status (the schema allows 4096 bytes).
const maxAttemptMessage = 1024

func truncate(s string) string { return jobs.Truncate(s, maxAttemptMessage) }

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
