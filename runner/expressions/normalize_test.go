package expressions

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		text  string
		norms []string
		stops []int // indexes of tokens after a sentence boundary
		pause []int // indexes of tokens after any punctuation
	}{
		{"This blade has a dark past.", []string{"this", "blade", "has", "a", "dark", "past"}, nil, nil},
		{"You're a fool", []string{"you", "are", "a", "fool"}, nil, nil},
		{"I can't, I won't. Don't!", []string{"i", "can", "not", "i", "will", "not", "do", "not"}, []int{6}, []int{3, 6}},
		{"You’ve only failed", []string{"you", "have", "only", "failed"}, nil, nil},
		{"The king's blood's still flowing", []string{"the", "king", "'s", "blood", "'s", "still", "flowing"}, nil, nil},
		{"You'd better go; let's run", []string{"you", "'d", "better", "go", "let", "us", "run"}, []int{4}, []int{4}},
		{"a well-known fact - really", []string{"a", "well", "known", "fact", "really"}, nil, []int{4}},
		{"We're gonna win", []string{"we", "are", "going", "to", "win"}, nil, nil},
		{"'Cause it's rock 'n' roll", []string{"cause", "it", "'s", "rock", "n", "roll"}, nil, nil},
		{"Shhh... Scales?", []string{"shhh", "scales"}, []int{1}, []int{1}},
		{"CAFÉ au lait", []string{"café", "au", "lait"}, nil, nil},
		{"", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			toks := tokenize(tt.text)
			var norms []string
			var stops, pauses []int
			for i, tok := range toks {
				norms = append(norms, tok.norm)
				if tok.stop {
					stops = append(stops, i)
				}
				if tok.pause {
					pauses = append(pauses, i)
				}
				if tok.start < 0 || tok.end > len(tt.text) || tok.start >= tok.end {
					t.Errorf("token %d %q has span %d..%d", i, tok.norm, tok.start, tok.end)
				}
			}
			if diff := cmp.Diff(tt.norms, norms); diff != "" {
				t.Errorf("norms (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.stops, stops); diff != "" {
				t.Errorf("stops (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.pause, pauses); diff != "" {
				t.Errorf("pauses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTokenSpans(t *testing.T) {
	text := "Well, you're lucky."
	toks := tokenize(text)
	if got := spanText(text, toks, 1, 4); got != "you're lucky" {
		t.Errorf("span of you're lucky = %q", got)
	}
}

func TestLemmas(t *testing.T) {
	tests := []struct {
		word string
		want string // a base form that must be among the lemmas
	}{
		{"breaks", "break"}, {"broke", "break"}, {"broken", "break"}, {"breaking", "break"},
		{"made", "make"}, {"making", "make"}, {"makes", "make"},
		{"stopped", "stop"}, {"stopping", "stop"}, {"running", "run"}, {"ran", "run"},
		{"tried", "try"}, {"tries", "try"}, {"watches", "watch"}, {"watched", "watch"},
		{"liked", "like"}, {"lying", "lie"}, {"dying", "die"}, {"went", "go"}, {"gone", "go"}, {"goes", "go"},
		{"going", "go"}, {"is", "be"}, {"were", "be"}, {"been", "be"}, {"being", "be"}, {"has", "have"},
		{"did", "do"}, {"doing", "do"}, {"searching", "search"}, {"traveling", "travel"}, {"travelling", "travel"},
		{"failed", "fail"}, {"brings", "bring"}, {"caught", "catch"}, {"thought", "think"}, {"spirits", "spirit"},
		{"children", "child"}, {"knives", "knife"}, {"picked", "pick"}, {"shed", "shed"},
	}
	for _, tt := range tests {
		got := append([]string{tt.word}, lemmas(tt.word)...)
		if !slices.Contains(got, tt.want) {
			t.Errorf("lemmas(%q) = %v, want %q among them", tt.word, got, tt.want)
		}
	}
	// Words that merely end like an inflection must not turn into other short words.
	for _, tt := range []struct{ word, notWant string }{
		{"bring", "br"}, {"this", "thi"}, {"us", "u"}, {"was", "wa"}, {"ice", "ic"}, {"thing", "th"}, {"bus", "bu"},
	} {
		if slices.Contains(lemmas(tt.word), tt.notWant) {
			t.Errorf("lemmas(%q) contains %q", tt.word, tt.notWant)
		}
	}
}
