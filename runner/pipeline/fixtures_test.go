package pipeline_test

import (
	"encoding/json"
	"fmt"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/fsutil"
)

// The test fixtures are generated once per test binary with real ffmpeg: synthetic pictures and a tone,
// with subtitle files written for the tests whose lines sit at known times.

var (
	fixtureDir  string
	fixtureMu   sync.Mutex
	fixtureDone = map[string]string{}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "langflix-pipeline-fixtures-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// fixture returns the path of a generated file, generating it on first use.
func fixture(t *testing.T, name string, generate func(path string) error) string {
	t.Helper()
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if p, ok := fixtureDone[name]; ok {
		return p
	}
	p := filepath.Join(fixtureDir, name)
	if err := generate(p); err != nil {
		t.Fatalf("generate fixture %s: %v", name, err)
	}
	fixtureDone[name] = p
	return p
}

// testVideo is a lavfi testsrc2 picture with a sine tone: real H.264/AAC in MP4.
func testVideo(t *testing.T, d time.Duration, width, height, fps int) string {
	t.Helper()
	name := fmt.Sprintf("video_%s_%dx%d_%d.mp4", d, width, height, fps)
	return fixture(t, name, func(p string) error {
		secs := strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
		out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
			"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=%d", width, height, fps),
			"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
			"-t", secs, "-c:v", "libx264", "-preset", "ultrafast", "-g", strconv.Itoa(2*fps), "-pix_fmt", "yuv420p",
			"-c:a", "aac", "-ac", "2", p).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	})
}

// cue is a subtitle line of a generated SRT file.
type cue struct {
	start, end time.Duration
	text       string
}

// idiomCues are the English dialogue of the two-minute test video: three expressions a teacher would
// pick, at known times (0:20, 1:05, 1:40), each among plain lines that teach nothing. The plain lines sit
// close to their expression so that each expression's context window (grown over whole neighbouring
// cues) stays clear of the others.
var idiomCues = []cue{
	{8 * time.Second, 10 * time.Second, "Good morning, everyone."},
	{14 * time.Second, 16 * time.Second, "The weather is nice."},
	{20 * time.Second, 22500 * time.Millisecond, "Let me break the ice with a story."},
	{26 * time.Second, 28 * time.Second, "I like this city."},
	{32 * time.Second, 34 * time.Second, "We have two dogs."},
	{53 * time.Second, 55 * time.Second, "The train was late."},
	{59 * time.Second, 61 * time.Second, "Everybody laughed."},
	{65 * time.Second, 67800 * time.Millisecond, "That only happens once in a blue moon."},
	{71 * time.Second, 73 * time.Second, "The rain started."},
	{77 * time.Second, 79 * time.Second, "My sister is a nurse."},
	{88 * time.Second, 90 * time.Second, "The shop is closed."},
	{94 * time.Second, 96 * time.Second, "Here is your coffee."},
	{100 * time.Second, 102200 * time.Millisecond, "Your phone is ringing, pick it up."},
	{106 * time.Second, 108 * time.Second, "The music is loud."},
	{112 * time.Second, 114 * time.Second, "Thank you for listening."},
}

// idiomCuesKorean is the Korean subtitle track of the same video, with the same timings.
var idiomCuesKorean = []string{
	"여러분, 좋은 아침입니다.",
	"날씨가 좋네요.",
	"이야기로 분위기를 좀 풀어 볼게요.",
	"저는 이 도시가 좋아요.",
	"우리는 개 두 마리를 키워요.",
	"기차가 늦었어요.",
	"모두 웃었어요.",
	"그런 일은 아주 가끔 일어나요.",
	"비가 오기 시작했어요.",
	"제 여동생은 간호사예요.",
	"가게가 문을 닫았어요.",
	"커피 여기 있습니다.",
	"전화 울린다, 받아.",
	"음악 소리가 커요.",
	"들어 주셔서 감사합니다.",
}

