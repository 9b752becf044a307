// Package storage maps task inputs and outputs to local paths. A reference is either a path relative to the
// shared storage root (the volume every task Job mounts) or a URL: https:// inputs are downloaded, and
// s3://, gs:// and file:// references go through gocloud.dev/blob, so outputs can also be published to a
// bucket.
package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/fsutil"
)

// DefaultMaxDownloadBytes caps a single downloaded input. A full-length episode in high quality stays well
// below it; a response beyond it is a wrong URL or a hostile server, not an input worth filling the disk.
const DefaultMaxDownloadBytes int64 = 64 << 30

// Resolver maps task inputs and outputs to local paths. Refs are paths relative to Root (absolute paths and
// ".." rejected with failure.Invalid naming the ref), or URLs: file://, https:// (net/http, with ctx, size
// cap, status check), s3:// and gs:// (gocloud.dev/blob with its s3blob/gcsblob drivers; file:// via
// fileblob).
//
// Plain http:// is refused: inputs travel with credentials in their query strings (presigned URLs), and
// an in-cluster object store is reached with s3:// and its endpoint parameter instead.
type Resolver struct {
	// Root is the storage root that relative refs are resolved against.
	Root string
	// WorkDir holds downloads and staged outputs of URL refs; it must be set to use URLs.
	WorkDir string
	// HTTPClient is used for https:// inputs; nil means a client that waits at most a minute for response
	// headers and follows redirects only to https. Whole downloads are bounded by ctx, not a timeout.
	HTTPClient *http.Client

	// maxBytes overrides DefaultMaxDownloadBytes (tests use a small cap).
	maxBytes int64
	// open overrides how buckets are opened (tests map s3:// and gs:// buckets to local folders).
	open bucketOpener
}

// IsURL reports whether ref is a URL ("scheme://...") rather than a path relative to the storage root.
func IsURL(ref string) bool {
	i := strings.Index(ref, "://")
	if i <= 0 {
		return false
	}
	for j, c := range ref[:i] {
		isLetter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !isLetter && (j == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// Fetch returns a local path for the input ref. A URL is downloaded into WorkDir (atomically, under its
// own base name so that tools that look at the extension still work); a relative ref resolves to Root/ref,
// which must exist.
func (r *Resolver) Fetch(ctx context.Context, ref string) (localPath string, err error) {
	if !IsURL(ref) {
		return r.localInput(ref)
	}
	u, err := url.Parse(ref)
	if err != nil {
		return "", failure.Invalid("input %q is not a valid URL: %v", redactRef(ref), err)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		dst, err := r.downloadPath(ref, u)
		if err != nil {
			return "", err
		}
		return dst, r.downloadHTTP(ctx, u, dst)
	case "s3", "gs", "file":
		loc, err := parseBlobURL(u, false)
		if err != nil {
			return "", err
		}
		dst, err := r.downloadPath(ref, u)
		if err != nil {
			return "", err
		}
		return dst, r.downloadBlob(ctx, loc, dst)
	case "http":
		return "", failure.Invalid("input %s: plain http is not accepted, use https", redact(u))
	default:
		return "", failure.Invalid("input %s: unsupported URL scheme %q (want https, s3, gs or file)", redact(u), u.Scheme)
	}
}

// OutputDir returns the local folder a task writes the output out into. A relative out is Root/out,
// created if needed; a URL gets a staging folder in WorkDir, which Publish uploads.
func (r *Resolver) OutputDir(out string) (string, error) {
	if !IsURL(out) {
		return r.localOutput(out)
	}
	u, err := url.Parse(out)
	if err != nil {
		return "", failure.Invalid("output %q is not a valid URL: %v", redactRef(out), err)
	}
	// Checked now rather than in Publish, so that a wrong output fails before hours of work.
	if _, err := parseBlobURL(u, true); err != nil {
		return "", err
	}
	if r.WorkDir == "" {
		return "", failure.Invalid("output %s: no work folder is configured for staging", redact(u))
	}
	dir := filepath.Join(r.WorkDir, "outputs", refHash(out))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create staging folder for %s: %w", redact(u), err)
	}
	return dir, nil
}

// Publish uploads the regular files below localDir to the bucket prefix named by out (keys keep their
// relative paths). For a relative out the files are already in place, so it does nothing. Leftovers of
// atomic writes, in-progress markers and symbolic links are not uploaded.
func (r *Resolver) Publish(ctx context.Context, localDir, out string) error {
	if !IsURL(out) {
		return nil
	}
	u, err := url.Parse(out)
	if err != nil {
		return failure.Invalid("output %q is not a valid URL: %v", redactRef(out), err)
	}
	loc, err := parseBlobURL(u, true)
	if err != nil {
		return err
	}
	return r.uploadTree(ctx, localDir, loc)
}

// checkRelativeRef rejects refs that could leave the storage root lexically.
func checkRelativeRef(kind, ref string) error {
	if ref == "" {
		return failure.Invalid("%s path is empty", kind)
	}
	if filepath.IsAbs(ref) || strings.HasPrefix(ref, "/") {
		return failure.Invalid("%s %q is an absolute path; give a path relative to the storage root", kind, ref)
	}
	for _, elem := range strings.Split(filepath.ToSlash(ref), "/") {
		if elem == ".." {
			return failure.Invalid("%s %q contains \"..\"", kind, ref)
		}
	}
	return nil
}

func (r *Resolver) localInput(ref string) (string, error) {
	if err := checkRelativeRef("input", ref); err != nil {
		return "", err
	}
	if err := r.checkInsideRoot("input", ref); err != nil {
		return "", err
	}
	p := filepath.Join(r.Root, ref)
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", failure.Invalid("input %q not found in the storage root", ref)
		}
		return "", fmt.Errorf("input %q: %w", ref, err)
	}
	return p, nil
}

