package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/langflix/langflix-operator/runner/cache"
	"github.com/langflix/langflix-operator/runner/expressions"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/media"
	"github.com/langflix/langflix-operator/runner/slides"
	"github.com/langflix/langflix-operator/runner/subtitles"
	"github.com/langflix/langflix-operator/runner/translate"
)

func (r *videoRun) stageProbe() error {
	ctx := r.d.Soft()
	r.rep.Stage(StageProbe, 3)
	video, err := r.loc.input(ctx, "video", r.cfg.Video)
	if err != nil {
		return err
	}
	r.rep.Step(1, "probing "+filepath.Base(video))
	info, err := r.cfg.Tools.Probe(ctx, video)
	if err != nil {
		return err
	}
	r.rep.Step(2, "hashing "+filepath.Base(video))
	size, sum, err := fileDigest(ctx, video)
	if err != nil {
		return err
	}
	r.videoPath, r.probe = video, info
	r.m.Inputs.Video = &manifest.Input{Path: r.cfg.Video, Size: size, SHA256: sum, Duration: manifest.Seconds(info.Duration)}
	r.rep.Step(3, fmt.Sprintf("%dx%d, %s", info.Width, info.Height, info.Duration.Round(time.Second)))
	return nil
}

func (r *videoRun) stageSubtitles() error {
	ctx := r.d.Soft()
	r.rep.Stage(StageSubtitles, 2)
	path, ref, embedded := "", r.cfg.Subtitles, r.cfg.Subtitles == ""
	if embedded {
		path, ref = filepath.Join(r.cfg.WorkDir, "embedded.srt"), r.cfg.Video
		r.rep.Step(0, "extracting embedded subtitles")
		if err := subtitles.ExtractEmbedded(ctx, r.cfg.Tools.FFmpeg, r.cfg.Tools.FFprobe, r.videoPath, path); err != nil {
			return err
		}
	} else {
		var err error
		if path, err = r.loc.input(ctx, "subtitle file", ref); err != nil {
			return err
		}
	}
	r.rep.Step(1, "reading "+filepath.Base(path))
	cues, in, err := readSubtitles(path, ref)
	if err != nil {
		return err
	}
	in.Embedded = embedded
	r.cues, r.subDigest, r.m.Inputs.Subtitles = cues, in.SHA256, in
	r.rep.Step(2, fmt.Sprintf("%d cues (%s, %s)", in.Cues, in.Format, in.Encoding))
	return nil
}

// readSubtitles parses a subtitle file and describes it for the manifest.
func readSubtitles(path, ref string) ([]subtitles.Cue, *manifest.Input, error) {
	cues, format, err := subtitles.ParseFile(path)
	if err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read subtitle file: %w", err)
	}
	_, encoding, err := subtitles.Decode(data)
	if err != nil {
		return nil, nil, err
	}
	return cues, &manifest.Input{Path: ref, Size: int64(len(data)), SHA256: bytesDigest(data),
		Format: string(format), Encoding: encoding, Cues: len(cues)}, nil
}

func (r *videoRun) stageExpressions() error {
	ctx := r.d.Soft()
	r.rep.Stage(StageExpressions, 1)
	opts := r.cfg.Expressions
	opts.VideoDuration = r.probe.Duration
	if opts.TargetLanguage == "" {
		opts.TargetLanguage = r.cfg.TargetLanguage
	}
	// Everything that changes the result is in the key: an entry written for other inputs, another extractor
	// or endpoint, another language (the translations are in the target language) or another runner version
	// must never be served. The scope (the task's namespace unless the cache is shared) keeps one tenant's
	// answers, which its own endpoint chose, away from every other tenant, and shows in the Redis key so that
	// ACLs can hold each namespace to its own.
	key := cache.Scoped(r.cfg.CacheScope, cache.Key("expressions", "v3", r.cfg.Version,
		r.m.Inputs.Video.SHA256, r.subDigest, r.cfg.ExtractorName, r.cfg.ExtractorEndpoint, r.cfg.ExtractorModel,
		r.cfg.Language, opts.TargetLanguage, opts.Level,
		strconv.Itoa(opts.MaxCount), strings.Join(opts.Include, "\x1f"), opts.MinContext.String(),
		opts.MaxContext.String(), opts.VideoDuration.String()))

	var found []expressions.Expression
	hit, err := r.cfg.Cache.Get(ctx, key, &found)
	if err != nil {
		// The cache saves work; without it the run is slower, not wrong.
		r.log.Warn("expression cache unavailable", "error", err)
	}
	if hit {
		r.m.Options.Cached = true
		r.log.Info("expressions from cache", "count", len(found))
	} else {
		if found, err = r.cfg.Extractor.Extract(ctx, r.cues, opts); err != nil {
			return fmt.Errorf("find expressions: %w", err)
		}
		if err := r.cfg.Cache.Set(ctx, key, found, expressionsTTL); err != nil {
			r.log.Warn("expressions not cached", "error", err)
		}
	}
	if opts.MaxCount > 0 && len(found) > opts.MaxCount {
		found = found[:opts.MaxCount]
	}
	if len(found) == 0 {
		return failure.Invalid("no expressions at level %q found in the %d cues of %s", opts.Level, len(r.cues),
			r.m.Inputs.Subtitles.Path)
	}
	for i, e := range found {
		it := &item{n: i + 1, expr: e, names: namesFor(i+1, e.Phrase)}
		r.items = append(r.items, it)
	}
	r.rep.Step(1, fmt.Sprintf("%d expressions", len(found)))
	return nil
}

