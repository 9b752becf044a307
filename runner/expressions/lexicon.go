package expressions

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Level is the difficulty of an expression for a Korean learner of English.
type Level string

// The levels an Entry may have.
const (
	Beginner     Level = "beginner"
	Intermediate Level = "intermediate"
	Advanced     Level = "advanced"
)

// The kinds an Entry may have.
const (
	KindIdiom       = "idiom"
	KindPhrasal     = "phrasal"
	KindCollocation = "collocation"
)

// Entry is one lexicon item.
type Entry struct {
	Phrase      string   `json:"phrase"`            // canonical form, e.g. "break the ice", "pick up", "make up one's mind"
	Translation string   `json:"translation"`       // Korean, e.g. "어색한 분위기를 깨다"
	Level       Level    `json:"level"`             // beginner, intermediate or advanced
	Meaning     string   `json:"meaning"`           // short English gloss
	Kind        string   `json:"kind"`              // "idiom" | "phrasal" | "collocation"
	Similar     []string `json:"similar,omitempty"` // up to 3 similar English expressions
}

// maxSimilar is how many similar expressions an entry (or an LLM result) keeps.
const maxSimilar = 3

//go:embed data/*.tsv
var lexiconFiles embed.FS

// lexiconData is the parsed lexicon with its compiled patterns (parallel to entries) and their index.
type lexiconData struct {
	entries  []Entry
	patterns []*pattern
	byKey    map[string]int // pattern key -> entry index
	matcher  *phraseMatcher
}

// loadLexicon parses the embedded lexicon once. The data is part of the binary and its unit test rejects
// any invalid line, so a parse error here is a build defect, not a runtime condition.
var loadLexicon = sync.OnceValue(func() *lexiconData {
	lex, err := parseLexicon(lexiconFiles)
	if err != nil {
		panic("expressions: embedded lexicon is invalid: " + err.Error())
	}
	return lex
})

// Lexicon returns the embedded lexicon, parsed once. The slice is a copy the caller may modify.
func Lexicon() []Entry {
	entries := slices.Clone(loadLexicon().entries)
	for i := range entries {
		entries[i].Similar = slices.Clone(entries[i].Similar)
	}
	return entries
}

// lookupEntry returns the lexicon entry whose phrase matches exactly what phrase matches ("Make up one's
// mind" and "make up someone's mind" find the same entry).
func lookupEntry(phrase string) (Entry, *pattern, bool) {
	lex := loadLexicon()
	i, ok := lex.byKey[phraseKey(phrase)]
	if !ok {
		return Entry{}, nil, false
	}
	return lex.entries[i], lex.patterns[i], true
}

// parseLexicon reads every data/*.tsv file. Lines are tab-separated: phrase, kind, level, translation,
// meaning, similar expressions separated by ";", flags ("sep": separable phrasal verb, "mod": modifiers may
// precede the last word, "lit": slot words are plain words). Lines starting with # are comments.
func parseLexicon(fsys fs.FS) (*lexiconData, error) {
	files, err := fs.Glob(fsys, "data/*.tsv")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no data/*.tsv files")
	}
	lex := &lexiconData{byKey: map[string]int{}}
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for line := 1; sc.Scan(); line++ {
			text := sc.Text()
			if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
				continue
			}
			entry, p, err := parseLexiconLine(text)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			key := p.key()
			if prev, dup := lex.byKey[key]; dup {
				return nil, fmt.Errorf("%s:%d: %q matches the same dialogue as %q", name, line,
					entry.Phrase, lex.entries[prev].Phrase)
			}
			lex.byKey[key] = len(lex.entries)
			lex.entries = append(lex.entries, entry)
			lex.patterns = append(lex.patterns, p)
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	lex.matcher = newPhraseMatcher(lex.patterns)
	return lex, nil
}

func parseLexiconLine(text string) (Entry, *pattern, error) {
	f := strings.Split(text, "\t")
	if len(f) < 5 || len(f) > 7 {
		return Entry{}, nil, fmt.Errorf("want 5 to 7 tab-separated fields, got %d", len(f))
	}
	for len(f) < 7 {
		f = append(f, "")
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	e := Entry{Phrase: f[0], Kind: f[1], Level: Level(f[2]), Translation: f[3], Meaning: f[4]}
	if f[5] != "" {
		for _, s := range strings.Split(f[5], ";") {
			if s = strings.TrimSpace(s); s != "" {
				e.Similar = append(e.Similar, s)
			}
		}
	}
	if err := validateEntry(e); err != nil {
		return Entry{}, nil, err
	}
	var flags patternFlags
	for _, flag := range strings.Fields(strings.ReplaceAll(f[6], ",", " ")) {
		switch flag {
		case "sep":
			flags.separable = true
		case "mod":
			flags.modifiable = true
		case "lit":
			flags.literalSlots = true
		default:
			return Entry{}, nil, fmt.Errorf("unknown flag %q", flag)
		}
	}
	p, err := compilePattern(e.Phrase, flags)
	if err != nil {
		return Entry{}, nil, err
	}
	if len(p.elems) < 2 {
		return Entry{}, nil, fmt.Errorf("phrase %q is a single word, not an expression", e.Phrase)
	}
	return e, p, nil
}

// validateEntry checks the fields every lexicon entry must have.
func validateEntry(e Entry) error {
	switch {
	case e.Phrase == "" || !lowerCaseExceptI(e.Phrase):
		return fmt.Errorf("phrase %q must be non-empty and lower case", e.Phrase)
	case !validLevel(e.Level):
		return fmt.Errorf("%q: level %q is not beginner, intermediate or advanced", e.Phrase, e.Level)
	case e.Kind != KindIdiom && e.Kind != KindPhrasal && e.Kind != KindCollocation:
		return fmt.Errorf("%q: kind %q is not idiom, phrasal or collocation", e.Phrase, e.Kind)
	case !containsHangul(e.Translation):
		return fmt.Errorf("%q: translation %q has no Korean", e.Phrase, e.Translation)
	case e.Meaning == "":
		return fmt.Errorf("%q: meaning is empty", e.Phrase)
	case len(e.Similar) > maxSimilar:
		return fmt.Errorf("%q: %d similar expressions, at most %d", e.Phrase, len(e.Similar), maxSimilar)
	case slices.Contains(e.Similar, e.Phrase):
		return fmt.Errorf("%q: lists itself as similar", e.Phrase)
	}
	return nil
}

// lowerCaseExceptI reports whether phrase is lower case but for the pronoun I ("if I were you").
func lowerCaseExceptI(phrase string) bool {
	for _, w := range strings.Fields(phrase) {
		if w != "I" && w != strings.ToLower(w) {
			return false
		}
	}
	return true
}

func validLevel(l Level) bool { return l == Beginner || l == Intermediate || l == Advanced }

func containsHangul(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}
