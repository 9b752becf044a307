// Package failure classifies runner errors into the reasons the operator understands. The reason decides
// whether a task is retried, so every stage wraps its errors with one of these helpers instead of inventing
// its own exit codes.
package failure

import (
	"errors"
	"fmt"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

// Reason is the machine-readable cause of a runner failure: the runner contract's reason. It travels to the
// operator in the termination message and ends up in the task's status.reason.
type Reason = runnerv1.Reason

// The reasons, as the contract defines them.
const (
	// InvalidInput means the input can never succeed (not a media file, empty subtitles, bad flags,
	// missing font); the operator does not retry.
	InvalidInput = runnerv1.ReasonInvalidInput
	// SoftTimeLimitExceeded means the soft deadline passed; partial results were kept.
	SoftTimeLimitExceeded = runnerv1.ReasonSoftTimeLimitExceeded
	// HardTimeLimitExceeded means the hard deadline passed and the run stopped at once.
	HardTimeLimitExceeded = runnerv1.ReasonHardTimeLimitExceeded
	// Terminated means the runner got SIGTERM/SIGINT (its pod was deleted, evicted or its Job stopped).
	Terminated = runnerv1.ReasonTerminated
	// Internal is any other failure; it may succeed on retry.
	Internal = runnerv1.ReasonInternal
)

// Error is an error with a Reason.
type Error struct {
	Reason Reason
	Err    error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Invalid returns an InvalidInput error. Messages must say what was wrong and with which input.
func Invalid(format string, args ...any) error {
	return &Error{Reason: InvalidInput, Err: fmt.Errorf(format, args...)}
}

// Wrap attaches a reason to err; a nil err stays nil.
func Wrap(reason Reason, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Reason: reason, Err: err}
}

// ReasonOf returns the reason attached anywhere in err's chain, or Internal.
func ReasonOf(err error) Reason {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Reason
	}
	return Internal
}

// IsInvalid reports whether err is an InvalidInput error.
func IsInvalid(err error) bool { return err != nil && ReasonOf(err) == InvalidInput }

// ExitCode maps an error to the runner's exit code (the contract's exit codes).
func ExitCode(err error) int {
	if err == nil {
		return runnerv1.ExitOK
	}
	return ReasonOf(err).ExitCode()
}
