package pipeline_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/manifest"
)

const slideContentList = `[
 {"title": "Idiom", "expression": "break the ice", "translation": "어색한 분위기를 깨다",
  "dialogue": "Let me break the ice with a story.", "dialogueTranslation": "이야기로 분위기를 좀 풀어 볼게요.",
  "similarExpressions": ["get the ball rolling"], "examples": ["A joke can break the ice."], "notes": "Used at the start of a meeting."},
 {"expression": "once in a blue moon", "translation": "아주 드물게"}
]`

func TestSlidesCommandPNG(t *testing.T) {
	contentFile := filepath.Join(t.TempDir(), "content.json")
	if err := os.WriteFile(contentFile, []byte(slideContentList), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"flag", "", []string{"--content", slideContentList}},
		{"stdin", slideContentList, []string{"--content-file", "-"}},
		{"file", "", []string{"--content-file", contentFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "slides")
			run := runCLI(t, tt.stdin, append([]string{"slides", "--out", out, "--progress", "none"}, tt.args...)...)
			if run.err != nil {
				t.Fatalf("slides: %v\n%s", run.err, run.stderr)
			}
			want := []string{"manifest.json", "slides/01_break_the_ice.png", "slides/02_once_in_a_blue_moon.png"}
			got := listFiles(t, out)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("files %v, want %v", got, want)
			}
			for _, f := range want[1:] {
				assertPNGSize(t, filepath.Join(out, f), 1280, 720)
			}
			m, err := manifest.Read(filepath.Join(out, manifest.FileName))
			if err != nil {
				t.Fatal(err)
			}
			if m.Command != "slides" || m.Status != manifest.Complete || len(m.Expressions) != 2 ||
				m.Expressions[0].Title != "Idiom" || m.Expressions[0].Examples[0] != "A joke can break the ice." ||
				m.Expressions[1].Files.Slide != "slides/02_once_in_a_blue_moon.png" {
				t.Errorf("manifest %+v", m)
			}
			if run.termination.Reason != runnerv1.ReasonCompleted || run.termination.Outputs.Slides != 2 || run.termination.Expressions != 2 {
				t.Errorf("termination %s", run.termRaw)
			}
		})
	}
}

func TestSlidesCommandMP4WithSpeech(t *testing.T) {
	out := filepath.Join(t.TempDir(), "slides")
	one, _ := json.Marshal(map[string]any{"expression": "pick up", "translation": "집어 들다"})
	run := runCLI(t, "", "slides", "--out", out, "--progress", "none", "--content", string(one),
		"--format", "mp4", "--audio", "--duration", "3s", "--width", "960", "--height", "540")
	if run.err != nil {
		t.Fatalf("slides: %v\n%s", run.err, run.stderr)
	}
	png := filepath.Join(out, "slides", "01_pick_up.png")
	video := filepath.Join(out, "videos", "01_pick_up.mp4")
	assertPNGSize(t, png, 960, 540)
	assertLessonLayout(t, video, 960, 540)
	if d := videoDuration(t, video); !near(d, 3*time.Second, frame) {
		t.Errorf("slide video %v, want 3s", d)
	}
	if !audible(t, video) {
		t.Errorf("slide video is silent; espeak-ng should speak the expression")
	}
	if *run.termination.Outputs != (runnerv1.Outputs{Slides: 1, Videos: 1}) {
		t.Errorf("termination %s", run.termRaw)
	}
	assertNoLeftovers(t, out)
}

func TestSlidesCommandRejectsBadContent(t *testing.T) {
	tests := []struct{ name, content string }{
		{"not JSON", "break the ice"},
		{"unknown field", `{"expression": "x", "translaton": "typo"}`},
		{"no expression", `{"translation": "번역"}`},
		{"empty list", `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "slides")
			run := runCLI(t, "", "slides", "--out", out, "--progress", "none", "--content", tt.content)
			if failure.ExitCode(run.err) != runnerv1.ExitInvalidInput || run.termination.Reason != runnerv1.ReasonInvalidInput {
				t.Fatalf("err %v, termination %s", run.err, run.termRaw)
			}
			if _, err := os.Stat(filepath.Join(out, manifest.FileName)); err == nil {
				t.Errorf("manifest written for bad content")
			}
		})
	}
}
