package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/storage"
)

// locations maps input and output references to local paths. With a storage root, references go through
// storage.Resolver (relative to the root, or URLs). Without one, paths are used as given (relative to the
// working folder), which is how the runner is used outside a cluster; URLs still work.
type locations struct {
	resolver *storage.Resolver
}

func newLocations(root, workDir string) locations {
	return locations{resolver: &storage.Resolver{Root: root, WorkDir: workDir}}
}

func (l locations) plainPaths(ref string) bool {
	return l.resolver.Root == "" && !storage.IsURL(ref)
}

// input returns a local path for the input ref, downloading it when it is a URL.
func (l locations) input(ctx context.Context, what, ref string) (string, error) {
	if !l.plainPaths(ref) {
		return l.resolver.Fetch(ctx, ref)
	}
	info, err := os.Stat(ref)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", failure.Invalid("%s %s does not exist", what, ref)
	case err != nil:
		return "", fmt.Errorf("%s %s: %w", what, ref, err)
	case info.IsDir():
		return "", failure.Invalid("%s %s is a folder, not a file", what, ref)
	}
	return ref, nil
}

// outputDir returns the local folder that outputs are written into (created), a staging folder when out
// is a bucket URL.
func (l locations) outputDir(out string) (string, error) {
	if out == "" {
		return "", failure.Invalid("no output folder given (--out)")
	}
	if !l.plainPaths(out) {
		return l.resolver.OutputDir(out)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("create output folder %s: %w", out, err)
	}
	return out, nil
}

// publish uploads the staged outputs when out is a URL; local outputs are already in place.
func (l locations) publish(ctx context.Context, localDir, out string) error {
	if l.plainPaths(out) {
		return nil
	}
	return l.resolver.Publish(ctx, localDir, out)
}

// manifestRef is where the manifest is, in the terms the caller used for out.
func manifestRef(out, name string) string {
	if storage.IsURL(out) {
		return strings.TrimRight(out, "/") + "/" + name
	}
	return path.Join(out, name)
}

// fileDigest returns the size and SHA-256 of the file at p. It reads in the caller's context so that a
// signal stops hashing a large video.
func fileDigest(ctx context.Context, p string) (int64, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, "", fmt.Errorf("hash %s: %w", p, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx: ctx, r: f})
	if err != nil {
		return 0, "", fmt.Errorf("hash %s: %w", p, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// bytesDigest is the SHA-256 of data in hex.
func bytesDigest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
