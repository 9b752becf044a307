package fsutil

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTempPathKeepsExtensionAndFolder(t *testing.T) {
	cases := map[string]string{
		"/out/videos/01_break-the-ice.mp4": "/out/videos/.01_break-the-ice.partial.mp4",
		"manifest.json":                    ".manifest.partial.json",
		"/out/noext":                       "/out/.noext.partial",
	}
	for dst, want := range cases {
		got := TempPath(dst)
		if got != want {
			t.Errorf("TempPath(%q) = %q, want %q", dst, got, want)
		}
		if !IsTemp(got) {
			t.Errorf("IsTemp(%q) = false", got)
		}
		if IsTemp(dst) {
			t.Errorf("IsTemp(%q) = true for a final name", dst)
		}
	}
}

func TestWriteFileAtomicLeavesNoTemporary(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "sub", "manifest.json")
	if err := WriteFileAtomic(dst, []byte(`{"a":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(dst, []byte(`{"a":2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(dst)
	if err != nil || string(data) != `{"a":2}` {
		t.Fatalf("content = %q, %v", data, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dst))
	if len(entries) != 1 {
		t.Fatalf("folder holds %d entries, want only the final file", len(entries))
	}
}

func TestWriteFileAtomicFailureRemovesTemporary(t *testing.T) {
	dir := t.TempDir()
	// A folder where the file should go makes the rename fail after the temporary file was written.
	dst := filepath.Join(dir, "taken")
	if err := os.MkdirAll(filepath.Join(dst, "child"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(dst, []byte("x"), 0o644); err == nil {
		t.Fatal("want an error when the destination is a non-empty folder")
	}
	if _, err := os.Stat(TempPath(dst)); !os.IsNotExist(err) {
		t.Fatalf("temporary file left behind: %v", err)
	}
}
