package manifest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/langflix/langflix-operator/runner/cleanup"
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

func TestTerminationEncodeStaysUnderTheLimit(t *testing.T) {
	tests := []struct {
		name    string
		message string
	}{
		{"short", "soft time limit of 10m0s exceeded after 2 of 5 expressions"},
		{"huge ascii", strings.Repeat("ffmpeg said something <long> & odd. ", 400)},
		{"huge korean", strings.Repeat("자막 파일을 읽을 수 없습니다. ", 500)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term := Termination{Reason: "Internal", Message: tt.message, Expressions: 2, Manifest: "out/manifest.json",
				Outputs: Outputs{Clips: 4, Slides: 2, Videos: 2}, Partial: true}
			data := term.Encode()
			if len(data) >= MaxTerminationBytes {
				t.Fatalf("%d bytes", len(data))
			}
			var back Termination
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if !utf8.ValidString(back.Message) || !strings.HasPrefix(tt.message, strings.TrimSuffix(back.Message, "…")) {
				t.Fatalf("message was not cut cleanly: %q", back.Message)
			}
			want := term
			want.Message = back.Message
			if back != want {
				t.Fatalf("fields changed: %+v", back)
			}
			if len(tt.message) < 1000 && back.Message != tt.message {
				t.Fatalf("short message was changed to %q", back.Message)
			}
			for _, key := range []string{`"reason"`, `"message"`, `"expressions"`, `"manifest"`, `"outputs"`, `"clips"`, `"slides"`, `"videos"`, `"shorts"`, `"partial"`} {
				if !strings.Contains(string(data), key) {
					t.Errorf("missing %s", key)
				}
			}
		})
	}
}

func TestCleanupTerminationKeepsSummaryFields(t *testing.T) {
	samples := []string{strings.Repeat("a", 2000), strings.Repeat("b", 2000), "c"}
	term := CleanupTermination{Reason: ReasonCompleted, Summary: cleanup.Summary{FilesDeleted: 3, BytesFreed: 99, ErrorSamples: samples, Errors: 3}}
	data := term.Encode()
	if len(data) >= MaxTerminationBytes {
		t.Fatalf("%d bytes", len(data))
	}
	var s cleanup.Summary
	if err := json.Unmarshal(data, &s); err != nil || s.FilesDeleted != 3 || s.BytesFreed != 99 || s.Errors != 3 {
		t.Fatalf("summary %+v, %v", s, err)
	}
	if len(s.ErrorSamples) != 1 || len(term.ErrorSamples) != 3 {
		t.Fatalf("samples kept %d, caller's slice now %d", len(s.ErrorSamples), len(term.ErrorSamples))
	}
	if !strings.Contains(string(data), `"reason":"Completed"`) {
		t.Fatalf("no reason in %s", data)
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
	_, err := os.Stat(filepath.Dir(DefaultTerminationLog))
	want := ""
	if err == nil {
		want = DefaultTerminationLog
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
	if err := WriteTermination(path, []byte(`{"reason":"Completed"}`)); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != `{"reason":"Completed"}` {
		t.Fatalf("got %q", got)
	}
	if err := WriteTermination("", []byte("x")); err != nil {
		t.Fatalf("empty path: %v", err)
	}
}
