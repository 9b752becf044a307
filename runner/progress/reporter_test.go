package progress

import (
	"errors"
	"testing"
	"time"
)

// recordingSink keeps every snapshot; it stands in for nothing external, it is the observation point.
type recordingSink struct {
	snaps  []Snapshot
	closed int
}

func (r *recordingSink) Update(s Snapshot) { r.snaps = append(r.snaps, s) }
func (r *recordingSink) Close()            { r.closed++ }

func TestTrackerOverallProgress(t *testing.T) {
	plan := Plan{{"probe", 1}, {"clips", 6}, {"videos", 3}}
	type call struct {
		stage   string // non-empty: Stage(stage, total)
		total   int
		step    int
		message string
	}
	tests := []struct {
		name    string
		calls   []call
		current int
		percent int
	}{
		{"start of first stage", []call{{stage: "probe", total: 1}}, 0, 0},
		{"first stage done", []call{{stage: "probe", total: 1}, {step: 1}}, 100, 10},
		{"half of a weighted stage", []call{{stage: "probe", total: 1}, {step: 1}, {stage: "clips", total: 4}, {step: 2}}, 400, 40},
		{"next stage starts where the previous ended", []call{{stage: "clips", total: 4}, {step: 4}, {stage: "videos", total: 0}}, 700, 70},
		{"unknown total keeps the stage start", []call{{stage: "videos", total: 0}, {step: 5}}, 700, 70},
		{"step beyond total is clamped", []call{{stage: "videos", total: 2}, {step: 9}}, 1000, 100},
		{"unplanned stage keeps the position", []call{{stage: "clips", total: 2}, {step: 1}, {stage: "extra", total: 3}, {step: 3}}, 400, 40},
		{"stage out of order never goes backwards", []call{{stage: "videos", total: 1}, {step: 1}, {stage: "probe", total: 1}}, 1000, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &recordingSink{}
			tr := NewTracker(plan, sink, nil)
			for _, c := range tt.calls {
				if c.stage != "" {
					tr.Stage(c.stage, c.total)
				} else {
					tr.Step(c.step, c.message)
				}
			}
			last := sink.snaps[len(sink.snaps)-1]
			if last.Current != tt.current || last.Percent != tt.percent || last.Total != OverallTotal {
				t.Fatalf("got current=%d percent=%d total=%d, want %d %d %d", last.Current, last.Percent, last.Total, tt.current, tt.percent, OverallTotal)
			}
			for i := 1; i < len(sink.snaps); i++ {
				if sink.snaps[i].Current < sink.snaps[i-1].Current {
					t.Fatalf("progress went backwards: %d then %d", sink.snaps[i-1].Current, sink.snaps[i].Current)
				}
			}
		})
	}
}

func TestTrackerDoneIsFinalAndOnce(t *testing.T) {
	sink := &recordingSink{}
	clock := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tr := NewTracker(Plan{{"a", 1}, {"b", 1}}, sink, func() time.Time { clock = clock.Add(time.Second); return clock })
	tr.Stage("a", 2)
	tr.Step(1, "one")
	tr.Done(nil)
	tr.Done(nil)
	tr.Step(2, "after done")
	if sink.closed != 1 {
		t.Fatalf("sink closed %d times, want 1", sink.closed)
	}
	last := sink.snaps[len(sink.snaps)-1]
	if !last.Done || last.Percent != 100 || last.Stage != "done" || len(sink.snaps) != 3 {
		t.Fatalf("final snapshot %+v after %d snapshots", last, len(sink.snaps))
	}
	if got := sink.snaps[1]; got.Message != "one" || got.StageCurrent != 1 || got.StageTotal != 2 || got.Elapsed != 2*time.Second {
		t.Fatalf("step snapshot %+v", got)
	}
}

func TestTrackerDoneWithErrorKeepsPosition(t *testing.T) {
	sink := &recordingSink{}
	tr := NewTracker(Plan{{"clips", 1}, {"videos", 1}}, sink, nil)
	tr.Stage("clips", 4)
	tr.Step(2, "cut clip 2 of 4")
	before := sink.snaps[len(sink.snaps)-1]
	tr.Done(errors.New("ffmpeg: exit status 1"))
	last := sink.snaps[len(sink.snaps)-1]
	if !last.Done || last.Stage != "clips" || last.Percent != before.Percent || last.Percent == 100 {
		t.Fatalf("a failed run must keep its stage and percent: before %+v, final %+v", before, last)
	}
	if last.Message != "stopped: ffmpeg: exit status 1" || sink.closed != 1 {
		t.Fatalf("final message %q, closed %d", last.Message, sink.closed)
	}
}

func TestMultiForwardsToEverySink(t *testing.T) {
	a, b := &recordingSink{}, &recordingSink{}
	tr := NewTracker(Plan{{"x", 1}}, Multi(a, b), nil)
	tr.Stage("x", 1)
	tr.Step(1, "m")
	tr.Done(nil)
	if len(a.snaps) != 3 || len(b.snaps) != 3 || a.closed != 1 || b.closed != 1 {
		t.Fatalf("a=%d/%d b=%d/%d", len(a.snaps), a.closed, len(b.snaps), b.closed)
	}
}
