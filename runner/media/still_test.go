package media

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

// stillImage writes a w x h PNG of one colour.
func stillImage(t *testing.T, dir string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = []byte{0x1b, 0x21, 0x36, 0xff}[i%4]
	}
	img.Set(0, 0, color.White)
	path := filepath.Join(dir, "slide.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBuildStill(t *testing.T) {
	dir := t.TempDir()
	img := stillImage(t, dir, 640, 360)
	tone := filepath.Join(dir, "tone.wav")
	if out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.5",
		tone).CombinedOutput(); err != nil {
		t.Fatalf("make a tone: %v: %s", err, out)
	}
	for _, tc := range []struct {
		name    string
		audio   string
		audible bool
	}{{"silent", "", false}, {"with speech", tone, true}} {
		t.Run(tc.name, func(t *testing.T) {
			dst := filepath.Join(dir, tc.name, "slide.mp4")
			if err := DefaultTools().BuildStill(testContext(t), StillSpec{Image: img, Audio: tc.audio, Duration: 2 * time.Second, Dst: dst}); err != nil {
				t.Fatal(err)
			}
			info, err := DefaultTools().Probe(testContext(t), dst)
			if err != nil {
				t.Fatal(err)
			}
			if info.Width != 640 || info.Height != 360 || !info.HasAudio || info.FrameRate != OutputFrameRate {
				t.Errorf("%dx%d at %v fps, audio %t; want 640x360 at %d fps with audio", info.Width, info.Height, info.FrameRate, info.HasAudio, OutputFrameRate)
			}
			for kind, d := range streamDurations(t, dst) {
				if !within(d, 2*time.Second, 3*frame) {
					t.Errorf("%s lasts %s, want 2s: the sound is padded or cut to the picture", kind, d)
				}
			}
			loud := meanVolume(t, dst, 0, 400*time.Millisecond) > -60
			if loud != tc.audible {
				t.Errorf("audible %t, want %t", loud, tc.audible)
			}
			if l := leftovers(t, filepath.Dir(dst)); len(l) > 0 {
				t.Errorf("temporary files left: %v", l)
			}
		})
	}
}

func TestBuildStillStopsWithItsContext(t *testing.T) {
	dir := t.TempDir()
	img := stillImage(t, dir, 1280, 720)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	dst := filepath.Join(dir, "long.mp4")
	// Ten minutes of video takes far longer than the test waits.
	err := DefaultTools().BuildStill(ctx, StillSpec{Image: img, Duration: 10 * time.Minute, Dst: dst})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want the cancellation", err)
	}
	if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a stopped encode left %s", dst)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

func TestBuildStillRejectsBadSpecs(t *testing.T) {
	for _, s := range []StillSpec{{Duration: time.Second, Dst: "x.mp4"}, {Image: "a.png", Duration: time.Second}, {Image: "a.png", Dst: "x.mp4"}} {
		if err := DefaultTools().BuildStill(testContext(t), s); !failure.IsInvalid(err) {
			t.Errorf("%+v: error %v, want invalid input", s, err)
		}
	}
}
