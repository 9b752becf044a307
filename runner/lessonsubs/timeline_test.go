package lessonsubs

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

type span struct{ first, end int }

func spans(events []Event) []span {
	var out []span
	for _, e := range events {
		out = append(out, span{e.First, e.End})
	}
	return out
}

func TestEventsPlaceLinesOnFrames(t *testing.T) {
	// A clip cut at 3.37 s, 100 frames (4 s) at 25 fps: frame k shows the source at 3.37 + 0.04k.
	clip := Timeline{Start: ms(3370), Frames: 100, FrameRate: 25}
	tests := []struct {
		name       string
		start, end time.Duration
		want       []span
	}{
		// 4.01 - 3.37 = 0.64 s: frame 16 exactly; 5.50 - 3.37 = 2.13 s: frames up to 53 (2.12 s).
		{"on and between frames", ms(4010), ms(5500), []span{{16, 54}}},
		// 0.641 s is after frame 16 (0.640 s): the first frame at or after it is 17.
		{"a millisecond after a frame", ms(4011), ms(5500), []span{{17, 54}}},
		{"a millisecond before a frame", ms(4009), ms(5509), []span{{16, 54}}},
		{"begins before the clip", ms(2000), ms(4000), []span{{0, 16}}},
		{"ends after the clip", ms(6500), ms(9000), []span{{79, 100}}},
		{"covers the clip", ms(0), ms(60000), []span{{0, 100}}},
		{"a short whole line stays", ms(4010), ms(4100), []span{{16, 19}}},
		{"a fragment cut by the start is dropped", ms(3000), ms(3700), nil},
		{"a fragment cut by the end is dropped", ms(7200), ms(9000), nil},
		{"before the clip", ms(1000), ms(3000), nil},
		{"after the clip", ms(7370), ms(8000), nil},
		{"no duration", ms(4000), ms(4000), nil},
		{"between two frames", ms(4011), ms(4039), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spans(Events([]Line{{Start: tt.start, End: tt.end, Text: "x"}}, clip))
			if !slices.Equal(got, tt.want) {
				t.Errorf("line %s-%s on frames %v, want %v", tt.start, tt.end, got, tt.want)
			}
		})
	}
}

func TestEventsRepeatWithTheClip(t *testing.T) {
	clip := Timeline{Start: ms(10000), Frames: 50, FrameRate: 25, Repeat: 3}
	lines := []Line{
		{Start: ms(11000), End: ms(13000), Text: "second"}, // frames 25-50, running past the end
		{Start: ms(10000), End: ms(10800), Text: "first"},  // frames 0-20
	}
	got := spans(Events(lines, clip))
	want := []span{{0, 20}, {25, 50}, {50, 70}, {75, 100}, {100, 120}, {125, 150}}
	if !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
}

func TestEventsOfAnEmptyTimeline(t *testing.T) {
	line := []Line{{Start: 0, End: time.Second, Text: "x"}}
	for _, tl := range []Timeline{{Frames: 0, FrameRate: 25}, {Frames: 10, FrameRate: 0}} {
		if got := Events(line, tl); got != nil {
			t.Errorf("Events on %+v = %v, want none", tl, got)
		}
	}
}

func TestBoundaryCentiseconds(t *testing.T) {
	tests := []struct {
		k, fps int
		want   int64
	}{
		{0, 25, 0},
		{1, 25, 2},     // 20 ms: between frame 0 (0 ms) and frame 1 (40 ms)
		{16, 25, 62},   // 620 ms: between 600 and 640 ms
		{100, 25, 398}, // 3.98 s
		{1, 30, 2},     // 16.7 ms rounds to 20 ms, still between 0 and 33.3 ms
		{3, 30, 8},     // 83.3 ms rounds to 80 ms, between 66.7 and 100 ms
		{1, 50, 1},     // 10 ms between 0 and 20 ms
	}
	for _, tt := range tests {
		if got := boundaryCentiseconds(tt.k, tt.fps); got != tt.want {
			t.Errorf("boundary before frame %d at %d fps = %d cs, want %d", tt.k, tt.fps, got, tt.want)
		}
	}
	// Every boundary lies strictly between the frames it separates, by more than libass's millisecond
	// truncation of frame times.
	for _, fps := range []int{24, 25, 30, 50} {
		for k := 1; k < 10000; k++ {
			b := float64(boundaryCentiseconds(k, fps)) * 10
			before, at := float64(k-1)*1000/float64(fps), float64(k)*1000/float64(fps)
			if !(b > before+1 && b < at-1) {
				t.Fatalf("%d fps: boundary before frame %d at %v ms, frames at %v and %v ms", fps, k, b, before, at)
			}
		}
	}
}

func ExampleEvents() {
	clip := Timeline{Start: 3370 * time.Millisecond, Frames: 100, FrameRate: 25}
	for _, e := range Events([]Line{{Start: 4010 * time.Millisecond, End: 5500 * time.Millisecond, Text: "Hi"}}, clip) {
		fmt.Printf("%q on frames %d to %d\n", e.Line.Text, e.First, e.End-1)
	}
	// Output: "Hi" on frames 16 to 53
}
