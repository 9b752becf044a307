package storage

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"

	"github.com/langflix/langflix-operator/runner/cleanup"
	"github.com/langflix/langflix-operator/runner/failure"
)

func TestParseBlobURL(t *testing.T) {
	tests := []struct {
		ref       string
		output    bool
		want      blobLocation
		bucketURL string
		invalid   bool
	}{
		{
			ref:       "s3://media/shows/ep1/video.mp4?region=eu-west-1&endpoint=http%3A%2F%2Fminio%3A9000",
			want:      blobLocation{scheme: "s3", bucket: "media", rawQuery: "region=eu-west-1&endpoint=http%3A%2F%2Fminio%3A9000", key: "shows/ep1/video.mp4"},
			bucketURL: "s3://media?region=eu-west-1&endpoint=http%3A%2F%2Fminio%3A9000",
		},
		{
			ref:       "gs://lessons/ep%201/sub.srt",
			want:      blobLocation{scheme: "gs", bucket: "lessons", key: "ep 1/sub.srt"},
			bucketURL: "gs://lessons",
		},
		{
			ref:  "S3://Media/a.mkv", // scheme case does not matter; bucket names are kept as given
			want: blobLocation{scheme: "s3", bucket: "Media", key: "a.mkv"}, bucketURL: "s3://Media",
		},
		{
			ref: "s3://out/lessons/ep1/", output: true,
			want: blobLocation{scheme: "s3", bucket: "out", key: "lessons/ep1"}, bucketURL: "s3://out",
		},
		{ref: "gs://out", output: true, want: blobLocation{scheme: "gs", bucket: "out"}, bucketURL: "gs://out"},
		{ref: "file:///data/in/ep1.mkv", want: blobLocation{scheme: "file", bucket: "/data/in", key: "ep1.mkv"}},
		{ref: "file://localhost/data/out/", output: true, want: blobLocation{scheme: "file", bucket: "/data/out"}},
		{ref: "s3:///key-without-bucket", invalid: true},
		{ref: "s3://bucket", invalid: true},
		{ref: "s3://bucket/folder/", invalid: true},
		{ref: "file://otherhost/data/a.mkv", invalid: true},
		{ref: "file:///data/a.mkv?create_dir=1", invalid: true},
		{ref: "file:///", output: true, invalid: true},
		{ref: "https://host/out", output: true, invalid: true},
		{ref: "ftp://host/a.mkv", invalid: true},
	}
	for _, tc := range tests {
		u, err := url.Parse(tc.ref)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseBlobURL(u, tc.output)
		if tc.invalid {
			if !failure.IsInvalid(err) {
				t.Errorf("parseBlobURL(%q) = %+v, %v; want InvalidInput", tc.ref, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseBlobURL(%q): %v", tc.ref, err)
			continue
		}
		if got != tc.want {
			t.Errorf("parseBlobURL(%q) = %+v, want %+v", tc.ref, got, tc.want)
		}
		if tc.bucketURL != "" && got.bucketURL() != tc.bucketURL {
			t.Errorf("bucketURL of %q = %q, want %q", tc.ref, got.bucketURL(), tc.bucketURL)
		}
	}
}

func TestCloudDriversAreRegistered(t *testing.T) {
	for _, scheme := range []string{"s3", "gs", "file"} {
		if !blob.DefaultURLMux().ValidBucketScheme(scheme) {
			t.Errorf("no blob driver registered for %s://", scheme)
		}
	}
}

// bucketsIn maps every s3:// and gs:// bucket to a folder below base, so the cloud code paths run
// against fileblob without a network.
func bucketsIn(base string) bucketOpener {
	return func(ctx context.Context, loc blobLocation, create bool) (*blob.Bucket, error) {
		if loc.scheme == "file" {
			return openBucket(ctx, loc, create)
		}
		return fileblob.OpenBucket(filepath.Join(base, loc.scheme, loc.bucket), &fileblob.Options{
			CreateDir: true, NoTempDir: true, Metadata: fileblob.MetadataDontWrite,
		})
	}
}

func TestFetchFromBucket(t *testing.T) {
	video, err := os.ReadFile(testVideo)
	if err != nil {
		t.Fatal(err)
	}
	buckets := t.TempDir()
	put(t, filepath.Join(buckets, "s3", "media", "shows", "ep1", "bbb.mp4"), video)
	put(t, filepath.Join(buckets, "gs", "media", "bbb.mp4"), video)
	local := filepath.Join(t.TempDir(), "in")
	put(t, filepath.Join(local, "bbb.mp4"), video)

	work := t.TempDir()
	r := &Resolver{WorkDir: work, open: bucketsIn(buckets)}
	for _, ref := range []string{
		"s3://media/shows/ep1/bbb.mp4?region=eu-west-1",
		"gs://media/bbb.mp4",
		"file://" + filepath.ToSlash(filepath.Join(local, "bbb.mp4")),
	} {
		got, err := r.Fetch(context.Background(), ref)
		if err != nil {
			t.Errorf("Fetch(%q): %v", ref, err)
			continue
		}
		data, err := os.ReadFile(got)
		if err != nil || !bytes.Equal(data, video) || !strings.HasPrefix(got, work) || filepath.Base(got) != "bbb.mp4" {
			t.Errorf("Fetch(%q) = %q with %d bytes (%v); want the test video as bbb.mp4 in the work folder", ref, got, len(data), err)
		}
	}
	assertNoTempFiles(t, work)
}

func TestFetchFromBucketFailures(t *testing.T) {
	buckets := t.TempDir()
	put(t, filepath.Join(buckets, "s3", "media", "big.mp4"), make([]byte, 2000))
	tests := []struct{ ref, errPart string }{
		{"s3://media/missing.mp4", "not found"},
		{"s3://media/big.mp4", "over the 1000-byte limit"},
		{"file:///nonexistent-folder-for-langflix-tests/a.mp4", "not found"},
		{"file://" + filepath.ToSlash(buckets) + "/missing.mp4", "not found"},
	}
	for _, tc := range tests {
		work := t.TempDir()
		r := &Resolver{WorkDir: work, open: bucketsIn(buckets), maxBytes: 1000}
		_, err := r.Fetch(context.Background(), tc.ref)
		if !failure.IsInvalid(err) || !strings.Contains(err.Error(), tc.errPart) {
			t.Errorf("Fetch(%q) error = %v; want InvalidInput containing %q", tc.ref, err, tc.errPart)
		}
		assertNoFiles(t, work)
	}
}

// outputTree fills dir with what a lesson run leaves: outputs plus bookkeeping that must not be published.
func outputTree(t *testing.T, dir string) {
	t.Helper()
	put(t, filepath.Join(dir, "video.mp4"), []byte("video"))
	put(t, filepath.Join(dir, "slides", "001.png"), []byte("png"))
	put(t, filepath.Join(dir, "slides", "002.png"), []byte("png2"))
	put(t, filepath.Join(dir, "meta", "expressions.json"), []byte("{}"))
	put(t, filepath.Join(dir, ".short.partial.mp4"), []byte("half"))
	put(t, filepath.Join(dir, cleanup.InProgressMarker), nil)
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
}

var publishedKeys = []string{"meta/expressions.json", "slides/001.png", "slides/002.png", "video.mp4"}

func TestPublishToBucket(t *testing.T) {
	buckets := t.TempDir()
	r := &Resolver{WorkDir: t.TempDir(), open: bucketsIn(buckets)}
	out := "s3://lessons/shows/ep1/?region=eu-west-1"

	staging, err := r.OutputDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(staging, r.WorkDir) {
		t.Errorf("staging folder %q is not in the work folder", staging)
	}
	outputTree(t, staging)
	if err := r.Publish(context.Background(), staging, out); err != nil {
		t.Fatalf("Publish: %v", err)
	}

	bucket, err := bucketsIn(buckets)(context.Background(), blobLocation{scheme: "s3", bucket: "lessons"}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	var keys []string
	iter := bucket.List(nil)
	for {
		obj, err := iter.Next(context.Background())
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, obj.Key)
	}
	want := make([]string, len(publishedKeys))
	for i, k := range publishedKeys {
		want[i] = "shows/ep1/" + k
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("published keys (-want +got):\n%s", diff)
	}
	got, err := bucket.ReadAll(context.Background(), "shows/ep1/slides/002.png")
	if err != nil || string(got) != "png2" {
		t.Errorf("published content = %q, %v", got, err)
	}
}

func TestPublishToFileURL(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "published", "ep1") // does not exist yet
	r := &Resolver{WorkDir: t.TempDir()}
	out := "file://" + filepath.ToSlash(dest)
	staging, err := r.OutputDir(out)
	if err != nil {
		t.Fatal(err)
	}
	outputTree(t, staging)
	if err := r.Publish(context.Background(), staging, out); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	// Only the outputs: no metadata sidecars, no temporary files, no bookkeeping.
	var files []string
	err = filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	if diff := cmp.Diff(publishedKeys, files); diff != "" {
		t.Errorf("published files (-want +got):\n%s", diff)
	}
}

func TestPublishRejectsBadTargets(t *testing.T) {
	r := &Resolver{WorkDir: t.TempDir()}
	for _, out := range []string{"https://host/out", "s3:///no-bucket", "ftp://host/x"} {
		if _, err := r.OutputDir(out); !failure.IsInvalid(err) {
			t.Errorf("OutputDir(%q) error = %v, want InvalidInput", out, err)
		}
		if err := r.Publish(context.Background(), r.WorkDir, out); !failure.IsInvalid(err) {
			t.Errorf("Publish(%q) error = %v, want InvalidInput", out, err)
		}
	}
	if err := r.Publish(context.Background(), filepath.Join(r.WorkDir, "missing"), "s3://b/p"); err == nil {
		t.Error("Publish of a missing folder succeeded")
	}
}

func put(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
