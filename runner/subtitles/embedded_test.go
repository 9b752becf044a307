package subtitles

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/fsutil"
)

func TestExtractEmbedded(t *testing.T) {
	for _, tc := range []struct{ name, ffmpeg, ffprobe string }{
		{"tools from PATH", "", ""},
		{"explicit tool paths", lookPath(t, "ffmpeg"), lookPath(t, "ffprobe")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// A nested folder and a non-.srt name: the folder is created and the format forced.
			dst := filepath.Join(dir, "subs", "track.txt")
			video := filepath.Join(testdataDir, "exo_sample_with_srt.mkv")
			if err := ExtractEmbedded(context.Background(), tc.ffmpeg, tc.ffprobe, video, dst); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			cues, format, err := Parse(data, dst)
			if err != nil {
				t.Fatal(err)
			}
			want := []Cue{{0, 0, 1234 * time.Millisecond, "This is the first subtitle."}}
			if diff := cmp.Diff(want, cues); diff != "" || format != FormatSRT {
				t.Errorf("format %q, cues (-want +got):\n%s", format, diff)
			}
			assertNoPartialFiles(t, filepath.Dir(dst))
		})
	}
}

func TestExtractEmbeddedInvalidInput(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.mkv")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a video ", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, video, problem string
	}{
		{"no subtitle stream", filepath.Join(testdataDir, "bbb_prog_10s.mp4"), "has no text subtitle stream"},
		{"not a media file", garbage, "cannot be read by ffprobe"},
		{"missing video", filepath.Join(dir, "missing.mkv"), "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := filepath.Join(dir, "out.srt")
			err := ExtractEmbedded(context.Background(), "", "", tt.video, dst)
			if !failure.IsInvalid(err) {
				t.Fatalf("err = %v, want an InvalidInput error", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.video) || !strings.Contains(msg, tt.problem) {
				t.Errorf("error %q should name %q and say %q", msg, tt.video, tt.problem)
			}
			if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("dst exists after a failure (stat err %v)", err)
			}
		})
	}
}

// TestExtractEmbeddedRetryableFailures checks that failures not caused by the input are not reported as
// invalid input (the operator would otherwise never retry them) and leave nothing behind.
func TestExtractEmbeddedRetryableFailures(t *testing.T) {
	video := filepath.Join(testdataDir, "exo_sample_with_srt.mkv")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name             string
		ctx              context.Context
		ffmpeg, ffprobe  string
		wantContextError bool
	}{
		{"ffprobe missing", context.Background(), "", filepath.Join(t.TempDir(), "no-ffprobe"), false},
		{"ffmpeg fails", context.Background(), lookPath(t, "false"), "", false},
		{"cancelled", cancelled, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dst := filepath.Join(dir, "out.srt")
			err := ExtractEmbedded(tt.ctx, tt.ffmpeg, tt.ffprobe, video, dst)
			if err == nil || failure.IsInvalid(err) {
				t.Fatalf("err = %v, want a retryable error", err)
			}
			if tt.wantContextError && !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want it to wrap context.Canceled", err)
			}
			if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("dst exists after a failure (stat err %v)", err)
			}
			assertNoPartialFiles(t, dir)
		})
	}
}

func lookPath(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed by this test: %v", name, err)
	}
	return path
}

func assertNoPartialFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if fsutil.IsTemp(e.Name()) {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}