func (r *Resolver) localOutput(out string) (string, error) {
	if err := checkRelativeRef("output", out); err != nil {
		return "", err
	}
	if err := r.checkInsideRoot("output", out); err != nil {
		return "", err
	}
	// os.Root refuses to create anything outside Root even if a symlink appears after the check above.
	root, err := os.OpenRoot(r.Root)
	if err != nil {
		return "", fmt.Errorf("open storage root: %w", err)
	}
	defer root.Close()
	if err := root.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("create output folder %q: %w", out, err)
	}
	return filepath.Join(r.Root, out), nil
}

// checkInsideRoot resolves the longest existing part of Root/rel through its symlinks and fails with
// failure.Invalid if that leads outside Root: a ref must not reach other volumes through a link.
func (r *Resolver) checkInsideRoot(kind, rel string) error {
	if r.Root == "" {
		return failure.Invalid("%s %q: no storage root is configured", kind, rel)
	}
	root, err := filepath.EvalSymlinks(r.Root)
	if err != nil {
		return fmt.Errorf("storage root: %w", err)
	}
	p := filepath.Join(root, rel)
	for {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			if !within(root, real) {
				return failure.Invalid("%s %q leads outside the storage root (to %s)", kind, rel, real)
			}
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s %q: %w", kind, rel, err)
		}
		parent := filepath.Dir(p)
		if parent == p || !within(root, parent) {
			return nil
		}
		p = parent
	}
}

func within(root, target string) bool {
	rel, err := filepath.Rel(root, target)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// downloadPath picks WorkDir/inputs/<hash of ref>/<base name of the URL path>: distinct refs never
// collide, and the file keeps its name and extension.
func (r *Resolver) downloadPath(ref string, u *url.URL) (string, error) {
	if r.WorkDir == "" {
		return "", failure.Invalid("input %s: no work folder is configured for downloads", redact(u))
	}
	name := filepath.Base(u.Path)
	if name == "." || name == ".." || name == "/" || name == "" {
		name = "download"
	}
	dir := filepath.Join(r.WorkDir, "inputs", refHash(ref))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create download folder: %w", err)
	}
	return filepath.Join(dir, name), nil
}

func refHash(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return hex.EncodeToString(sum[:8])
}

func (r *Resolver) maxDownload() int64 {
	if r.maxBytes > 0 {
		return r.maxBytes
	}
	return DefaultMaxDownloadBytes
}

// writeAtomic fills dst from src through a temporary file, so that a cancelled or failed download never
// leaves a truncated input under the final name. At most max bytes are accepted.
func writeAtomic(dst string, src io.Reader, max int64, what string) error {
	tmp := fsutil.TempPath(dst)
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("download %s: %w", what, err)
	}
	n, err := io.Copy(f, io.LimitReader(src, max+1))
	if err == nil && n > max {
		err = failure.Invalid("input %s is larger than the %d-byte limit", what, max)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fsutil.Commit(tmp, dst)
	}
	if err != nil {
		_ = os.Remove(tmp)
		if failure.IsInvalid(err) {
			return err
		}
		return fmt.Errorf("download %s: %w", what, err)
	}
	return nil
}

// redact drops the query string and user info of u for messages: presigned URLs carry credentials there,
// and error messages end up in the task's status for anyone to read.
func redact(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		c.RawQuery = "REDACTED"
	}
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// redactRef is redact for a ref that did not even parse: cut the query and fragment, and hide user info.
func redactRef(ref string) string {
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		ref = ref[:i] + "?REDACTED"
	}
	if scheme, rest, ok := strings.Cut(ref, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			ref = scheme + "://REDACTED@" + rest[at+1:]
		}
	}
	return ref
}
