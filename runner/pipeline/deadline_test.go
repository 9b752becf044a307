package pipeline

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

func TestDeadlineClassifies(t *testing.T) {
	internal := errors.New("ffmpeg crashed")
	tests := []struct {
		name   string
		act    func(d *Deadline, cancelHard context.CancelFunc)
		err    error
		reason failure.Reason
		nilErr bool
	}{
		{"nothing happened", func(*Deadline, context.CancelFunc) {}, nil, "", true},
		{"plain error stays", func(*Deadline, context.CancelFunc) {}, internal, failure.Internal, false},
		{"soft limit", func(d *Deadline, _ context.CancelFunc) { d.Expire() }, nil, failure.SoftTimeLimitExceeded, false},
		{"signal", func(_ *Deadline, cancel context.CancelFunc) { cancel() }, nil, failure.Terminated, false},
		{"invalid input wins over the soft limit", func(d *Deadline, _ context.CancelFunc) { d.Expire() }, failure.Invalid("empty file"), failure.InvalidInput, false},
		{"signal wins over the soft limit", func(d *Deadline, cancel context.CancelFunc) { d.Expire(); cancel() }, internal, failure.Terminated, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hard, cancel := context.WithCancel(context.Background())
			defer cancel()
			d := NewDeadline(hard, time.Now(), 0)
			defer d.Stop()
			tt.act(d, cancel)
			err := d.classify(tt.err)
			if tt.nilErr {
				if err != nil {
					t.Fatalf("classify = %v, want nil", err)
				}
				return
			}
			if failure.ReasonOf(err) != tt.reason {
				t.Fatalf("classify = %v (%s), want reason %s", err, failure.ReasonOf(err), tt.reason)
			}
		})
	}
}

func TestDeadlineAlreadyPassedExpiresAtOnce(t *testing.T) {
	d := NewDeadline(context.Background(), time.Now().Add(-time.Hour), time.Minute)
	defer d.Stop()
	if !d.SoftExpired() || !d.Stopped() || d.Terminated() {
		t.Fatalf("expired=%v stopped=%v terminated=%v", d.SoftExpired(), d.Stopped(), d.Terminated())
	}
	if !errors.Is(context.Cause(d.Soft()), ErrSoftTimeLimit) {
		t.Fatalf("cause %v", context.Cause(d.Soft()))
	}
}

func TestDeadlineWithoutLimitNeverExpires(t *testing.T) {
	d := NewDeadline(context.Background(), time.Now().Add(-time.Hour), 0)
	defer d.Stop()
	if d.Stopped() || d.timer != nil {
		t.Fatal("a zero limit must not stop the run")
	}
}

func TestHardTimeLimitStopsTheRunAsItsOwnReason(t *testing.T) {
	// Already past: the hard context ends at once, with the hard limit as its cause.
	hard, cancel := WithHardTimeLimit(context.Background(), time.Now().Add(-time.Hour), time.Minute)
	defer cancel()
	d := NewDeadline(hard, time.Now(), time.Hour)
	defer d.Stop()
	if !d.Terminated() || !d.Stopped() {
		t.Fatalf("terminated=%v stopped=%v, want both", d.Terminated(), d.Stopped())
	}
	if err := d.classify(errors.New("ffmpeg: signal: killed")); failure.ReasonOf(err) != failure.HardTimeLimitExceeded {
		t.Fatalf("classify = %v (%s), want %s", err, failure.ReasonOf(err), failure.HardTimeLimitExceeded)
	}
	if got := failure.ExitCode(d.classify(nil)); got != 4 {
		t.Errorf("exit code %d, want 4", got)
	}

	// A signal is still a termination, not the hard limit.
	parent, stop := context.WithCancel(context.Background())
	hard, cancel2 := WithHardTimeLimit(parent, time.Now(), time.Hour)
	defer cancel2()
	stop()
	if err := NewDeadline(hard, time.Now(), 0).classify(nil); failure.ReasonOf(err) != failure.Terminated {
		t.Errorf("signal classified as %s, want %s", failure.ReasonOf(err), failure.Terminated)
	}

	// No limit: never ends by time.
	none, cancel3 := WithHardTimeLimit(context.Background(), time.Now().Add(-time.Hour), 0)
	defer cancel3()
	if none.Err() != nil {
		t.Error("a zero hard limit ended the run")
	}
}
