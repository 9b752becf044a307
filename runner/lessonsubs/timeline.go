package lessonsubs

import (
	"cmp"
	"slices"
	"time"
)

// Line is one dialogue line as the lesson shows it, timed on the source video.
type Line struct {
	Start, End time.Duration
	// Text is the line in the original language; Translation the learner's line, "" when none is known.
	Text, Translation string
	// Highlight is the expression as said in Text ("broke the ice"); HighlightTranslation its translation
	// as it may appear in Translation. Either may be empty or absent from its line.
	Highlight, HighlightTranslation string
}

// Timeline is a clip as runner/media cuts it: Frames frames at FrameRate whose frame k shows the source at
// Start + k/FrameRate, played Repeat times in a row (shorts loop their clip; 0 means once).
type Timeline struct {
	Start     time.Duration
	Frames    int
	FrameRate int
	Repeat    int
}

// Event is a line drawn on the frames [First, End) of a timeline.
type Event struct {
	First, End int
	Line       Line
}

// minFragment is the shortest part of a line the clip's edge may leave: a neighbour of the expression's line
// caught by the expression clip's padding would otherwise flash for a few frames, too short to read.
const minFragment = 500 * time.Millisecond

// Events places lines on a timeline: a line is drawn on frame k exactly when the source time frame k shows
// lies in [Start, End) of the line. Lines outside the clip, and fragments shorter than minFragment that the
// clip's edges cut off a longer line, are left out. With Repeat > 1 the events repeat with the clip.
func Events(lines []Line, tl Timeline) []Event {
	if tl.Frames <= 0 || tl.FrameRate <= 0 {
		return nil
	}
	var once []Event
	for _, l := range lines {
		if l.End <= l.Start {
			continue
		}
		first := min(max(tl.firstFrameAt(l.Start), 0), tl.Frames)
		end := min(max(tl.firstFrameAt(l.End), 0), tl.Frames)
		if first >= end {
			continue
		}
		whole := tl.firstFrameAt(l.Start) >= 0 && tl.firstFrameAt(l.End) <= tl.Frames
		if !whole && tl.duration(end-first) < minFragment {
			continue
		}
		once = append(once, Event{First: first, End: end, Line: l})
	}
	slices.SortStableFunc(once, func(a, b Event) int { return cmp.Compare(a.First, b.First) })
	events := once
	for r := 1; r < tl.Repeat; r++ {
		for _, e := range once {
			events = append(events, Event{First: e.First + r*tl.Frames, End: e.End + r*tl.Frames, Line: e.Line})
		}
	}
	return events
}

// firstFrameAt is the first frame whose source time is at or after t (negative before the clip).
func (tl Timeline) firstFrameAt(t time.Duration) int {
	d := int64(t-tl.Start) * int64(tl.FrameRate)
	s := int64(time.Second)
	if d <= 0 {
		return int(d / s) // truncation towards zero is the ceiling for negatives
	}
	return int((d + s - 1) / s)
}

func (tl Timeline) duration(frames int) time.Duration {
	return time.Duration(frames) * time.Second / time.Duration(tl.FrameRate)
}

// boundaryCentiseconds is the ASS time of the boundary before frame k: half a frame before the frame's
// time, rounded to ASS's centiseconds. libass draws an event when start <= t < end, with t the frame's
// time in (truncated) milliseconds; a boundary between two frames keeps that test away from rounding at
// the frames themselves, so the event covers frames [first, end) however the times round. At 25 fps
// boundaries fall on whole centiseconds (40k - 20 ms); at any rate up to 50 fps the rounding stays
// within half a frame.
func boundaryCentiseconds(k, fps int) int64 {
	if k <= 0 {
		return 0
	}
	return (int64(2*k-1)*100 + int64(fps)) / int64(2*fps)
}
