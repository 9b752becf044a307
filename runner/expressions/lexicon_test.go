package expressions

import (
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

func TestLexiconIsValid(t *testing.T) {
	lex, err := parseLexicon(lexiconFiles)
	if err != nil {
		t.Fatalf("parseLexicon: %v", err)
	}
	entries := Lexicon()
	if len(entries) != len(lex.entries) {
		t.Fatalf("Lexicon() has %d entries, parsed %d", len(entries), len(lex.entries))
	}
	if len(entries) < 1000 {
		t.Fatalf("lexicon has %d entries, want at least 1000", len(entries))
	}
	seen := map[string]bool{}
	kinds := map[string]int{}
	levels := map[Level]int{}
	for _, e := range entries {
		key := strings.ToLower(e.Phrase)
		if seen[key] {
			t.Errorf("duplicate phrase %q", e.Phrase)
		}
		seen[key] = true
		kinds[e.Kind]++
		levels[e.Level]++
		if e.Phrase != strings.TrimSpace(e.Phrase) || strings.Contains(e.Phrase, "  ") {
			t.Errorf("%q: stray whitespace", e.Phrase)
		}
		if len(strings.Fields(e.Phrase)) < 2 {
			t.Errorf("%q: a single word is not an expression", e.Phrase)
		}
		if !hasContentWord(e.Phrase) {
			t.Errorf("%q: only function words", e.Phrase)
		}
		if !validLevel(e.Level) {
			t.Errorf("%q: level %q", e.Phrase, e.Level)
		}
		if e.Kind != KindIdiom && e.Kind != KindPhrasal && e.Kind != KindCollocation {
			t.Errorf("%q: kind %q", e.Phrase, e.Kind)
		}
		if !containsHangul(e.Translation) {
			t.Errorf("%q: translation %q has no Hangul", e.Phrase, e.Translation)
		}
		if hasLatinLetters(e.Translation) {
			t.Errorf("%q: translation %q mixes in English", e.Phrase, e.Translation)
		}
		if e.Meaning == "" || containsHangul(e.Meaning) {
			t.Errorf("%q: meaning %q must be a non-empty English gloss", e.Phrase, e.Meaning)
		}
		if len(e.Similar) > maxSimilar {
			t.Errorf("%q: %d similar expressions", e.Phrase, len(e.Similar))
		}
		for _, s := range e.Similar {
			if s == "" || strings.EqualFold(s, e.Phrase) || containsHangul(s) {
				t.Errorf("%q: bad similar expression %q", e.Phrase, s)
			}
		}
	}
	// A lesson mixes kinds and levels; a lexicon lopsided towards one would make every lesson alike.
	for _, k := range []string{KindIdiom, KindPhrasal, KindCollocation} {
		if kinds[k] < 200 {
			t.Errorf("only %d %s entries", kinds[k], k)
		}
	}
	for _, l := range []Level{Beginner, Intermediate, Advanced} {
		if levels[l] < 150 {
			t.Errorf("only %d %s entries", levels[l], l)
		}
	}
	t.Logf("%d entries; kinds %v; levels %v", len(entries), kinds, levels)
}

// functionWords are words that cannot carry an expression on their own ("of the", "to be").
var functionWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "to": true, "in": true, "on": true, "at": true, "for": true,
	"with": true, "by": true, "from": true, "and": true, "or": true, "but": true, "is": true, "are": true,
	"be": true, "it": true, "this": true, "that": true, "i": true, "you": true, "he": true, "she": true,
	"we": true, "they": true, "me": true, "him": true, "her": true, "us": true, "them": true, "my": true,
	"your": true, "his": true, "its": true, "our": true, "their": true, "as": true, "so": true,
	"do": true, "not": true, "have": true, "one's": true, "someone": true, "something": true, "oneself": true,
}

func hasContentWord(phrase string) bool {
	for _, w := range strings.Fields(strings.ToLower(phrase)) {
		if !functionWords[strings.Trim(w, ",.!?")] {
			return true
		}
	}
	return false
}

