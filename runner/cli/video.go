package cli

import (
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/cache"
	"github.com/langflix/langflix-operator/runner/expressions"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/lessonsubs"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/media"
	"github.com/langflix/langflix-operator/runner/pipeline"
	"github.com/langflix/langflix-operator/runner/slides"
)

func (a *app) videoCommand() *cobra.Command {
	o := &runnerv1.VideoOptions{}
	cmd := &cobra.Command{
		Use:   runnerv1.CommandVideo,
		Short: "Find expressions in a video's dialogue and build clips, slides, lesson videos and shorts",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.runVideo(cmd, o) },
	}
	o.Bind(cmd.Flags())
	_ = cmd.MarkFlagRequired(runnerv1.FlagVideo)
	_ = cmd.MarkFlagRequired(runnerv1.FlagOut)
	return cmd
}

func (a *app) runVideo(cmd *cobra.Command, o *runnerv1.VideoOptions) error {
	a.begin()
	cfg, cleanupFn, err := a.videoConfig(o)
	if cleanupFn != nil {
		defer cleanupFn()
	}
	res := &pipeline.Result{}
	if err == nil {
		a.log.Info("video task", "version", Version, "video", o.Video, "subtitles", o.Subtitles, "out", o.Out,
			"extractor", o.Extractor, "maxExpressions", o.MaxExpressions, "level", o.Level,
			"targetLanguage", o.TargetLanguage, "subtitleMode", cfg.SubtitleMode, "shortsSubtitleMode", cfg.ShortsSubtitleMode,
			"softTimeLimit", cfg.SoftTimeLimit, "hardTimeLimit", o.HardTimeLimit)
		ctx, cancel := pipeline.WithHardTimeLimit(cmd.Context(), a.env.Start, o.HardTimeLimit)
		defer cancel()
		d := pipeline.NewDeadline(ctx, a.env.Start, cfg.SoftTimeLimit)
		defer d.Stop()
		res, err = pipeline.RunVideo(d, cfg)
	}
	err = exitError(err)
	a.writeTermination(cmd, res.Termination(err))
	return err
}

// ValidateVideo checks video options the way the video command does before it touches any input, so that
// a test can show that whatever the VideoTask schema admits, the runner accepts.
func ValidateVideo(o runnerv1.VideoOptions) error {
	if !slices.ContainsFunc(tasksv1.ExpressionLevels, func(l tasksv1.ExpressionLevel) bool { return runnerv1.LevelFlag(l) == strings.ToLower(o.Level) }) {
		return failure.Invalid("--%s %q: want beginner, intermediate, advanced or mixed", runnerv1.FlagLevel, o.Level)
	}
	if o.MaxExpressions < 1 || o.MaxExpressions > tasksv1.MaxMaxCount {
		return failure.Invalid("--%s %d: want 1 to %d", runnerv1.FlagMaxExpressions, o.MaxExpressions, tasksv1.MaxMaxCount)
	}
	if o.Repeat < 1 {
		return failure.Invalid("--%s %d: want at least 1", runnerv1.FlagRepeat, o.Repeat)
	}
	for flag, value := range map[string]string{runnerv1.FlagSubtitleMode: o.SubtitleMode, runnerv1.FlagShortsSubtitleMode: o.ShortsSubtitleMode} {
		if _, err := lessonsubs.ParseMode(value); err != nil {
			return failure.Invalid("--%s %q: want %s, %s or %s", flag, value,
				runnerv1.SubtitleModeDual, runnerv1.SubtitleModeOriginal, runnerv1.SubtitleModeNone)
		}
	}
	switch o.Extractor {
	case runnerv1.ExtractorDictionary:
		if !tasksv1.DictionarySupports(o.TargetLanguage) {
			return failure.Invalid("--%s %q: the %s extractor's built-in dictionary has Korean (%s) translations only; use --%s %s for other languages",
				runnerv1.FlagTargetLanguage, o.TargetLanguage, runnerv1.ExtractorDictionary, tasksv1.DictionaryLanguage,
				runnerv1.FlagExtractor, runnerv1.ExtractorLLM)
		}
	case runnerv1.ExtractorLLM:
		if o.LLMEndpoint == "" || o.LLMModel == "" {
			return failure.Invalid("--%s %s needs --%s and --%s", runnerv1.FlagExtractor, runnerv1.ExtractorLLM,
				runnerv1.FlagLLMEndpoint, runnerv1.FlagLLMModel)
		}
	default:
		return failure.Invalid("--%s %q: want %s or %s", runnerv1.FlagExtractor, o.Extractor, runnerv1.ExtractorDictionary,
			runnerv1.ExtractorLLM)
	}
	return nil
}

