package pipeline_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/cleanup"
	"github.com/langflix/langflix-operator/runner/failure"
)

func TestCleanupCommandPrintsSummary(t *testing.T) {
	root := t.TempDir()
	old := time.Now().Add(-10 * 24 * time.Hour)
	files := map[string]time.Time{
		"outputs/a/clips/01_x_context.mp4": old,
		"outputs/a/manifest.json":          old,
		"outputs/b/clips/01_y_context.mp4": time.Now(),
		"outputs/keep/notes.txt":           old,
	}
	for name, mtime := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("0123456789"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}

	run := runCLI(t, "", "cleanup", "--root", root, "--path", "outputs", "--retention-days", "7", "--exclude", "outputs/keep/**")
	if run.err != nil {
		t.Fatalf("cleanup: %v\n%s", run.err, run.stderr)
	}
	var printed cleanup.Summary
	if err := json.Unmarshal([]byte(run.stdout), &printed); err != nil {
		t.Fatalf("stdout is not a JSON summary: %v\n%s", err, run.stdout)
	}
	want := cleanup.Summary{FilesDeleted: 2, BytesFreed: 20, DirsRemoved: 2, Skipped: 1}
	if printed.FilesDeleted != want.FilesDeleted || printed.BytesFreed != want.BytesFreed || printed.DirsRemoved != want.DirsRemoved ||
		printed.Errors != 0 || printed.DryRun {
		t.Errorf("summary %+v, want %+v", printed, want)
	}
	var logged cleanup.Summary
	if err := json.Unmarshal(run.termRaw, &logged); err != nil || logged.FilesDeleted != printed.FilesDeleted || logged.BytesFreed != printed.BytesFreed {
		t.Errorf("termination log %s does not hold the summary", run.termRaw)
	}
	if !strings.Contains(string(run.termRaw), `"reason":"Completed"`) {
		t.Errorf("termination log %s has no reason", run.termRaw)
	}
	for name := range files {
		_, err := os.Stat(filepath.Join(root, name))
		kept := err == nil
		if wantKept := strings.Contains(name, "/b/") || strings.Contains(name, "/keep/"); kept != wantKept {
			t.Errorf("%s kept=%v, want %v", name, kept, wantKept)
		}
	}
}

func TestCleanupCommandRefusesFilesystemRoot(t *testing.T) {
	run := runCLI(t, "", "cleanup", "--root", "/", "--retention-days", "7")
	if failure.ExitCode(run.err) != 2 || !strings.Contains(run.termination.Message, "filesystem root") {
		t.Fatalf("err %v, termination %s", run.err, run.termRaw)
	}
}