func (r *videoRun) stageTranslation() error {
	ctx := r.d.Soft()
	r.rep.Stage(StageTranslation, 1)
	path, err := r.loc.input(ctx, "translation subtitle file", r.cfg.TranslationSubtitles)
	if err != nil {
		return err
	}
	target, in, err := readSubtitles(path, r.cfg.TranslationSubtitles)
	if err != nil {
		return err
	}
	r.m.Inputs.TranslationSubtitles = in
	aligned := translate.Align(r.cues, target)
	r.translations = aligned
	for _, it := range r.items {
		if i := it.expr.CueIndex; i >= 0 && i < len(aligned) {
			it.dialogueTranslation = aligned[i]
		}
	}
	r.rep.Step(1, fmt.Sprintf("aligned %d of %d cues", countNonEmpty(aligned), len(r.cues)))
	return nil
}

func countNonEmpty(s []string) int {
	n := 0
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			n++
		}
	}
	return n
}

// stageClips cuts the context and expression clips of every expression concurrently, with their
// subtitles burned in by the same ffmpeg command.
func (r *videoRun) stageClips() error {
	type target struct {
		it   *item
		file *string
		name string
	}
	var clips []media.Clip
	targets := map[string]target{}
	for _, it := range r.items {
		e := it.expr
		for _, c := range []struct {
			name       string
			file       *string
			start, end time.Duration
		}{
			{it.names.contextClip, &it.files.ContextClip, e.ContextStart, e.ContextEnd},
			{it.names.expressionClip, &it.files.ExpressionClip, max(0, e.Start-ClipPadding), min(r.probe.Duration, e.End+ClipPadding)},
		} {
			subs, err := r.subtitleScript(it, c.name, c.start, c.end, 1, r.cfg.SubtitleMode, landscape)
			if err != nil {
				return err
			}
			dst := filepath.Join(r.outDir, c.name)
			clips = append(clips, media.Clip{Src: r.videoPath, Dst: dst, Start: c.start, End: c.end, Subtitles: subs})
			targets[dst] = target{it: it, file: c.file, name: c.name}
		}
	}
	r.rep.Stage(StageClips, len(clips))
	var mu sync.Mutex
	done := 0
	err := r.cfg.Tools.CutClips(r.d.Soft(), clips, func(c media.Clip, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			return
		}
		t := targets[c.Dst]
		*t.file = t.name
		done++
		r.rep.Step(done, "cut "+filepath.Base(c.Dst))
		r.markFinished(t.it)
	})
	if err != nil {
		return fmt.Errorf("cut clips: %w", err)
	}
	return nil
}

// forEach runs do for the expressions in order, as stage. It starts no expression once the soft context
// ended; an expression whose earlier outputs are missing is skipped (it cannot finish).
func (r *videoRun) forEach(stage string, do func(ctx context.Context, it *item) (string, error)) error {
	r.rep.Stage(stage, len(r.items))
	for i, it := range r.items {
		if r.d.Stopped() {
			return nil
		}
		if it.files.ContextClip == "" || it.files.ExpressionClip == "" {
			continue
		}
		what, err := do(r.d.Soft(), it)
		if err != nil {
			return fmt.Errorf("%s of expression %d (%q): %w", stage, it.n, it.expr.Phrase, err)
		}
		r.rep.Step(i+1, what)
		r.markFinished(it)
	}
	return nil
}

