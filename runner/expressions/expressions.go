// Package expressions finds the English expressions worth teaching in a film's dialogue: idioms, phrasal
// verbs and collocations, each with a Korean translation and a context window of surrounding dialogue for
// the lesson clip.
//
// Two extractors share one matcher and one selection policy: NewDictionary works offline from the embedded
// lexicon, NewLLM asks an OpenAI-compatible chat-completions API. Matching tolerates inflection ("broke the
// ice"), possessive slots ("made up her mind"), someone/something slots ("took it for granted") and separated
// phrasal verbs ("pick the kids up"); selection ranks by usefulness and keeps the context windows apart.
package expressions

import (
	"context"
	"time"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/subtitles"
)

// Options control which expressions an Extractor returns.
type Options struct {
	MaxCount int // 1..MaxMaxCount; 0 means DefaultMaxCount
	// TargetLanguage is the learners' language (ISO 639), the language of translations; "" means
	// DefaultTargetLanguage. The LLM is asked for it; the dictionary has Korean only.
	TargetLanguage string
	Level          string        // "beginner"|"intermediate"|"advanced"|"mixed"; "" means mixed
	Include        []string      // expressions the user wants found; always count (ranked first) when present, windows shortened if they must
	MinContext     time.Duration // default 25s
	MaxContext     time.Duration // default 45s
	VideoDuration  time.Duration // context windows are clamped to [0, VideoDuration] when > 0
}

// Option defaults and limits. The ones a task sets are the API's, so the runner on its own behaves like a
// VideoTask that left them out.
const (
	DefaultMaxCount       = tasksv1.DefaultMaxCount
	MaxMaxCount           = tasksv1.MaxMaxCount
	DefaultTargetLanguage = tasksv1.DefaultTargetLanguage
	DefaultMinContext     = 25 * time.Second
	DefaultMaxContext     = 45 * time.Second
	LevelMixed            = runnerv1.LevelMixed
)

// Sources of an Expression.
const (
	SourceDictionary = "dictionary"
	SourceInclude    = "include"
	SourceLLM        = "llm"
)

// Expression is one expression chosen for a lesson, with where it is said and the clip around it.
type Expression struct {
	Phrase, Matched, Translation, Meaning string // Matched is the text as said ("broke the ice")
	Level                                 Level  // empty for an included phrase the lexicon does not know
	Kind                                  string
	Similar                               []string
	Source                                string        // "dictionary" | "include" | "llm"
	CueIndex                              int           // position of the cue in the slice given to Extract
	Dialogue                              string        // the cue text containing it
	Start, End                            time.Duration // the cue's times (expression clip)
	ContextStart, ContextEnd              time.Duration // the context clip around it
}

// Extractor finds expressions in subtitle cues. Results are sorted by Start, their context windows do not
// overlap, and there are at most Options.MaxCount of them.
type Extractor interface {
	Extract(ctx context.Context, cues []subtitles.Cue, opts Options) ([]Expression, error)
}
