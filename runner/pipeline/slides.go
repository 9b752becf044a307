package pipeline

import (
	"errors"
	"fmt"
	"image"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/cleanup"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/media"
	"github.com/langflix/langflix-operator/runner/progress"
	"github.com/langflix/langflix-operator/runner/slides"
)

// Slide output formats: the --format values of the runner contract.
const (
	FormatPNG = runnerv1.FormatPNG
	FormatMP4 = runnerv1.FormatMP4
)

// A slide's size is bounded like a SlideTask's (the API's constants): below the minimum nothing readable
// fits, above the maximum is a typo. Sizes must be even for H.264's 4:2:0 chroma.
const (
	minSlideSide = tasksv1.MinSlideSide
	maxSlideSide = tasksv1.MaxSlideSide
)

// maxSlideDuration bounds one slide video: a SlideTask's limit.
const maxSlideDuration = tasksv1.MaxSlideDurationSeconds * time.Second

// StageRender is the slides command's only stage.
const StageRender = "render"

// SlidesConfig configures one run of the slides command.
type SlidesConfig struct {
	Contents []slides.Content
	// Format is FormatPNG or FormatMP4 (a PNG plus a video of it).
	Format   string
	Size     image.Point
	Duration time.Duration
	// Audio speaks the expression with espeak-ng in mp4 slides (silence when it is not installed).
	Audio bool
	// Voice is the espeak-ng voice ("en").
	Voice string

	StorageRoot, Out, WorkDir string
	FontPath                  string
	Tools                     media.Tools
	Version                   string
	Task                      *manifest.Task
	SoftTimeLimit             time.Duration
	Log                       *slog.Logger
	Progress                  progress.Reporter
}

// SlidesPlan is the progress plan of the slides command.
func SlidesPlan() progress.Plan {
	return progress.Plan{{Name: StageRender, Weight: 20}, {Name: StageManifest, Weight: 1}}
}

// RunSlides renders one slide per content into <out>/slides/NN_<slug>.png, and with FormatMP4 also a
// video of it into <out>/videos/NN_<slug>.mp4, then writes the manifest.
func RunSlides(d *Deadline, cfg SlidesConfig) (res *Result, err error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Progress == nil {
		cfg.Progress = progress.Nop()
	}
	defer func() { cfg.Progress.Done(err) }()
	if err := CheckSlides(cfg); err != nil {
		return &Result{}, err
	}
	renderer, err := slides.NewRenderer(cfg.FontPath)
	if err != nil {
		return &Result{}, err
	}
	loc := newLocations(cfg.StorageRoot, cfg.WorkDir)
	outDir, err := loc.outputDir(cfg.Out)
	if err != nil {
		return &Result{}, err
	}
	release, err := cleanup.MarkInProgress(outDir)
	if err != nil {
		return &Result{}, err
	}
	defer release()
	removeTempLeftovers(outDir, cfg.Log)

	s := &slidesRun{cfg: cfg, d: d, renderer: renderer, outDir: outDir}
	if cfg.Format == FormatMP4 && cfg.Audio {
		s.espeak, _ = exec.LookPath("espeak-ng")
		if s.espeak == "" {
			cfg.Log.Info("espeak-ng is not installed: slide videos get a silent audio track")
		}
	}
	m := &manifest.Manifest{RunnerVersion: cfg.Version, Command: "slides", Task: cfg.Task, StartedAt: time.Now().UTC(),
		Options: manifest.Options{Format: cfg.Format, Width: cfg.Size.X, Height: cfg.Size.Y,
			SlideDuration: manifest.Seconds(cfg.Duration), Audio: cfg.Audio, Font: cfg.FontPath, Slides: true,
			EducationalVideo: cfg.Format == FormatMP4}}
	if cfg.SoftTimeLimit > 0 {
		m.Options.SoftTimeLimit = cfg.SoftTimeLimit.String()
	}
	start := time.Now()
	runErr := s.renderAll()
	m.Stages = []manifest.StageTiming{{Name: StageRender, DurationMS: time.Since(start).Milliseconds()}}
	if runErr != nil && d.Stopped() && !failure.IsInvalid(runErr) {
		runErr = nil // the error is the stop itself; classify says which
	}
	err = d.classify(runErr)
	if err != nil && len(s.done) == 0 && failure.ReasonOf(err) != failure.SoftTimeLimitExceeded &&
		failure.ReasonOf(err) != failure.Terminated {
		return &Result{}, err
	}

	cfg.Progress.Stage(StageManifest, 1)
	m.Expressions = s.done
	m.Status = manifest.Complete
	if err != nil {
		m.Status, m.Reason, m.Message = manifest.Partial, string(failure.ReasonOf(err)), err.Error()
	}
	m.FinishedAt = time.Now().UTC()
	if werr := manifest.Write(filepath.Join(outDir, manifest.FileName), m); werr != nil {
		return &Result{}, errors.Join(err, werr)
	}
	cfg.Progress.Step(1, "manifest written")
	res = &Result{Manifest: m, ManifestRef: manifestRef(cfg.Out, manifest.FileName), Outputs: countOutputs(m.Expressions)}
	if !d.Terminated() {
		if perr := loc.publish(d.Hard(), outDir, cfg.Out); perr != nil {
			return res, errors.Join(err, fmt.Errorf("publish outputs: %w", perr))
		}
	}
	return res, err
}

