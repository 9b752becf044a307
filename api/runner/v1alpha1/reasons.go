package runnerv1alpha1

import tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"

// Reason is the machine-readable outcome of a runner run. It travels to the operator in the termination
// message. The reasons the operator copies into a task's status.reason are the API's own constants.
type Reason string

const (
	// ReasonCompleted: the run finished and produced every requested output.
	ReasonCompleted Reason = tasksv1.ReasonCompleted
	// ReasonCacheHit: the run found the complete result of an identical earlier run (same input bytes, options
	// and storage) in the cache and linked its outputs into its output folder instead of doing the work. A
	// success: exit code ExitOK.
	ReasonCacheHit Reason = tasksv1.ReasonCacheHit
	// ReasonInvalidInput: the input can never succeed (not a media file, empty subtitles, bad flags, missing
	// font). Exit code ExitInvalidInput; the operator does not retry.
	ReasonInvalidInput Reason = tasksv1.ReasonInvalidInput
	// ReasonSoftTimeLimitExceeded: the soft time limit passed; the finished part of the results was kept.
	// Exit code ExitSoftTimeLimit; the operator does not retry.
	ReasonSoftTimeLimitExceeded Reason = tasksv1.ReasonSoftTimeLimitExceeded
	// ReasonHardTimeLimitExceeded: the hard time limit passed (counted from the runner's start) and the run
	// stopped at once. Exit code ExitHardTimeLimit; the operator does not retry.
	ReasonHardTimeLimitExceeded Reason = tasksv1.ReasonHardTimeLimitExceeded
	// ReasonTerminated: the runner got SIGTERM or SIGINT: its pod was deleted, evicted or preempted, its
	// node drained, its Job suspended or stopped at its deadline. Exit code ExitTerminated, on which the
	// Job replaces the pod without counting a failure (see DisruptionExitCodes).
	ReasonTerminated Reason = "Terminated"
	// ReasonInternal: any other failure; it may succeed on retry. Exit code ExitRetryable.
	ReasonInternal Reason = "Internal"
)

// Exit codes of the runner.
const (
	ExitOK            = 0
	ExitRetryable     = 1
	ExitInvalidInput  = 2
	ExitSoftTimeLimit = 3
	ExitHardTimeLimit = 4
	// ExitTerminated is 128+SIGTERM, what a shell reports for a process SIGTERM ended, so a runner that
	// SIGTERM killed before it could answer reads the same as one that stopped cleanly.
	ExitTerminated = 143
)

// FinalExitCodes end an attempt for good: the Job fails at once (its podFailurePolicy's FailJob rule) and
// the operator does not retry, since the same input would end the same way.
var FinalExitCodes = []int32{ExitInvalidInput, ExitSoftTimeLimit, ExitHardTimeLimit}

// DisruptionExitCodes are how a runner ends when its pod was taken away from it (ExitTerminated). The Job
// ignores such an end (its podFailurePolicy's Ignore rule) and starts the pod again, so a disruption costs
// no attempt; the Job's activeDeadlineSeconds bounds how long that can go on.
var DisruptionExitCodes = []int32{ExitTerminated}

// ExitCode is the exit code the runner ends with for a run with this reason.
func (r Reason) ExitCode() int {
	switch r {
	case ReasonCompleted, ReasonCacheHit:
		return ExitOK
	case ReasonInvalidInput:
		return ExitInvalidInput
	case ReasonSoftTimeLimitExceeded:
		return ExitSoftTimeLimit
	case ReasonHardTimeLimitExceeded:
		return ExitHardTimeLimit
	case ReasonTerminated:
		return ExitTerminated
	default:
		return ExitRetryable
	}
}

// ReasonForExitCode is the reason an exit code stands for, for a runner that left no termination message
// (killed before it could write one, or an image that is not a langflix runner).
func ReasonForExitCode(code int32) Reason {
	switch code {
	case ExitOK:
		return ReasonCompleted
	case ExitInvalidInput:
		return ReasonInvalidInput
	case ExitSoftTimeLimit:
		return ReasonSoftTimeLimitExceeded
	case ExitHardTimeLimit:
		return ReasonHardTimeLimitExceeded
	case ExitTerminated:
		return ReasonTerminated
	default:
		return ReasonInternal
	}
}
