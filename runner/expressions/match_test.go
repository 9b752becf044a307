package expressions

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/langflix/langflix-operator/runner/subtitles"
)

// firstMatch compiles phrase and returns the text of its first match in text, "" if none.
func firstMatch(t *testing.T, phrase string, flags patternFlags, text string) string {
	t.Helper()
	p, err := compilePattern(phrase, flags)
	if err != nil {
		t.Fatalf("compilePattern(%q): %v", phrase, err)
	}
	m := newPhraseMatcher([]*pattern{p})
	toks := tokenize(text)
	hits := m.scanner().find(toks)
	if len(hits) == 0 {
		return ""
	}
	return spanText(text, toks, hits[0].first, hits[0].end)
}

type matchCase struct {
	phrase string
	flags  patternFlags
	text   string
	want   string // matched text; "" means no match
}

func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.phrase+" | "+tc.text, func(t *testing.T) {
			if got := firstMatch(t, tc.phrase, tc.flags, tc.text); got != tc.want {
				t.Errorf("match %q in %q = %q, want %q", tc.phrase, tc.text, got, tc.want)
			}
		})
	}
}

var (
	sep = patternFlags{separable: true}
	mod = patternFlags{modifiable: true}
)

func TestMatchInflection(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"break the ice", patternFlags{}, "Let's break the ice.", "break the ice"},
		{"break the ice", patternFlags{}, "She breaks the ice with jokes.", "breaks the ice"},
		{"break the ice", patternFlags{}, "He broke the ice at last.", "broke the ice"},
		{"break the ice", patternFlags{}, "The ice was broken, not: broken the ice?", "broken the ice"},
		{"break the ice", patternFlags{}, "Stop breaking the ice with bad puns!", "breaking the ice"},
		{"pick up", patternFlags{}, "She picked up the phone.", "picked up"},
		{"pick up", patternFlags{}, "I'm picking up groceries.", "picking up"},
		{"stop by", patternFlags{}, "He stopped by yesterday.", "stopped by"},
		{"run into", patternFlags{}, "I keep running into him.", "running into"},
		{"make a decision", patternFlags{}, "She's making a decision.", "making a decision"},
		{"try on", patternFlags{}, "He tried on three hats.", "tried on"},
		{"lie down", patternFlags{}, "The dog lay down. Now it's lying down again.", "lay down"},
		{"go through", patternFlags{}, "We went through hell.", "went through"},
		{"search for", patternFlags{}, "I'm searching for someone.", "searching for"},
		{"fail to see", patternFlags{}, "You've only failed to see...", "failed to see"},
		{"kindred spirit", patternFlags{}, "They were kindred spirits.", "kindred spirits"},
		{"be lucky", patternFlags{}, "You're lucky your blood's still flowing.", "You're lucky"},
		{"be lucky", patternFlags{}, "You’re lucky.", "You’re lucky"},
		{"had better", patternFlags{}, "You'd better run.", "You'd better"},
		{"the ball is in one's court", patternFlags{}, "Well, the ball's in your court now.", "the ball's in your court"},
		// Case and punctuation do not matter; word boundaries and sentence boundaries do.
		{"break the ice", patternFlags{}, "BREAK THE ICE!!!", "BREAK THE ICE"},
		{"break the ice", patternFlags{}, "Break, the ice", "Break, the ice"},
		{"break the ice", patternFlags{}, "He will break the justice system.", ""},
		{"break the ice", patternFlags{}, "Break. The ice is thin.", ""},
		{"come on", patternFlags{}, "Come online now.", ""},
		{"come on", patternFlags{}, "Get him, Scales! Come on!", "Come on"},
		{"have fun", patternFlags{}, "He's fun.", ""},
		{"have fun", patternFlags{}, "We had fun.", "had fun"},
		{"make up one's mind", patternFlags{}, "Make up your mind", "Make up your mind"},
	})
}

func TestMatchSlots(t *testing.T) {
	runMatchCases(t, []matchCase{
		// Possessives: determiners, names and noun phrases with 's.
		{"make up one's mind", patternFlags{}, "She finally made up her mind.", "made up her mind"},
		{"make up one's mind", patternFlags{}, "I can't make up my mind.", "make up my mind"},
		{"make up one's mind", patternFlags{}, "Nothing will make up John's mind.", "make up John's mind"},
		{"make up one's mind", patternFlags{}, "It made up the old king's mind.", "made up the old king's mind"},
		{"make up one's mind", patternFlags{}, "Make up one's mind, they say.", "Make up one's mind"},
		{"make up one's mind", patternFlags{}, "Make up the mind.", ""},
		{"get on someone's nerves", patternFlags{}, "You're getting on my nerves!", "getting on my nerves"},
		{"one's cup of tea", patternFlags{}, "Opera isn't really my cup of tea.", "my cup of tea"},
		{"one's cup of tea", patternFlags{}, "It was Anna's cup of tea.", "Anna's cup of tea"},
		{"one's cup of tea", patternFlags{}, "Pour a cup of tea.", ""},
		// someone/something: one to three words, never across punctuation.
		{"take something for granted", patternFlags{}, "Don't take it for granted.", "take it for granted"},
		{"take something for granted", patternFlags{}, "We took our health for granted.", "took our health for granted"},
		{"take something for granted", patternFlags{}, "She takes all of this for granted.", "takes all of this for granted"},
		{"take something for granted", patternFlags{}, "He takes all of these things for granted.", ""},
		{"take something for granted", patternFlags{}, "Take, for granted.", ""},
		{"take something for granted", patternFlags{}, "Take it. For granted.", ""},
		{"drive someone crazy", patternFlags{}, "You drive me crazy.", "drive me crazy"},
		{"drive someone crazy", patternFlags{}, "It drove my poor mother crazy.", "drove my poor mother crazy"},
		// oneself: reflexive pronouns.
		{"make a fool of oneself", patternFlags{}, "He made a fool of himself.", "made a fool of himself"},
		{"make a fool of oneself", patternFlags{}, "Don't make a fool of me.", ""},
	})
}

