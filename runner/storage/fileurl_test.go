package storage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/langflix/langflix-operator/runner/failure"
)

// TestFileURLsStayOutOfProcessState: file:// inputs and outputs may not reach /proc, /sys, /dev or /run,
// directly, through ".." or through a symbolic link (for instance one placed on the task's own volume).
func TestFileURLsStayOutOfProcessState(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "subtitles.srt")
	if err := os.Symlink("/proc/self/environ", link); err != nil {
		t.Fatal(err)
	}
	linkedDir := filepath.Join(dir, "secrets")
	if err := os.Symlink("/var/run", linkedDir); err != nil {
		t.Fatal(err)
	}
	r := &Resolver{Root: t.TempDir(), WorkDir: t.TempDir()}
	for _, ref := range []string{
		"file:///proc/self/environ",
		"file:///usr/../proc/self/environ",
		"file:///var/run/secrets/kubernetes.io/serviceaccount/token",
		"file:///dev/stdin",
		"file://" + link,
		"file://" + linkedDir + "/secrets/kubernetes.io/serviceaccount/token",
	} {
		_, err := r.Fetch(t.Context(), ref)
		if !failure.IsInvalid(err) || !strings.Contains(err.Error(), "process state and credentials") {
			t.Errorf("Fetch(%q) = %v, want an invalid-input refusal", ref, err)
		}
	}
	if _, err := r.OutputDir("file:///proc/self/cwd/out"); !failure.IsInvalid(err) {
		t.Errorf("OutputDir(file:///proc/...) = %v, want an invalid-input refusal", err)
	}

	// An ordinary file:// input still works.
	plain := filepath.Join(dir, "episode.srt")
	if err := os.WriteFile(plain, []byte("1\n00:00:01,000 --> 00:00:02,000\nHi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := r.Fetch(t.Context(), "file://"+plain)
	if err != nil {
		t.Fatalf("Fetch of a plain file:// input: %v", err)
	}
	if data, _ := os.ReadFile(got); !strings.Contains(string(data), "Hi") {
		t.Errorf("fetched file holds %q", data)
	}
}