func (r *videoRun) stageSlides() error {
	return r.forEach(StageSlides, func(_ context.Context, it *item) (string, error) {
		dst := filepath.Join(r.outDir, it.names.slide)
		if !r.cfg.Slides {
			// The educational video still needs its slide; it just is not an output.
			dst = filepath.Join(r.cfg.WorkDir, it.names.slide)
		}
		if err := r.renderer.RenderPNG(it.slideContent(), slides.Landscape, dst); err != nil {
			return "", err
		}
		it.slidePNG = dst
		if r.cfg.Slides {
			it.files.Slide = it.names.slide
		}
		return "rendered " + filepath.Base(dst), nil
	})
}

func (it *item) slideContent() slides.Content {
	e := it.expr
	title := strings.TrimSpace(strings.Join(nonEmpty(e.Kind, string(e.Level)), " · "))
	return slides.Content{
		Title:               title,
		Expression:          e.Phrase,
		Translation:         e.Translation,
		Dialogue:            e.Dialogue,
		DialogueTranslation: it.dialogueTranslation,
		SimilarExpressions:  e.Similar,
		Notes:               e.Meaning,
	}
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

func (r *videoRun) stageVideos() error {
	return r.forEach(StageVideos, func(ctx context.Context, it *item) (string, error) {
		if it.slidePNG == "" {
			return "", fmt.Errorf("no slide was rendered")
		}
		dst := filepath.Join(r.outDir, it.names.video)
		err := r.cfg.Tools.BuildEducational(ctx, media.EducationalSpec{
			ContextClip:    filepath.Join(r.outDir, it.files.ContextClip),
			ExpressionClip: filepath.Join(r.outDir, it.files.ExpressionClip),
			SlidePNG:       it.slidePNG,
			Dst:            dst,
			RepeatCount:    r.cfg.Repeat,
		})
		if err != nil {
			return "", err
		}
		it.files.Video = it.names.video
		return "built " + filepath.Base(dst), nil
	})
}

// stageCombined joins the educational videos into one, only when every expression has its video: a
// combined lesson with holes would be misleading.
func (r *videoRun) stageCombined() error {
	r.rep.Stage(StageCombined, 1)
	var inputs []string
	for _, it := range r.items {
		if it.files.Video == "" {
			return nil
		}
		inputs = append(inputs, filepath.Join(r.outDir, it.files.Video))
	}
	if err := r.cfg.Tools.Concat(r.d.Soft(), inputs, filepath.Join(r.outDir, CombinedVideo)); err != nil {
		return fmt.Errorf("combine videos: %w", err)
	}
	r.m.Combined, r.m.CombinedSubtitles = CombinedVideo, string(r.cfg.SubtitleMode)
	r.rep.Step(1, "combined "+strconv.Itoa(len(inputs))+" videos")
	return nil
}

func (r *videoRun) stageShorts() error {
	return r.forEach(StageShorts, func(ctx context.Context, it *item) (string, error) {
		dst := filepath.Join(r.outDir, it.names.short)
		spec := media.ShortSpec{
			Clip:        filepath.Join(r.outDir, it.files.ContextClip),
			Dst:         dst,
			Expression:  it.expr.Phrase,
			Translation: it.expr.Translation,
			FontPath:    r.cfg.FontPath,
			Repeat:      r.cfg.Repeat,
		}
		if r.cfg.SubtitleMode.Burns() || r.cfg.ShortsSubtitleMode.Burns() {
			// The context clip has landscape subtitles burned in, or the short gets its own: cut the
			// short from the film itself, the context clip's range, so the picture is clean.
			spec.Clip, spec.Start, spec.End = r.videoPath, it.expr.ContextStart, it.expr.ContextEnd
			subs, err := r.subtitleScript(it, it.names.short, spec.Start, spec.End, r.cfg.Repeat, r.cfg.ShortsSubtitleMode, vertical)
			if err != nil {
				return "", err
			}
			spec.Subtitles = subs
		}
		if err := r.cfg.Tools.BuildShort(ctx, spec); err != nil {
			return "", err
		}
		it.files.Short = it.names.short
		return "built " + filepath.Base(dst), nil
	})
}
