package expressions

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/subtitles"
)

// LLMConfig configures the LLM extractor.
type LLMConfig struct {
	// Endpoint is the API base URL; "/chat/completions" is appended, so it usually ends in "/v1".
	Endpoint string
	Model    string
	APIKey   string
	// HTTPClient defaults to a client with a 2-minute timeout.
	HTTPClient *http.Client
	// MaxRetries is how often a request is retried after HTTP 429, 5xx or a network error: 0 means
	// DefaultLLMRetries, a negative value means never.
	MaxRetries int
	// Backoff is the wait before the first retry, doubled for each further one: 0 means DefaultLLMBackoff.
	Backoff time.Duration
	// Log receives what the endpoint answered when it failed (bounded, with the key and URL credentials
	// removed). Errors, which end up in the task's status, never carry the endpoint's words: the endpoint is
	// chosen by the task's author and may answer anything. Nil discards.
	Log *slog.Logger
}

// LLM extractor defaults.
const (
	DefaultLLMRetries = 3
	DefaultLLMBackoff = time.Second
	// maxBackoff caps the doubling wait and any Retry-After the server asks for.
	maxBackoff = time.Minute
	// llmChunkCues is how many cues go into one request: enough context for the model, small enough to
	// stay far below any model's context window and output limit.
	llmChunkCues = 150
	// maxLLMResults bounds how many expressions one request asks for.
	maxLLMResults = 30
)

// llm extracts expressions by asking a chat-completions API.
type llm struct {
	cfg    LLMConfig
	url    string
	client *http.Client
}

// NewLLM returns an Extractor that asks an OpenAI-compatible chat-completions API to pick expressions,
// chunk by chunk, maps each answer back to the cue it was said in with the same matcher as the dictionary
// (dropping answers not found in the dialogue), and selects with the same rules.
func NewLLM(cfg LLMConfig) Extractor {
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultLLMRetries
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultLLMBackoff
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Minute}
	}
	return &llm{cfg: cfg, url: strings.TrimRight(cfg.Endpoint, "/") + "/chat/completions", client: client}
}

// Extract implements Extractor.
func (l *llm) Extract(ctx context.Context, cues []subtitles.Cue, opts Options) ([]Expression, error) {
	if strings.TrimSpace(l.cfg.Endpoint) == "" || strings.TrimSpace(l.cfg.Model) == "" {
		return nil, failure.Invalid("expressions: the LLM extractor needs an endpoint and a model")
	}
	opts, inc, err := prepare(cues, opts)
	if err != nil {
		return nil, err
	}
	incScan := inc.matcher.scanner()
	var cands []candidate
	for i, cue := range cues {
		cands = appendIncludeHits(cands, incScan, inc, i, cue.Text, tokenize(cue.Text))
	}
	wanted := min(max(2*opts.MaxCount, 5), maxLLMResults)
	for first := 0; first < len(cues); first += llmChunkCues {
		chunk := cueRange{first: first, end: min(first+llmChunkCues, len(cues))}
		items, err := l.ask(ctx, buildPrompt(cues, chunk, opts, wanted))
		if err != nil {
			return nil, err
		}
		cands = append(cands, locateItems(cues, chunk, items)...)
	}
	return selectExpressions(cues, cands, opts), nil
}

// cueRange is the cues [first, end) sent in one request.
type cueRange struct{ first, end int }

// locateItems maps the model's answers to cues. An answer counts only where its expression is found, by the
// dictionary's matcher, in the cue its dialogue quotes, or failing that in any cue of the chunk: models
// paraphrase dialogue and invent expressions, and neither must reach a lesson.
func locateItems(cues []subtitles.Cue, chunk cueRange, items []llmItem) []candidate {
	toks := make([][]token, chunk.end-chunk.first)
	for i := range toks {
		toks[i] = tokenize(cues[chunk.first+i].Text)
	}
	var cands []candidate
	for _, item := range items {
		entry, p, ok := itemEntry(item)
		if !ok {
			continue
		}
		if c, ok := locate(cues, chunk, toks, p, tokenize(item.Dialogue)); ok {
			c.entry, c.source, c.includeRank = entry, SourceLLM, -1
			cands = append(cands, c)
		}
	}
	return cands
}

