package cleanup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"
)

// InProgressMarker is the file the video/slides commands keep in their output folder while they run;
// cleanup skips any folder (and its subtree) that holds one, unless the marker itself is older than
// StaleMarkerAge (a crashed run), default 48h.
const InProgressMarker = ".langflix-in-progress"

// MarkInProgress creates the marker in dir (creating dir if needed) and returns a func that removes it.
// An existing marker, left by a crashed attempt, is rewritten so that its age restarts now. The release
// func may be called more than once.
func MarkInProgress(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create folder for in-progress marker: %w", err)
	}
	name := filepath.Join(dir, InProgressMarker)
	// Who and since when, for whoever finds a stale marker.
	host, _ := os.Hostname()
	content := fmt.Sprintf("pid=%d host=%s started=%s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	// Plain write, not an atomic rename: the marker's presence is what counts, and a half-written marker
	// protects the folder just as well. Rewriting an old marker updates its mtime, which is its age.
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		return nil, fmt.Errorf("write in-progress marker: %w", err)
	}
	var once sync.Once
	return func() {
		once.Do(func() { _ = os.Remove(name) })
	}, nil
}

// markerState is what cleanup found in one folder.
type markerState int

const (
	markerAbsent markerState = iota
	markerFresh
	markerStale
)

// inspectMarker looks for a marker in the folder rel (relative to root) without following symlinks: a
// marker that is a symlink counts too, by its own modification time, so nobody can dodge the check.
func inspectMarker(root *os.Root, rel string, now time.Time, staleAge time.Duration) (markerState, time.Duration, error) {
	info, err := root.Lstat(path.Join(rel, InProgressMarker))
	if errors.Is(err, fs.ErrNotExist) {
		return markerAbsent, 0, nil
	}
	if err != nil {
		return markerAbsent, 0, err
	}
	age := now.Sub(info.ModTime())
	if age > staleAge {
		return markerStale, age, nil
	}
	return markerFresh, age, nil
}
