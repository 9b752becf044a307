package expressions

import (
	"strings"

	"github.com/langflix/langflix-operator/runner/failure"
)

// includeSet is the user's Options.Include compiled for matching: lexicon entries where the lexicon knows
// the phrase, otherwise an entry with just the phrase.
type includeSet struct {
	entries  []Entry
	patterns []*pattern
	lexicon  map[int]bool // lexicon entry indexes that are included, so the dictionary does not find them twice
	matcher  *phraseMatcher
}

// compileIncludes compiles the included phrases in order; blank and repeated phrases are skipped.
func compileIncludes(phrases []string) (*includeSet, error) {
	lex := loadLexicon()
	set := &includeSet{lexicon: map[int]bool{}}
	seen := map[string]bool{}
	for _, phrase := range phrases {
		phrase = strings.Join(strings.Fields(phrase), " ")
		if phrase == "" {
			continue
		}
		if i, ok := lex.byKey[phraseKey(phrase)]; ok {
			if !seen[lex.patterns[i].key()] {
				seen[lex.patterns[i].key()] = true
				set.lexicon[i] = true
				set.entries = append(set.entries, lex.entries[i])
				set.patterns = append(set.patterns, lex.patterns[i])
			}
			continue
		}
		p, err := compileUserPhrase(phrase)
		if err != nil {
			return nil, failure.Invalid("expressions: included phrase %q: %v", phrase, err)
		}
		if seen[p.key()] {
			continue
		}
		seen[p.key()] = true
		set.entries = append(set.entries, Entry{Phrase: phrase, Kind: inferKind(p)})
		set.patterns = append(set.patterns, p)
	}
	set.matcher = newPhraseMatcher(set.patterns)
	return set, nil
}

// compileUserPhrase compiles a phrase the lexicon does not know (from the user or an LLM) with the same
// inflection and slot rules. A verb-particle pair is taken as separable, the common case. A phrase whose
// slot words cannot be slots ("something else") is matched word for word.
func compileUserPhrase(phrase string) (*pattern, error) {
	p, err := compilePattern(phrase, patternFlags{})
	if err != nil {
		p, err = compilePattern(phrase, patternFlags{literalSlots: true})
		if err != nil {
			return nil, err
		}
	}
	if len(p.elems) == 2 && p.elems[0].kind == literalElem && p.elems[1].kind == literalElem &&
		separableParticles[p.elems[1].word] {
		p.separable = true
	}
	return p, nil
}

// separableParticles are the adverb particles that can follow the object of a phrasal verb ("turn it off").
var separableParticles = map[string]bool{
	"up": true, "down": true, "out": true, "off": true, "away": true, "back": true, "over": true,
	"around": true, "in": true, "on": true, "aside": true, "apart": true, "together": true,
}

// particles are the words that end a phrasal verb.
var particles = map[string]bool{
	"up": true, "down": true, "out": true, "off": true, "away": true, "back": true, "over": true,
	"around": true, "in": true, "on": true, "aside": true, "apart": true, "together": true, "about": true,
	"through": true, "along": true, "across": true, "by": true, "into": true, "onto": true, "for": true,
	"after": true, "with": true, "forward": true, "behind": true,
}

// inferKind guesses the kind of a phrase the lexicon does not know: a verb and one or two particles is a
// phrasal verb, any other two-word phrase a collocation, anything longer an idiom.
func inferKind(p *pattern) string {
	n := len(p.elems)
	last := p.elems[n-1]
	if n >= 2 && n <= 3 && p.elems[0].kind == literalElem && last.kind == literalElem && particles[last.word] &&
		(n == 2 || p.elems[1].kind == literalElem && particles[p.elems[1].word]) {
		return KindPhrasal
	}
	if n == 2 {
		return KindCollocation
	}
	return KindIdiom
}
