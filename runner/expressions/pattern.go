package expressions

import (
	"fmt"
	"strings"
)

// elemKind says what a pattern element matches.
type elemKind uint8

const (
	literalElem elemKind = iota // one word, in any inflected form
	objectSlot                  // "someone"/"something": one to three words
	possSlot                    // "one's"/"someone's": my/your/his/... or up to three words ending in 's
	reflSlot                    // "oneself": myself/yourself/...
)

// maxSlotWords is how many words a someone/something slot, or the object of a separated phrasal verb, may
// take: "pick the kids up", "take your health for granted".
const maxSlotWords = 3

// maxModifierWords is how many modifiers may stand before the last word of a "mod" collocation:
// "shed much innocent blood", "make a big decision".
const maxModifierWords = 2

type elem struct {
	kind elemKind
	word string   // literal only
	keys []string // literal only: word and its base forms
}

// patternFlags change how a phrase compiles.
type patternFlags struct {
	// separable allows an object between the verb and its particle ("pick it up").
	separable bool
	// modifiable allows modifiers before the last word ("make a quick decision").
	modifiable bool
	// literalSlots reads slot words as plain words, for user phrases such as "something else".
	literalSlots bool
}

// pattern is a phrase compiled for matching.
type pattern struct {
	elems []elem
	patternFlags
}

var (
	objectWords   = map[string]bool{"someone": true, "somebody": true, "something": true, "sb": true, "sth": true}
	possOwners    = map[string]bool{"one": true, "someone": true, "somebody": true, "sb": true}
	possessives   = map[string]bool{"my": true, "your": true, "his": true, "her": true, "its": true, "our": true, "their": true}
	reflexives    = map[string]bool{"myself": true, "yourself": true, "himself": true, "herself": true, "itself": true, "ourselves": true, "yourselves": true, "themselves": true, "oneself": true}
	determinerish = map[string]bool{
		"the": true, "a": true, "an": true, "this": true, "that": true, "these": true, "those": true,
		"my": true, "your": true, "his": true, "her": true, "its": true, "our": true, "their": true,
	}
)

// compilePattern turns a phrase in canonical form into a pattern. Slot words become slots: someone,
// somebody, something, sb, sth (1-3 words); one's, someone's, somebody's, sb's (a possessive); oneself (a
// reflexive pronoun).
func compilePattern(phrase string, flags patternFlags) (*pattern, error) {
	toks := tokenize(phrase)
	p := &pattern{patternFlags: flags}
	for i := 0; i < len(toks); i++ {
		w := toks[i].norm
		switch {
		case flags.literalSlots:
			p.elems = append(p.elems, elem{kind: literalElem, word: w, keys: toks[i].keys})
		case possOwners[w] && i+1 < len(toks) && toks[i+1].norm == "'s":
			p.elems = append(p.elems, elem{kind: possSlot})
			i++
		case objectWords[w]:
			p.elems = append(p.elems, elem{kind: objectSlot})
		case w == "oneself":
			p.elems = append(p.elems, elem{kind: reflSlot})
		default:
			p.elems = append(p.elems, elem{kind: literalElem, word: w, keys: toks[i].keys})
		}
	}
	if p.literals() == 0 {
		return nil, fmt.Errorf("phrase %q has no words to match", phrase)
	}
	if first, last := p.elems[0], p.elems[len(p.elems)-1]; first.kind == objectSlot || last.kind == objectSlot {
		// A leading or trailing someone/something slot has no word to end it, so its length would be
		// arbitrary; such phrases are written without the slot ("blame", not "blame someone").
		return nil, fmt.Errorf("phrase %q starts or ends with a someone/something slot", phrase)
	}
	if flags.separable && (len(p.elems) < 2 || p.elems[0].kind != literalElem || p.elems[1].kind != literalElem) {
		return nil, fmt.Errorf("phrase %q is marked separable but does not start with verb and particle", phrase)
	}
	if flags.modifiable && (len(p.elems) < 2 || p.elems[len(p.elems)-1].kind != literalElem) {
		return nil, fmt.Errorf("phrase %q is marked mod but does not end with a word", phrase)
	}
	return p, nil
}

