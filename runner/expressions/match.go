package expressions

import "strings"

// phraseMatcher finds many phrases in tokenised dialogue. Patterns are indexed by every form of their first
// word, so each token only tries the few phrases that can start with it instead of every phrase.
type phraseMatcher struct {
	patterns []*pattern
	byFirst  map[string][]int // a form of a pattern's first word -> pattern indexes
	possLed  []int            // patterns that start with a possessive slot ("one's cup of tea")
}

// hit is one phrase found in a token slice: pattern index and token range [first, end).
type hit struct {
	pattern    int
	first, end int
}

func newPhraseMatcher(patterns []*pattern) *phraseMatcher {
	m := &phraseMatcher{patterns: patterns, byFirst: map[string][]int{}}
	for i, p := range patterns {
		switch first := p.elems[0]; first.kind {
		case literalElem:
			for _, k := range first.keys {
				m.byFirst[k] = append(m.byFirst[k], i)
			}
		case possSlot:
			m.possLed = append(m.possLed, i)
		default:
			// compilePattern rejects a leading someone/something slot; a leading reflexive is indexed by
			// the pronouns it matches.
			for r := range reflexives {
				m.byFirst[r] = append(m.byFirst[r], i)
			}
		}
	}
	return m
}

// scanner holds the scratch space for one goroutine's use of a phraseMatcher.
type scanner struct {
	m     *phraseMatcher
	tried []uint32 // tried[pattern] == stamp: already tried at the current token
	stamp uint32
}

func (m *phraseMatcher) scanner() *scanner {
	return &scanner{m: m, tried: make([]uint32, len(m.patterns))}
}

// find returns every phrase occurrence in toks, without occurrences that lie inside a longer one ("pick up"
// inside "pick up the pieces"). Hits are ordered by first token.
func (s *scanner) find(toks []token) []hit {
	var hits []hit
	try := func(i, pi int) {
		if s.tried[pi] == s.stamp {
			return
		}
		s.tried[pi] = s.stamp
		if end, ok := s.m.patterns[pi].matchAt(toks, i); ok {
			hits = append(hits, hit{pattern: pi, first: i, end: end})
		}
	}
	for i := range toks {
		s.stamp++
		for _, k := range toks[i].keys {
			for _, pi := range s.m.byFirst[k] {
				try(i, pi)
			}
		}
		if len(s.m.possLed) > 0 && mayStartPossessive(toks, i) {
			for _, pi := range s.m.possLed {
				try(i, pi)
			}
		}
	}
	return dropContained(latestStarts(hits))
}

// latestStarts keeps, of the hits of one pattern that end at the same token, the one starting last: a
// leading possessive slot matches "It was Anna's cup of tea" from "It", "was" and "Anna", and only "Anna's"
// is the owner.
func latestStarts(hits []hit) []hit {
	out := hits[:0:0]
	for i, h := range hits {
		superseded := false
		for j, o := range hits {
			if i != j && o.pattern == h.pattern && o.end == h.end && o.first > h.first {
				superseded = true
				break
			}
		}
		if !superseded {
			out = append(out, h)
		}
	}
	return out
}

// mayStartPossessive reports whether a possessive can start at toks[i]: a possessive determiner, or a
// possessive 's within the next maxSlotWords tokens.
func mayStartPossessive(toks []token, i int) bool {
	if possessives[toks[i].norm] {
		return true
	}
	for j := i + 1; j < len(toks) && j <= i+maxSlotWords; j++ {
		if toks[j].norm == "'s" {
			return true
		}
	}
	return false
}

// dropContained removes hits lying inside a strictly longer hit.
func dropContained(hits []hit) []hit {
	out := hits[:0:0]
	for i, h := range hits {
		inside := false
		for j, o := range hits {
			if i != j && o.first <= h.first && h.end <= o.end && o.end-o.first > h.end-h.first {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, h)
		}
	}
	return out
}

// spanText returns the original text covered by toks[first:end], whitespace collapsed.
func spanText(text string, toks []token, first, end int) string {
	return strings.Join(strings.Fields(text[toks[first].start:toks[end-1].end]), " ")
}
