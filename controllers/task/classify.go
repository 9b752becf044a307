package task

import (
	"fmt"
	"slices"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

// attemptOutcome is how one attempt ended.
type attemptOutcome struct {
	succeeded bool
	retryable bool
	reason    string
	message   string
	result    *tasksv1.TaskResult
	// startedAt is when the runner started, when the kubelet said so.
	startedAt *metav1.Time
}

// classifyAttempt reads a finished Job and its runner's exit, in agreement with the Job's podFailurePolicy
// (jobForTask): a final exit code (invalid input, soft or hard time limit) is final here too, and so is
// the Job's deadline, the hard limit's backstop; any other failure is retried. The runner's termination
// message is the first source; when its pod is gone, the exit code the Job controller quotes in its
// PodFailurePolicy condition stands in for it.
func classifyAttempt(job *batchv1.Job, cond *batchv1.JobCondition, term *jobs.Termination) attemptOutcome {
	var msg *runnerv1.TerminationMessage
	var startedAt *metav1.Time
	if term != nil {
		msg = term.Message
		if !term.StartedAt.IsZero() {
			startedAt = ptr.To(metav1.NewTime(term.StartedAt))
		}
	}
	result := resultFrom(msg)
	if cond.Type == batchv1.JobComplete {
		message := "completed"
		if result != nil {
			message = fmt.Sprintf("completed: %d expressions, manifest %s", ptr.Deref(result.Expressions, 0), result.Manifest)
		}
		if msg != nil && msg.Reason == runnerv1.ReasonCacheHit {
			return attemptOutcome{succeeded: true, reason: tasksv1.ReasonCacheHit, message: msg.Message, result: result, startedAt: startedAt}
		}
		return attemptOutcome{succeeded: true, reason: tasksv1.ReasonCompleted, message: message, result: result, startedAt: startedAt}
	}
	if cond.Reason == batchv1.JobReasonDeadlineExceeded {
		return attemptOutcome{reason: tasksv1.ReasonHardTimeLimitExceeded, result: result, startedAt: startedAt,
			message: fmt.Sprintf("the attempt's Job ran past its activeDeadlineSeconds (%ds: timeLimits.startSeconds + timeLimits.hardSeconds) and was stopped",
				ptr.Deref(job.Spec.ActiveDeadlineSeconds, 0))}
	}
	// The runner's reason and its exit code agree; should they not (a runner of another version), either
	// one saying the end is final makes it final, as the Job's FailJob rule does on the exit code.
	var said []runnerv1.Reason
	if msg != nil {
		said = append(said, msg.Reason)
	}
	if term != nil {
		said = append(said, runnerv1.ReasonForExitCode(term.ExitCode))
	} else if code, ok := jobs.ExitCodeFromCondition(cond); ok {
		said = append(said, runnerv1.ReasonForExitCode(code))
	}
	reason := runnerv1.ReasonInternal
	for _, final := range []runnerv1.Reason{runnerv1.ReasonInvalidInput, runnerv1.ReasonSoftTimeLimitExceeded, runnerv1.ReasonHardTimeLimitExceeded} {
		if slices.Contains(said, final) {
			reason = final
			break
		}
	}
	message := jobs.FailureMessage(cond, term)
	switch reason {
	case runnerv1.ReasonInvalidInput:
		return attemptOutcome{reason: tasksv1.ReasonInvalidInput, message: message, result: result, startedAt: startedAt}
	case runnerv1.ReasonSoftTimeLimitExceeded:
		if result != nil {
			result.Completeness = tasksv1.ResultPartial
		}
		return attemptOutcome{reason: tasksv1.ReasonSoftTimeLimitExceeded, message: message, result: result, startedAt: startedAt}
	case runnerv1.ReasonHardTimeLimitExceeded:
		return attemptOutcome{reason: tasksv1.ReasonHardTimeLimitExceeded, message: message, result: result, startedAt: startedAt}
	}
	return attemptOutcome{retryable: true, reason: tasksv1.ReasonAttemptFailed, message: message, startedAt: startedAt}
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
