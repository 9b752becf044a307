package media

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/slides"
)

// ShortSpec describes a vertical short: Clip played Repeat times with the expression and its translation
// written above and below it. With End > 0 only [Start, End) of Clip plays, cut from it like CutClip cuts
// (a short can then come straight from the film, without a clip that has other subtitles burned in).
// Subtitles, when not nil, are drawn over the finished frame; their timeline covers all repeats, each
// FrameCount(min(End, duration of Clip) - Start) frames long. FontPath "" means slides.FindFont's search.
type ShortSpec struct {
	Clip, Dst, Expression, Translation, FontPath string
	Start, End                                   time.Duration
	Repeat                                       int
	Subtitles                                    *Subtitles
}

// Geometry of a short: the 16:9 picture fills the width in the middle of the frame (1080x608, an even
// height for yuv420p), with the headline band above and the caption band below.
const (
	shortPictureHeight = (ShortWidth*OutputHeight/OutputWidth + 1) &^ 1
	// ShortPictureBottom is the bottom edge of the picture in a short, where its subtitles stand.
	ShortPictureBottom = (ShortHeight + shortPictureHeight) / 2
)

// BuildShort renders a 1080x1920 short: the clip scaled to the full width in the middle, over a blurred
// and darkened copy of itself that fills the frame, with the text overlay on top. The text is drawn by
// runner/slides into a transparent PNG instead of with ffmpeg's drawtext, so Korean renders with the same
// font and shaping as the slides regardless of how ffmpeg was built. Repeat 0 means once.
func (t Tools) BuildShort(ctx context.Context, s ShortSpec) error {
	if s.Dst == "" {
		return failure.Invalid("short of %s: no destination", s.Clip)
	}
	if s.Repeat < 0 {
		return failure.Invalid("short %s: negative repeat %d", s.Dst, s.Repeat)
	}
	if s.Start < 0 || (s.End != 0 && s.End <= s.Start) {
		return failure.Invalid("short %s: range [%s, %s): end must be after start, and start not negative", s.Dst, s.Start, s.End)
	}
	info, err := t.Probe(ctx, s.Clip)
	if err != nil {
		return fmt.Errorf("short %s: %w", s.Dst, err)
	}
	length, err := shortLength(s, info)
	if err != nil {
		return err
	}
	if s.Subtitles != nil {
		if err := s.Subtitles.check(); err != nil {
			return fmt.Errorf("short %s: %w", s.Dst, err)
		}
	}
	renderer, err := rendererFor(s.FontPath)
	if err != nil {
		return fmt.Errorf("short %s: %w", s.Dst, err)
	}
	overlay, err := renderer.RenderOverlay([]string{s.Expression, s.Translation}, image.Pt(ShortWidth, ShortHeight))
	if err != nil {
		return fmt.Errorf("short %s: %w", s.Dst, err)
	}
	if err := os.MkdirAll(filepath.Dir(s.Dst), 0o755); err != nil {
		return fmt.Errorf("short %s: %w", s.Dst, err)
	}
	overlayPath := sidecarTemp(s.Dst, "overlay.png")
	defer os.Remove(overlayPath)
	if err := writePNGFile(overlay, overlayPath); err != nil {
		return fmt.Errorf("short %s: %w", s.Dst, err)
	}

	plan := shortPlan{
		clip: s.Clip, overlay: overlayPath, start: s.Start, length: length,
		segment: frameTime(FrameCount(length)), hasAudio: info.HasAudio, repeat: max(1, s.Repeat), subtitles: s.Subtitles,
	}
	if err := t.produce(ctx, s.Dst, plan.args); err != nil {
		return fmt.Errorf("short %s: %w", s.Dst, err)
	}
	return nil
}

// shortLength is how much of the clip one repeat plays.
func shortLength(s ShortSpec, info *ProbeInfo) (time.Duration, error) {
	end := info.videoLength()
	if s.End > 0 {
		end = min(s.End, info.Duration)
	}
	if s.Start >= end {
		return 0, failure.Invalid("short %s: starts at %s, at or after the end of %s (%s)", s.Dst, s.Start, s.Clip, end)
	}
	return end - s.Start, nil
}

