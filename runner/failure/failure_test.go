package failure

import (
	"context"
	"errors"
	"fmt"
	"testing"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

func TestExitCodeAndReason(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		reason Reason
		code   int
	}{
		{"nil", nil, Internal, runnerv1.ExitOK},
		{"plain error is retryable", errors.New("disk full"), Internal, runnerv1.ExitRetryable},
		{"invalid input", Invalid("%s is not a media file", "a.txt"), InvalidInput, runnerv1.ExitInvalidInput},
		{"wrapped invalid input keeps its reason", fmt.Errorf("probe: %w", Invalid("bad")), InvalidInput, runnerv1.ExitInvalidInput},
		{"soft limit", Wrap(SoftTimeLimitExceeded, context.DeadlineExceeded), SoftTimeLimitExceeded, runnerv1.ExitSoftTimeLimit},
		{"hard limit", Wrap(HardTimeLimitExceeded, context.DeadlineExceeded), HardTimeLimitExceeded, runnerv1.ExitHardTimeLimit},
		{"terminated exits as a disruption the Job replaces", Wrap(Terminated, context.Canceled), Terminated, runnerv1.ExitTerminated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err != nil {
				if got := ReasonOf(tc.err); got != tc.reason {
					t.Errorf("ReasonOf = %s, want %s", got, tc.reason)
				}
			}
			if got := ExitCode(tc.err); got != tc.code {
				t.Errorf("ExitCode = %d, want %d", got, tc.code)
			}
		})
	}
}

func TestWrapKeepsChainAndNil(t *testing.T) {
	if Wrap(Internal, nil) != nil {
		t.Fatal("Wrap(nil) must stay nil")
	}
	err := Wrap(Terminated, context.Canceled)
	if !errors.Is(err, context.Canceled) {
		t.Fatal("Wrap must keep the wrapped error reachable with errors.Is")
	}
	if err.Error() != context.Canceled.Error() {
		t.Fatalf("message changed: %q", err.Error())
	}
	if IsInvalid(err) || !IsInvalid(Invalid("x")) || IsInvalid(nil) {
		t.Fatal("IsInvalid misclassifies")
	}
}
