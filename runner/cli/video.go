package cli

import (
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/langflix/langflix-operator/runner/cache"
	"github.com/langflix/langflix-operator/runner/expressions"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/lessonsubs"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/media"
	"github.com/langflix/langflix-operator/runner/pipeline"
	"github.com/langflix/langflix-operator/runner/progress"
	"github.com/langflix/langflix-operator/runner/slides"
)

// Extractor names of --extractor.
const (
	extractorDictionary = "dictionary"
	extractorLLM        = "llm"
)

// validLevels are the values of --level; checked here so a typo fails before the video is probed.
var validLevels = map[string]bool{"beginner": true, "intermediate": true, "advanced": true, "mixed": true}

type videoFlags struct {
	commonFlags
	video, subtitles, translationSubtitles string
	language, targetLanguage               string
	maxExpressions                         int
	level                                  string
	include                                []string
	extractor                              string
	llmEndpoint, llmModel, llmAPIKeyFile   string
	educationalVideo, shorts, slides       bool
	combined                               bool
	repeat                                 int
	subtitleMode, shortsSubtitleMode       string
	redisURL                               string
}

func (a *app) videoCommand() *cobra.Command {
	f := &videoFlags{}
	cmd := &cobra.Command{
		Use:   "video",
		Short: "Find expressions in a video's dialogue and build clips, slides, lesson videos and shorts",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.runVideo(cmd, f) },
	}
	fs := cmd.Flags()
	f.register(fs)
	fs.StringVar(&f.video, "video", "", "video file (relative to --storage-root) or URL")
	fs.StringVar(&f.subtitles, "subtitles", "", "subtitle file in the video's language (default: the first text subtitle track of the video)")
	fs.StringVar(&f.translationSubtitles, "translation-subtitles", "", "subtitle file in the target language, for dialogue translations")
	fs.StringVar(&f.language, "language", "en", "language of the video's dialogue")
	fs.StringVar(&f.targetLanguage, "target-language", "ko", "language of the learners (translations)")
	fs.IntVar(&f.maxExpressions, "max-expressions", 5, "most expressions to teach")
	fs.StringVar(&f.level, "level", "mixed", "learner level: beginner, intermediate, advanced or mixed")
	fs.StringArrayVar(&f.include, "include", nil, "expression that must be taught when it occurs (repeatable)")
	fs.StringVar(&f.extractor, "extractor", extractorDictionary, "how expressions are found: dictionary or llm")
	fs.StringVar(&f.llmEndpoint, "llm-endpoint", "", "chat-completions endpoint of the LLM (--extractor llm)")
	fs.StringVar(&f.llmModel, "llm-model", "", "LLM model name (--extractor llm)")
	fs.StringVar(&f.llmAPIKeyFile, "llm-api-key-file", "", "file holding the LLM API key (default: env "+envLLMAPIKey+")")
	fs.BoolVar(&f.educationalVideo, "educational-video", true, "build an educational video per expression")
	fs.BoolVar(&f.shorts, "shorts", false, "build a vertical short per expression")
	fs.BoolVar(&f.slides, "slides", true, "keep the slide images as outputs")
	fs.BoolVar(&f.combined, "combined", false, "also join the educational videos into one")
	fs.IntVar(&f.repeat, "repeat", 3, "how often the expression clip is repeated")
	fs.StringVar(&f.subtitleMode, "subtitle-mode", string(lessonsubs.Dual),
		"subtitles burned into clips and lesson videos: dual (dialogue and translation), original or none")
	fs.StringVar(&f.shortsSubtitleMode, "shorts-subtitle-mode", string(lessonsubs.Dual),
		"subtitles burned into shorts: dual, original or none")
	fs.StringVar(&f.redisURL, "redis-url", "", "Redis URL for caching expressions (env "+envRedisURL+")")
	_ = cmd.MarkFlagRequired("video")
	_ = cmd.MarkFlagRequired(flagOut)
	return cmd
}

func (a *app) runVideo(cmd *cobra.Command, f *videoFlags) error {
	a.begin()
	envDefault(cmd, "redis-url", envRedisURL, &f.redisURL)
	cfg, cleanupFn, err := a.videoConfig(cmd, f)
	if cleanupFn != nil {
		defer cleanupFn()
	}
	res := &pipeline.Result{}
	if err == nil {
		a.log.Info("video task", "version", Version, "video", f.video, "subtitles", f.subtitles, "out", f.out,
			"extractor", f.extractor, "maxExpressions", f.maxExpressions, "level", f.level, "subtitleMode", cfg.SubtitleMode,
			"shortsSubtitleMode", cfg.ShortsSubtitleMode, "softTimeLimit", cfg.SoftTimeLimit)
		d := pipeline.NewDeadline(cmd.Context(), a.env.Start, cfg.SoftTimeLimit)
		defer d.Stop()
		res, err = pipeline.RunVideo(d, cfg)
	}
	err = exitError(err)
	a.writeTermination(cmd, res.Termination(err).Encode())
	return err
}

