package runnerv1alpha1

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// Commands of the runner: the first container argument.
const (
	CommandVideo   = "video"
	CommandSlides  = "slides"
	CommandCleanup = "cleanup"
	CommandVersion = "version"
)

// Flag names of the runner. Every one is registered by a Bind method here and rendered by an Args method
// here; neither side spells a flag name anywhere else.
const (
	// Shared by video and slides.
	FlagStorageRoot    = "storage-root"
	FlagOut            = "out"
	FlagFont           = "font"
	FlagSoftTimeLimit  = "soft-time-limit"
	FlagHardTimeLimit  = "hard-time-limit"
	FlagProgress       = "progress"
	FlagTerminationLog = "termination-log"
	FlagWorkDir        = "work-dir"

	// video
	FlagVideo                = "video"
	FlagSubtitles            = "subtitles"
	FlagTranslationSubtitles = "translation-subtitles"
	FlagLanguage             = "language"
	FlagTargetLanguage       = "target-language"
	FlagMaxExpressions       = "max-expressions"
	FlagLevel                = "level"
	FlagInclude              = "include" // also cleanup, with its own meaning there
	FlagExtractor            = "extractor"
	FlagLLMEndpoint          = "llm-endpoint"
	FlagLLMModel             = "llm-model"
	FlagLLMAPIKeyFile        = "llm-api-key-file"
	FlagEducationalVideo     = "educational-video"
	FlagCombined             = "combined"
	FlagShorts               = "shorts"
	FlagSlides               = "slides"
	FlagRepeat               = "repeat"
	FlagSubtitleMode         = "subtitle-mode"
	FlagShortsSubtitleMode   = "shorts-subtitle-mode"
	FlagRedisURL             = "redis-url"

	// slides
	FlagContent     = "content"
	FlagContentFile = "content-file"
	FlagFormat      = "format"
	FlagWidth       = "width"
	FlagHeight      = "height"
	FlagDuration    = "duration"
	FlagAudio       = "audio"

	// cleanup
	FlagRoot          = "root"
	FlagPath          = "path"
	FlagRetentionDays = "retention-days"
	FlagExclude       = "exclude"
	FlagDryRun        = "dry-run"
)

// Values of --progress.
const (
	ProgressAuto       = "auto"
	ProgressTTY        = "tty"
	ProgressPlain      = "plain"
	ProgressKubernetes = "kubernetes"
	ProgressNone       = "none"
)

// Values of --extractor: the API's ExtractorType in lower case.
const (
	ExtractorDictionary = "dictionary"
	ExtractorLLM        = "llm"
)

// ExtractorFlag is the --extractor value of an API extractor type.
func ExtractorFlag(t string) string { return strings.ToLower(t) }

// Values of --level: the API's ExpressionLevel in lower case.
const (
	LevelBeginner     = "beginner"
	LevelIntermediate = "intermediate"
	LevelAdvanced     = "advanced"
	LevelMixed        = "mixed"
)

// LevelFlag is the --level value of an API expression level.
func LevelFlag(l tasksv1.ExpressionLevel) string { return strings.ToLower(string(l)) }

// Values of --format: the API's SlideFormat in lower case.
const (
	FormatPNG = "png"
	FormatMP4 = "mp4"
)

// Values of --subtitle-mode and --shorts-subtitle-mode: the API's SubtitleMode in lower case.
const (
	SubtitleModeDual     = "dual"
	SubtitleModeOriginal = "original"
	SubtitleModeNone     = "none"
)

// SubtitleModeFlag is the --subtitle-mode value of an API subtitle mode.
func SubtitleModeFlag(m string) string { return strings.ToLower(m) }

// FlagBinder is what Bind registers flags on. Both *pflag.FlagSet (the runner's cobra commands) and the
// standard library's *flag.FlagSet satisfy it. Repeatable flags go through Func, which both provide with
// the same signature; their Value types differ (pflag's has Type), so Var cannot be part of the interface.
type FlagBinder interface {
	StringVar(p *string, name, value, usage string)
	IntVar(p *int, name string, value int, usage string)
	BoolVar(p *bool, name string, value bool, usage string)
	DurationVar(p *time.Duration, name string, value time.Duration, usage string)
	Func(name, usage string, fn func(string) error)
}

// StringList is the value of a repeatable flag: every occurrence appends one item, so an item may hold
// commas, '=' or spaces. It implements pflag.Value (and flag.Value).
type StringList []string

// String joins the items for help output.
func (l *StringList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ", ")
}

// Set appends one occurrence.
func (l *StringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// Type names the value in pflag's help.
func (l *StringList) Type() string { return "stringArray" }

// bindList registers a repeatable flag that appends to *p.
func bindList(fs FlagBinder, p *[]string, name, usage string) {
	fs.Func(name, usage, (*StringList)(p).Set)
}

// bindTimeLimit registers a time-limit flag that takes a Go duration or plain seconds.
func bindTimeLimit(fs FlagBinder, p *time.Duration, name, usage string) {
	fs.Func(name, usage, func(v string) error {
		d, err := ParseTimeLimit(v)
		if err != nil {
			return err
		}
		*p = d
		return nil
	})
}

// ParseTimeLimit reads a time limit: a Go duration (25m, 1h30m) or plain seconds (1500, 2.5), because that
// is how Celery configured them. Empty means none (0).
func ParseTimeLimit(value string) (time.Duration, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(value)
	if err != nil {
		secs, ferr := strconv.ParseFloat(value, 64)
		if ferr != nil {
			return 0, fmt.Errorf("%q is not a duration (use e.g. 45m or 2700)", value)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d < 0 {
		return 0, fmt.Errorf("%q must not be negative", value)
	}
	return d, nil
}

// argsBuilder renders flags as single "--name=value" arguments, so a value may contain spaces, '=' or a
// leading dash without being split or taken for another flag.
type argsBuilder []string

func (a *argsBuilder) str(name, value string) { *a = append(*a, "--"+name+"="+value) }

// opt renders a string flag whose default is empty only when it has a value.
func (a *argsBuilder) opt(name, value string) {
	if value != "" {
		a.str(name, value)
	}
}

func (a *argsBuilder) int(name string, v int)                { a.str(name, strconv.Itoa(v)) }
func (a *argsBuilder) bool(name string, v bool)              { a.str(name, strconv.FormatBool(v)) }
func (a *argsBuilder) duration(name string, d time.Duration) { a.str(name, d.String()) }

func (a *argsBuilder) list(name string, values []string) {
	for _, v := range values {
		a.str(name, v)
	}
}

// optDuration renders a duration whose zero means "unset".
func (a *argsBuilder) optDuration(name string, d time.Duration) {
	if d != 0 {
		a.duration(name, d)
	}
}