// videoConfig turns options into a pipeline configuration. The returned func releases what it opened
// (work folder, cache connection); it is non-nil whenever something needs releasing, even on error.
func (a *app) videoConfig(o *runnerv1.VideoOptions) (pipeline.VideoConfig, func(), error) {
	var closers []func()
	release := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	if err := applyEnv(o.ApplyEnv); err != nil {
		return pipeline.VideoConfig{}, release, err
	}
	if err := ValidateVideo(*o); err != nil {
		return pipeline.VideoConfig{}, release, err
	}
	extractor, model, err := a.extractor(o)
	if err != nil {
		return pipeline.VideoConfig{}, release, err
	}
	// ValidateVideo accepted both modes.
	subtitleMode, _ := lessonsubs.ParseMode(o.SubtitleMode)
	shortsSubtitleMode, _ := lessonsubs.ParseMode(o.ShortsSubtitleMode)
	font := ""
	if o.Slides || o.EducationalVideo || o.Shorts || subtitleMode.Burns() {
		if font, err = slides.FindFont(o.Font); err != nil {
			return pipeline.VideoConfig{}, release, err
		}
	}
	work, removeWork, err := workDir(o.WorkDir)
	if err != nil {
		return pipeline.VideoConfig{}, release, err
	}
	closers = append(closers, removeWork)
	store := cache.Noop()
	if o.RedisURL != "" {
		if store, err = cache.NewRedis(o.RedisURL); err != nil {
			// Caching saves work on retries; a task without it still succeeds.
			a.log.Warn("expression cache disabled", "error", err)
			store = cache.Noop()
		} else {
			closers = append(closers, func() { _ = store.Close() })
		}
	}
	cfg := pipeline.VideoConfig{
		Video:                o.Video,
		Subtitles:            o.Subtitles,
		TranslationSubtitles: o.TranslationSubtitles,
		StorageRoot:          o.StorageRoot,
		Out:                  o.Out,
		WorkDir:              work,
		Language:             o.Language,
		TargetLanguage:       o.TargetLanguage,
		Expressions: expressions.Options{MaxCount: o.MaxExpressions, Level: o.Level, Include: o.Include,
			TargetLanguage: o.TargetLanguage},
		Extractor:      extractor,
		ExtractorName:  o.Extractor,
		ExtractorModel: model,
		// The endpoint decides the answers, so it is part of every cache key, as is the scope.
		ExtractorEndpoint:  extractorEndpoint(o),
		Cache:              store,
		CacheScope:         o.CacheScope,
		StorageID:          o.StorageID,
		EducationalVideo:   o.EducationalVideo,
		Shorts:             o.Shorts,
		Slides:             o.Slides,
		Combined:           o.Combined,
		Repeat:             o.Repeat,
		FontPath:           font,
		SubtitleMode:       subtitleMode,
		ShortsSubtitleMode: shortsSubtitleMode,
		Tools:              media.DefaultTools(),
		Version:            Version,
		Task:               taskFromEnv(),
		SoftTimeLimit:      o.SoftTimeLimit,
		Log:                a.log,
	}
	rep, err := a.newReporter(o.Progress, pipeline.VideoPlan(cfg))
	if err != nil {
		return cfg, release, err
	}
	cfg.Progress = rep
	return cfg, release, nil
}

// extractor builds the expression extractor the options name. The API key is read from a file or the
// environment and never logged.
func (a *app) extractor(o *runnerv1.VideoOptions) (expressions.Extractor, string, error) {
	if o.Extractor != runnerv1.ExtractorLLM {
		return expressions.NewDictionary(), "", nil
	}
	key := o.LLMAPIKey
	if o.LLMAPIKeyFile != "" {
		data, err := os.ReadFile(o.LLMAPIKeyFile)
		if err != nil {
			return nil, "", failure.Invalid("--%s: %v", runnerv1.FlagLLMAPIKeyFile, err)
		}
		key = strings.TrimSpace(string(data))
	}
	return expressions.NewLLM(expressions.LLMConfig{Endpoint: o.LLMEndpoint, Model: o.LLMModel, APIKey: key, Log: a.log}), o.LLMModel, nil
}

// taskFromEnv describes the task the run belongs to, for the manifest; nil outside a cluster.
func taskFromEnv() *manifest.Task {
	ref, ok := runnerv1.TaskRefFromEnv(os.Getenv)
	if !ok {
		return nil
	}
	return &manifest.Task{Kind: ref.Kind, Name: ref.Name, Namespace: ref.Namespace}
}