// literals counts the literal words.
func (p *pattern) literals() int {
	n := 0
	for _, e := range p.elems {
		if e.kind == literalElem {
			n++
		}
	}
	return n
}

// key is the pattern's identity: two phrases with the same key match exactly the same dialogue.
func (p *pattern) key() string {
	parts := make([]string, len(p.elems))
	for i, e := range p.elems {
		switch e.kind {
		case literalElem:
			parts[i] = e.word
		case objectSlot:
			parts[i] = "<someone>"
		case possSlot:
			parts[i] = "<one's>"
		case reflSlot:
			parts[i] = "<oneself>"
		}
	}
	return strings.Join(parts, " ")
}

// phraseKey normalises a phrase the way patterns are keyed, for looking up user-given phrases.
func phraseKey(phrase string) string {
	p, err := compilePattern(phrase, patternFlags{})
	if err != nil {
		return ""
	}
	return p.key()
}

// matchAt tries the pattern at toks[start] and returns the index one past the last matched token.
func (p *pattern) matchAt(toks []token, start int) (int, bool) {
	return p.matchFrom(toks, start, 0, start, false)
}

// matchFrom matches elems[e:] at toks[t]. afterGap says a slot or gap ended just before t, so toks[t] must
// not follow punctuation.
func (p *pattern) matchFrom(toks []token, start, e, t int, afterGap bool) (int, bool) {
	if e == len(p.elems) {
		return t, true
	}
	if end, ok := p.matchElem(toks, start, e, t, afterGap); ok {
		return end, true
	}
	gap := 0
	switch {
	case p.separable && e == 1:
		gap = maxSlotWords
	case p.modifiable && e == len(p.elems)-1:
		gap = maxModifierWords
	}
	for n := 1; n <= gap && inSpan(toks, start, t, n, true); n++ {
		end, ok := p.matchElem(toks, start, e, t+n, true)
		if !ok {
			continue
		}
		if p.separable && e == 1 && end < len(toks) && !toks[end].pause && determinerish[toks[end].norm] {
			// "put the cup on the table": a particle followed by a noun phrase is a preposition, not the
			// separated particle of "put on".
			continue
		}
		return end, true
	}
	return 0, false
}

// matchElem matches the single element e at toks[t], then the rest of the pattern.
func (p *pattern) matchElem(toks []token, start, e, t int, afterGap bool) (int, bool) {
	if !inSpan(toks, start, t, 1, afterGap) {
		return 0, false
	}
	el := p.elems[e]
	switch el.kind {
	case literalElem:
		if toks[t].matches(el.keys) {
			return p.matchFrom(toks, start, e+1, t+1, false)
		}
	case reflSlot:
		if reflexives[toks[t].norm] {
			return p.matchFrom(toks, start, e+1, t+1, false)
		}
	case objectSlot:
		for n := 1; n <= maxSlotWords && inSpan(toks, start, t, n, true); n++ {
			if end, ok := p.matchFrom(toks, start, e+1, t+n, true); ok {
				return end, true
			}
		}
	case possSlot:
		if possessives[toks[t].norm] {
			if end, ok := p.matchFrom(toks, start, e+1, t+1, false); ok {
				return end, true
			}
		}
		// "the old man's": up to three words and a possessive 's.
		for n := 1; n <= maxSlotWords && inSpan(toks, start, t, n+1, true); n++ {
			if toks[t+n].norm != "'s" {
				continue
			}
			if end, ok := p.matchFrom(toks, start, e+1, t+n+1, false); ok {
				return end, true
			}
		}
	}
	return 0, false
}

// inSpan reports whether toks[t:t+n] exist and may belong to the match that starts at toks[start]: no token
// after the first follows a sentence boundary, and with strict (slots and gaps) none follows any punctuation.
func inSpan(toks []token, start, t, n int, strict bool) bool {
	if t+n > len(toks) {
		return false
	}
	for i := t; i < t+n; i++ {
		if i != start && (toks[i].stop || (strict && toks[i].pause)) {
			return false
		}
	}
	return true
}
