package conditions

import (
	"errors"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// StepError is a reconcile step that failed: Reason names the step for status (JobCreateFailed, ...), Err
// carries what went wrong in the API server's words.
type StepError struct {
	Reason string
	Err    error
	// Final is set when the step's failure ends the object's life: retrying the same request cannot
	// succeed and nothing the operator controls can change that (the API server rejected the object it
	// must create, or a foreign object holds its name). The object fails for good instead of being retried.
	Final bool
}

func (e *StepError) Error() string { return e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// Step attaches a step's reason to err; a nil err stays nil.
func Step(reason string, err error) error {
	if err == nil {
		return nil
	}
	return &StepError{Reason: reason, Err: err}
}

// FinalStep attaches a step's reason to err and marks it final (see StepError.Final); a nil err stays nil.
func FinalStep(reason string, err error) error {
	if err == nil {
		return nil
	}
	return &StepError{Reason: reason, Err: err, Final: true}
}

// IsFinal reports whether err's chain holds a final step failure.
func IsFinal(err error) bool {
	var se *StepError
	return errors.As(err, &se) && se.Final
}

// reasonReconcileFailed is the reason of an error no step claimed.
const reasonReconcileFailed = "ReconcileFailed"

// StepReason is the reason of the step that failed in err's chain.
func StepReason(err error) string {
	var se *StepError
	if errors.As(err, &se) {
		return se.Reason
	}
	return reasonReconcileFailed
}

// Permanent reports whether retrying the same request cannot help: the API server rejected it as invalid,
// and only a change by the user (spec, admission policy, quota object) can fix it.
func Permanent(err error) bool { return apierrors.IsInvalid(err) }

// maxMessage bounds a condition message taken from an error; the API allows 32768 bytes, a status that
// large helps nobody.
const maxMessage = 2048

// SetStepError records a failed step on top of the summary: Ready=False with the step's reason and the
// error's message, and Reconciling=True (the step is retried with backoff), or Stalled=True when the API
// server rejected the request as invalid.
func SetStepError(conds *[]metav1.Condition, generation int64, now time.Time, err error) {
	state := Reconciling
	if Permanent(err) {
		state = Stalled
	}
	SetSummary(conds, generation, now, state, StepReason(err), Message(err))
}

// Message is err's text as a condition or status message: bounded, cut on a character boundary.
func Message(err error) string {
	s := err.Error()
	if len(s) <= maxMessage {
		return s
	}
	n := maxMessage
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
