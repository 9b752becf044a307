package expressions

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/langflix/langflix-operator/runner/subtitles"
)

// candidate is an expression found in a cue, before selection.
type candidate struct {
	entry       Entry
	source      string
	includeRank int // position in Options.Include for included phrases, -1 otherwise
	cue         int // index into the cues given to Extract
	matched     string
}

// selectExpressions applies the LangFlix selection policy: rank candidates by usefulness, then take them
// in rank order while each new expression's context window stays clear of the windows already taken, one
// expression per phrase, at most opts.MaxCount. Included phrases are taken even when their windows collide,
// which are then shortened to share the time (see makeRoom). The result is sorted by Start.
func selectExpressions(cues []subtitles.Cue, cands []candidate, opts Options) []Expression {
	ranked := slices.Clone(cands)
	slices.SortStableFunc(ranked, func(a, b candidate) int { return compareUsefulness(a, b, opts.Level) })

	tl := newTimeline(cues)
	var chosen []Expression
	usedPhrase := map[string]bool{}
	for _, c := range ranked {
		if len(chosen) == opts.MaxCount {
			break
		}
		phrase := strings.ToLower(c.entry.Phrase)
		if usedPhrase[phrase] {
			continue
		}
		start, end, ok := tl.window(c.cue, opts)
		if !ok {
			continue
		}
		if overlapsAny(chosen, start, end) {
			if c.includeRank < 0 {
				continue
			}
			// The user asked for this phrase: share the time with the neighbours instead of dropping it.
			if start, end, ok = makeRoom(chosen, cues[c.cue], start, end); !ok {
				continue
			}
		}
		usedPhrase[phrase] = true
		chosen = append(chosen, newExpression(c, cues[c.cue], start, end))
	}
	slices.SortFunc(chosen, func(a, b Expression) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.CueIndex, b.CueIndex))
	})
	return chosen
}

// compareUsefulness orders candidates: included phrases first (in the user's order), then by fit to the
// wanted level, then idioms before phrasal verbs before collocations, then longer phrases first. Earlier
// cues win ties so the result does not depend on map or input order.
func compareUsefulness(a, b candidate, level string) int {
	return cmp.Or(
		cmp.Compare(includeOrder(a), includeOrder(b)),
		cmp.Compare(levelDistance(a.entry.Level, level), levelDistance(b.entry.Level, level)),
		cmp.Compare(kindOrder(a.entry.Kind), kindOrder(b.entry.Kind)),
		cmp.Compare(len(strings.Fields(b.entry.Phrase)), len(strings.Fields(a.entry.Phrase))),
		cmp.Compare(len(b.entry.Phrase), len(a.entry.Phrase)),
		cmp.Compare(a.cue, b.cue),
		strings.Compare(a.entry.Phrase, b.entry.Phrase),
	)
}

func includeOrder(c candidate) int {
	if c.includeRank < 0 {
		return math.MaxInt // after every included phrase
	}
	return c.includeRank
}

var levelOrder = map[Level]int{Beginner: 0, Intermediate: 1, Advanced: 2}

// levelDistance is 0 for the wanted level and grows with distance from it. "mixed" takes every level but
// prefers intermediate, the level most useful to the typical LangFlix learner. Unknown levels come last.
func levelDistance(l Level, want string) int {
	have, known := levelOrder[l]
	if !known {
		return 3
	}
	if want == LevelMixed {
		want = string(Intermediate)
	}
	d := have - levelOrder[Level(want)]
	if d < 0 {
		d = -d
	}
	return d
}

func kindOrder(kind string) int {
	switch kind {
	case KindIdiom:
		return 0
	case KindPhrasal:
		return 1
	case KindCollocation:
		return 2
	}
	return 3
}

// makeRoom fits a window for cue among the chosen ones by cutting each overlapping pair at the middle of the
// silence between their two cues, so both keep their whole cue and neither overlaps. Only included phrases
// get this; everything chosen before one is included too, since those rank first. It fails when the cue
// itself overlaps a chosen cue (one expression per context).
func makeRoom(chosen []Expression, cue subtitles.Cue, start, end time.Duration) (time.Duration, time.Duration, bool) {
	for _, o := range chosen {
		if cue.Start < o.End && o.Start < cue.End {
			return 0, 0, false
		}
	}
	for i := range chosen {
		o := &chosen[i]
		if !(start < o.ContextEnd && o.ContextStart < end) {
			continue
		}
		if o.End <= cue.Start {
			cut := o.End + (cue.Start-o.End)/2
			o.ContextEnd = min(o.ContextEnd, cut)
			start = max(start, cut)
		} else {
			cut := cue.End + (o.Start-cue.End)/2
			o.ContextStart = max(o.ContextStart, cut)
			end = min(end, cut)
		}
	}
	return start, end, true
}

// overlapsAny reports whether [start, end) overlaps a chosen expression's context window. Windows that
// only touch do not overlap.
func overlapsAny(chosen []Expression, start, end time.Duration) bool {
	for _, e := range chosen {
		if start < e.ContextEnd && e.ContextStart < end {
			return true
		}
	}
	return false
}

func newExpression(c candidate, cue subtitles.Cue, start, end time.Duration) Expression {
	return Expression{
		Phrase:       c.entry.Phrase,
		Matched:      c.matched,
		Translation:  c.entry.Translation,
		Meaning:      c.entry.Meaning,
		Level:        c.entry.Level,
		Kind:         c.entry.Kind,
		Similar:      slices.Clone(c.entry.Similar),
		Source:       c.source,
		CueIndex:     c.cue,
		Dialogue:     cue.Text,
		Start:        cue.Start,
		End:          cue.End,
		ContextStart: start,
		ContextEnd:   end,
	}
}
