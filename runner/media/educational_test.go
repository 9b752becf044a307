package media

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/slides"
)

// meanVolume measures the mean audio level of path in [from, from+d) in dB.
func meanVolume(t *testing.T, path string, from, d time.Duration) float64 {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-hide_banner", "-nostats", "-ss", seconds(from), "-t", seconds(d), "-i", path,
		"-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("volumedetect %s: %v: %s", path, err, out)
	}
	_, after, found := strings.Cut(string(out), "mean_volume: ")
	value, _, _ := strings.Cut(after, " dB")
	level, perr := strconv.ParseFloat(value, 64)
	if !found || perr != nil {
		if strings.Contains(after, "-inf") {
			return -150
		}
		t.Fatalf("no mean_volume in ffmpeg output: %s", out)
	}
	return level
}

// lessonParts cuts a context clip and an expression clip from src and renders a real slide.
func lessonParts(t *testing.T, src string, ctxLen, exprLen time.Duration) (ctxClip, exprClip, slide string) {
	t.Helper()
	tools := DefaultTools()
	dir := t.TempDir()
	ctxClip, exprClip, slide = filepath.Join(dir, "context.mp4"), filepath.Join(dir, "expression.mp4"), filepath.Join(dir, "slide.png")
	err := tools.CutClips(testContext(t), []Clip{
		{Src: src, Dst: ctxClip, Start: time.Second, End: time.Second + ctxLen},
		{Src: src, Dst: exprClip, Start: 2 * time.Second, End: 2*time.Second + exprLen},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := slides.NewRenderer("")
	if err != nil {
		t.Fatal(err)
	}
	err = r.RenderPNG(slides.Content{Expression: "break a leg", Translation: "행운을 빌어"}, slides.Landscape, slide)
	if err != nil {
		t.Fatal(err)
	}
	return ctxClip, exprClip, slide
}

func TestBuildEducational(t *testing.T) {
	tools := DefaultTools()
	// 1.5 s is not a whole number of frames or AAC frames: the clip's video lasts 38 frames (1.52 s) and
	// its container a little longer, which is what real expression clips look like.
	ctxClip, exprClip, slide := lessonParts(t, fixtures.video, 3*time.Second, 1500*time.Millisecond)
	silentCtx, silentExpr, _ := lessonParts(t, fixtures.silentVideo, 2*time.Second, time.Second)

	tests := []struct {
		name       string
		spec       EducationalSpec
		slide      func(expr time.Duration) time.Duration
		slideAudio bool // whether the expression's sound plays under the slide
		checkSlide bool
	}{
		{
			name:       "default slide length",
			spec:       EducationalSpec{ContextClip: ctxClip, ExpressionClip: exprClip, SlidePNG: slide, RepeatCount: 3},
			slide:      func(expr time.Duration) time.Duration { return 3 * expr },
			slideAudio: true,
			checkSlide: true,
		},
		{
			name:       "explicit slide length",
			spec:       EducationalSpec{ContextClip: ctxClip, ExpressionClip: exprClip, SlidePNG: slide, RepeatCount: 2, SlideDuration: 2 * time.Second},
			slide:      func(time.Duration) time.Duration { return 2 * time.Second },
			slideAudio: true,
		},
		{
			// 1 s x 2 is under the minimum; the clips carry the silent track CutClip adds.
			name:  "silent source, minimum slide length",
			spec:  EducationalSpec{ContextClip: silentCtx, ExpressionClip: silentExpr, SlidePNG: slide, RepeatCount: 2},
			slide: func(time.Duration) time.Duration { return minSlideDuration },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.spec.Dst = filepath.Join(t.TempDir(), "lesson", "educational.mp4")
			if err := tools.BuildEducational(testContext(t), tt.spec); err != nil {
				t.Fatal(err)
			}
			info, err := tools.Probe(testContext(t), tt.spec.Dst)
			if err != nil {
				t.Fatal(err)
			}
			checkOutputLayout(t, info, OutputWidth, OutputHeight)
			ctxLen := streamDurations(t, tt.spec.ContextClip)["video"]
			exprLen := streamDurations(t, tt.spec.ExpressionClip)["video"]
			slideLen := tt.slide(exprLen)
			want := ctxLen + slideLen + exprLen*time.Duration(tt.spec.RepeatCount)
			if !within(info.Duration, want, 2*frame) {
				t.Errorf("lasts %s, want context %s + slide %s + %d x %s = %s",
					info.Duration, ctxLen, slideLen, tt.spec.RepeatCount, exprLen, want)
			}
			checkInSync(t, tt.spec.Dst)
			if left := leftovers(t, filepath.Dir(tt.spec.Dst)); len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
			// The fixture's sound is a -24 dB tone; silence measures about -91 dB.
			level := meanVolume(t, tt.spec.Dst, ctxLen+100*time.Millisecond, slideLen-400*time.Millisecond)
			if tt.slideAudio && level < -40 {
				t.Errorf("audio under the slide is %.1f dB: the expression is not playing", level)
			}
			if !tt.slideAudio && level > -70 {
				t.Errorf("audio under the slide is %.1f dB, want silence", level)
			}
			if !tt.checkSlide {
				return
			}
			// The middle of the video must be the slide itself, not a clip.
			midSlide := ctxLen + slideLen/2
			got := grayFrame(t, tt.spec.Dst, midSlide, true)
			if d, other := meanAbsDiff(got, grayFrame(t, slide, 0, false)), meanAbsDiff(got, grayFrame(t, exprClip, 0, true)); d > 4 || d*3 > other {
				t.Errorf("frame at %s differs from the slide by %.1f (from the clip by %.1f)", midSlide, d, other)
			}
		})
	}
}

func TestBuildEducationalRejectsBadSpecs(t *testing.T) {
	tools := DefaultTools()
	dir := t.TempDir()
	ok := EducationalSpec{ContextClip: sampleBBB, ExpressionClip: sampleBBB, SlidePNG: filepath.Join(dir, "missing.png"), Dst: filepath.Join(dir, "out.mp4"), RepeatCount: 1}
	tests := []struct {
		name   string
		modify func(*EducationalSpec)
		want   string
	}{
		{"zero repeats", func(s *EducationalSpec) { s.RepeatCount = 0 }, "repeat count"},
		{"negative slide", func(s *EducationalSpec) { s.SlideDuration = -time.Second }, "negative slide"},
		{"missing slide", func(s *EducationalSpec) {}, "missing.png"},
		{"slide not a png", func(s *EducationalSpec) { s.SlidePNG = fixtures.textFile }, "not a PNG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := ok
			tt.modify(&spec)
			err := tools.BuildEducational(testContext(t), spec)
			if !failure.IsInvalid(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("BuildEducational = %v, want InvalidInput mentioning %q", err, tt.want)
			}
		})
	}
}