// CheckSlides checks what can be checked of a slides configuration before anything is rendered: content,
// format, size and duration. Failures are invalid input.
func CheckSlides(cfg SlidesConfig) error {
	if len(cfg.Contents) == 0 {
		return failure.Invalid("no slide content given")
	}
	for i, c := range cfg.Contents {
		if c.Expression == "" {
			return failure.Invalid("slide content %d has no expression", i+1)
		}
	}
	if cfg.Format != FormatPNG && cfg.Format != FormatMP4 {
		return failure.Invalid("--%s %q: want %s or %s", runnerv1.FlagFormat, cfg.Format, FormatPNG, FormatMP4)
	}
	for _, side := range []struct {
		name string
		v    int
	}{{runnerv1.FlagWidth, cfg.Size.X}, {runnerv1.FlagHeight, cfg.Size.Y}} {
		if side.v < minSlideSide || side.v > maxSlideSide || side.v%2 != 0 {
			return failure.Invalid("--%s %d: want an even number of pixels from %d to %d", side.name, side.v, minSlideSide, maxSlideSide)
		}
	}
	if cfg.Format == FormatMP4 && (cfg.Duration <= 0 || cfg.Duration > maxSlideDuration) {
		return failure.Invalid("--%s %s: want more than 0 and at most %s", runnerv1.FlagDuration, cfg.Duration, maxSlideDuration)
	}
	return nil
}

type slidesRun struct {
	cfg      SlidesConfig
	d        *Deadline
	renderer *slides.Renderer
	outDir   string
	espeak   string
	done     []manifest.Expression
}

// renderAll renders the slides in order; a slide is kept only with all its files.
func (s *slidesRun) renderAll() error {
	s.cfg.Progress.Stage(StageRender, len(s.cfg.Contents))
	for i, c := range s.cfg.Contents {
		if s.d.Stopped() {
			return nil
		}
		n := namesFor(i+1, c.Expression)
		files := manifest.Files{Slide: n.slide}
		if err := s.renderer.RenderPNG(c, s.cfg.Size, filepath.Join(s.outDir, n.slide)); err != nil {
			return err
		}
		if s.cfg.Format == FormatMP4 {
			if err := s.slideVideo(c, filepath.Join(s.outDir, n.slide), filepath.Join(s.outDir, n.video)); err != nil {
				_ = os.Remove(filepath.Join(s.outDir, n.slide))
				return fmt.Errorf("slide video %d (%q): %w", i+1, c.Expression, err)
			}
			files.Video = n.video
		}
		s.done = append(s.done, manifest.Expression{Index: i + 1, Title: c.Title, Phrase: c.Expression,
			Translation: c.Translation, Meaning: c.Notes, Dialogue: c.Dialogue, DialogueTranslation: c.DialogueTranslation,
			Similar: orEmpty(c.SimilarExpressions), Examples: c.Examples, Source: "content", Files: files})
		s.cfg.Progress.Step(i+1, "rendered "+filepath.Base(n.slide))
	}
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// slideVideo encodes png as a still video of the configured duration with the spoken expression (or
// silence), in the lesson videos' format. Both tools run through runner/media, in their own process groups.
func (s *slidesRun) slideVideo(c slides.Content, png, dst string) error {
	ctx := s.d.Soft()
	audio := ""
	if s.espeak != "" {
		audio = filepath.Join(s.cfg.WorkDir, filepath.Base(dst)+".wav")
		defer os.Remove(audio)
		voice := s.cfg.Voice
		if voice == "" {
			voice = "en"
		}
		if err := media.Speak(ctx, s.espeak, voice, c.Expression, audio); err != nil {
			return err
		}
	}
	return s.cfg.Tools.BuildStill(ctx, media.StillSpec{Image: png, Audio: audio, Duration: s.cfg.Duration, Dst: dst})
}
