package expressions

import (
	"context"
	"fmt"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/subtitles"
)

// dictionary extracts expressions with the embedded lexicon, offline.
type dictionary struct{}

// NewDictionary returns an Extractor that finds the embedded lexicon's expressions (and Options.Include
// phrases) in the dialogue. It needs no network and gives the same result for the same input.
func NewDictionary() Extractor { return dictionary{} }

// Extract implements Extractor.
func (dictionary) Extract(ctx context.Context, cues []subtitles.Cue, opts Options) ([]Expression, error) {
	opts, inc, err := prepare(cues, opts)
	if err != nil {
		return nil, err
	}
	if !tasksv1.DictionarySupports(opts.TargetLanguage) {
		return nil, failure.Invalid("expressions: the built-in dictionary has Korean (%s) translations only, not %q; use the LLM extractor for other languages",
			tasksv1.DictionaryLanguage, opts.TargetLanguage)
	}
	lex := loadLexicon()
	lexScan := lex.matcher.scanner()
	incScan := inc.matcher.scanner()
	var cands []candidate
	for i, cue := range cues {
		if err := checkContext(ctx, i); err != nil {
			return nil, err
		}
		toks := tokenize(cue.Text)
		cands = appendIncludeHits(cands, incScan, inc, i, cue.Text, toks)
		for _, h := range lexScan.find(toks) {
			if inc.lexicon[h.pattern] {
				continue // found as an included phrase already
			}
			cands = append(cands, candidate{
				entry:       lex.entries[h.pattern],
				source:      SourceDictionary,
				includeRank: -1,
				cue:         i,
				matched:     spanText(cue.Text, toks, h.first, h.end),
			})
		}
	}
	return selectExpressions(cues, cands, opts), nil
}

// prepare validates the input every extractor shares and compiles the included phrases.
func prepare(cues []subtitles.Cue, opts Options) (Options, *includeSet, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return opts, nil, err
	}
	if len(cues) == 0 {
		return opts, nil, failure.Invalid("expressions: no subtitle cues to search")
	}
	inc, err := compileIncludes(opts.Include)
	return opts, inc, err
}

// appendIncludeHits adds the included phrases found in one cue.
func appendIncludeHits(cands []candidate, s *scanner, inc *includeSet, cue int, text string, toks []token) []candidate {
	for _, h := range s.find(toks) {
		cands = append(cands, candidate{
			entry:       inc.entries[h.pattern],
			source:      SourceInclude,
			includeRank: h.pattern,
			cue:         cue,
			matched:     spanText(text, toks, h.first, h.end),
		})
	}
	return cands
}

// checkContext returns the context's error every few hundred cues, so a cancelled task stops scanning a
// long film without paying for a check per cue.
func checkContext(ctx context.Context, i int) error {
	if i%256 != 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("expressions: %w", err)
	}
	return nil
}
