package cleanup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

// Run deletes regular files and symbolic links under o.Paths whose own modification time is older than
// o.RetentionDays, then removes the folders that this made empty (never Root nor a listed path).
//
// Symbolic links are never followed: a link is an entry like a file, deleted when the link itself is old
// and matches the globs, and its target is never looked at. Folders holding a fresh InProgressMarker are
// skipped with their subtrees, as are folders below one.
//
// The error is non-nil only for invalid options (failure.Invalid) or when ctx ends the run early (then the
// Summary covers the work done so far). Problems with single paths or files are counted in the Summary
// and the run goes on.
func Run(ctx context.Context, o Options) (Summary, error) {
	cfg, err := validate(o)
	if err != nil {
		return Summary{DryRun: o.DryRun}, err
	}
	// Every file operation goes through root, which the kernel-relative lookups of os.Root confine to the
	// storage root even if a folder is swapped for a symlink while the run is going on.
	root, err := os.OpenRoot(cfg.root)
	if err != nil {
		return Summary{DryRun: o.DryRun}, failure.Invalid("cleanup: open storage root %q: %w", o.Root, err)
	}
	defer root.Close()

	w := &walker{cfg: cfg, root: root, protected: map[string]bool{}}
	w.sum.DryRun = cfg.dryRun
	cfg.logf("cleanup: root=%s retention cutoff=%s dryRun=%t", cfg.root, cfg.cutoff.UTC().Format(time.RFC3339), cfg.dryRun)

	// Resolve every path before deleting anything, so that no path root is removed as an emptied folder
	// while another path is being cleaned.
	var starts []string
	for _, p := range cfg.paths {
		if rel, ok := w.resolveStart(p); ok {
			starts = append(starts, rel)
			w.protected[rel] = true
		}
	}
	for _, rel := range starts {
		if ctx.Err() != nil {
			break
		}
		if w.insideInProgress(rel) {
			continue
		}
		w.sweepDir(ctx, rel)
	}
	if err := ctx.Err(); err != nil {
		return w.sum, fmt.Errorf("cleanup stopped early: %w", err)
	}
	return w.sum, nil
}

type walker struct {
	cfg       *config
	root      *os.Root
	protected map[string]bool // slash-separated path roots, relative to the storage root
	sum       Summary
}

// fail records a problem and lets the run go on.
func (w *walker) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	w.sum.Errors++
	if len(w.sum.ErrorSamples) < maxErrorSamples {
		w.sum.ErrorSamples = append(w.sum.ErrorSamples, msg)
	}
	w.cfg.logf("cleanup: error: %s", msg)
}

// resolveStart turns one of Options.Paths into a folder relative to the resolved storage root. A path
// that is a symlink is resolved, and accepted only if its target is a folder inside the root.
func (w *walker) resolveStart(p string) (string, bool) {
	if err := checkRelative(p); err != nil {
		w.fail("%v", err)
		return "", false
	}
	abs := filepath.Join(w.cfg.root, p)
	real, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		w.cfg.logf("cleanup: path %q does not exist; nothing to clean there", p)
		return "", false
	}
	if err != nil {
		w.fail("path %q: %v", p, err)
		return "", false
	}
	if !within(w.cfg.root, real) {
		w.fail("path %q resolves to %s, outside the storage root", p, real)
		return "", false
	}
	rel, err := filepath.Rel(w.cfg.root, real)
	if err != nil {
		w.fail("path %q: %v", p, err)
		return "", false
	}
	rel = filepath.ToSlash(rel)
	info, err := w.root.Lstat(rel)
	if err != nil {
		w.fail("path %q: %v", p, err)
		return "", false
	}
	if !info.IsDir() {
		w.fail("path %q is not a folder", p)
		return "", false
	}
	return rel, true
}

// insideInProgress reports whether a folder above rel (up to and including the storage root) holds a
// fresh marker: a task writing there owns the whole subtree. rel itself is checked by sweepDir.
func (w *walker) insideInProgress(rel string) bool {
	for dir := rel; dir != "."; {
		dir = path.Dir(dir)
		if w.skipForMarker(dir) {
			return true
		}
	}
	return false
}

// skipForMarker reports whether the folder rel must be left alone because of its marker.
func (w *walker) skipForMarker(rel string) bool {
	state, age, err := inspectMarker(w.root, rel, w.cfg.now, w.cfg.staleMarkerAge)
	switch {
	case err != nil:
		// Not knowing is treated like a running task: the safe side.
		w.fail("check in-progress marker in %q: %v", rel, err)
		w.sum.Skipped++
		return true
	case state == markerFresh:
		w.cfg.logf("cleanup: skip %s: in progress (marker age %s)", rel, age.Round(time.Second))
		w.sum.Skipped++
		return true
	case state == markerStale:
		w.cfg.logf("cleanup: ignoring stale in-progress marker in %s (age %s)", rel, age.Round(time.Second))
	}
	return false
}

