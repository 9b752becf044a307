package media

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// rgbFrame decodes the frame at `at` as raw RGB at the short's full size.
func rgbFrame(t *testing.T, path string, at time.Duration) []byte {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", path, "-ss", seconds(at),
		"-frames:v", "1", "-pix_fmt", "rgb24", "-f", "rawvideo", "-").Output()
	if err != nil || len(out) != ShortWidth*ShortHeight*3 {
		t.Fatalf("decode %s at %s: %v (%d bytes)", path, at, err, len(out))
	}
	return out
}

// bandDiff is the mean absolute difference of two RGB frames over rows [y0, y1).
func bandDiff(a, b []byte, y0, y1 int) float64 {
	start, end := y0*ShortWidth*3, y1*ShortWidth*3
	return meanAbsDiff(a[start:end], b[start:end])
}

func TestBuildShort(t *testing.T) {
	tools := DefaultTools()
	dir := t.TempDir()
	clip := filepath.Join(dir, "expression.mp4")
	if err := tools.CutClip(testContext(t), Clip{Src: fixtures.video, Dst: clip, Start: 20 * time.Second, End: 21500 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	withText := filepath.Join(dir, "shorts", "short.mp4")
	blank := filepath.Join(dir, "shorts", "blank.mp4")
	if err := tools.BuildShort(testContext(t), ShortSpec{Clip: clip, Dst: withText, Expression: "break a leg", Translation: "행운을 빌어", Repeat: 2}); err != nil {
		t.Fatal(err)
	}
	if err := tools.BuildShort(testContext(t), ShortSpec{Clip: clip, Dst: blank, Repeat: 2}); err != nil {
		t.Fatal(err)
	}

	info, err := tools.Probe(testContext(t), withText)
	if err != nil {
		t.Fatal(err)
	}
	checkOutputLayout(t, info, ShortWidth, ShortHeight)
	if !within(info.Duration, 3*time.Second, 2*frame) {
		t.Errorf("short lasts %s, want 2 x 1.5s", info.Duration)
	}
	checkInSync(t, withText)

	// The same frame with and without text: the text bands must differ, the video in the middle must not.
	a, b := rgbFrame(t, withText, time.Second), rgbFrame(t, blank, time.Second)
	third := ShortHeight / 3
	if d := bandDiff(a, b, 0, third); d < 2 {
		t.Errorf("headline band differs by only %.2f: the expression was not drawn", d)
	}
	if d := bandDiff(a, b, 2*third, ShortHeight); d < 2 {
		t.Errorf("caption band differs by only %.2f: the translation was not drawn", d)
	}
	if d := bandDiff(a, b, third+100, 2*third-100); d > 1 {
		t.Errorf("the video in the middle differs by %.2f between the two shorts", d)
	}
	if left := leftovers(t, filepath.Dir(withText)); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
