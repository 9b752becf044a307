package kubectlplugin

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/utils/ptr"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// taskLabel names a task the way every line of watch output starts: "videotask default/sintel".
func taskLabel(k taskKey) string {
	return strings.ToLower(k.Kind) + " " + k.Namespace + "/" + k.Name
}

// phaseLabel is the task's phase; "New" before the operator wrote any status.
func phaseLabel(s snapshot) string { return phaseName(s.Phase) }

// phaseName is the phase, or "New" when it is empty.
func phaseName(p tasksv1alpha1.TaskPhase) string {
	if p == "" {
		return "New"
	}
	return string(p)
}

// attemptLabel is "attempt 2/4": the attempt that runs (or ran last) out of the most the retry policy allows.
func attemptLabel(s snapshot) string {
	if s.Attempts == 0 {
		return ""
	}
	return fmt.Sprintf("attempt %d/%d", s.Attempts, s.MaxRetries+1)
}

// humanDuration prints a duration like kubectl's AGE column ("45s", "3m12s", "2h5m"); under a second is
// "0s" so an estimate that ran out does not print negative or fractional time.
func humanDuration(d time.Duration) string {
	if d < time.Second {
		return "0s"
	}
	return duration.HumanDuration(d)
}

// showsProgress reports whether the task's progress describes its current state: while it runs, and where
// it stopped when it finished. A task waiting for an attempt still carries the last attempt's progress.
func showsProgress(s snapshot) bool {
	if s.Progress.UpdateTime == nil && s.Progress.Percent == nil {
		return false
	}
	switch s.Phase {
	case tasksv1alpha1.TaskRunning, tasksv1alpha1.TaskSucceeded, tasksv1alpha1.TaskFailed:
		return true
	}
	return false
}

// percentStage is "42% clips", or "" when the progress is not shown.
func percentStage(s snapshot) string {
	if !showsProgress(s) {
		return ""
	}
	return joinNonEmpty(" ", fmt.Sprintf("%d%%", ptr.Deref(s.Progress.Percent, 0)), s.Progress.Stage)
}

// etaLabel is "eta 1m20s", or "" when there is no estimate.
func etaLabel(v taskView, now time.Time) string {
	left, ok := v.LeftAt(now)
	if !ok {
		return ""
	}
	return "eta " + humanDuration(left)
}

// waitLabel explains a task that is not running: when a retry starts, or why it waits.
func waitLabel(s snapshot, now time.Time) string {
	switch {
	case s.Deleted:
		return "deleted"
	case s.Phase == tasksv1alpha1.TaskPending && !s.NextRetryTime.IsZero():
		return "retry in " + humanDuration(s.NextRetryTime.Sub(now))
	case (s.Phase == tasksv1alpha1.TaskQueued || s.Phase == tasksv1alpha1.TaskPending ||
		s.Phase == tasksv1alpha1.TaskCancelled) && s.Reason != "":
		return s.Reason
	}
	return ""
}

// detailLabel is the free text after a line's fields: the runner's message while it runs, the task's
// reason and message when it failed or waits.
func detailLabel(s snapshot) string {
	switch {
	case s.Phase == tasksv1alpha1.TaskFailed:
		return joinNonEmpty(": ", s.Reason, s.Message)
	case s.Phase == tasksv1alpha1.TaskRunning:
		return s.Progress.Message
	case s.Phase == tasksv1alpha1.TaskSucceeded:
		return "" // the summary says what it produced
	default:
		return s.Message
	}
}

// outputsLabel prints result.outputs as "clips 5, slides 5, videos 5" in a stable order, leaving out kinds
// with no files (shorts when they were not asked for).
func outputsLabel(outputs []tasksv1alpha1.OutputCount) string {
	parts := make([]string, 0, len(outputs))
	for _, o := range outputs {
		if o.Count > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ToLower(string(o.Kind)), o.Count))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// joinNonEmpty joins the parts that are not empty.
func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// oneLine keeps a message on one line and at most max runes, so a long ffmpeg error cannot break a bar.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
