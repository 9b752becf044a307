package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/langflix/langflix-operator/runner/failure"
)

func TestIsURL(t *testing.T) {
	tests := map[string]bool{
		"https://host/a.mp4":   true,
		"s3://bucket/key":      true,
		"gs://bucket/key":      true,
		"file:///tmp/a":        true,
		"HTTPS://HOST/A":       true,
		"git+ssh://host/x":     true,
		"media/ep1.mkv":        false,
		"/abs/path":            false,
		"":                     false,
		"://no-scheme":         false,
		"1s3://digit-first":    false,
		"dir/with://in/middle": false,
		"c:\\windows":          false,
	}
	for ref, want := range tests {
		if got := IsURL(ref); got != want {
			t.Errorf("IsURL(%q) = %t, want %t", ref, got, want)
		}
	}
}

// storageRoot makes a storage root with an input file and folder, next to an "outside" folder that
// symlinks in the root point to.
func storageRoot(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root, outside = filepath.Join(base, "storage"), filepath.Join(base, "outside")
	for _, dir := range []string{filepath.Join(root, "media", "clips"), outside} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(root, "media", "ep1.mkv"), filepath.Join(outside, "secret.mkv")} {
		if err := os.WriteFile(f, []byte("media"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(outside, "secret.mkv"), filepath.Join(root, "media", "escape.mkv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "elsewhere")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ep1.mkv", filepath.Join(root, "media", "alias.mkv")); err != nil {
		t.Fatal(err)
	}
	return root, outside
}

func TestFetchRelative(t *testing.T) {
	root, _ := storageRoot(t)
	r := &Resolver{Root: root}
	tests := []struct {
		ref     string
		want    string // local path; "" means an InvalidInput error is expected
		errPart string // part of the error message
	}{
		{ref: "media/ep1.mkv", want: filepath.Join(root, "media", "ep1.mkv")},
		{ref: "./media/ep1.mkv", want: filepath.Join(root, "media", "ep1.mkv")},
		{ref: "media/alias.mkv", want: filepath.Join(root, "media", "alias.mkv")},
		{ref: "media/clips", want: filepath.Join(root, "media", "clips")},
		{ref: "media/missing.mkv", errPart: `"media/missing.mkv" not found`},
		{ref: "/etc/passwd", errPart: `"/etc/passwd" is an absolute path`},
		{ref: "../outside/secret.mkv", errPart: `"../outside/secret.mkv" contains ".."`},
		{ref: "media/../../outside/secret.mkv", errPart: `contains ".."`},
		{ref: "media/escape.mkv", errPart: `"media/escape.mkv" leads outside the storage root`},
		{ref: "elsewhere/secret.mkv", errPart: "leads outside the storage root"},
		{ref: "", errPart: "input path is empty"},
	}
	for _, tc := range tests {
		got, err := r.Fetch(context.Background(), tc.ref)
		if tc.want != "" {
			if err != nil || got != tc.want {
				t.Errorf("Fetch(%q) = %q, %v; want %q", tc.ref, got, err, tc.want)
			}
			continue
		}
		if !failure.IsInvalid(err) || !strings.Contains(err.Error(), tc.errPart) {
			t.Errorf("Fetch(%q) error = %v; want InvalidInput containing %q", tc.ref, err, tc.errPart)
		}
	}
}

func TestFetchRelativeNeedsRoot(t *testing.T) {
	_, err := (&Resolver{}).Fetch(context.Background(), "media/ep1.mkv")
	if !failure.IsInvalid(err) {
		t.Fatalf("Fetch without Root: %v, want InvalidInput", err)
	}
}

func TestOutputDirRelative(t *testing.T) {
	root, outside := storageRoot(t)
	r := &Resolver{Root: root}

	got, err := r.OutputDir("lessons/ep1/slides")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "lessons", "ep1", "slides"); got != want {
		t.Errorf("OutputDir = %q, want %q", got, want)
	}
	if info, err := os.Stat(got); err != nil || !info.IsDir() {
		t.Errorf("output folder not created: %v", err)
	}

	for _, out := range []string{"/tmp/out", "../out", "lessons/../../out", "elsewhere/new", ""} {
		if _, err := r.OutputDir(out); !failure.IsInvalid(err) {
			t.Errorf("OutputDir(%q) error = %v, want InvalidInput", out, err)
		}
	}
	if _, err := os.Stat(filepath.Join(outside, "new")); !os.IsNotExist(err) {
		t.Errorf("a folder was created outside the root: %v", err)
	}
}

func TestPublishLocalIsNoop(t *testing.T) {
	root, _ := storageRoot(t)
	r := &Resolver{Root: root}
	dir, err := r.OutputDir("lessons/ep1")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Publish(context.Background(), dir, "lessons/ep1"); err != nil {
		t.Fatalf("Publish to a relative output: %v", err)
	}
}

func TestURLRefsNeedWorkDir(t *testing.T) {
	r := &Resolver{}
	if _, err := r.Fetch(context.Background(), "file:///tmp/a.mkv"); !failure.IsInvalid(err) {
		t.Errorf("Fetch without WorkDir: %v, want InvalidInput", err)
	}
	if _, err := r.OutputDir("s3://bucket/prefix"); !failure.IsInvalid(err) {
		t.Errorf("OutputDir without WorkDir: %v, want InvalidInput", err)
	}
}

func TestRedactRef(t *testing.T) {
	tests := map[string]string{
		"https://host/a.mp4?X-Amz-Signature=abc": "https://host/a.mp4?REDACTED",
		"https://user:pw@host/a.mp4":             "https://REDACTED@host/a.mp4",
		"https://host/a.mp4":                     "https://host/a.mp4",
	}
	for in, want := range tests {
		if got := redactRef(in); got != want {
			t.Errorf("redactRef(%q) = %q, want %q", in, got, want)
		}
	}
}
