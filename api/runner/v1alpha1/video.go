package runnerv1alpha1

import (
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// VideoOptions are the options of the runner's video command.
type VideoOptions struct {
	TaskOptions

	// Video, Subtitles and TranslationSubtitles are inputs: paths relative to StorageRoot or URLs. An empty
	// Subtitles means the video's first embedded text subtitle stream.
	Video, Subtitles, TranslationSubtitles string
	// Language is the spoken language, TargetLanguage the learners' (ISO 639 codes).
	Language, TargetLanguage string
	// MaxExpressions is the most expressions to teach.
	MaxExpressions int
	// Level is beginner, intermediate, advanced or mixed.
	Level string
	// Include lists expressions that must be taught when they occur.
	Include []string
	// Extractor is ExtractorDictionary or ExtractorLLM.
	Extractor string
	// LLMEndpoint and LLMModel configure ExtractorLLM.
	LLMEndpoint, LLMModel string
	// Outputs to build.
	EducationalVideo, Combined, Shorts, Slides bool
	// Repeat is how often the expression clip repeats in the educational video.
	Repeat int
	// SubtitleMode is burned into the clips and lesson videos, ShortsSubtitleMode into the shorts:
	// SubtitleModeDual, SubtitleModeOriginal or SubtitleModeNone.
	SubtitleMode, ShortsSubtitleMode string

	// RedisURL (runner side) is the optional result cache, from --redis-url or EnvRedisURL. Env never renders
	// it: the operator gives the runner the URL by Secret reference only (the URL may hold a password).
	RedisURL string
	// CacheScope (runner side) keeps cache entries apart: EnvCacheScope, else the task's namespace.
	CacheScope string
	// StorageID (runner side) names the storage volume for result reuse, from EnvStorageID; empty turns
	// result reuse off.
	StorageID string
	// LLMAPIKeySecret (operator side) is the Secret key the LLM API key comes from; Env renders it as
	// EnvLLMAPIKey. It is not a flag.
	LLMAPIKeySecret *tasksv1.SecretKeyRef
	// LLMAPIKey (runner side) is the key itself, read from EnvLLMAPIKey by ApplyEnv. It is never rendered.
	LLMAPIKey string
	// LLMAPIKeyFile (runner-local) is a file holding the key; it wins over EnvLLMAPIKey.
	LLMAPIKeyFile string
}

// VideoOptionsFromSpec is how the operator runs the runner for a VideoTask. It reads the spec as the API
// server stores it, with the schema's defaults filled in; it has no defaults of its own.
func VideoOptionsFromSpec(t *tasksv1.VideoTask) VideoOptions {
	s := t.Spec
	perExpression, combined := EducationalVideoFlags(s.Render.EducationalVideo)
	o := VideoOptions{
		TaskOptions:          taskOptionsFor(t),
		Video:                string(s.Source.Video),
		Subtitles:            string(s.Source.Subtitles),
		TranslationSubtitles: string(s.Source.TranslationSubtitles),
		Language:             string(s.Source.Language),
		TargetLanguage:       string(s.TargetLanguage),
		MaxExpressions:       int(s.Expressions.MaxCount),
		Level:                LevelFlag(s.Expressions.Level),
		Extractor:            ExtractorFlag(string(s.Expressions.Extractor)),
		EducationalVideo:     perExpression,
		Combined:             combined,
		Shorts:               ShortsFlag(s.Render.Shorts),
		Slides:               SlidesFlag(s.Render.Slides),
		Repeat:               int(s.Render.RepeatCount),
		SubtitleMode:         SubtitleModeFlag(string(s.Render.Subtitles)),
		ShortsSubtitleMode:   SubtitleModeFlag(string(s.Render.ShortsSubtitles)),
	}
	if len(s.Expressions.Include) > 0 {
		o.Include = append([]string(nil), s.Expressions.Include...)
	}
	if llm := s.Expressions.LLM; llm != nil && o.Extractor == ExtractorLLM {
		o.LLMEndpoint, o.LLMModel = llm.Endpoint, llm.Model
		if llm.APIKeySecretRef != nil {
			ref := *llm.APIKeySecretRef
			o.LLMAPIKeySecret = &ref
		}
	}
	return o
}

// EducationalVideoFlags are the --educational-video and --combined values of spec.render.educationalVideo.
func EducationalVideoFlags(m tasksv1.EducationalVideoMode) (perExpression, combined bool) {
	return m == tasksv1.EducationalVideoPerExpression || m == tasksv1.EducationalVideoPerExpressionAndCombined,
		m == tasksv1.EducationalVideoPerExpressionAndCombined
}

// ShortsFlag is the --shorts value of spec.render.shorts.
func ShortsFlag(f tasksv1.ShortsFormat) bool { return f == tasksv1.ShortsVertical }

// SlidesFlag is the --slides value of spec.render.slides.
func SlidesFlag(i tasksv1.SlideImages) bool { return i == tasksv1.SlideImagesPNG }

// Args are the runner container's arguments: the command and its flags.
func (o VideoOptions) Args() []string {
	a := argsBuilder{CommandVideo}
	o.TaskOptions.args(&a)
	a.opt(FlagVideo, o.Video)
	a.opt(FlagSubtitles, o.Subtitles)
	a.opt(FlagTranslationSubtitles, o.TranslationSubtitles)
	a.str(FlagLanguage, o.Language)
	a.str(FlagTargetLanguage, o.TargetLanguage)
	a.int(FlagMaxExpressions, o.MaxExpressions)
	a.str(FlagLevel, o.Level)
	a.list(FlagInclude, o.Include)
	a.str(FlagExtractor, o.Extractor)
	a.opt(FlagLLMEndpoint, o.LLMEndpoint)
	a.opt(FlagLLMModel, o.LLMModel)
	a.opt(FlagLLMAPIKeyFile, o.LLMAPIKeyFile)
	a.bool(FlagEducationalVideo, o.EducationalVideo)
	a.bool(FlagCombined, o.Combined)
	a.bool(FlagShorts, o.Shorts)
	a.bool(FlagSlides, o.Slides)
	a.int(FlagRepeat, o.Repeat)
	a.str(FlagSubtitleMode, o.SubtitleMode)
	a.str(FlagShortsSubtitleMode, o.ShortsSubtitleMode)
	return a
}

// Env is the runner container's environment for these options (the task reference and the cache aside):
// the LLM API key by Secret reference.
func (o VideoOptions) Env() []EnvVar {
	var env []EnvVar
	if o.LLMAPIKeySecret != nil {
		ref := *o.LLMAPIKeySecret
		env = append(env, EnvVar{Name: EnvLLMAPIKey, SecretKeyRef: &ref})
	}
	return env
}

// Bind registers the video command's flags on fs, with the API's defaults as flag defaults, so a runner
// started by hand behaves like a VideoTask that left those fields out.
func (o *VideoOptions) Bind(fs FlagBinder) {
	o.TaskOptions.bind(fs)
	fs.StringVar(&o.Video, FlagVideo, "", "video file (relative to --"+FlagStorageRoot+") or URL")
	fs.StringVar(&o.Subtitles, FlagSubtitles, "", "subtitle file in the video's language (default: the first text subtitle track of the video)")
	fs.StringVar(&o.TranslationSubtitles, FlagTranslationSubtitles, "", "subtitle file in the target language, for dialogue translations")
	fs.StringVar(&o.Language, FlagLanguage, tasksv1.DefaultLanguage, "language of the video's dialogue")
	fs.StringVar(&o.TargetLanguage, FlagTargetLanguage, tasksv1.DefaultTargetLanguage, "language of the learners (translations); the dictionary extractor has ko only")
	fs.IntVar(&o.MaxExpressions, FlagMaxExpressions, tasksv1.DefaultMaxCount, "most expressions to teach")
	fs.StringVar(&o.Level, FlagLevel, LevelFlag(tasksv1.DefaultLevel), "learner level: beginner, intermediate, advanced or mixed")
	bindList(fs, &o.Include, FlagInclude, "`expression` that must be taught when it occurs (repeatable)")
	fs.StringVar(&o.Extractor, FlagExtractor, ExtractorFlag(string(tasksv1.DefaultExtractor)), "how expressions are found: dictionary or llm")
	fs.StringVar(&o.LLMEndpoint, FlagLLMEndpoint, "", "base URL of an OpenAI-compatible API (--"+FlagExtractor+" llm)")
	fs.StringVar(&o.LLMModel, FlagLLMModel, "", "LLM model name (--"+FlagExtractor+" llm)")
	fs.StringVar(&o.LLMAPIKeyFile, FlagLLMAPIKeyFile, "", "file holding the LLM API key (default: env "+EnvLLMAPIKey+")")
	perExpression, combined := EducationalVideoFlags(tasksv1.DefaultEducationalVideo)
	fs.BoolVar(&o.EducationalVideo, FlagEducationalVideo, perExpression, "build an educational video per expression")
	fs.BoolVar(&o.Combined, FlagCombined, combined, "also join the educational videos into one")
	fs.BoolVar(&o.Shorts, FlagShorts, ShortsFlag(tasksv1.DefaultShorts), "build a vertical short per expression")
	fs.BoolVar(&o.Slides, FlagSlides, SlidesFlag(tasksv1.DefaultSlideImages), "keep the slide images as outputs")
	fs.IntVar(&o.Repeat, FlagRepeat, tasksv1.DefaultRepeatCount, "how often the expression clip is repeated")
	fs.StringVar(&o.SubtitleMode, FlagSubtitleMode, SubtitleModeFlag(string(tasksv1.DefaultSubtitles)),
		"subtitles burned into clips and lesson videos: dual (dialogue and its translation), original or none")
	fs.StringVar(&o.ShortsSubtitleMode, FlagShortsSubtitleMode, SubtitleModeFlag(string(tasksv1.DefaultSubtitles)),
		"subtitles burned into shorts: dual, original or none")
	fs.StringVar(&o.RedisURL, FlagRedisURL, "", "Redis URL for caching expressions (env "+EnvRedisURL+")")
}

// ApplyEnv completes parsed flags from the environment (getenv is os.Getenv in the runner): the soft time
// limit and Redis URL when no flag gave them, the cache scope, the storage identity and the LLM API key.
func (o *VideoOptions) ApplyEnv(getenv func(string) string) error {
	if err := o.TaskOptions.applyEnv(getenv); err != nil {
		return err
	}
	if o.RedisURL == "" {
		o.RedisURL = getenv(EnvRedisURL)
	}
	if o.CacheScope = getenv(EnvCacheScope); o.CacheScope == "" {
		// A Job without the setting still never shares entries with other namespaces.
		o.CacheScope = getenv(EnvTaskNamespace)
	}
	o.StorageID = getenv(EnvStorageID)
	o.LLMAPIKey = getenv(EnvLLMAPIKey)
	return nil
}
