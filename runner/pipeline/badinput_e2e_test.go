package pipeline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

func TestBadInputExitsTwoWithoutHalfWrittenFiles(t *testing.T) {
	video := testVideo(t, 2*time.Minute, 640, 360, 25)
	english, _ := idiomSubtitles(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notMedia := write("notes.mp4", []byte("These are meeting notes, not a video.\n"))
	full := mustRead(t, video)
	truncated := write("truncated.mp4", full[:len(full)/2])
	emptySubs := write("empty.srt", nil)
	binarySubs := write("binary.srt", []byte("1\n00:00:01,000 --> 00:00:02,000\n\x00\x01\x02\xff\xfe\x00\x03\x04\x00\x00\x07\x08\n"))

	tests := []struct {
		name    string
		args    []string
		message string
	}{
		{"not a media file", []string{"--video", notMedia, "--subtitles", english}, "is not a media file"},
		{"truncated mp4", []string{"--video", truncated, "--subtitles", english}, "truncated or corrupt"},
		{"empty subtitles", []string{"--video", video, "--subtitles", emptySubs}, "empty"},
		{"undetectable encoding", []string{"--video", video, "--subtitles", binarySubs}, "encoding"},
		{"missing font", []string{"--video", video, "--subtitles", english, "--font", "/nonexistent"}, "/nonexistent"},
		{"no subtitles anywhere", []string{"--video", "../../testdata/bbb_prog_10s.mp4"}, "no text subtitle stream"},
		{"missing video", []string{"--video", filepath.Join(dir, "absent.mp4"), "--subtitles", english}, "does not exist"},
		{"bad level", []string{"--video", video, "--subtitles", english, "--level", "expert"}, "level"},
		{"unknown flag", []string{"--video", video, "--frobnicate"}, "unknown flag"},
		{"missing required flag", []string{"--subtitles", english}, "not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			run := runCLI(t, "", append([]string{"video", "--out", out, "--progress", "none"}, tt.args...)...)
			if code := failure.ExitCode(run.err); code != 2 {
				t.Fatalf("exit code %d (%v), want 2", code, run.err)
			}
			if run.termination.Reason != "InvalidInput" || !strings.Contains(run.termination.Message, tt.message) {
				t.Errorf("termination %s, want reason InvalidInput and a message with %q", run.termRaw, tt.message)
			}
			if !strings.Contains(run.stderr, tt.message) {
				t.Errorf("stderr does not explain the problem (%q):\n%s", tt.message, run.stderr)
			}
			if files := listFiles(t, out); len(files) != 0 {
				t.Errorf("output folder holds %v", files)
			}
			assertNoLeftovers(t, out)
		})
	}
}
