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
// written above and below it. FontPath "" means slides.FindFont's search.
type ShortSpec struct {
	Clip, Dst, Expression, Translation, FontPath string
	Repeat                                       int
}

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
	repeat := max(1, s.Repeat)
	info, err := t.Probe(ctx, s.Clip)
	if err != nil {
		return fmt.Errorf("short %s: %w", s.Dst, err)
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

	total := info.videoLength() * time.Duration(repeat)
	err = t.produce(ctx, s.Dst, func(out string) []string {
		return shortArgs(s.Clip, overlayPath, info.HasAudio, repeat, total, out)
	})
	if err != nil {
		return fmt.Errorf("short %s: %w", s.Dst, err)
	}
	return nil
}

// Background of a short: the clip shrunk to a quarter size before blurring (blurring a full 1080x1920
// frame costs several times more for a result nobody can tell apart), then scaled back up and darkened so
// the text stays readable.
const (
	shortBackgroundScale = 4
	shortBackgroundBlur  = "boxblur=12:2"
	shortBackgroundDim   = "eq=brightness=-0.12:saturation=0.85"
)

func shortArgs(clip, overlay string, hasAudio bool, repeat int, total time.Duration, out string) []string {
	args := globalArgs()
	// -stream_loop replays the input in the demuxer, so repeats cost no buffering.
	args = append(args, "-stream_loop", fmt.Sprint(repeat-1), "-i", clip, "-i", overlay)
	audio := "0:a:0"
	if !hasAudio {
		args = append(args, "-f", "lavfi", "-i", silence())
		audio = "2:a:0"
	}
	bw, bh := ShortWidth/shortBackgroundScale, ShortHeight/shortBackgroundScale
	graph := []string{
		fmt.Sprintf("[0:v:0]fps=%d,split=2[bgsrc][fgsrc]", OutputFrameRate),
		fmt.Sprintf("[bgsrc]scale=%d:%d:force_original_aspect_ratio=increase,crop=%d:%d,%s,scale=%d:%d,%s[bg]",
			bw, bh, bw, bh, shortBackgroundBlur, ShortWidth, ShortHeight, shortBackgroundDim),
		fmt.Sprintf("[fgsrc]scale=%d:%d:force_original_aspect_ratio=decrease[fg]", ShortWidth, ShortHeight),
		"[bg][fg]overlay=(W-w)/2:(H-h)/2[base]",
		"[base][1:v]overlay=0:0,setsar=1,format=yuv420p[v]",
		fmt.Sprintf("[%s]%s,apad[a]", audio, fitAudio()),
	}
	args = append(args, "-filter_complex", strings.Join(graph, ";"), "-map", "[v]", "-map", "[a]", "-t", seconds(total))
	args = append(args, encodeArgs()...)
	return append(args, out)
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
