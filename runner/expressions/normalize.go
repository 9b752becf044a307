package expressions

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of dialogue or of a phrase, normalised so that matching can ignore case, punctuation,
// contractions and inflection.
type token struct {
	norm  string   // lower case, straight apostrophes, contractions expanded ("n't" -> "not", "'re" -> "are")
	keys  []string // norm plus every base form the word may be an inflection of ("broke" -> "break")
	start int      // byte span of the word in the original text; the parts of a contraction share it
	end   int
	stop  bool // a sentence boundary (. ! ? ; : …) comes before this token: no match spans it
	pause bool // any punctuation (comma, dash, quote, …) comes before this token: no slot or gap spans it
}

// matches reports whether the token can stand for a phrase word with the given keys: they share a form,
// so "broke" matches "break" and "searching" matches "search".
func (t token) matches(keys []string) bool {
	for _, k := range keys {
		for _, tk := range t.keys {
			if k == tk {
				return true
			}
		}
	}
	return false
}

// tokenize splits text into normalised word tokens. Words are runs of letters and digits with inner
// apostrophes; hyphens inside a word separate words without counting as punctuation ("well-known").
func tokenize(text string) []token {
	var toks []token
	stop, pause := false, false
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			j := wordEnd(text, i)
			toks = appendWord(toks, text[i:j], i, j, stop, pause)
			stop, pause = false, false
			i = j
			continue
		}
		switch {
		case r == '-' && i > 0 && i+size < len(text) && isWordRune(lastRune(text[:i])) && isWordRune(firstRune(text[i+size:])):
			// A hyphen inside a compound joins words; it is not punctuation.
		case isApostrophe(r):
			// A stray apostrophe ('cause, dropped g's) is part of spelling, not a boundary.
		case strings.ContainsRune(".!?;:…", r):
			stop, pause = true, true
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			pause = true
		}
		i += size
	}
	return toks
}

// wordEnd returns the end of the word starting at i: letters, digits and apostrophes followed by a letter.
func wordEnd(text string, i int) int {
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		switch {
		case isWordRune(r):
			j += size
		case isApostrophe(r) && j+size < len(text) && unicode.IsLetter(firstRune(text[j+size:])):
			j += size
		default:
			return j
		}
	}
	return j
}

// appendWord normalises one word and appends its tokens: one, or two for a contraction.
func appendWord(toks []token, word string, start, end int, stop, pause bool) []token {
	w := strings.ToLower(straightenApostrophes(word))
	for k, part := range expandContraction(w) {
		t := token{norm: part, start: start, end: end}
		if k == 0 {
			t.stop, t.pause = stop, pause
		}
		t.keys = append([]string{part}, contractionForms[part]...)
		for _, l := range lemmas(part) {
			if !slices.Contains(t.keys, l) {
				t.keys = append(t.keys, l)
			}
		}
		toks = append(toks, t)
	}
	return toks
}

// contractionForms lists what a contracted form can stand for, so a phrase written with "is" or "had"
// matches dialogue with "'s" or "'d". "'s" is not read as "has": "he's fun" must not match "have fun".
var contractionForms = map[string][]string{
	"'s": {"is", "be"},
	"'d": {"would", "had", "have"},
}

// wholeContractions are contractions that do not split at the apostrophe.
var wholeContractions = map[string][]string{
	"can't":  {"can", "not"},
	"cannot": {"can", "not"},
	"won't":  {"will", "not"},
	"shan't": {"shall", "not"},
	"ain't":  {"am", "not"},
	"let's":  {"let", "us"},
	"y'all":  {"you", "all"},
	"gonna":  {"going", "to"},
	"wanna":  {"want", "to"},
	"gotta":  {"got", "to"},
}

// contractionSuffixes expand the clitics English writes with an apostrophe.
var contractionSuffixes = []struct{ suffix, word string }{
	{"n't", "not"},
	{"'re", "are"},
	{"'m", "am"},
	{"'ve", "have"},
	{"'ll", "will"},
	{"'d", "'d"},
	{"'s", "'s"},
}

func expandContraction(w string) []string {
	if parts, ok := wholeContractions[w]; ok {
		return parts
	}
	for _, c := range contractionSuffixes {
		if stem, ok := strings.CutSuffix(w, c.suffix); ok && stem != "" {
			return []string{stem, c.word}
		}
	}
	return []string{w}
}

// lemmas returns the base forms w may be an inflection of: irregular forms from the tables, then regular
// -s/-es/-ies, -ed/-ied and -ing endings with consonant doubling and dropped e undone. Candidates that are not
// words ("bak" from "baked") are harmless: they only serve as lookup keys and match no phrase word.
func lemmas(w string) []string {
	var out []string
	add := func(s string) {
		if s != w && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, base := range irregularBase[w] {
		add(base)
	}
	if noRegularInflection[w] {
		return out
	}
	// regular adds a rule-derived stem; stems shorter than three letters are too ambiguous ("br" from
	// "bring") and the short verbs (go, do, be) are in the irregular table.
	regular := func(s string) {
		if utf8.RuneCountInString(s) >= 3 {
			add(s)
		}
	}
	n := len(w)
	switch {
	case strings.HasSuffix(w, "ies") && n > 4:
		regular(w[:n-3] + "y")
	case strings.HasSuffix(w, "es") && n > 3:
		regular(w[:n-2])
		regular(w[:n-1])
	case strings.HasSuffix(w, "s") && n > 3 && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		regular(w[:n-1])
	}
	switch {
	case strings.HasSuffix(w, "ied") && n > 4:
		regular(w[:n-3] + "y")
	case strings.HasSuffix(w, "ed") && n > 4:
		stem := w[:n-2]
		regular(stem)
		regular(stem + "e")
		if undoubled, ok := undouble(stem); ok {
			regular(undoubled)
		}
	}
	if stem, ok := strings.CutSuffix(w, "ing"); ok && n > 4 {
		regular(stem)
		regular(stem + "e")
		if undoubled, ok := undouble(stem); ok {
			regular(undoubled)
		}
		if s, ok := strings.CutSuffix(stem, "y"); ok {
			add(s + "ie") // lying -> lie, dying -> die
		}
	}
	return out
}

// undouble removes a doubled final consonant added before -ed/-ing (stopped -> stop, running -> run).
func undouble(stem string) (string, bool) {
	n := len(stem)
	if n < 3 || stem[n-1] != stem[n-2] || strings.ContainsRune("aeiouyw", rune(stem[n-1])) {
		return "", false
	}
	return stem[:n-1], true
}

// noRegularInflection lists common words that end like an inflection but are not one; stripping them would
// only add noise ("this" -> "thi", "during" -> "dur").
var noRegularInflection = map[string]bool{
	"this": true, "thus": true, "yes": true, "does": true, "goes": true, "always": true, "perhaps": true,
	"during": true, "nothing": true, "something": true, "anything": true, "everything": true, "thing": true,
	"morning": true, "evening": true, "ceiling": true, "need": true, "indeed": true, "speed": true,
	"bed": true, "red": true, "hundred": true, "sometimes": true, "besides": true, "news": true,
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '‘' || r == 'ʼ' || r == '`' }

func straightenApostrophes(s string) string {
	return strings.Map(func(r rune) rune {
		if isApostrophe(r) {
			return '\''
		}
		return r
	}, s)
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}
