package subtitles

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// minClippedDuration is the shortest a cue may become when its end is clipped to the next cue's start;
// below it the cue would flash by unread, so the two are merged instead.
const minClippedDuration = 200 * time.Millisecond

// normalize turns the cues a reader produced into the timeline Parse promises: cues without a positive
// duration dropped, sorted by start (then end), identical duplicates removed, overlaps resolved, and
// indexes assigned. Overlaps are resolved one pair at a time in start order: a cue running into the next is
// clipped to end where the next starts when it keeps at least minClippedDuration, otherwise the next is
// merged into it (its text appended unless already there, end extended), so no two cues overlap afterwards.
func normalize(cues []Cue) []Cue {
	valid := make([]Cue, 0, len(cues))
	seen := make(map[Cue]bool, len(cues))
	for _, c := range cues {
		c.Index = 0
		if c.End <= c.Start || c.Start < 0 || seen[c] {
			continue
		}
		seen[c] = true
		valid = append(valid, c)
	}
	slices.SortStableFunc(valid, func(a, b Cue) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})

	out := make([]Cue, 0, len(valid))
	// The texts of the last cue in out, joined at the end: appending to the string on every merge would be
	// quadratic in a (hostile) file with thousands of cues at the same time.
	var lastTexts []string
	lastHas := map[string]bool{}
	for _, c := range valid {
		if n := len(out); n > 0 && out[n-1].End > c.Start {
			last := &out[n-1]
			if c.Start-last.Start >= minClippedDuration {
				last.End = c.Start
			} else {
				last.End = max(last.End, c.End)
				if !lastHas[c.Text] {
					lastHas[c.Text] = true
					lastTexts = append(lastTexts, c.Text)
				}
				continue
			}
		}
		if n := len(out); n > 0 {
			out[n-1].Text = strings.Join(lastTexts, " ")
		}
		out = append(out, c)
		lastTexts = append(lastTexts[:0], c.Text)
		clear(lastHas)
		lastHas[c.Text] = true
	}
	if n := len(out); n > 0 {
		out[n-1].Text = strings.Join(lastTexts, " ")
	}
	for i := range out {
		out[i].Index = i
	}
	return out
}
