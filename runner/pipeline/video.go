// Package pipeline runs the runner's commands end to end: the video pipeline (probe, subtitles,
// expressions, translation, clips, slides, educational videos, combined video, shorts, manifest) and
// the slides pipeline. It owns the output layout, the soft deadline and the manifest; the packages it
// calls do one thing each.
package pipeline

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/cache"
	"github.com/langflix/langflix-operator/runner/cleanup"
	"github.com/langflix/langflix-operator/runner/expressions"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/lessonsubs"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/media"
	"github.com/langflix/langflix-operator/runner/progress"
	"github.com/langflix/langflix-operator/runner/slides"
	"github.com/langflix/langflix-operator/runner/subtitles"
)

// VideoConfig configures one run of the video pipeline.
type VideoConfig struct {
	// Video, Subtitles and TranslationSubtitles are input references: paths (relative to StorageRoot, or
	// as given when it is empty) or URLs. An empty Subtitles means the first text subtitle stream
	// embedded in the video; an empty TranslationSubtitles means no dialogue translation.
	Video, Subtitles, TranslationSubtitles string
	StorageRoot                            string
	// Out is the output reference: a folder or a bucket URL.
	Out string
	// WorkDir is a private folder for downloads and intermediate files; the caller removes it.
	WorkDir string

	Language, TargetLanguage string
	// Expressions carries MaxCount, Level, Include and optionally the context bounds; the pipeline
	// fills in the video duration.
	Expressions expressions.Options
	// Extractor finds the expressions; ExtractorName and ExtractorModel identify it in the manifest and
	// the cache key, ExtractorEndpoint (the LLM's URL) in the cache key.
	Extractor                                        expressions.Extractor
	ExtractorName, ExtractorModel, ExtractorEndpoint string
	// Cache keeps extraction results across attempts; nil means none.
	Cache cache.Cache
	// CacheScope keeps cache entries apart: the task's namespace, or "shared" when the installation shares the
	// cache between namespaces; empty outside a cluster.
	CacheScope string
	// StorageID names the storage volume (runnerv1.EnvStorageID); with a cache it turns on result reuse:
	// a complete run is recorded, and an identical later one is served from its outputs (reuse.go).
	StorageID string

	EducationalVideo, Shorts, Slides, Combined bool
	// Repeat is how often the expression clip is repeated in educational videos and shorts.
	Repeat int
	// FontPath is a font that can draw Korean, already checked (slides.FindFont); "" means FindFont's
	// search when a slide or subtitles need it.
	FontPath string
	// SubtitleMode is what the clips, and with them the lesson videos, get burned in; ShortsSubtitleMode
	// the same for shorts, laid out for the vertical frame. "" means lessonsubs.Dual, like the command
	// line and the API.
	SubtitleMode, ShortsSubtitleMode lessonsubs.Mode

	Tools   media.Tools
	Version string
	Task    *manifest.Task
	// SoftTimeLimit is recorded in the manifest; the Deadline enforces it.
	SoftTimeLimit time.Duration
	Log           *slog.Logger
	Progress      progress.Reporter

	// OnExpressionFinished, when set, is called after expression n (1-based) got all its outputs. Tests
	// end the soft deadline from it at an exactly known point.
	OnExpressionFinished func(n int)
}

// ClipPadding is added before and after the cue for the expression clip, so that the first and last
// syllables are not cut off.
const ClipPadding = 250 * time.Millisecond

// expressionsTTL is how long extraction results stay cached: long enough for every retry of a task.
const expressionsTTL = 30 * 24 * time.Hour

// Stage names, as progress and the manifest report them.
const (
	StageProbe       = "probe"
	StageSubtitles   = "subtitles"
	StageReuse       = "reuse"
	StageExpressions = "expressions"
	StageTranslation = "translation"
	StageClips       = "clips"
	StageSlides      = "slides"
	StageVideos      = "videos"
	StageCombined    = "combined"
	StageShorts      = "shorts"
	StageManifest    = "manifest"
)

// videoStage is one stage of the video pipeline: its name, its usual share of the run time (ffmpeg encoding
// dominates), whether a configuration runs it, and what it does.
type videoStage struct {
	name   string
	weight int
	runs   func(cfg VideoConfig) bool
	run    func(r *videoRun) error
}

