package media

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Fixtures made once per test binary with real ffmpeg. The main video has a 10 s keyframe interval like
// broadcast films, so cuts land between keyframes and input seeking really has to decode forward.
var fixtures struct {
	dir           string
	video         string // 640x360 25 fps H.264 + AAC mono, fixtureDuration long
	plainVideo    string // 640x360 25 fps of one flat colour with a tone, 12 s: drawn text stands out
	silentVideo   string // 320x240 30 fps, no audio track
	audioOnly     string
	textFile      string
	textAsMP4     string // a text file with a media extension
	truncated     string // first half of bbb_prog_10s.mp4 (index at the end, so it is lost)
	truncatedFast string // first half of a faststart MP4 (index intact, data missing)
	empty         string
}

const (
	fixtureDuration = 75 * time.Second
	testdataDir     = "../../testdata"
)

var (
	sampleMKV = filepath.Join(testdataDir, "exo_sample_with_srt.mkv")
	sampleBBB = filepath.Join(testdataDir, "bbb_prog_10s.mp4")
)

func TestMain(m *testing.M) {
	os.Exit(runWithFixtures(m))
}

func runWithFixtures(m *testing.M) int {
	dir, err := os.MkdirTemp("", "langflix-media-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := makeFixtures(dir); err != nil {
		fmt.Fprintln(os.Stderr, "media test fixtures:", err)
		return 1
	}
	return m.Run()
}

func makeFixtures(dir string) error {
	f := &fixtures
	f.dir = dir
	f.video = filepath.Join(dir, "testsrc-75s.mp4")
	f.plainVideo = filepath.Join(dir, "plain-12s.mp4")
	f.silentVideo = filepath.Join(dir, "silent-30fps.mp4")
	f.audioOnly = filepath.Join(dir, "tone.m4a")
	f.textFile = filepath.Join(dir, "notes.txt")
	f.textAsMP4 = filepath.Join(dir, "notes.mp4")
	f.truncated = filepath.Join(dir, "bbb-half.mp4")
	f.truncatedFast = filepath.Join(dir, "bbb-faststart-half.mp4")
	f.empty = filepath.Join(dir, "empty.mkv")
	faststart := filepath.Join(dir, "bbb-faststart.mp4")

	dur := strconv.Itoa(int(fixtureDuration.Seconds()))
	commands := [][]string{
		{"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
			"-t", dur, "-c:v", "libx264", "-preset", "ultrafast", "-g", "250", "-pix_fmt", "yuv420p", "-c:a", "aac", f.video},
		{"-f", "lavfi", "-i", "color=c=0x406080:size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000",
			"-t", "12", "-c:v", "libx264", "-preset", "ultrafast", "-g", "250", "-pix_fmt", "yuv420p", "-c:a", "aac", f.plainVideo},
		{"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", f.silentVideo},
		{"-f", "lavfi", "-i", "sine=frequency=660:duration=3", "-c:a", "aac", f.audioOnly},
		{"-i", sampleBBB, "-c", "copy", "-movflags", "+faststart", faststart},
	}
	for _, args := range commands {
		cmd := exec.Command("ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("ffmpeg %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	text := []byte("These are meeting notes, not a video.\n")
	for _, p := range []string{f.textFile, f.textAsMP4} {
		if err := os.WriteFile(p, text, 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(f.empty, nil, 0o644); err != nil {
		return err
	}
	for src, dst := range map[string]string{sampleBBB: f.truncated, faststart: f.truncatedFast} {
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, data[:len(data)/2], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// streamDurations asks ffprobe for each stream's own duration, which ProbeInfo does not expose, to check
// audio and video end together.
func streamDurations(t *testing.T, path string) map[string]time.Duration {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,duration",
		"-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	durations := map[string]time.Duration{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		kind, value, _ := strings.Cut(line, ",")
		durations[kind] = parseSeconds(value)
	}
	return durations
}

// grayFrame decodes one frame at 64x36 grey. With accurate=true the seek happens after decoding from the
// start (slow, exact), the reference for checking input seeking.
func grayFrame(t *testing.T, path string, at time.Duration, accurate bool) []byte {
	t.Helper()
	args := []string{"-hide_banner", "-loglevel", "error"}
	if accurate {
		args = append(args, "-i", path, "-ss", seconds(at))
	} else {
		args = append(args, "-ss", seconds(at), "-i", path)
	}
	args = append(args, "-frames:v", "1", "-vf", "scale=64:36", "-pix_fmt", "gray", "-f", "rawvideo", "-")
	out, err := exec.Command("ffmpeg", args...).Output()
	if err != nil || len(out) != 64*36 {
		t.Fatalf("decode frame of %s at %s: %v (%d bytes)", path, at, err, len(out))
	}
	return out
}

// meanAbsDiff compares two grey frames.
func meanAbsDiff(a, b []byte) float64 {
	sum := 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		sum += d
	}
	return float64(sum) / float64(len(a))
}

// leftovers lists temporary files (fsutil.TempPath names) in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".partial") {
			out = append(out, e.Name())
		}
	}
	return out
}

func within(got, want, tolerance time.Duration) bool {
	d := got - want
	return d <= tolerance && d >= -tolerance
}

// frame is one output frame's duration: the precision a cut can have.
const frame = time.Second / OutputFrameRate

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}