func locate(cues []subtitles.Cue, chunk cueRange, toks [][]token, p *pattern, dialogue []token) (candidate, bool) {
	try := func(i int) (candidate, bool) {
		for s := range toks[i] {
			if end, ok := p.matchAt(toks[i], s); ok {
				cue := chunk.first + i
				return candidate{cue: cue, matched: spanText(cues[cue].Text, toks[i], s, end)}, true
			}
		}
		return candidate{}, false
	}
	quoted := wordString(dialogue)
	if quoted != "" {
		for i := range toks {
			if text := wordString(toks[i]); text != "" && (strings.Contains(quoted, text) || strings.Contains(text, quoted)) {
				if c, ok := try(i); ok {
					return c, true
				}
			}
		}
	}
	for i := range toks {
		if c, ok := try(i); ok {
			return c, true
		}
	}
	return candidate{}, false
}

// wordString joins normalised words with spaces around each, so substring tests respect word boundaries.
func wordString(toks []token) string {
	if len(toks) == 0 {
		return ""
	}
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte(' ')
		b.WriteString(t.norm)
	}
	b.WriteByte(' ')
	return b.String()
}

// itemEntry turns one answer into a lexicon-style entry and its pattern. The model's translation and meaning
// fit the scene, so they win; the lexicon fills what the model left out and decides the kind.
func itemEntry(item llmItem) (Entry, *pattern, bool) {
	phrase := strings.Join(strings.Fields(item.Expression), " ")
	if phrase == "" {
		return Entry{}, nil, false
	}
	e := Entry{Phrase: phrase}
	lexEntry, p, known := lookupEntry(phrase)
	if known {
		e = lexEntry
	} else {
		var err error
		if p, err = compileUserPhrase(phrase); err != nil {
			return Entry{}, nil, false
		}
		e.Kind = inferKind(p)
	}
	if t := strings.TrimSpace(item.Translation); t != "" {
		e.Translation = t
	}
	if m := strings.TrimSpace(item.Meaning); m != "" {
		e.Meaning = m
	}
	if lv := Level(strings.ToLower(strings.TrimSpace(item.Level))); validLevel(lv) {
		e.Level = lv
	}
	if similar := cleanSimilar(item.Similar, phrase); len(similar) > 0 {
		e.Similar = similar
	}
	return e, p, true
}

// cleanSimilar trims, de-duplicates and caps the model's similar expressions.
func cleanSimilar(in []string, phrase string) []string {
	var out []string
	for _, s := range in {
		s = strings.Join(strings.Fields(s), " ")
		if s == "" || strings.EqualFold(s, phrase) || slices.Contains(out, s) {
			continue
		}
		out = append(out, s)
		if len(out) == maxSimilar {
			break
		}
	}
	return out
}

// buildPrompt writes the chat messages for one chunk of cues.
func buildPrompt(cues []subtitles.Cue, chunk cueRange, opts Options, wanted int) []chatMessage {
	level := opts.Level
	if level == LevelMixed {
		level = "any level, preferring intermediate"
	}
	var user strings.Builder
	fmt.Fprintf(&user, "Learner level: %s.\nFind up to %d expressions.\n", level, wanted)
	if len(opts.Include) > 0 {
		fmt.Fprintf(&user, "Always include these if they occur: %s.\n", strings.Join(opts.Include, "; "))
	}
	user.WriteString("\nDialogue (one subtitle per line):\n")
	for i := chunk.first; i < chunk.end; i++ {
		fmt.Fprintf(&user, "%s\n", strings.Join(strings.Fields(cues[i].Text), " "))
	}
	return []chatMessage{
		{Role: "system", Content: systemPrompt(opts.TargetLanguage)},
		{Role: "user", Content: user.String()},
	}
}

// languageName names a language tag in English for the prompt ("ko" is Korean, "pt-BR" Brazilian
// Portuguese); a tag it does not know stays as given.
func languageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if name := display.English.Tags().Name(t); name != "" {
		return name
	}
	return tag
}

// systemPrompt tells the model what to pick and in which language to translate: the task's
// targetLanguage, named in English and by its code.
func systemPrompt(targetLanguage string) string {
	lang := fmt.Sprintf("%s (%s)", languageName(targetLanguage), targetLanguage)
	return strings.ReplaceAll(systemPromptTemplate, "{language}", lang)
}

const systemPromptTemplate = `You are an experienced English teacher preparing lessons from film dialogue for learners whose
language is {language}.
From the dialogue, pick the expressions most worth teaching: idioms, phrasal verbs and strong collocations that
a learner can reuse. Never pick single words, names, or combinations of function words ("of the", "to be").
For each expression give:
- expression: its dictionary form (base verb, "one's" for possessives, "someone"/"something" for objects);
- translation: a natural translation into {language} that fits this scene;
- meaning: a short English explanation;
- level: beginner, intermediate or advanced;
- dialogue: the subtitle line it occurs in, copied exactly;
- similar: up to three similar English expressions.
Answer only with JSON that follows the schema.`