// videoStages are the video pipeline's stages in order, the one list both the progress plan (VideoPlan)
// and the run (videoRun.run) read, so the two cannot drift apart. The manifest comes last, after them.
var videoStages = []videoStage{
	{StageProbe, 3, always, (*videoRun).stageProbe},
	{StageSubtitles, 2, always, (*videoRun).stageSubtitles},
	{StageReuse, 1, reuseEnabled, (*videoRun).stageReuse},
	{StageExpressions, 5, always, (*videoRun).stageExpressions},
	{StageTranslation, 1, func(c VideoConfig) bool { return c.TranslationSubtitles != "" }, (*videoRun).stageTranslation},
	{StageClips, 30, always, (*videoRun).stageClips},
	// The educational video needs its slide even when slides are not an output.
	{StageSlides, 4, func(c VideoConfig) bool { return c.Slides || c.EducationalVideo }, (*videoRun).stageSlides},
	{StageVideos, 35, func(c VideoConfig) bool { return c.EducationalVideo }, (*videoRun).stageVideos},
	{StageCombined, 5, func(c VideoConfig) bool { return c.EducationalVideo && c.Combined }, (*videoRun).stageCombined},
	{StageShorts, 20, func(c VideoConfig) bool { return c.Shorts }, (*videoRun).stageShorts},
}

func always(VideoConfig) bool { return true }

// manifestWeight is the manifest stage's share of the progress.
const manifestWeight = 1

// VideoPlan is the progress plan of cfg: the stages it will run, weighted by their usual share of the
// run time.
func VideoPlan(cfg VideoConfig) progress.Plan {
	var plan progress.Plan
	for _, s := range videoStages {
		if s.runs(cfg) {
			plan = append(plan, progress.StageWeight{Name: s.name, Weight: s.weight})
		}
	}
	return append(plan, progress.StageWeight{Name: StageManifest, Weight: manifestWeight})
}

// Result is what a run produced, for the termination message.
type Result struct {
	// Manifest is nil when the run failed before it had anything to record.
	Manifest *manifest.Manifest
	// ManifestRef is the manifest's location in the terms of VideoConfig.Out; empty when none was written.
	ManifestRef string
	Outputs     runnerv1.Outputs
	// Reused is set when the run was served from an identical earlier run's outputs.
	Reused bool
}

// Termination builds the termination message (the runner contract's) of a run that ended with err.
func (r *Result) Termination(err error) runnerv1.TerminationMessage {
	outputs := r.Outputs
	t := runnerv1.TerminationMessage{Reason: runnerv1.ReasonCompleted, Manifest: r.ManifestRef, Outputs: &outputs}
	if r.Manifest != nil {
		t.Expressions = int32(len(r.Manifest.Expressions))
		t.Partial = r.Manifest.Status == manifest.Partial
	}
	switch {
	case err != nil:
		t.Reason, t.Message = failure.ReasonOf(err), err.Error()
	case r.Reused:
		t.Reason = runnerv1.ReasonCacheHit
		t.Message = fmt.Sprintf("served from the identical run in %s: %d expressions: %d clips, %d slides, %d videos, %d shorts",
			r.Manifest.ReusedFrom, t.Expressions, outputs.Clips, outputs.Slides, outputs.Videos, outputs.Shorts)
	default:
		t.Message = fmt.Sprintf("%d expressions: %d clips, %d slides, %d videos, %d shorts",
			t.Expressions, outputs.Clips, outputs.Slides, outputs.Videos, outputs.Shorts)
	}
	return t
}

// RunVideo runs the video pipeline under d. The error carries the failure reason: InvalidInput for
// inputs that can never work, SoftTimeLimitExceeded when d's soft context ended, Terminated on a signal.
//
// Stages run one after the other, each over all expressions in order. When the run stops early, an
// expression counts as finished only when it has every requested output; the manifest (status partial)
// lists the finished ones, and the outputs of the others are removed so that the output folder holds
// exactly what the manifest lists.
func RunVideo(d *Deadline, cfg VideoConfig) (*Result, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Progress == nil {
		cfg.Progress = progress.Nop()
	}
	if cfg.Cache == nil {
		cfg.Cache = cache.Noop()
	}
	r := &videoRun{cfg: cfg, d: d, rep: cfg.Progress, log: cfg.Log, loc: newLocations(cfg.StorageRoot, cfg.WorkDir)}
	res, err := r.finish(r.run())
	r.rep.Done(err)
	return res, err
}