func TestMatchSeparable(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"pick up", sep, "Pick it up.", "Pick it up"},
		{"pick up", sep, "I'll pick the kids up at six.", "pick the kids up"},
		{"pick up", sep, "He picked all three kids up.", "picked all three kids up"},
		{"pick up", sep, "She picked all the little kids up.", ""},
		{"pick up", sep, "Pick up the kids.", "Pick up"},
		{"pick up", sep, "Pick it, up.", ""},
		{"pick up", patternFlags{}, "Pick it up.", ""},
		{"turn off", sep, "Turn that thing off!", "Turn that thing off"},
		{"give up", sep, "She gave her dream up.", "gave her dream up"},
		// A particle followed by a noun phrase is a preposition: not "put on".
		{"put on", sep, "Put the cup on the table.", ""},
		{"put on", sep, "Put your coat on.", "Put your coat on"},
		// Modifiers before the last word of a collocation.
		{"shed blood", mod, "It has shed much innocent blood.", "shed much innocent blood"},
		{"shed blood", mod, "It has shed so much innocent blood.", ""},
		{"shed blood", patternFlags{}, "It has shed much innocent blood.", ""},
		{"make a decision", mod, "We made a really big decision.", "made a really big decision"},
		{"make a decision", mod, "We made a, uh, decision.", ""},
	})
}

func TestFindDropsContainedMatches(t *testing.T) {
	var pats []*pattern
	for _, ph := range []string{"pick up", "pick up the pieces", "the pieces"} {
		p, err := compilePattern(ph, patternFlags{})
		if err != nil {
			t.Fatal(err)
		}
		pats = append(pats, p)
	}
	text := "Now we pick up the pieces, and later pick up the kids."
	toks := tokenize(text)
	var got []string
	for _, h := range newPhraseMatcher(pats).scanner().find(toks) {
		got = append(got, spanText(text, toks, h.first, h.end))
	}
	if want := "pick up the pieces|pick up"; strings.Join(got, "|") != want {
		t.Errorf("find = %q, want %q", got, want)
	}
}

// TestIndexFindsWhatBruteForceFinds checks that the first-word index loses nothing: every lexicon pattern is
// tried at every token of real and generated dialogue, and the results must equal the indexed search.
func TestIndexFindsWhatBruteForceFinds(t *testing.T) {
	lex := loadLexicon()
	s := lex.matcher.scanner()
	cues := append(sintelCues(t), generatedCues(lex, 400)...)
	total := 0
	for _, c := range cues {
		toks := tokenize(c.Text)
		var brute []hit
		for i := range toks {
			for pi, p := range lex.patterns {
				if end, ok := p.matchAt(toks, i); ok {
					brute = append(brute, hit{pattern: pi, first: i, end: end})
				}
			}
		}
		brute = dropContained(latestStarts(brute))
		got := s.find(toks)
		if fmt.Sprint(sortedHits(got)) != fmt.Sprint(sortedHits(brute)) {
			t.Fatalf("cue %q: index found %v, brute force %v", c.Text, got, brute)
		}
		total += len(got)
	}
	if total < len(cues)/2 {
		t.Fatalf("only %d hits in %d cues; the comparison proves little", total, len(cues))
	}
}

func sortedHits(hits []hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = fmt.Sprintf("%04d-%04d-%05d", h.first, h.end, h.pattern)
	}
	slices.Sort(out)
	return out
}

// generatedCues builds n cues of dialogue-like lines: Sintel's lines interleaved with carrier sentences around
// lexicon phrases, their verbs inflected and slots filled, so a benchmark sees realistic hit rates.
func generatedCues(lex *lexiconData, n int) []subtitles.Cue {
	carriers := []string{"I think we should %s before it's too late.", "Did you really %s yesterday?",
		"Honestly, they %s every single time.", "Nobody wants to %s, trust me."}
	fillers := []string{"Where are you going?", "I don't know what you mean.", "Scales, come back here!",
		"It's getting dark, we need to find shelter.", "The gatekeepers won't let us pass."}
	cues := make([]subtitles.Cue, n)
	for i := range cues {
		var text string
		switch i % 3 {
		case 0:
			text = fillers[i%len(fillers)]
		default:
			e := lex.entries[(i*7919)%len(lex.entries)]
			phrase := strings.NewReplacer("one's", "her", "someone's", "his", "someone", "the man",
				"something", "it", "oneself", "myself").Replace(e.Phrase)
			text = fmt.Sprintf(carriers[i%len(carriers)], phrase)
		}
		cues[i] = subtitles.Cue{Index: i, Start: secs(3 * i), End: secs(3*i + 2), Text: text}
	}
	return cues
}

func BenchmarkFind2000Cues(b *testing.B) {
	lex := loadLexicon()
	cues := generatedCues(lex, 2000)
	b.ReportAllocs()
	for b.Loop() {
		s := lex.matcher.scanner()
		for _, c := range cues {
			s.find(tokenize(c.Text))
		}
	}
}