// sweepDir cleans the folder rel and reports how many entries remain in it (in a dry run: would remain)
// and how many this run removed from it.
func (w *walker) sweepDir(ctx context.Context, rel string) (remaining, removed int) {
	if w.skipForMarker(rel) {
		return 1, 0
	}
	entries, err := w.readDir(rel)
	if err != nil {
		w.fail("read folder %q: %v", rel, err)
		return 1, 0
	}
	for i, e := range entries {
		if ctx.Err() != nil {
			return remaining + len(entries) - i, removed
		}
		child := path.Join(rel, e.Name())
		if !w.contained(child) {
			w.fail("entry %q lies outside the storage root; left alone", child)
			remaining++
			continue
		}
		var gone bool
		switch t := e.Type(); {
		case t.IsDir():
			gone = w.sweepSubdir(ctx, child)
		case t.IsRegular() || t&fs.ModeSymlink != 0:
			var vanished bool
			gone, vanished = w.sweepFile(child, e)
			if vanished {
				continue
			}
		default:
			// Sockets, pipes and devices are nobody's output; leave them be.
			w.sum.Skipped++
		}
		if gone {
			removed++
		} else {
			remaining++
		}
	}
	return remaining, removed
}

func (w *walker) readDir(rel string) ([]fs.DirEntry, error) {
	f, err := w.root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// sweepSubdir cleans a subfolder and removes it if this run emptied it. It reports whether it is gone.
func (w *walker) sweepSubdir(ctx context.Context, rel string) bool {
	if matchAny(w.cfg.exclude, rel) {
		w.sum.Skipped++
		return false
	}
	remaining, removed := w.sweepDir(ctx, rel)
	// Only folders this run emptied go: an empty folder that was already empty may have just been created
	// by a task about to write into it.
	if remaining > 0 || removed == 0 || w.protected[rel] {
		return false
	}
	return w.removeEmptyDir(rel)
}

func (w *walker) removeEmptyDir(rel string) bool {
	if w.cfg.dryRun {
		w.cfg.logf("cleanup: would remove emptied folder %s", rel)
		w.sum.DirsRemoved++
		return true
	}
	// Remove (not RemoveAll) deletes a folder only if it is empty, so a file written in the meantime
	// keeps its folder.
	err := w.root.Remove(rel)
	switch {
	case err == nil:
		w.cfg.logf("cleanup: removed emptied folder %s", rel)
		w.sum.DirsRemoved++
		return true
	case errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST):
		w.cfg.logf("cleanup: keep folder %s: new entries appeared", rel)
		return false
	case errors.Is(err, fs.ErrNotExist):
		return true
	default:
		w.fail("remove folder %q: %v", rel, err)
		return false
	}
}

// sweepFile deletes a regular file or a symbolic link (never its target) if it is old and selected. It
// reports whether the entry is gone because of this run, and whether it vanished on its own.
func (w *walker) sweepFile(rel string, e fs.DirEntry) (deleted, vanished bool) {
	if len(w.cfg.include) > 0 && !matchAny(w.cfg.include, rel) {
		w.sum.Skipped++
		return false, false
	}
	if matchAny(w.cfg.exclude, rel) {
		w.sum.Skipped++
		return false, false
	}
	// DirEntry.Info is an lstat: for a symlink, the link's own time and size.
	info, err := e.Info()
	if errors.Is(err, fs.ErrNotExist) {
		return false, true
	}
	if err != nil {
		w.fail("stat %q: %v", rel, err)
		return false, false
	}
	if !info.ModTime().Before(w.cfg.cutoff) {
		return false, false
	}
	var size int64
	if info.Mode().IsRegular() {
		size = info.Size()
	}
	kind := "file"
	if info.Mode()&fs.ModeSymlink != 0 {
		kind = "symlink"
	}
	if w.cfg.dryRun {
		w.cfg.logf("cleanup: would delete %s %s (%d bytes, modified %s)", kind, rel, size, info.ModTime().UTC().Format("2006-01-02"))
		w.count(size)
		return true, false
	}
	// Look again right before deleting: an entry replaced since the folder was read (for example renamed
	// over by an atomic write) is a different, new file and stays.
	now, err := w.root.Lstat(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return false, true
	}
	if err != nil {
		w.fail("stat %q: %v", rel, err)
		return false, false
	}
	if !os.SameFile(info, now) || !now.ModTime().Equal(info.ModTime()) || now.IsDir() {
		w.cfg.logf("cleanup: keep %s: changed while cleaning", rel)
		return false, false
	}
	if err := w.root.Remove(rel); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, true
		}
		w.fail("delete %q: %v", rel, err)
		return false, false
	}
	w.cfg.logf("cleanup: deleted %s %s (%d bytes, modified %s)", kind, rel, size, info.ModTime().UTC().Format("2006-01-02"))
	w.count(size)
	return true, false
}

func (w *walker) count(size int64) {
	w.sum.FilesDeleted++
	w.sum.BytesFreed += size
}

// contained is the lexical half of the containment guarantee (os.Root is the other): the entry, joined
// to the resolved root, must still lie below it.
func (w *walker) contained(rel string) bool {
	return within(w.cfg.root, filepath.Join(w.cfg.root, filepath.FromSlash(rel)))
}
