package kubectlplugin

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"k8s.io/utils/ptr"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// taskView is what a renderer draws for one task: its latest snapshot and the time-left estimate as of
// EstimatedAt, the watcher's clock when it observed the change (so a bar can count down between reports).
type taskView struct {
	snapshot
	// Left is the estimated time left of the current attempt; valid only when LeftKnown.
	Left        time.Duration
	LeftKnown   bool
	EstimatedAt time.Time
	// FirstSeen is when the watcher first saw the task.
	FirstSeen time.Time
	// rawProgressTime is the task's progress.updateTime even when the view hides that progress as stale.
	rawProgressTime time.Time
}

// LeftAt is the estimate counted down to now, never below zero.
func (v taskView) LeftAt(now time.Time) (time.Duration, bool) {
	if !v.LeftKnown {
		return 0, false
	}
	return max(v.Left-now.Sub(v.EstimatedAt), 0), true
}

// trackedTask is the tracker's state of one task.
type trackedTask struct {
	view taskView
	eta  etaEstimator
	// staleProgress is the progress.updateTime the previous attempt left behind. status.progress does not
	// say which attempt wrote it, so after a new attempt starts, progress with this timestamp is the old
	// attempt's and is not shown until the new runner writes its own.
	staleProgress time.Time
}

// tracker follows the tasks a watch is about: it decides which tasks belong to the watch, feeds the ETA
// estimators, and tells which reports change what a user sees. It is driven by one goroutine.
type tracker struct {
	// onlyUnfinished skips tasks that are already finished the first time they are seen: watching a
	// namespace shows the work in flight, not the history.
	onlyUnfinished bool
	tasks          map[taskKey]*trackedTask
}

func newTracker(onlyUnfinished bool) *tracker {
	return &tracker{onlyUnfinished: onlyUnfinished, tasks: map[taskKey]*trackedTask{}}
}

// observe takes a task's new snapshot seen at now. It returns the task's view and whether it is one a user
// should see: a tracked task whose phase, attempt, progress or message changed. Reports that change only
// status.progress.updateTime (or fields the plugin does not show) update the estimate but are not shown.
func (t *tracker) observe(s snapshot, now time.Time) (taskView, bool) {
	tt, ok := t.tasks[s.Key]
	if !ok {
		if s.Deleted || (t.onlyUnfinished && s.finished()) {
			return taskView{}, false
		}
		tt = &trackedTask{view: taskView{FirstSeen: now}}
		t.tasks[s.Key] = tt
	} else if tt.view.finished() {
		// A finished task does not come back; a late duplicate event must not re-open it.
		return tt.view, false
	}

	prev := tt.view.snapshot
	if s.Deleted {
		// A delete event carries the last state the server had; keep what was shown and mark it gone.
		s = prev
		s.Deleted = true
	}
	if ok && (s.Attempts != prev.Attempts || s.JobName != prev.JobName) {
		tt.eta.Reset()
		tt.staleProgress = tt.view.rawProgressTime
	}
	rawProgressTime := s.progressTime()
	if !tt.staleProgress.IsZero() && rawProgressTime.Equal(tt.staleProgress) {
		s.Progress = tasksv1alpha1.TaskProgress{}
	}
	if !s.Deleted {
		tt.eta.Observe(ptr.Deref(s.Progress.Percent, 0), s.progressTime())
	}
	left, known := tt.eta.Estimate()
	if s.Phase != tasksv1alpha1.TaskRunning {
		// Only a running attempt moves toward completion; queued, waiting or finished tasks have no ETA.
		known = false
	}
	tt.view.snapshot = s
	tt.view.rawProgressTime = rawProgressTime
	tt.view.Left, tt.view.LeftKnown, tt.view.EstimatedAt = left, known, now
	return tt.view, !ok || visibleChange(prev, s)
}

// visibleChange reports whether anything a user sees differs between two snapshots of the same task:
// what a line or a bar shows, except the ETA (which changes with every report) and the clock.
func visibleChange(a, b snapshot) bool { return shownState(a) != shownState(b) }

// shownState is what a user sees of a snapshot, as one comparable string.
func shownState(s snapshot) string {
	return strings.Join([]string{phaseLabel(s), percentStage(s), attemptLabel(s), s.Reason, s.Message,
		detailLabel(s), s.NextRetryTime.String(), strconv.FormatBool(s.Deleted)}, "\x00")
}

// count returns how many tasks are tracked and how many of them are finished.
func (t *tracker) count() (tracked, finished int) {
	for _, tt := range t.tasks {
		tracked++
		if tt.view.finished() {
			finished++
		}
	}
	return tracked, finished
}

// views returns every tracked task in a stable order (namespace, name, kind), for the summary.
func (t *tracker) views() []taskView {
	out := make([]taskView, 0, len(t.tasks))
	for _, tt := range t.tasks {
		out = append(out, tt.view)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Key, out[j].Key
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Kind < b.Kind
	})
	return out
}
