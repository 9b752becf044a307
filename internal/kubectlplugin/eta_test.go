package kubectlplugin

import (
	"testing"
	"time"
)

func TestETAEstimate(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	type obs struct {
		percent int32
		at      time.Time
	}
	tests := []struct {
		name     string
		observed []obs
		reset    bool // Reset after observed, then observe after
		after    []obs
		want     time.Duration
		wantOK   bool
	}{
		{name: "no report yet", wantOK: false},
		{name: "one report has no rate", observed: []obs{{10, at(0)}}, wantOK: false},
		{name: "steady 1% per second", observed: []obs{{10, at(0)}, {20, at(10)}}, want: 80 * time.Second, wantOK: true},
		{name: "rate over the window, not the last step",
			observed: []obs{{10, at(0)}, {20, at(2)}, {30, at(20)}}, want: 70 * 20 * time.Second / 20, wantOK: true},
		{name: "report without updateTime is ignored", observed: []obs{{10, at(0)}, {50, time.Time{}}, {20, at(10)}},
			want: 80 * time.Second, wantOK: true},
		{name: "same report delivered twice counts once", observed: []obs{{10, at(0)}, {20, at(10)}, {20, at(10)}},
			want: 80 * time.Second, wantOK: true},
		{name: "older report delivered late is ignored", observed: []obs{{10, at(0)}, {20, at(10)}, {15, at(5)}},
			want: 80 * time.Second, wantOK: true},
		{name: "no percent gained: messages only", observed: []obs{{40, at(0)}, {40, at(5)}, {40, at(9)}}, wantOK: false},
		{name: "percent falls: a new run starts over", observed: []obs{{10, at(0)}, {60, at(10)}, {5, at(12)}},
			wantOK: false},
		{name: "new run gets its own rate", observed: []obs{{10, at(0)}, {60, at(10)}, {5, at(12)}, {10, at(22)}},
			want: 180 * time.Second, wantOK: true},
		{name: "100% means nothing left", observed: []obs{{100, at(0)}}, want: 0, wantOK: true},
		{name: "reset drops the history", observed: []obs{{10, at(0)}, {20, at(10)}}, reset: true,
			after: []obs{{30, at(20)}}, wantOK: false},
		{name: "reset then two reports", observed: []obs{{10, at(0)}, {20, at(10)}}, reset: true,
			after: []obs{{30, at(20)}, {40, at(30)}}, want: 60 * time.Second, wantOK: true},
		{name: "rounded to whole seconds", observed: []obs{{0, at(0)}, {30, at(10)}}, want: 23 * time.Second, wantOK: true},
		{name: "reports spanning less than etaMinSpan give no estimate yet",
			observed: []obs{{0, at(0)}, {12, at(1)}, {14, at(5)}}, wantOK: false},
		{name: "same second, further along: the later report wins", observed: []obs{{10, at(0)}, {98, at(20)}, {100, at(20)}},
			want: 0, wantOK: true},
		{name: "same second, not further along: ignored", observed: []obs{{10, at(0)}, {60, at(20)}, {50, at(20)}},
			want: 16 * time.Second, wantOK: true},
		{name: "window forgets the slow start",
			observed: []obs{{0, at(0)}, {1, at(100)}, {2, at(102)}, {3, at(104)}, {4, at(106)}, {5, at(108)}, {6, at(110)},
				{7, at(112)}, {8, at(114)}},
			want: 184 * time.Second, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e etaEstimator
			for _, o := range tt.observed {
				e.Observe(o.percent, o.at)
			}
			if tt.reset {
				e.Reset()
			}
			for _, o := range tt.after {
				e.Observe(o.percent, o.at)
			}
			got, ok := e.Estimate()
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("Estimate() = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestTaskViewLeftAtCountsDown(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	v := taskView{Left: 90 * time.Second, LeftKnown: true, EstimatedAt: t0}
	tests := []struct {
		now  time.Time
		want time.Duration
	}{
		{t0, 90 * time.Second},
		{t0.Add(30 * time.Second), 60 * time.Second},
		{t0.Add(5 * time.Minute), 0}, // overdue: never negative
	}
	for _, tt := range tests {
		if got, ok := v.LeftAt(tt.now); !ok || got != tt.want {
			t.Errorf("LeftAt(+%v) = %v, %v; want %v", tt.now.Sub(t0), got, ok, tt.want)
		}
	}
	if _, ok := (taskView{}).LeftAt(t0); ok {
		t.Error("a view without an estimate reported one")
	}
}