func hasLatinLetters(s string) bool {
	for _, r := range s {
		if r < unicode.MaxASCII && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func TestLexiconContainsExpected(t *testing.T) {
	byPhrase := map[string]Entry{}
	for _, e := range Lexicon() {
		byPhrase[e.Phrase] = e
	}
	for _, phrase := range []string{
		// Said in testdata/sintel_en.srt.
		"a dark past", "shed blood", "a fool for", "kindred spirit", "closer than you know",
		"as long as I can remember", "what brings you", "fail to see", "come on",
		// Staples every learner meets.
		"break the ice", "pick up", "give up", "make up one's mind", "once in a blue moon", "get over",
		"look forward to", "take something for granted", "get on someone's nerves",
	} {
		if _, ok := byPhrase[phrase]; !ok {
			t.Errorf("lexicon lacks %q", phrase)
		}
	}
	if e := byPhrase["break the ice"]; e.Translation != "어색한 분위기를 깨다" || e.Kind != KindIdiom {
		t.Errorf("break the ice = %+v", e)
	}
}

func TestLexiconReturnsCopy(t *testing.T) {
	first := Lexicon()
	first[0].Phrase = "changed"
	first[0].Similar = append(first[0].Similar[:0], "changed")
	second := Lexicon()
	if second[0].Phrase == "changed" || len(second[0].Similar) > 0 && second[0].Similar[0] == "changed" {
		t.Fatal("Lexicon() returned shared state")
	}
}

func TestParseLexiconRejects(t *testing.T) {
	const good = "break the ice\tidiom\tbeginner\t어색한 분위기를 깨다\tto ease tension\tget the ball rolling\t\n"
	tests := []struct {
		name, data, wantErr string
	}{
		{"too few fields", "break the ice\tidiom\tbeginner\t어색한 분위기를 깨다\n", "fields"},
		{"bad level", "break the ice\tidiom\texpert\t어색한 분위기를 깨다\tto ease tension\t\t\n", "level"},
		{"bad kind", "break the ice\tproverb\tbeginner\t어색한 분위기를 깨다\tto ease tension\t\t\n", "kind"},
		{"no Korean", "break the ice\tidiom\tbeginner\tbreak the ice\tto ease tension\t\t\n", "no Korean"},
		{"empty meaning", "break the ice\tidiom\tbeginner\t어색한 분위기를 깨다\t\t\t\n", "meaning"},
		{"upper case", "Break The Ice\tidiom\tbeginner\t어색한 분위기를 깨다\tto ease tension\t\t\n", "lower case"},
		{"too many similar", "break the ice\tidiom\tbeginner\t어색한 분위기를 깨다\tto ease tension\ta; b; c; d\t\n", "similar"},
		{"unknown flag", "break the ice\tidiom\tbeginner\t어색한 분위기를 깨다\tto ease tension\t\tfast\n", "flag"},
		{"single word", "ice\tidiom\tbeginner\t얼음\tfrozen water\t\t\n", "single word"},
		{"trailing slot", "blame someone\tcollocation\tbeginner\t탓하다\tto say it is someone's fault\t\t\n", "slot"},
		{"separable without particle", "someone's fault\tidiom\tbeginner\t~의 잘못\tsomeone's responsibility\t\tsep\n", "separable"},
		{"duplicate", good + good, "same dialogue"},
		{"same pattern under another spelling", "make up one's mind\tidiom\tintermediate\t결심하다\tto decide\t\t\n" +
			"make up someone's mind\tidiom\tintermediate\t결심하다\tto decide\t\t\n", "same dialogue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"data/test.tsv": {Data: []byte("# comment\n" + tt.data)}}
			_, err := parseLexicon(fsys)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("parseLexicon error = %v, want one mentioning %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), "data/test.tsv:") {
				t.Errorf("error %q does not name the file and line", err)
			}
		})
	}
	t.Run("good line", func(t *testing.T) {
		lex, err := parseLexicon(fstest.MapFS{"data/test.tsv": {Data: []byte(good)}})
		if err != nil || len(lex.entries) != 1 {
			t.Fatalf("parseLexicon = %v, %v", lex, err)
		}
	})
}