func srtTime(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d,%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

func writeSRT(t *testing.T, path string, cues []cue) string {
	t.Helper()
	var b strings.Builder
	for i, c := range cues {
		fmt.Fprintf(&b, "%d\n%s --> %s\n%s\n\n", i+1, srtTime(c.start), srtTime(c.end), c.text)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func idiomSubtitles(t *testing.T) (english, korean string) {
	t.Helper()
	english = fixture(t, "idioms_en.srt", func(p string) error { writeSRT(t, p, idiomCues); return nil })
	korean = fixture(t, "idioms_ko.srt", func(p string) error {
		ko := make([]cue, len(idiomCues))
		for i, c := range idiomCues {
			ko[i] = cue{c.start, c.end, idiomCuesKorean[i]}
		}
		writeSRT(t, p, ko)
		return nil
	})
	return english, korean
}

// probed is the part of ffprobe's answer the tests check.
type probed struct {
	Streams []struct {
		CodecType  string `json:"codec_type"`
		Width      int    `json:"width"`
		Height     int    `json:"height"`
		SampleRate string `json:"sample_rate"`
		Channels   int    `json:"channels"`
		Duration   string `json:"duration"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

func ffprobe(t *testing.T, path string) probed {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p probed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// videoDuration is the duration of the file's video stream.
func videoDuration(t *testing.T, path string) time.Duration {
	t.Helper()
	for _, s := range ffprobe(t, path).Streams {
		if s.CodecType == "video" {
			secs, err := strconv.ParseFloat(s.Duration, 64)
			if err != nil {
				t.Fatalf("%s: video duration %q", path, s.Duration)
			}
			return time.Duration(secs * float64(time.Second))
		}
	}
	t.Fatalf("%s has no video stream", path)
	return 0
}

// assertLessonLayout checks the stream layout every lesson video has: one H.264 video of w x h and one
// 48 kHz stereo audio stream.
func assertLessonLayout(t *testing.T, path string, w, h int) {
	t.Helper()
	p := ffprobe(t, path)
	var videos, audios int
	for _, s := range p.Streams {
		switch s.CodecType {
		case "video":
			videos++
			if s.Width != w || s.Height != h {
				t.Errorf("%s: video %dx%d, want %dx%d", filepath.Base(path), s.Width, s.Height, w, h)
			}
		case "audio":
			audios++
			if s.SampleRate != "48000" || s.Channels != 2 {
				t.Errorf("%s: audio %s Hz %d channels, want 48000 Hz stereo", filepath.Base(path), s.SampleRate, s.Channels)
			}
		}
	}
	if videos != 1 || audios != 1 {
		t.Errorf("%s: %d video and %d audio streams, want 1 and 1", filepath.Base(path), videos, audios)
	}
}

func assertPNGSize(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if cfg.Width != w || cfg.Height != h {
		t.Errorf("%s: %dx%d, want %dx%d", filepath.Base(path), cfg.Width, cfg.Height, w, h)
	}
}

// assertNoLeftovers fails when dir holds temporary files of atomic writes or an in-progress marker.
func assertNoLeftovers(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if fsutil.IsTemp(p) || d.Name() == ".langflix-in-progress" {
			t.Errorf("leftover %s", p)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}

// listFiles returns the regular files below dir, relative and slash-separated.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	return files
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, data)
	}
}

func near(got, want, tolerance time.Duration) bool {
	d := got - want
	return d <= tolerance && d >= -tolerance
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// audible reports whether the file's audio has anything louder than near-silence.
func audible(t *testing.T, path string) bool {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-hide_banner", "-nostats", "-i", path, "-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("volumedetect %s: %v\n%s", path, err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if _, after, ok := strings.Cut(line, "max_volume:"); ok {
			db, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(after), " dB"), 64)
			if err != nil {
				t.Fatalf("max_volume %q", after)
			}
			return db > -50
		}
	}
	t.Fatalf("no max_volume in volumedetect output:\n%s", out)
	return false
}

// skipInShortMode skips the tests that encode minutes of video; go test -short runs the rest.
func skipInShortMode(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("encodes minutes of video; skipped with -short")
	}
}
