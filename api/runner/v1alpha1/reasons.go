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
	// ReasonTerminated: the runner got SIGTERM or SIGINT (hard time limit, pod deletion). Exit code
	// ExitRetryable.
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
)

// ExitCode is the exit code the runner ends with for a run with this reason.
func (r Reason) ExitCode() int {
	switch r {
	case ReasonCompleted, ReasonCacheHit:
		return ExitOK
	case ReasonInvalidInput:
		return ExitInvalidInput
	case ReasonSoftTimeLimitExceeded:
		return ExitSoftTimeLimit
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
	default:
		return ReasonInternal
	}
}
