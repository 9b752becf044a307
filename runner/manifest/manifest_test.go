package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/fsutil"
)

func TestWriteReadRoundTripAndJSONNames(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	m := &Manifest{
		RunnerVersion: "v1.2.3",
		Command:       "video",
		Task:          &Task{Kind: "VideoTask", Name: "ep1", Namespace: "films"},
		Inputs: Inputs{Video: &Input{Path: "in/ep1.mp4", Size: 42, SHA256: "ab", Duration: 120.5},
			Subtitles: &Input{Path: "in/ep1.srt", Size: 7, SHA256: "cd", Format: "srt", Encoding: "utf-8", Cues: 3}},
		Options: Options{Language: "en", TargetLanguage: "ko", MaxExpressions: 5, Level: "mixed", Extractor: "dictionary",
			EducationalVideo: true, Slides: true, Repeat: 3},
		Expressions: []Expression{{Index: 1, Phrase: "break the ice", Matched: "broke the ice", Translation: "어색한 분위기를 깨다",
			Meaning: "to start a conversation", Level: "intermediate", Kind: "idiom", Dialogue: "He broke the ice.",
			DialogueTranslation: "그가 분위기를 깼다.", CueIndex: 4, Start: 20, End: 22.5, ContextStart: 15, ContextEnd: 30,
			Similar: []string{"get the ball rolling"}, Source: "dictionary",
			Files: Files{ContextClip: "clips/01_break_the_ice_context.mp4", Slide: "slides/01_break_the_ice.png"}}},
		Stages:     []StageTiming{{Name: "probe", DurationMS: 12}},
		Status:     Complete,
		StartedAt:  time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		FinishedAt: time.Date(2025, 1, 1, 0, 1, 0, 0, time.UTC),
	}
	if err := Write(path, m); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	raw, _ := os.ReadFile(path)
	for _, key := range []string{`"runnerVersion"`, `"dialogueTranslation"`, `"contextStart": 15`, `"durationMs": 12`,
		`"status": "complete"`, `"sha256": "ab"`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("manifest lacks %s", key)
		}
	}
	if strings.Contains(string(raw), `"expressionClip"`) {
		t.Error("an output that was not made is written as an empty file name")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if fsutil.IsTemp(e.Name()) {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestSecondsRoundsToMilliseconds(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want float64
	}{
		{0, 0},
		{65*time.Second + 400*time.Millisecond, 65.4},
		{1234567 * time.Microsecond, 1.235},
	}
	for _, tt := range tests {
		if got := Seconds(tt.in); got != tt.want {
			t.Errorf("Seconds(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestResolveTerminationLog(t *testing.T) {
	tests := []struct{ flag, env, want string }{
		{"/tmp/flag", "/tmp/env", "/tmp/flag"},
		{"", "/tmp/env", "/tmp/env"},
	}
	for _, tt := range tests {
		if got := ResolveTerminationLog(tt.flag, tt.env); got != tt.want {
			t.Errorf("ResolveTerminationLog(%q, %q) = %q, want %q", tt.flag, tt.env, got, tt.want)
		}
	}
	_, err := os.Stat(filepath.Dir(runnerv1.DefaultTerminationLog))
	want := ""
	if err == nil {
		want = runnerv1.DefaultTerminationLog
	}
	if got := ResolveTerminationLog("", ""); got != want {
		t.Errorf("default = %q, want %q", got, want)
	}
}

func TestWriteTerminationInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "termination-log")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteTermination(path, runnerv1.TerminationMessage{Reason: runnerv1.ReasonCompleted}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != `{"reason":"Completed"}` {
		t.Fatalf("got %q", got)
	}
	if err := WriteTermination("", runnerv1.TerminationMessage{}); err != nil {
		t.Fatalf("empty path: %v", err)
	}
}
