package cleanup

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestMarkInProgressProtectsFolderUntilReleased(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "lessons", "ep1")
	tr := tree{t, root}
	tr.file("lessons/ep1/old.mp4", oldAge)

	release, err := MarkInProgress(out)
	if err != nil {
		t.Fatal(err)
	}
	// The marker carries the real time, so this run uses the real clock with the file made old for it.
	old := time.Now().Add(-oldAge)
	if err := os.Chtimes(tr.path("lessons/ep1/old.mp4"), old, old); err != nil {
		t.Fatal(err)
	}
	o := Options{Root: root, RetentionDays: 7}
	got, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got.FilesDeleted != 0 || got.Skipped != 1 {
		t.Fatalf("while marked: summary %+v, want nothing deleted and one skipped folder", got)
	}

	release()
	release() // releasing twice is harmless
	if _, err := os.Lstat(filepath.Join(out, InProgressMarker)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("marker still there after release: %v", err)
	}
	got, err = Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got.FilesDeleted != 1 {
		t.Fatalf("after release: summary %+v, want the old file deleted", got)
	}
}

func TestMarkInProgressRefreshesAStaleMarker(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, InProgressMarker)
	if err := os.WriteFile(name, []byte("left by a crash"), 0o644); err != nil {
		t.Fatal(err)
	}
	crashed := time.Now().Add(-72 * time.Hour)
	if err := os.Chtimes(name, crashed, crashed); err != nil {
		t.Fatal(err)
	}
	release, err := MarkInProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	state, _, err := inspectMarker(root, ".", time.Now(), DefaultStaleMarkerAge)
	if err != nil || state != markerFresh {
		t.Fatalf("marker state = %v, %v; want fresh after MarkInProgress", state, err)
	}
}

func TestMarkInProgressFailsOnUnwritableFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := MarkInProgress(file); err == nil {
		t.Fatal("MarkInProgress on a file succeeded")
	}
}