// videoConfig turns flags into a pipeline configuration. The returned func releases what it opened
// (work folder, cache connection); it is non-nil whenever something needs releasing, even on error.
func (a *app) videoConfig(cmd *cobra.Command, f *videoFlags) (pipeline.VideoConfig, func(), error) {
	var closers []func()
	release := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	limit, err := f.softLimit(cmd)
	if err != nil {
		return pipeline.VideoConfig{}, release, err
	}
	if !validLevels[strings.ToLower(f.level)] {
		return pipeline.VideoConfig{}, release, failure.Invalid("--level %q: want beginner, intermediate, advanced or mixed", f.level)
	}
	if f.maxExpressions < 1 {
		return pipeline.VideoConfig{}, release, failure.Invalid("--max-expressions %d: want at least 1", f.maxExpressions)
	}
	extractor, model, err := a.extractor(f)
	if err != nil {
		return pipeline.VideoConfig{}, release, err
	}
	subtitleMode, err := lessonsubs.ParseMode(f.subtitleMode)
	if err != nil {
		return pipeline.VideoConfig{}, release, failure.Invalid("--subtitle-mode %q: want dual, original or none", f.subtitleMode)
	}
	shortsSubtitleMode, err := lessonsubs.ParseMode(f.shortsSubtitleMode)
	if err != nil {
		return pipeline.VideoConfig{}, release, failure.Invalid("--shorts-subtitle-mode %q: want dual, original or none", f.shortsSubtitleMode)
	}
	font := ""
	if f.slides || f.educationalVideo || f.shorts || subtitleMode.Burns() {
		if font, err = slides.FindFont(f.font); err != nil {
			return pipeline.VideoConfig{}, release, err
		}
	}
	work, removeWork, err := workDir(f.workDir)
	if err != nil {
		return pipeline.VideoConfig{}, release, err
	}
	closers = append(closers, removeWork)
	store := cache.Noop()
	if f.redisURL != "" {
		if store, err = cache.NewRedis(f.redisURL); err != nil {
			// Caching saves work on retries; a task without it still succeeds.
			a.log.Warn("expression cache disabled", "error", err)
			store = cache.Noop()
		} else {
			closers = append(closers, func() { _ = store.Close() })
		}
	}
	cfg := pipeline.VideoConfig{
		Video:                f.video,
		Subtitles:            f.subtitles,
		TranslationSubtitles: f.translationSubtitles,
		StorageRoot:          f.storageRoot,
		Out:                  f.out,
		WorkDir:              work,
		Language:             f.language,
		TargetLanguage:       f.targetLanguage,
		Expressions:          expressions.Options{MaxCount: f.maxExpressions, Level: f.level, Include: f.include},
		Extractor:            extractor,
		ExtractorName:        f.extractor,
		ExtractorModel:       model,
		Cache:                store,
		EducationalVideo:     f.educationalVideo,
		Shorts:               f.shorts,
		Slides:               f.slides,
		Combined:             f.combined,
		Repeat:               f.repeat,
		FontPath:             font,
		SubtitleMode:         subtitleMode,
		ShortsSubtitleMode:   shortsSubtitleMode,
		Tools:                media.DefaultTools(),
		Version:              Version,
		Task:                 taskFromEnv(),
		SoftTimeLimit:        limit,
		Log:                  a.log,
	}
	rep, err := a.newReporter(f.progress, pipeline.VideoPlan(cfg))
	if err != nil {
		return cfg, release, err
	}
	cfg.Progress = rep
	return cfg, release, nil
}

// extractor builds the expression extractor named by --extractor. The API key is read from a file or
// the environment and never logged.
func (a *app) extractor(f *videoFlags) (expressions.Extractor, string, error) {
	switch f.extractor {
	case extractorDictionary:
		return expressions.NewDictionary(), "", nil
	case extractorLLM:
		if f.llmEndpoint == "" || f.llmModel == "" {
			return nil, "", failure.Invalid("--extractor llm needs --llm-endpoint and --llm-model")
		}
		key := os.Getenv(envLLMAPIKey)
		if f.llmAPIKeyFile != "" {
			data, err := os.ReadFile(f.llmAPIKeyFile)
			if err != nil {
				return nil, "", failure.Invalid("--llm-api-key-file: %v", err)
			}
			key = strings.TrimSpace(string(data))
		}
		return expressions.NewLLM(expressions.LLMConfig{Endpoint: f.llmEndpoint, Model: f.llmModel, APIKey: key}), f.llmModel, nil
	default:
		return nil, "", failure.Invalid("--extractor %q: want dictionary or llm", f.extractor)
	}
}

// taskFromEnv describes the task the run belongs to, for the manifest; nil outside a cluster.
func taskFromEnv() *manifest.Task {
	ref, ok := progress.TaskRefFromEnv()
	if !ok {
		return nil
	}
	return &manifest.Task{Kind: ref.Kind, Name: ref.Name, Namespace: ref.Namespace}
}
