package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/gcsblob" // registers gs:// for blob.OpenBucket
	_ "gocloud.dev/blob/s3blob"  // registers s3:// for blob.OpenBucket
	"gocloud.dev/gcerrors"

	"github.com/langflix/langflix-operator/runner/cleanup"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/fsutil"
)

// blobLocation is a blob URL split into the bucket to open and the object key (an input) or key prefix
// (an output) inside it.
type blobLocation struct {
	scheme   string // "s3", "gs" or "file"
	bucket   string // bucket name; for file:// the folder that serves as the bucket
	rawQuery string // driver parameters such as region or endpoint, passed on unchanged
	key      string // no leading slash; "" is the bucket's top for an output
}

// bucketURL is what blob.OpenBucket gets: the bucket with its parameters, without the key.
func (l blobLocation) bucketURL() string {
	u := url.URL{Scheme: l.scheme, Host: l.bucket, RawQuery: l.rawQuery}
	return u.String()
}

// String names the location in messages, without its parameters (they may hold credentials).
func (l blobLocation) String() string {
	if l.scheme == "file" {
		return (&url.URL{Scheme: "file", Path: path.Join(filepath.ToSlash(l.bucket), l.key)}).String()
	}
	return (&url.URL{Scheme: l.scheme, Host: l.bucket, Path: "/" + l.key}).String()
}

// parseBlobURL splits an s3://, gs:// or file:// URL. An input must name an object; an output names a
// prefix (trailing slashes ignored). file:// inputs open their folder as the bucket and use the file name as
// the key; file:// outputs open the named folder itself.
func parseBlobURL(u *url.URL, output bool) (blobLocation, error) {
	kind := "input"
	if output {
		kind = "output"
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "s3", "gs":
		if u.Host == "" {
			return blobLocation{}, failure.Invalid("%s %s names no bucket", kind, redact(u))
		}
		key := strings.TrimPrefix(u.Path, "/")
		if output {
			key = strings.Trim(key, "/")
		} else if key == "" || strings.HasSuffix(key, "/") {
			return blobLocation{}, failure.Invalid("input %s names no object in bucket %q", redact(u), u.Host)
		}
		return blobLocation{scheme: scheme, bucket: u.Host, rawQuery: u.RawQuery, key: key}, nil
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return blobLocation{}, failure.Invalid("%s %s: file URLs must not name a host", kind, redact(u))
		}
		if u.RawQuery != "" {
			return blobLocation{}, failure.Invalid("%s %s: file URLs take no parameters", kind, redact(u))
		}
		p := filepath.Clean(filepath.FromSlash(u.Path))
		if !filepath.IsAbs(p) || p == string(filepath.Separator) {
			return blobLocation{}, failure.Invalid("%s %s: a file URL needs an absolute path below /", kind, redact(u))
		}
		p, err := safeFilePath(kind, u, p)
		if err != nil {
			return blobLocation{}, err
		}
		if output {
			return blobLocation{scheme: scheme, bucket: p}, nil
		}
		return blobLocation{scheme: scheme, bucket: filepath.Dir(p), key: filepath.Base(p)}, nil
	case "https", "http":
		if output {
			return blobLocation{}, failure.Invalid("output %s: cannot publish to a web URL; use s3, gs or file", redact(u))
		}
	}
	return blobLocation{}, failure.Invalid("%s %s: unsupported URL scheme %q (want s3, gs or file)", kind, redact(u), u.Scheme)
}

// bucketOpener opens the bucket of loc; create asks for a missing file:// folder to be made.
type bucketOpener func(ctx context.Context, loc blobLocation, create bool) (*blob.Bucket, error)

// openBucket opens file:// folders with fileblob directly, so that no sidecar metadata files land next to
// published outputs and temporary files stay on the destination's file system (a rename across file
// systems would fail); s3:// and gs:// go through the registered drivers, which take their credentials
// from the environment (IAM roles, workload identity).
func openBucket(ctx context.Context, loc blobLocation, create bool) (*blob.Bucket, error) {
	if loc.scheme == "file" {
		return fileblob.OpenBucket(loc.bucket, &fileblob.Options{
			CreateDir: create,
			NoTempDir: true,
			Metadata:  fileblob.MetadataDontWrite,
		})
	}
	return blob.OpenBucket(ctx, loc.bucketURL())
}

func (r *Resolver) opener() bucketOpener {
	if r.open != nil {
		return r.open
	}
	return openBucket
}

// downloadBlob copies the object at loc into dst.
func (r *Resolver) downloadBlob(ctx context.Context, loc blobLocation, dst string) error {
	bucket, err := r.opener()(ctx, loc, false)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || gcerrors.Code(err) == gcerrors.NotFound {
			return failure.Invalid("input %s not found: %v", loc, err)
		}
		return fmt.Errorf("open bucket for %s: %w", loc, err)
	}
	defer bucket.Close()
	rd, err := bucket.NewReader(ctx, loc.key, nil)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return failure.Invalid("input %s not found", loc)
		}
		return fmt.Errorf("read %s: %w", loc, err)
	}
	defer rd.Close()
	max := r.maxDownload()
	if rd.Size() > max {
		return failure.Invalid("input %s is %d bytes, over the %d-byte limit", loc, rd.Size(), max)
	}
	return writeAtomic(dst, rd, max, loc.String())
}

// uploadTree uploads every regular file below localDir to loc's prefix.
func (r *Resolver) uploadTree(ctx context.Context, localDir string, loc blobLocation) error {
	info, err := os.Stat(localDir)
	if err != nil {
		return fmt.Errorf("publish %s: %w", localDir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("publish %s: not a folder", localDir)
	}
	bucket, err := r.opener()(ctx, loc, true)
	if err != nil {
		return fmt.Errorf("open bucket for %s: %w", loc, err)
	}
	defer bucket.Close()
	return filepath.WalkDir(localDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("publish %s: %w", localDir, err)
		}
		if !d.Type().IsRegular() || skipOnPublish(d.Name()) {
			return nil
		}
		rel, err := filepath.Rel(localDir, p)
		if err != nil {
			return err
		}
		return uploadFile(ctx, bucket, path.Join(loc.key, filepath.ToSlash(rel)), p, loc)
	})
}

// skipOnPublish leaves out the bookkeeping files of a run: temporary files of unfinished writes and the
// cleanup's in-progress marker.
func skipOnPublish(name string) bool {
	return fsutil.IsTemp(name) || name == cleanup.InProgressMarker
}

func uploadFile(ctx context.Context, bucket *blob.Bucket, key, local string, loc blobLocation) error {
	f, err := os.Open(local)
	if err != nil {
		return fmt.Errorf("publish %s: %w", local, err)
	}
	defer f.Close()
	// By extension where known, because sniffing the first bytes calls subtitles and JSON plain text;
	// an empty type lets the driver sniff.
	opts := &blob.WriterOptions{ContentType: mime.TypeByExtension(filepath.Ext(local))}
	if err := bucket.Upload(ctx, key, f, opts); err != nil {
		return fmt.Errorf("upload %s to %s: %w", local, loc, err)
	}
	return nil
}