// videoRun is the state of one run.
type videoRun struct {
	cfg VideoConfig
	d   *Deadline
	rep progress.Reporter
	log *slog.Logger
	loc locations

	outDir   string
	release  func()
	renderer *slides.Renderer
	m        *manifest.Manifest

	videoPath string
	probe     *media.ProbeInfo
	cues      []subtitles.Cue
	// translations holds each cue's translation (translate.Align), nil without translation subtitles.
	translations []string
	subDigest    string
	items        []*item
	// fonts is the font libass draws subtitles with; zero when no subtitles are burned.
	fonts lessonsubs.Fonts

	// resultKey is the cache key of this run's complete result, once the inputs were hashed (reuse on).
	resultKey string
	// reused is the manifest of the identical earlier run this run is served from, reusedFrom its folder.
	reused     *manifest.Manifest
	reusedFrom string
}

// item is one expression on its way through the stages.
type item struct {
	n                   int // 1-based position, the NN of file names
	expr                expressions.Expression
	names               names
	dialogueTranslation string
	// files holds the outputs committed so far, relative to the output folder.
	files manifest.Files
	// slidePNG is the slide the educational video uses: in the output folder, or in the work folder
	// when slides are not an output.
	slidePNG string
	finished bool
}

func (r *videoRun) run() error {
	if err := r.prepare(); err != nil {
		return err
	}
	for _, s := range videoStages {
		if !s.runs(r.cfg) {
			continue
		}
		if r.d.Stopped() {
			return nil // finish classifies the stop
		}
		start := time.Now()
		err := s.run(r)
		r.m.Stages = append(r.m.Stages, manifest.StageTiming{Name: s.name, DurationMS: time.Since(start).Milliseconds()})
		if err != nil {
			if r.d.Stopped() && !failure.IsInvalid(err) {
				return nil // the error is the stop itself (ffmpeg stopped, context ended)
			}
			return err
		}
		if r.reused != nil {
			return nil // served from an identical earlier run: nothing left to do
		}
	}
	return nil
}

// prepare checks what can be checked without touching the video, so bad settings fail in milliseconds,
// and claims the output folder.
func (r *videoRun) prepare() error {
	if r.cfg.Extractor == nil {
		return errors.New("pipeline: no expression extractor configured")
	}
	if r.cfg.Repeat < 1 {
		return failure.Invalid("--%s must be at least 1, got %d", runnerv1.FlagRepeat, r.cfg.Repeat)
	}
	if err := r.prepareSubtitles(); err != nil {
		return err
	}
	if r.cfg.Slides || r.cfg.EducationalVideo {
		renderer, err := slides.NewRenderer(r.cfg.FontPath)
		if err != nil {
			return err
		}
		r.renderer = renderer
	}
	out, err := r.loc.outputDir(r.cfg.Out)
	if err != nil {
		return err
	}
	release, err := cleanup.MarkInProgress(out)
	if err != nil {
		return err
	}
	r.outDir, r.release = out, release
	removeTempLeftovers(out, r.log)
	r.m = &manifest.Manifest{
		RunnerVersion: r.cfg.Version,
		Command:       "video",
		Task:          r.cfg.Task,
		Options:       r.options(),
		Expressions:   []manifest.Expression{},
		StartedAt:     time.Now().UTC(),
	}
	return nil
}

func (r *videoRun) options() manifest.Options {
	o := manifest.Options{
		Language:         r.cfg.Language,
		TargetLanguage:   r.cfg.TargetLanguage,
		MaxExpressions:   r.cfg.Expressions.MaxCount,
		Level:            r.cfg.Expressions.Level,
		Include:          r.cfg.Expressions.Include,
		Extractor:        r.cfg.ExtractorName,
		LLMModel:         r.cfg.ExtractorModel,
		EducationalVideo: r.cfg.EducationalVideo,
		Shorts:           r.cfg.Shorts,
		Slides:           r.cfg.Slides,
		Combined:         r.cfg.Combined,
		Repeat:           r.cfg.Repeat,
		Font:             r.cfg.FontPath,
		Subtitles:        string(r.cfg.SubtitleMode),
	}
	if r.cfg.Shorts {
		o.ShortsSubtitles = string(r.cfg.ShortsSubtitleMode)
	}
	if r.cfg.SoftTimeLimit > 0 {
		o.SoftTimeLimit = r.cfg.SoftTimeLimit.String()
	}
	return o
}
