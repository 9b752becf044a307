//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Paths of the test media, relative to the storage root (the claim's folder).
const (
	lessonVideo      = "input/lesson.mp4"
	lessonSubtitles  = "input/lesson.en.srt"
	lessonKorean     = "input/lesson.ko.srt"
	longVideo        = "input/long.mp4"
	notAVideo        = "input/not-a-video.mp4"
	lessonDuration   = 90 * time.Second
	longVideoRepeats = 10 // long.mp4 is lesson.mp4 ten times over: 15 minutes, far more than any hard limit here
)

// lessonIdioms are the expressions said in the lesson video, one per 26-second stretch of dialogue (the
// runner's context windows are at least 25 s), each among plain lines that teach nothing.
var lessonIdioms = []string{"break the ice", "once in a blue moon", "piece of cake"}

// cue is one line of a generated subtitle file.
type cue struct {
	start, end time.Duration
	en, ko     string
}

// lessonCues are the lesson video's dialogue: around 0:15, 0:45 and 1:15 an idiom, with plain lines 6 and
// 12 seconds before and after it, so each idiom's context window takes in exactly its own four lines.
func lessonCues() []cue {
	idioms := []cue{
		{en: "Let me break the ice with a story.", ko: "이야기로 분위기를 좀 풀어 볼게요."},
		{en: "That only happens once in a blue moon.", ko: "그런 일은 아주 가끔 일어나요."},
		{en: "Finishing this was a piece of cake.", ko: "이걸 끝내는 건 식은 죽 먹기였어요."},
	}
	plain := []cue{
		{en: "Good morning, everyone.", ko: "여러분, 좋은 아침입니다."},
		{en: "The weather is nice.", ko: "날씨가 좋네요."},
		{en: "I like this city.", ko: "저는 이 도시가 좋아요."},
		{en: "We have two dogs.", ko: "우리는 개 두 마리를 키워요."},
		{en: "The train was late.", ko: "기차가 늦었어요."},
		{en: "Everybody laughed.", ko: "모두 웃었어요."},
		{en: "The rain started.", ko: "비가 오기 시작했어요."},
		{en: "My sister is a nurse.", ko: "제 여동생은 간호사예요."},
		{en: "The shop is closed.", ko: "가게가 문을 닫았어요."},
		{en: "Here is your coffee.", ko: "커피 여기 있습니다."},
		{en: "The music is loud.", ko: "음악 소리가 커요."},
		{en: "Thank you for listening.", ko: "들어 주셔서 감사합니다."},
	}
	var cues []cue
	next := 0
	for i, centre := range []time.Duration{15 * time.Second, 45 * time.Second, 75 * time.Second} {
		for _, offset := range []time.Duration{-12 * time.Second, -6 * time.Second, 0, 6 * time.Second, 12 * time.Second} {
			c := plain[next%len(plain)]
			length := 2 * time.Second
			if offset == 0 {
				c, length = idioms[i], 2500*time.Millisecond
			} else {
				next++
			}
			c.start, c.end = centre+offset, centre+offset+length
			cues = append(cues, c)
		}
	}
	return cues
}

// writeMedia puts the test media into the storage root dir.
func writeMedia(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "input"), 0o755); err != nil {
		return err
	}
	// A moving test picture with a tone: real H.264/AAC in MP4, small and quick to cut.
	if err := ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=12",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", fmt.Sprint(lessonDuration.Seconds()), "-c:v", "libx264", "-preset", "ultrafast", "-g", "24",
		"-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", filepath.Join(dir, lessonVideo)); err != nil {
		return err
	}
	// The long video repeats the streams without encoding them again, so it costs no CPU to make.
	if err := ffmpeg("-stream_loop", fmt.Sprint(longVideoRepeats-1), "-i", filepath.Join(dir, lessonVideo),
		"-c", "copy", filepath.Join(dir, longVideo)); err != nil {
		return err
	}
	cues := lessonCues()
	if err := writeSRT(filepath.Join(dir, lessonSubtitles), cues, func(c cue) string { return c.en }); err != nil {
		return err
	}
	if err := writeSRT(filepath.Join(dir, lessonKorean), cues, func(c cue) string { return c.ko }); err != nil {
		return err
	}
	// Text with a video's name: the runner must reject it as invalid input.
	return os.WriteFile(filepath.Join(dir, notAVideo), []byte("This is a shopping list, not a video.\n"), 0o644)
}

func ffmpeg(args ...string) error {
	out, err := exec.Command("ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ffmpeg %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

func writeSRT(path string, cues []cue, text func(cue) string) error {
	var b strings.Builder
	for i, c := range cues {
		fmt.Fprintf(&b, "%d\n%s --> %s\n%s\n\n", i+1, srtTime(c.start), srtTime(c.end), text(c))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func srtTime(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d,%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}
