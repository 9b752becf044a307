// Package translate pairs subtitles in two languages, so a lesson can show the Korean line a film's own
// Korean subtitles give for the English line being taught.
package translate

import (
	"cmp"
	"slices"
	"time"

	"github.com/langflix/langflix-operator/runner/subtitles"
)

// Align returns, for each source cue, the text of the target cue overlapping it most in time ("" if none).
// On equal overlap the target whose middle is nearer the source's middle wins, then the earlier one: two
// subtitle files rarely cut lines at the same instants, and the nearer line is the likelier translation.
// Neither slice needs to be sorted.
func Align(source, target []subtitles.Cue) []string {
	out := make([]string, len(source))
	if len(target) == 0 {
		return out
	}
	// Targets sorted by start, with the running maximum end, let each source stop scanning backwards once no
	// earlier target can still reach it: O((n + m) log m) plus the overlaps, instead of n*m.
	order := make([]int, len(target))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(target[a].Start, target[b].Start) })
	maxEnd := make([]time.Duration, len(order))
	for k, i := range order {
		maxEnd[k] = target[i].End
		if k > 0 {
			maxEnd[k] = max(maxEnd[k], maxEnd[k-1])
		}
	}
	for si, s := range source {
		// Targets starting before s.End are order[:n]; scan them from the latest.
		n, _ := slices.BinarySearchFunc(order, s.End, func(i int, t time.Duration) int {
			if target[i].Start < t {
				return -1
			}
			return 1
		})
		best, bestOverlap := -1, time.Duration(0)
		for k := n - 1; k >= 0 && maxEnd[k] > s.Start; k-- {
			t := target[order[k]]
			overlap := min(s.End, t.End) - max(s.Start, t.Start)
			if overlap <= 0 {
				continue
			}
			if best < 0 || overlap > bestOverlap || overlap == bestOverlap && nearer(s, target, order[k], best) {
				best, bestOverlap = order[k], overlap
			}
		}
		if best >= 0 {
			out[si] = target[best].Text
		}
	}
	return out
}

// nearer reports whether target[ti]'s middle is nearer s's middle than target[oi]'s; if they are as near, the
// one starting first wins, then the one first in target.
func nearer(s subtitles.Cue, target []subtitles.Cue, ti, oi int) bool {
	mid := func(c subtitles.Cue) time.Duration { return c.Start + (c.End-c.Start)/2 }
	t, o := target[ti], target[oi]
	return cmp.Or(
		cmp.Compare(absDuration(mid(t)-mid(s)), absDuration(mid(o)-mid(s))),
		cmp.Compare(t.Start, o.Start),
		cmp.Compare(ti, oi),
	) < 0
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
