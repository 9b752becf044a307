package jobs

import (
	"fmt"
	"unicode/utf8"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// FailureMessage says why a finished Job failed: the runner's own words, then the kubelet's (a log tail),
// then the Job controller's.
func FailureMessage(cond *batchv1.JobCondition, term *Termination) string {
	switch {
	case term != nil && term.Message != nil && term.Message.Message != "":
		return term.Message.Message
	case term != nil && term.Raw != "":
		return Truncate(term.Raw, 512)
	case term != nil:
		return fmt.Sprintf("runner exited with code %d", term.ExitCode)
	case cond != nil && cond.Message != "":
		return cond.Message
	}
	return string(corev1.PodFailed)
}

// Truncate cuts s to at most n bytes without splitting a UTF-8 character, and marks the cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
