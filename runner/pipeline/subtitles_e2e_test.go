package pipeline_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/lessonsubs"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/media"
	"github.com/langflix/langflix-operator/runner/pipeline"
)

// plainVideo is one flat colour with a tone: any text drawn on it stands out.
func plainVideo(t *testing.T, d time.Duration) string {
	t.Helper()
	return fixture(t, fmt.Sprintf("plain_%s.mp4", d), func(p string) error {
		out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", "color=c=0x406080:size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
			"-t", strconv.FormatFloat(d.Seconds(), 'f', 3, 64), "-c:v", "libx264", "-preset", "ultrafast", "-g", "50",
			"-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", p).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	})
}

// textOnFrame describes what is drawn on the frame of path at `at`, in rows [y0, y1): how many rows hold
// text (from the first to the last) and whether any of it has the highlight's gold.
func textOnFrame(t *testing.T, path string, at time.Duration, width, y0, y1 int) (rows int, gold bool) {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", path, "-ss", strconv.FormatFloat(at.Seconds(), 'f', 3, 64),
		"-frames:v", "1", "-vf", fmt.Sprintf("crop=%d:%d:0:%d", width, y1-y0, y0), "-pix_fmt", "rgb24", "-f", "rawvideo", "-").Output()
	if err != nil || len(out) != width*(y1-y0)*3 {
		t.Fatalf("frame of %s at %s: %v (%d bytes)", path, at, err, len(out))
	}
	// The flat colour, away from any text: the region's top-left pixel.
	bg := out[:3]
	first, last := -1, -1
	for y := range y1 - y0 {
		n := 0
		for x := range width {
			p := out[(y*width+x)*3:]
			if far(p[0], bg[0]) || far(p[1], bg[1]) || far(p[2], bg[2]) {
				n++
			}
			if p[0] > 200 && p[1] > 150 && p[1] < 230 && p[2] < 110 {
				gold = true
			}
		}
		if n >= 3 {
			if first < 0 {
				first = y
			}
			last = y
		}
	}
	if first < 0 {
		return 0, gold
	}
	return last - first + 1, gold
}

func far(a, b byte) bool { return int(a)-int(b) > 60 || int(b)-int(a) > 60 }

// TestLessonSubtitlesOnEveryVideo runs the pipeline with Korean translation subtitles, Dual subtitles on
// the clips and Original on the shorts, and looks at the pictures: the expression's line is drawn with the
// expression in gold and its translation below it in the context clip, the expression clip and the lesson
// video; the short shows the line alone, in both of its repeats; nothing is drawn between lines. The
// manifest records each video's mode.
func TestLessonSubtitlesOnEveryVideo(t *testing.T) {
	skipInShortMode(t)
	video := plainVideo(t, 2*time.Minute)
	english, korean := idiomSubtitles(t)
	out := filepath.Join(t.TempDir(), "lesson")
	cfg := dictionaryConfig(t, video, english, out)
	cfg.TranslationSubtitles = korean
	cfg.Expressions.MaxCount = 1
	cfg.Expressions.MinContext, cfg.Expressions.MaxContext = 6*time.Second, 10*time.Second
	cfg.Shorts, cfg.Repeat = true, 2
	cfg.SubtitleMode, cfg.ShortsSubtitleMode = "", lessonsubs.Original // "" is the default: Dual
	if _, err := pipeline.RunVideo(pipeline.NewDeadline(t.Context(), time.Now(), 0), cfg); err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Read(filepath.Join(out, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if m.Options.Subtitles != "dual" || m.Options.ShortsSubtitles != "original" || len(m.Expressions) != 1 {
		t.Fatalf("options %+v, %d expressions", m.Options, len(m.Expressions))
	}
	e := m.Expressions[0]
	wantModes := manifest.SubtitleModes{ContextClip: "dual", ExpressionClip: "dual", Video: "dual", Short: "original"}
	if e.Subtitles == nil || *e.Subtitles != wantModes {
		t.Errorf("subtitle modes %+v, want %+v", e.Subtitles, wantModes)
	}
	t.Logf("%q said %v-%v s, context %v-%v s", e.Phrase, e.Start, e.End, e.ContextStart, e.ContextEnd)

	// Times in the film: the middle of the expression's line, and a moment between two lines.
	said := seconds((e.Start + e.End) / 2)
	quiet := time.Duration(-1)
	for at := seconds(e.ContextStart) + 200*time.Millisecond; at < seconds(e.ContextEnd); at += 200 * time.Millisecond {
		free := true
		for _, c := range idiomCues {
			if c.start-200*time.Millisecond <= at && at < c.end+200*time.Millisecond {
				free = false
			}
		}
		if free {
			quiet = at
			break
		}
	}
	if quiet < 0 {
		t.Fatalf("no moment without dialogue in the context %v-%v s", e.ContextStart, e.ContextEnd)
	}
	contextStart, exprStart := seconds(e.ContextStart), max(seconds(e.Start)-pipeline.ClipPadding, 0)

	landscape := []struct {
		file string
		at   time.Duration // the film's time `said` in the file
	}{
		{e.Files.ContextClip, said - contextStart},
		{e.Files.ExpressionClip, said - exprStart},
		{e.Files.Video, said - contextStart}, // the lesson opens with the context clip
	}
	for _, v := range landscape {
		rows, gold := textOnFrame(t, filepath.Join(out, v.file), v.at, media.OutputWidth, media.OutputHeight/2, media.OutputHeight)
		if !gold || rows < 70 {
			t.Errorf("%s at %s: %d rows of text, highlight %v; want the highlighted line and its translation", v.file, v.at, rows, gold)
		}
	}
	if rows, _ := textOnFrame(t, filepath.Join(out, e.Files.ContextClip), quiet-contextStart, media.OutputWidth, media.OutputHeight/2, media.OutputHeight); rows != 0 {
		t.Errorf("%s at %s (no dialogue): %d rows of text", e.Files.ContextClip, quiet-contextStart, rows)
	}

	// The short plays the context twice; its subtitles stand on the picture's bottom edge.
	short := filepath.Join(out, e.Files.Short)
	segment := time.Duration(media.FrameCount(seconds(e.ContextEnd)-contextStart)) * time.Second / media.OutputFrameRate
	for repeat := range 2 {
		at := said - contextStart + time.Duration(repeat)*segment
		rows, gold := textOnFrame(t, short, at, media.ShortWidth, media.ShortPictureBottom-300, media.ShortPictureBottom)
		if !gold || rows == 0 || rows > 75 {
			t.Errorf("short at %s (repeat %d): %d rows of text, highlight %v; want the highlighted line alone", at, repeat+1, rows, gold)
		}
		at = quiet - contextStart + time.Duration(repeat)*segment
		if rows, _ := textOnFrame(t, short, at, media.ShortWidth, media.ShortPictureBottom-300, media.ShortPictureBottom); rows != 0 {
			t.Errorf("short at %s (repeat %d, no dialogue): %d rows of text", at, repeat+1, rows)
		}
	}
}
