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
