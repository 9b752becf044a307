package expressions

import (
	"cmp"
	"slices"
	"time"

	"github.com/langflix/langflix-operator/runner/subtitles"
)

// timeline is the cues in time order, for growing context windows over neighbouring cues.
type timeline struct {
	cues  []subtitles.Cue
	order []int // cue indexes sorted by start
	pos   []int // pos[cue index] = its place in order
}

func newTimeline(cues []subtitles.Cue) timeline {
	order := make([]int, len(cues))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(cues[a].Start, cues[b].Start), cmp.Compare(cues[a].End, cues[b].End))
	})
	pos := make([]int, len(cues))
	for p, i := range order {
		pos[i] = p
	}
	return timeline{cues: cues, order: order, pos: pos}
}

func (tl timeline) at(p int) subtitles.Cue { return tl.cues[tl.order[p]] }

// window returns the context window of the cue with index i. It starts as the cue and grows over whole
// neighbouring cues, always on the side that keeps the cue nearer the middle, until it is at least
// opts.MinContext long, never taking a cue that would make it longer than opts.MaxContext. If the cues
// around are too far apart, the rest is padded evenly with the silence on both sides, stopping at the edge of
// a neighbouring cue rather than cutting its line. Finally the window is kept inside [0, VideoDuration],
// shifted rather than shortened where possible. ok is false for a cue that lies outside the video.
func (tl timeline) window(i int, opts Options) (start, end time.Duration, ok bool) {
	cue := tl.cues[i]
	p := tl.pos[i]
	start, end, lo, hi := tl.grow(p, opts)
	if short := opts.MinContext - (end - start); short > 0 {
		start -= short / 2
		end += short - short/2
		if lo >= 0 && tl.at(lo).End > start {
			start = min(tl.at(lo).End, cue.Start)
		}
		if hi < len(tl.order) && tl.at(hi).Start < end {
			end = max(tl.at(hi).Start, cue.End)
		}
	}
	if start < 0 {
		end -= start
		start = 0
	}
	if opts.VideoDuration > 0 {
		if cue.Start >= opts.VideoDuration {
			return 0, 0, false
		}
		if end > opts.VideoDuration {
			start = max(0, start-(end-opts.VideoDuration))
			end = opts.VideoDuration
		}
	}
	return start, end, true
}

// grow extends the window of the cue at position p over whole neighbouring cues until it is at least
// MinContext long or the next neighbour on either side would make it longer than MaxContext. lo and hi are
// the positions of the nearest cues left out on each side (-1 or len when there are none).
func (tl timeline) grow(p int, opts Options) (start, end time.Duration, lo, hi int) {
	cue := tl.at(p)
	start, end = cue.Start, cue.End
	lo, hi = p-1, p+1
	for end-start < opts.MinContext {
		canLo := lo >= 0 && end-min(start, tl.at(lo).Start) <= opts.MaxContext
		canHi := hi < len(tl.order) && max(end, tl.at(hi).End)-start <= opts.MaxContext
		if canLo && canHi {
			// Take the neighbour that leaves the window more balanced around the expression.
			canLo = cue.Start-tl.at(lo).Start <= tl.at(hi).End-cue.End
			canHi = !canLo
		}
		switch {
		case canLo:
			start = min(start, tl.at(lo).Start)
			lo--
		case canHi:
			end = max(end, tl.at(hi).End)
			hi++
		default:
			return start, end, lo, hi
		}
	}
	return start, end, lo, hi
}
