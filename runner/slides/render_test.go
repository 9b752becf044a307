package slides

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/fsutil"
)

func newTestRenderer(t *testing.T) *Renderer {
	t.Helper()
	path, err := FindFont("")
	if err != nil {
		t.Skipf("no CJK font: %v", err)
	}
	r, err := NewRenderer(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// inkPixels counts pixels in rect that differ clearly from the background colour just left of rect's row
// (the slide background is a vertical gradient, so each row has its own colour).
func inkPixels(img *image.RGBA, rect image.Rectangle) int {
	n := 0
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		bg := img.RGBAAt(2, y)
		for x := rect.Min.X; x < rect.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if absDiff(c.R, bg.R)+absDiff(c.G, bg.G)+absDiff(c.B, bg.B) > 60 {
				n++
			}
		}
	}
	return n
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func TestRenderSizes(t *testing.T) {
	r := newTestRenderer(t)
	for _, size := range []image.Point{Landscape, Portrait, image.Pt(640, 360)} {
		img, err := r.Render(sampleContent, size)
		if err != nil {
			t.Fatalf("Render %v: %v", size, err)
		}
		if got := img.Bounds(); got != (image.Rectangle{Max: size}) {
			t.Errorf("Render %v produced %v", size, got)
		}
		overlay, err := r.RenderOverlay([]string{"break a leg", "행운을 빌어"}, size)
		if err != nil {
			t.Fatalf("RenderOverlay %v: %v", size, err)
		}
		if got := overlay.Bounds(); got != (image.Rectangle{Max: size}) {
			t.Errorf("RenderOverlay %v produced %v", size, got)
		}
	}
}

func TestRenderDrawsKoreanTranslation(t *testing.T) {
	r := newTestRenderer(t)
	c := Content{Expression: "kindred spirit", Translation: "마음이 통하는 사람", Dialogue: "You are a kindred spirit."}

	var buf sfnt.Buffer
	for _, ch := range strings.ReplaceAll(c.Translation, " ", "") {
		if idx, err := r.regular.GlyphIndex(&buf, ch); err != nil || idx == 0 {
			t.Fatalf("font has no glyph for %q; Korean would render as empty boxes", ch)
		}
	}

	img, err := r.Render(c, Landscape)
	if err != nil {
		t.Fatal(err)
	}
	l, err := layoutSlide(c, Landscape, r.newFaceCache())
	if err != nil {
		t.Fatal(err)
	}
	lines := l.linesOf(roleTranslation)
	if len(lines) == 0 {
		t.Fatal("no translation line was laid out")
	}
	for _, line := range lines {
		area := line.box.Dx() * line.box.Dy()
		ink := inkPixels(img, line.box)
		// Hangul strokes cover roughly a fifth of a line box; 5% leaves room for font differences while
		// still failing for an empty or nearly empty region.
		if ink*100 < area*5 {
			t.Errorf("translation box %v has %d ink pixels of %d: Korean was not drawn", line.box, ink, area)
		}
	}
	// Control: a band between the translation and the dialogue is plain background.
	below := lines[len(lines)-1].box
	gap := image.Rect(below.Min.X, below.Max.Y+2, below.Max.X, below.Max.Y+6)
	if l.dividers != nil {
		gap = image.Rect(30, below.Max.Y+2, 60, below.Max.Y+6) // left of the centred divider
	}
	if ink := inkPixels(img, gap); ink != 0 {
		t.Errorf("background band %v has %d ink pixels", gap, ink)
	}
}

func TestRenderPNGIsAtomicAndDecodable(t *testing.T) {
	r := newTestRenderer(t)
	dir := t.TempDir()
	dst := filepath.Join(dir, "slides", "expr-001.png")
	if err := r.RenderPNG(sampleContent, Landscape, dst); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 1280 || cfg.Height != 720 {
		t.Errorf("PNG is %dx%d, want 1280x720", cfg.Width, cfg.Height)
	}
	entries, err := os.ReadDir(filepath.Dir(dst))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if fsutil.IsTemp(e.Name()) {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestRenderRejectsUnusableContent(t *testing.T) {
	r := newTestRenderer(t)
	tests := map[string]Content{
		"too long":         {Expression: "x", Translation: strings.Repeat("아주 긴 문장 ", 20000)},
		"empty expression": {Expression: "  ", Translation: "번역"},
	}
	for name, c := range tests {
		if _, err := r.Render(c, Landscape); !failure.IsInvalid(err) {
			t.Errorf("%s: Render = %v, want InvalidInput", name, err)
		}
	}
}

func TestRenderOverlayIsTransparentAroundText(t *testing.T) {
	r := newTestRenderer(t)
	img, err := r.RenderOverlay([]string{"break a leg", "행운을 빌어"}, Portrait)
	if err != nil {
		t.Fatal(err)
	}
	opaque := func(rect image.Rectangle) int {
		n := 0
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			for x := rect.Min.X; x < rect.Max.X; x++ {
				if img.RGBAAt(x, y).A > 0 {
					n++
				}
			}
		}
		return n
	}
	third := Portrait.Y / 3
	if n := opaque(image.Rect(0, third, Portrait.X, 2*third)); n != 0 {
		t.Errorf("middle third (where the video shows) has %d non-transparent pixels", n)
	}
	if n := opaque(image.Rect(0, 0, Portrait.X, third)); n < 1000 {
		t.Errorf("headline band has only %d drawn pixels", n)
	}
	if n := opaque(image.Rect(0, 2*third, Portrait.X, Portrait.Y)); n < 1000 {
		t.Errorf("caption band has only %d drawn pixels", n)
	}
}

func TestRenderSamplesForReview(t *testing.T) {
	dir := os.Getenv("LANGFLIX_SLIDES_SAMPLES")
	if dir == "" {
		t.Skip("set LANGFLIX_SLIDES_SAMPLES=<dir> to write sample slides for a visual review")
	}
	r := newTestRenderer(t)
	for name, job := range map[string]struct {
		c    Content
		size image.Point
	}{
		"sample-landscape.png": {sampleContent, Landscape},
		"sample-portrait.png":  {sampleContent, Portrait},
		"long-landscape.png":   {longContent(), Landscape},
	} {
		if err := r.RenderPNG(job.c, job.size, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	overlay, err := r.RenderOverlay([]string{"a fool for", "~에 사족을 못 쓰는 사람"}, Portrait)
	if err != nil {
		t.Fatal(err)
	}
	if err := writePNG(overlay, filepath.Join(dir, "overlay-portrait.png")); err != nil {
		t.Fatal(err)
	}
}
