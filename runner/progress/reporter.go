// Package progress tells the operator and the person watching a terminal how far a runner task has come.
// Stages report local steps ("clip 3 of 5"); a Tracker folds them into one overall figure that spans every
// stage, so the percentage never goes backwards when a new stage starts, and hands that figure to sinks
// (a terminal, the task's Kubernetes status, or several at once).
package progress

import (
	"sync"
	"time"
	"unicode/utf8"
)

// Reporter is what pipeline stages call. Stage starts a named stage with total steps (0 when unknown),
// Step reports the stage-local step just finished, and Done marks the whole task finished and flushes every
// sink: with a nil error progress moves to 100 %, otherwise it stays where the run stopped so that a failed
// task does not read "100 % done". Implementations are safe for concurrent use.
type Reporter interface {
	Stage(name string, total int)
	Step(current int, message string)
	Done(err error)
}

// OverallTotal is the overall scale: Snapshot.Current runs from 0 to OverallTotal. Per-mille gives the
// Kubernetes status a precise, integer-only figure.
const OverallTotal = 1000

// Snapshot is the overall state handed to sinks.
type Snapshot struct {
	// Stage and Message describe what the task is doing now.
	Stage   string
	Message string
	// StageCurrent and StageTotal are the current stage's own counters (StageTotal 0 when unknown).
	StageCurrent, StageTotal int
	// Current and Total span all stages; Total is OverallTotal. Current never decreases.
	Current, Total int
	// Percent is Current as a whole percentage (0-100).
	Percent int
	// Elapsed is the time since the tracker was created; sinks derive an ETA from it.
	Elapsed time.Duration
	// Time is when the snapshot was taken.
	Time time.Time
	// Done is set on the final snapshot.
	Done bool
}

// Sink receives snapshots. Update must not block for long: it runs on the pipeline's goroutine. Close
// flushes anything pending and releases resources; it is called once, after the final Update.
type Sink interface {
	Update(Snapshot)
	Close()
}

// StageWeight is one entry of a Plan.
type StageWeight struct {
	Name   string
	Weight int
}

// Plan lists the stages a task runs, in order, with their share of the overall progress. Weights are
// relative; stages that are reported but not planned advance nothing (they keep the current position).
type Plan []StageWeight

// Tracker turns stage-local reports into overall snapshots. It implements Reporter.
type Tracker struct {
	now   func() time.Time
	sink  Sink
	start time.Time

	mu         sync.Mutex
	offsets    map[string]int // weight of the planned stages before each stage
	weights    map[string]int
	sum        int
	stage      string
	stageTotal int
	current    int // overall, 0..OverallTotal
	done       bool
}

// NewTracker returns a Tracker for plan that reports to sink. now may be nil (time.Now).
func NewTracker(plan Plan, sink Sink, now func() time.Time) *Tracker {
	if now == nil {
		now = time.Now
	}
	t := &Tracker{now: now, sink: sink, start: now(), offsets: map[string]int{}, weights: map[string]int{}}
	for _, s := range plan {
		if s.Weight <= 0 {
			continue
		}
		t.offsets[s.Name] = t.sum
		t.weights[s.Name] = s.Weight
		t.sum += s.Weight
	}
	return t
}

// Stage starts stage name with total steps.
func (t *Tracker) Stage(name string, total int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return
	}
	t.stage, t.stageTotal = name, max(total, 0)
	t.advance(t.position(0))
	t.emit(0, "")
}

// Step reports that current steps of the running stage are finished.
func (t *Tracker) Step(current int, message string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return
	}
	t.advance(t.position(current))
	t.emit(current, message)
}

// Done sends the final snapshot and closes the sink. On success progress moves to 100 % in stage "done";
// on failure it keeps its position and stage, and the message says why it stopped. Later calls do nothing.
func (t *Tracker) Done(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return
	}
	t.done = true
	if err != nil {
		t.emit(0, "stopped: "+truncateMessage(err.Error(), 200))
		t.sink.Close()
		return
	}
	t.current = OverallTotal
	t.stage = "done"
	t.emit(t.stageTotal, "finished")
	t.sink.Close()
}

// truncateMessage keeps progress messages short without splitting a UTF-8 character.
func truncateMessage(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// position is the overall position of step current of the running stage.
func (t *Tracker) position(current int) int {
	offset, planned := t.offsets[t.stage]
	if !planned || t.sum == 0 {
		return t.current
	}
	if t.stageTotal == 0 {
		return offset * OverallTotal / t.sum
	}
	// One division at the end: dividing the stage's weight by its steps first would round small weights
	// down to no progress at all.
	done := min(max(current, 0), t.stageTotal)
	return (offset*t.stageTotal + t.weights[t.stage]*done) * OverallTotal / (t.sum * t.stageTotal)
}

// advance keeps progress monotonic: a stage reported out of plan order never moves it backwards.
func (t *Tracker) advance(pos int) {
	t.current = min(max(t.current, pos), OverallTotal)
}

func (t *Tracker) emit(stageCurrent int, message string) {
	now := t.now()
	t.sink.Update(Snapshot{
		Stage:        t.stage,
		Message:      message,
		StageCurrent: stageCurrent,
		StageTotal:   t.stageTotal,
		Current:      t.current,
		Total:        OverallTotal,
		Percent:      t.current * 100 / OverallTotal,
		Elapsed:      now.Sub(t.start),
		Time:         now,
		Done:         t.done,
	})
}

// Nop returns a Reporter that reports nowhere (--progress none).
func Nop() Reporter { return nopReporter{} }

type nopReporter struct{}

func (nopReporter) Stage(string, int) {}
func (nopReporter) Step(int, string)  {}
func (nopReporter) Done(error)        {}
