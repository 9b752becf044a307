package kubectlplugin

import (
	"fmt"
	"io"
	"strings"
	"time"

	"k8s.io/utils/ptr"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// summaryMessageWidth bounds a failure message in the summary; the full text is in `kubectl describe`.
const summaryMessageWidth = 300

// writeSummary prints what became of each watched task: phase, reason, how long it took, attempts, and
// for results the expressions, output counts and where the files are.
//
//	videotask default/sintel: Succeeded in 3m12s after 1 attempt
//	  expressions  5
//	  outputs      clips 5, slides 5, videos 5
//	  manifest     default/sintel/manifest.json on pvc/langflix-media
func writeSummary(out io.Writer, views []taskView, now time.Time) {
	for _, v := range views {
		fmt.Fprintln(out, summaryHeadline(v.snapshot, now))
		for _, row := range summaryRows(v.snapshot) {
			fmt.Fprintf(out, "  %-12s %s\n", row[0], row[1])
		}
	}
	if len(views) > 1 {
		fmt.Fprintln(out, tally(views))
	}
}

// summaryHeadline is "videotask default/x: Failed (BackoffLimitExceeded) in 7m12s after 4 attempts".
func summaryHeadline(s snapshot, now time.Time) string {
	state := phaseLabel(s)
	switch {
	case s.Deleted:
		state = "deleted while " + state
	case !s.finished():
		state = "still " + state
	}
	if s.Reason != "" && !s.Deleted && s.Phase != tasksv1alpha1.TaskSucceeded {
		state += " (" + s.Reason + ")"
	}
	if s.Phase == tasksv1alpha1.TaskSucceeded && s.Result != nil && s.Result.Completeness == tasksv1alpha1.ResultPartial {
		state += " with partial results (soft time limit)"
	}
	line := taskLabel(s.Key) + ": " + state
	if d, ok := runDuration(s, now); ok {
		line += " in " + humanDuration(d)
	}
	if s.Attempts > 0 {
		line += fmt.Sprintf(" after %d attempt%s", s.Attempts, plural(int(s.Attempts)))
	}
	return line
}

// summaryRows are the indented "name value" lines under a headline.
func summaryRows(s snapshot) [][2]string {
	var rows [][2]string
	if s.Phase == tasksv1alpha1.TaskFailed || s.Deleted || !s.finished() {
		if msg := oneLine(s.Message, summaryMessageWidth); msg != "" {
			rows = append(rows, [2]string{"message", msg})
		}
	}
	if r := s.Result; r != nil {
		if n := ptr.Deref(r.Expressions, 0); n > 0 {
			rows = append(rows, [2]string{"expressions", fmt.Sprint(n)})
		}
		if outputs := outputsLabel(r.Outputs); outputs != "" {
			rows = append(rows, [2]string{"outputs", outputs})
		}
		if r.Manifest != "" {
			rows = append(rows, [2]string{"manifest", where(r.Manifest, s.Storage)})
		}
	}
	if s.Phase == tasksv1alpha1.TaskSucceeded || (s.Result != nil && s.Result.Manifest != "") {
		rows = append(rows, [2]string{"output", where(s.Output, s.Storage)})
	}
	if s.JobName != "" && s.Phase == tasksv1alpha1.TaskFailed {
		rows = append(rows, [2]string{"logs", "kubectl langflix logs " + strings.ToLower(s.Key.Kind) + "/" + s.Key.Name + " -n " + s.Key.Namespace})
	}
	return rows
}

// where says where a path lives: URLs stand alone, relative paths are on the task's storage volume.
func where(path, storage string) string {
	if strings.Contains(path, "://") {
		return path
	}
	return path + " on " + storage
}

// runDuration is how long the task ran: from its first attempt's start (or its creation) to its
// completion, or to now while it is not finished.
func runDuration(s snapshot, now time.Time) (time.Duration, bool) {
	start := s.StartTime
	if start.IsZero() {
		start = s.Created
	}
	end := s.CompletionTime
	if end.IsZero() {
		end = now
	}
	if start.IsZero() || end.Before(start) {
		return 0, false
	}
	return end.Sub(start), true
}

// tallyOrder is the order of the states in the tally line.
var tallyOrder = []string{"Succeeded", "Failed", "deleted", "unfinished"}

// tally is the last line of a summary of several tasks: "3 tasks: 2 Succeeded, 1 Failed".
func tally(views []taskView) string {
	counts := map[string]int{}
	for _, v := range views {
		switch {
		case v.Deleted:
			counts["deleted"]++
		case !v.finished():
			counts["unfinished"]++
		default:
			counts[string(v.Phase)]++
		}
	}
	parts := make([]string, 0, len(tallyOrder))
	for _, s := range tallyOrder {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	return fmt.Sprintf("%d tasks: %s", len(views), strings.Join(parts, ", "))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