// Background of a short: the clip shrunk to a quarter size before blurring (blurring a full 1080x1920
// frame costs several times more for a result nobody can tell apart), then scaled back up and darkened so
// the text stays readable.
const (
	shortBackgroundScale = 4
	shortBackgroundBlur  = "boxblur=12:2"
	shortBackgroundDim   = "eq=brightness=-0.12:saturation=0.85"
)

// shortPlan is one short's ffmpeg command.
type shortPlan struct {
	clip, overlay string
	start, length time.Duration // the range read from clip
	segment       time.Duration // one repeat, a whole number of frames
	hasAudio      bool
	repeat        int
	subtitles     *Subtitles
}

// args builds the command. Inputs: the clip once per repeat (each seeked to start and read for length;
// a re-open each, but no buffering of decoded video, which looping inside the graph would need), then
// the overlay. Each repeat is normalised to the lesson layout and made exactly one segment long, so
// every repeat's frame k shows the same picture and the subtitle timeline repeats with it.
func (p shortPlan) args(out string) []string {
	args := globalArgs()
	for range p.repeat {
		if p.start > 0 {
			args = append(args, "-ss", seconds(p.start))
		}
		args = append(args, "-t", seconds(p.length), "-i", p.clip)
	}
	overlayInput := p.repeat
	args = append(args, "-i", p.overlay)

	var graph, pads []string
	for i := range p.repeat {
		graph = append(graph, fmt.Sprintf("[%d:v:0]%s[v%d]", i, exactVideo(p.segment), i))
		if p.hasAudio {
			graph = append(graph, fmt.Sprintf("[%d:a:0]%s[a%d]", i, exactAudio(p.segment), i))
		} else {
			graph = append(graph, fmt.Sprintf("%s,atrim=duration=%s[a%d]", silence(), seconds(p.segment), i))
		}
		pads = append(pads, fmt.Sprintf("[v%d][a%d]", i, i))
	}
	top := p.overlayChain()
	bw, bh := ShortWidth/shortBackgroundScale, ShortHeight/shortBackgroundScale
	graph = append(graph,
		fmt.Sprintf("%sconcat=n=%d:v=1:a=1[clip][a]", strings.Join(pads, ""), p.repeat),
		"[clip]split=2[bgsrc][fgsrc]",
		fmt.Sprintf("[bgsrc]scale=%d:%d:force_original_aspect_ratio=increase,crop=%d:%d,%s,scale=%d:%d,%s[bg]",
			bw, bh, bw, bh, shortBackgroundBlur, ShortWidth, ShortHeight, shortBackgroundDim),
		fmt.Sprintf("[fgsrc]scale=%d:%d[fg]", ShortWidth, shortPictureHeight),
		"[bg][fg]overlay=(W-w)/2:(H-h)/2[base]",
		fmt.Sprintf("[base][%d:v]%s[v]", overlayInput, top),
	)
	total := p.segment * time.Duration(p.repeat)
	args = append(args, "-filter_complex", strings.Join(graph, ";"), "-map", "[v]", "-map", "[a]", "-t", seconds(total))
	args = append(args, encodeArgs()...)
	return append(args, out)
}

// overlayChain lays the text overlay over the picture, then the subtitles over everything.
func (p shortPlan) overlayChain() string {
	chain := "overlay=0:0"
	if p.subtitles != nil {
		chain += "," + p.subtitles.filter()
	}
	return chain + ",setsar=1,format=yuv420p"
}

// renderers caches one slides.Renderer per requested font: finding the font runs fc-match and loading a
// CJK collection reads ~40 MB, too much to repeat for every short of an episode.
var renderers struct {
	sync.Mutex
	byRequest map[string]*slides.Renderer
}

func rendererFor(fontPath string) (*slides.Renderer, error) {
	renderers.Lock()
	defer renderers.Unlock()
	key := fontPath + "\x00" + os.Getenv(slides.FontEnv)
	if r, ok := renderers.byRequest[key]; ok {
		return r, nil
	}
	path, err := slides.FindFont(fontPath)
	if err != nil {
		return nil, err
	}
	r, err := slides.NewRenderer(path)
	if err != nil {
		return nil, err
	}
	if renderers.byRequest == nil {
		renderers.byRequest = map[string]*slides.Renderer{}
	}
	renderers.byRequest[key] = r
	return r, nil
}

// writePNGFile writes an image to path; path is already a temporary name, so no rename is needed.
func writePNGFile(img image.Image, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write overlay: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encode overlay: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write overlay: %w", err)
	}
	return nil
}
