package cleanup

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// testNow is the injected clock of every test: file ages are set relative to it.
var testNow = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)

const (
	oldAge = 10 * 24 * time.Hour // beyond the 7-day retention the tests use
	newAge = time.Hour
)

// tree builds files and links with chosen ages under a base folder.
type tree struct {
	t    testing.TB
	base string
}

func (tr tree) path(rel string) string { return filepath.Join(tr.base, filepath.FromSlash(rel)) }

func (tr tree) file(rel string, age time.Duration) {
	tr.t.Helper()
	p := tr.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("content of "+rel), 0o644); err != nil {
		tr.t.Fatal(err)
	}
	tr.age(rel, age)
}

func (tr tree) dir(rel string) {
	tr.t.Helper()
	if err := os.MkdirAll(tr.path(rel), 0o755); err != nil {
		tr.t.Fatal(err)
	}
}

// symlink creates a link whose own modification time is now-age (the target is not touched).
func (tr tree) symlink(rel, target string, age time.Duration) {
	tr.t.Helper()
	p := tr.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tr.t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		tr.t.Fatal(err)
	}
	tv := unix.NsecToTimeval(testNow.Add(-age).UnixNano())
	if err := unix.Lutimes(p, []unix.Timeval{tv, tv}); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr tree) fifo(rel string, age time.Duration) {
	tr.t.Helper()
	if err := syscall.Mkfifo(tr.path(rel), 0o644); err != nil {
		tr.t.Fatal(err)
	}
	tr.age(rel, age)
}

func (tr tree) age(rel string, age time.Duration) {
	tr.t.Helper()
	mt := testNow.Add(-age)
	if err := os.Chtimes(tr.path(rel), mt, mt); err != nil {
		tr.t.Fatal(err)
	}
}

// marker writes an in-progress marker of the given age into folder rel.
func (tr tree) marker(rel string, age time.Duration) {
	tr.t.Helper()
	tr.file(filepath.ToSlash(filepath.Join(rel, InProgressMarker)), age)
}

// list returns every entry below base (not following links) as slash paths, folders with a trailing "/".
func (tr tree) list() []string {
	tr.t.Helper()
	var out []string
	err := filepath.WalkDir(tr.base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == tr.base {
			return nil
		}
		rel, _ := filepath.Rel(tr.base, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		tr.t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// fixture is a storage root with every case the cleanup must handle, next to an "outside" folder full of
// old files that must survive every run.
type fixture struct {
	root, outside tree
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	base := t.TempDir()
	fx := fixture{root: tree{t, filepath.Join(base, "storage")}, outside: tree{t, filepath.Join(base, "outside")}}

	fx.outside.file("target.txt", oldAge)
	fx.outside.file("dir/old.mp4", oldAge)
	fx.outside.file("dir/deeper/old.srt", oldAge)

	r := fx.root
	r.file("a/old.mp4", oldAge)
	r.file("a/new.mp4", newAge)
	r.file("a/.clip.partial.mp4", oldAge) // atomic-write leftover: deleted like any old file
	r.file("a/.next.partial.mp4", newAge) // a write in flight
	r.file("b/c/old1.txt", oldAge)
	r.file("b/c/old2.srt", oldAge)
	r.symlink("links/old-to-outside-file", fx.outside.path("target.txt"), oldAge)
	r.symlink("links/old-to-outside-dir", fx.outside.path("dir"), oldAge)
	r.symlink("links/new-to-outside-dir", fx.outside.path("dir"), newAge)
	r.symlink("links/new-relative-up", "../../outside/dir", newAge)
	r.file("inprog/old.mp4", oldAge)
	r.file("inprog/sub/old.mp4", oldAge)
	r.marker("inprog", newAge)
	r.file("stale/old.mp4", oldAge)
	r.marker("stale", 3*24*time.Hour) // stale after 48h, but younger than the retention: stays
	r.dir("empty-already")
	r.file("keep/old.mp4", oldAge)
	r.fifo("a/old.fifo", oldAge)
	r.symlink("escape", fx.outside.path("dir"), newAge)
	return fx
}

var outsideEntries = []string{"dir/", "dir/deeper/", "dir/deeper/old.srt", "dir/old.mp4", "target.txt"}

func (fx fixture) options() Options {
	return Options{Root: fx.root.base, RetentionDays: 7, Now: testNow}
}
