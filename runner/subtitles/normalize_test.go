package subtitles

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNormalize(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	tests := []struct {
		name     string
		in, want []Cue
	}{
		{"sorted and indexed",
			[]Cue{{0, ms(3000), ms(4000), "b"}, {0, ms(1000), ms(2000), "a"}},
			[]Cue{{0, ms(1000), ms(2000), "a"}, {1, ms(3000), ms(4000), "b"}}},
		{"identical duplicates merged",
			[]Cue{{0, ms(1000), ms(2000), "a"}, {0, ms(3000), ms(4000), "b"}, {0, ms(1000), ms(2000), "a"}},
			[]Cue{{0, ms(1000), ms(2000), "a"}, {1, ms(3000), ms(4000), "b"}}},
		{"overlap clipped when at least 200ms remain",
			[]Cue{{0, ms(1000), ms(3000), "a"}, {0, ms(1200), ms(4000), "b"}},
			[]Cue{{0, ms(1000), ms(1200), "a"}, {1, ms(1200), ms(4000), "b"}}},
		{"overlap merged when clipping leaves under 200ms",
			[]Cue{{0, ms(1000), ms(3000), "a"}, {0, ms(1199), ms(4000), "b"}},
			[]Cue{{0, ms(1000), ms(4000), "a b"}}},
		{"same start merged, longer end kept",
			[]Cue{{0, ms(1000), ms(5000), "top"}, {0, ms(1000), ms(2000), "bottom"}},
			[]Cue{{0, ms(1000), ms(5000), "bottom top"}}},
		{"near-duplicate with the same text keeps one text",
			[]Cue{{0, ms(1000), ms(2000), "a"}, {0, ms(1050), ms(2100), "a"}},
			[]Cue{{0, ms(1000), ms(2100), "a"}}},
		{"merged cue goes on absorbing",
			[]Cue{{0, ms(1000), ms(2000), "a"}, {0, ms(1100), ms(2500), "b"}, {0, ms(1150), ms(1800), "c"}},
			[]Cue{{0, ms(1000), ms(2500), "a b c"}}},
		{"touching cues untouched",
			[]Cue{{0, ms(1000), ms(2000), "a"}, {0, ms(2000), ms(3000), "b"}},
			[]Cue{{0, ms(1000), ms(2000), "a"}, {1, ms(2000), ms(3000), "b"}}},
		{"zero and negative durations dropped",
			[]Cue{{0, ms(1000), ms(1000), "zero"}, {0, ms(2000), ms(1500), "backwards"}, {0, ms(3000), ms(4000), "ok"}},
			[]Cue{{0, ms(3000), ms(4000), "ok"}}},
		{"long cue clipped by the first it overlaps",
			[]Cue{{0, ms(0), ms(10000), "sign"}, {0, ms(1000), ms(2000), "a"}, {0, ms(3000), ms(4000), "b"}},
			[]Cue{{0, ms(0), ms(1000), "sign"}, {1, ms(1000), ms(2000), "a"}, {2, ms(3000), ms(4000), "b"}}},
		{"nothing in, nothing out", nil, []Cue{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, normalize(tt.in)); diff != "" {
				t.Errorf("normalize (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNormalizeMergeKeepsEachTextOnce(t *testing.T) {
	in := []Cue{
		{0, 1000 * time.Millisecond, 2000 * time.Millisecond, "a"},
		{0, 1000 * time.Millisecond, 2500 * time.Millisecond, "b"},
		{0, 1050 * time.Millisecond, 2100 * time.Millisecond, "a"},
	}
	want := []Cue{{0, 1000 * time.Millisecond, 2500 * time.Millisecond, "a b"}}
	if diff := cmp.Diff(want, normalize(in)); diff != "" {
		t.Errorf("normalize (-want +got):\n%s", diff)
	}
}
