package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

// ErrSoftTimeLimit is the cancellation cause of the soft context when the soft time limit passes.
var ErrSoftTimeLimit = errors.New("soft time limit exceeded")

// ErrHardTimeLimit is the cancellation cause of the hard context when the hard time limit passes.
var ErrHardTimeLimit = errors.New("hard time limit exceeded")

// WithHardTimeLimit returns a copy of ctx that ends at start+limit with cause ErrHardTimeLimit (limit 0:
// never, by time). Deriving the hard context from it makes the hard limit stop the run like a signal does,
// but classified as HardTimeLimitExceeded: the runner, not only the Job's activeDeadlineSeconds, enforces
// the hard limit, from its own start, so time its pod spent unscheduled does not count.
func WithHardTimeLimit(ctx context.Context, start time.Time, limit time.Duration) (context.Context, context.CancelFunc) {
	if limit <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithDeadlineCause(ctx, start.Add(limit), fmt.Errorf("%w (limit %s)", ErrHardTimeLimit, limit))
}

// Deadline holds the two contexts of a run. Hard is cancelled by SIGTERM/SIGINT (the caller derives it
// from signal.NotifyContext) or the hard time limit (WithHardTimeLimit): everything stops at once. Soft is Hard plus the soft time limit: when it
// ends, no new expression starts and the running ffmpeg is stopped, but the run still writes what it
// finished, under Hard.
type Deadline struct {
	hard       context.Context
	soft       context.Context
	cancelSoft context.CancelCauseFunc
	timer      *time.Timer
	limit      time.Duration
}

// NewDeadline returns a Deadline whose soft context ends at start+limit (limit 0: never, by time). start
// is the process start, so time spent before the pipeline (downloads, say) counts against the limit.
func NewDeadline(hard context.Context, start time.Time, limit time.Duration) *Deadline {
	soft, cancel := context.WithCancelCause(hard)
	d := &Deadline{hard: hard, soft: soft, cancelSoft: cancel, limit: limit}
	if limit > 0 {
		left := time.Until(start.Add(limit))
		if left <= 0 {
			// Already past (a long download, a tiny limit): expire now rather than racing a timer.
			d.Expire()
		} else {
			d.timer = time.AfterFunc(left, d.Expire)
		}
	}
	return d
}

// Hard is cancelled only by termination signals.
func (d *Deadline) Hard() context.Context { return d.hard }

// Soft is cancelled by termination signals and by the soft time limit.
func (d *Deadline) Soft() context.Context { return d.soft }

// Expire ends the soft context now, as if the soft time limit had passed.
func (d *Deadline) Expire() {
	d.cancelSoft(fmt.Errorf("%w (limit %s)", ErrSoftTimeLimit, d.limit))
}

// Stop releases the timer. The contexts stay as they are.
func (d *Deadline) Stop() {
	if d.timer != nil {
		d.timer.Stop()
	}
}

// Terminated reports whether a termination signal arrived or the hard time limit passed.
func (d *Deadline) Terminated() bool { return d.hard.Err() != nil }

// SoftExpired reports whether the soft time limit passed (and no signal arrived).
func (d *Deadline) SoftExpired() bool {
	return !d.Terminated() && errors.Is(context.Cause(d.soft), ErrSoftTimeLimit)
}

// Stopped reports whether either context ended: the run must not start new work.
func (d *Deadline) Stopped() bool { return d.soft.Err() != nil }

// classify gives err the reason of whatever stopped the run: the hard limit or a signal, then invalid input (a retry
// would fail again, whatever else happened), then the soft limit, else err itself.
func (d *Deadline) classify(err error) error {
	switch {
	case d.Terminated():
		cause := context.Cause(d.hard)
		if errors.Is(cause, ErrHardTimeLimit) {
			return failure.Wrap(failure.HardTimeLimitExceeded, cause)
		}
		if err == nil {
			err = cause
		}
		return failure.Wrap(failure.Terminated, fmt.Errorf("terminated by signal: %w", err))
	case failure.IsInvalid(err):
		return err
	case d.SoftExpired():
		return failure.Wrap(failure.SoftTimeLimitExceeded, context.Cause(d.soft))
	}
	return err
}
