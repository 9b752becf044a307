// Package cleanup deletes old files from the shared storage volume. It is safe by construction: it never
// follows symbolic links, never touches anything outside Root (every operation goes through an os.Root
// opened on the resolved storage root, and every candidate also passes a lexical containment check), skips
// folders that a running task marked as in progress, and deletes only regular files and symbolic links
// themselves, never what a link points to.
package cleanup

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
)

// DefaultStaleMarkerAge is used when Options.StaleMarkerAge is zero: a marker older than this was left
// behind by a crashed run, because no task runs that long.
const DefaultStaleMarkerAge = 48 * time.Hour

// maxErrorSamples bounds Summary.ErrorSamples so that a broken volume does not produce a huge report.
const maxErrorSamples = 5

// Options configures one cleanup run.
type Options struct {
	// Root is the storage root (absolute). "/" and "" are refused.
	Root string
	// Paths are relative roots under Root; empty means Root itself. An absolute path, a path with a ".."
	// element, or one that resolves (via symlinks) outside Root is an error for that path: it is recorded
	// in the Summary and the other paths are still cleaned. A path that does not exist is logged and
	// ignored, so a schedule can name folders that a fresh installation has not created yet.
	Paths []string
	// RetentionDays is the minimum age, in days of 24h, of what is deleted. Must be >= 1.
	RetentionDays int
	// Include and Exclude are slash-separated globs matched against the path relative to Root. "**"
	// matches any number of folders; other elements use path.Match syntax, so "*.mp4" matches only at the
	// top level and "**/*.mp4" matches everywhere. An empty Include means everything. Include applies to
	// files; Exclude applies to files and folders (an excluded folder is not entered).
	Include, Exclude []string
	// DryRun reports what would be deleted without deleting anything.
	DryRun bool
	// Now is the injected clock; the zero time means time.Now().
	Now time.Time
	// StaleMarkerAge is the age after which an InProgressMarker is ignored; zero means
	// DefaultStaleMarkerAge.
	StaleMarkerAge time.Duration
	// Log receives one line per decision worth auditing (deletions, skipped folders, errors). May be nil.
	Log func(format string, args ...any)
}

// Summary is what a run did (in a dry run, what it would have deleted): the runner contract's
// CleanupResult, which the cleanup command prints on stdout and reports in its termination message.
type Summary = runnerv1.CleanupResult

// config is Options after validation and defaulting.
type config struct {
	root           string // Root with symlinks resolved
	paths          []string
	cutoff         time.Time // entries modified before this are old
	now            time.Time
	staleMarkerAge time.Duration
	include        []pattern
	exclude        []pattern
	dryRun         bool
	logf           func(format string, args ...any)
}

// validate checks o and resolves Root once; everything later is confined to that resolved root.
func validate(o Options) (*config, error) {
	if o.Root == "" {
		return nil, failure.Invalid("cleanup: storage root is empty")
	}
	if !filepath.IsAbs(o.Root) {
		return nil, failure.Invalid("cleanup: storage root %q is not an absolute path", o.Root)
	}
	if isFilesystemRoot(o.Root) {
		return nil, failure.Invalid("cleanup: refusing to clean the filesystem root %q", o.Root)
	}
	if o.RetentionDays < 1 {
		return nil, failure.Invalid("cleanup: retention must be at least 1 day, got %d", o.RetentionDays)
	}
	if o.StaleMarkerAge < 0 {
		return nil, failure.Invalid("cleanup: stale marker age must not be negative, got %s", o.StaleMarkerAge)
	}
	include, err := compilePatterns(o.Include)
	if err != nil {
		return nil, failure.Invalid("cleanup: include: %w", err)
	}
	exclude, err := compilePatterns(o.Exclude)
	if err != nil {
		return nil, failure.Invalid("cleanup: exclude: %w", err)
	}
	// Resolve symlinks in Root once, so that the containment checks compare real paths. A Root that is a
	// link to "/" is refused like "/" itself.
	root, err := filepath.EvalSymlinks(o.Root)
	if err != nil {
		return nil, failure.Invalid("cleanup: storage root %q: %w", o.Root, err)
	}
	if isFilesystemRoot(root) {
		return nil, failure.Invalid("cleanup: storage root %q resolves to the filesystem root", o.Root)
	}
	c := &config{
		root:           root,
		paths:          o.Paths,
		now:            o.Now,
		staleMarkerAge: o.StaleMarkerAge,
		include:        include,
		exclude:        exclude,
		dryRun:         o.DryRun,
		logf:           o.Log,
	}
	if c.now.IsZero() {
		c.now = time.Now()
	}
	if c.staleMarkerAge == 0 {
		c.staleMarkerAge = DefaultStaleMarkerAge
	}
	if len(c.paths) == 0 {
		c.paths = []string{"."}
	}
	if c.logf == nil {
		c.logf = func(string, ...any) {}
	}
	c.cutoff = c.now.Add(-time.Duration(o.RetentionDays) * 24 * time.Hour)
	return c, nil
}

func isFilesystemRoot(p string) bool {
	clean := filepath.Clean(p)
	return clean == string(filepath.Separator) || filepath.Dir(clean) == clean
}

// checkRelative validates one of Options.Paths lexically, before anything touches the file system.
func checkRelative(p string) error {
	if p == "" {
		return fmt.Errorf("path is empty")
	}
	if filepath.IsAbs(p) || strings.HasPrefix(p, "/") {
		return fmt.Errorf("path %q is absolute; paths must be relative to the storage root", p)
	}
	for _, elem := range strings.Split(filepath.ToSlash(p), "/") {
		if elem == ".." {
			return fmt.Errorf("path %q contains \"..\"", p)
		}
	}
	return nil
}

// within reports whether target is root or lies below it, comparing cleaned absolute paths lexically.
func within(root, target string) bool {
	rel, err := filepath.Rel(root, target)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel))
}
