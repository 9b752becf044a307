package storage

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/fsutil"
)

const testVideo = "../../testdata/bbb_prog_10s.mp4"

// fixedModTime is the Last-Modified the test server sends; its value does not matter.
var fixedModTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// mediaServer serves the test video over TLS at /media/bbb.mp4 (only with the right signature in the
// query, like a presigned URL) plus a few failing routes.
func mediaServer(t *testing.T) (*httptest.Server, []byte) {
	t.Helper()
	video, err := os.ReadFile(testVideo)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/media/bbb.mp4", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("sig") != "s3cr3t" {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		http.ServeContent(w, r, "bbb.mp4", fixedModTime, bytes.NewReader(video))
	})
	mux.HandleFunc("/unsized.mp4", func(w http.ResponseWriter, r *http.Request) {
		// Flushing first makes the response chunked, so the size is only known while reading.
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		_, _ = w.Write(video)
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	return srv, video
}

func TestFetchHTTPS(t *testing.T) {
	srv, video := mediaServer(t)
	work := t.TempDir()
	r := &Resolver{WorkDir: work, HTTPClient: srv.Client()}

	ref := srv.URL + "/media/bbb.mp4?sig=s3cr3t"
	got, err := r.Fetch(context.Background(), ref)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if filepath.Base(got) != "bbb.mp4" || !strings.HasPrefix(got, work+string(filepath.Separator)) {
		t.Errorf("downloaded to %q, want bbb.mp4 inside %q", got, work)
	}
	data, err := os.ReadFile(got)
	if err != nil || !bytes.Equal(data, video) {
		t.Fatalf("downloaded %d bytes (%v), want the %d bytes of the test video", len(data), err, len(video))
	}

	// A second fetch of the same ref replaces the file in place, a different ref never collides with it.
	again, err := r.Fetch(context.Background(), ref)
	if err != nil || again != got {
		t.Errorf("second Fetch = %q, %v; want %q", again, err, got)
	}
	other, err := r.Fetch(context.Background(), srv.URL+"/media/bbb.mp4?sig=s3cr3t&v=2")
	if err != nil || other == got {
		t.Errorf("Fetch of another ref = %q, %v; want a different path than %q", other, err, got)
	}
	assertNoTempFiles(t, work)
}

func TestFetchHTTPSFailures(t *testing.T) {
	srv, _ := mediaServer(t)
	tests := []struct {
		name     string
		path     string
		maxBytes int64
		invalid  bool
		errPart  string
	}{
		{name: "not found", path: "/nothing.mp4?sig=s3cr3t", invalid: true, errPart: "not found (HTTP 404)"},
		{name: "forbidden", path: "/media/bbb.mp4?sig=wrong", invalid: true, errPart: "refused: HTTP 403"},
		{name: "server error is retryable", path: "/broken?sig=s3cr3t", errPart: "unexpected HTTP 500"},
		{name: "rate limit is retryable", path: "/busy", errPart: "HTTP 429"},
		{name: "declared size over the cap", path: "/media/bbb.mp4?sig=s3cr3t", maxBytes: 1000, invalid: true, errPart: "over the 1000-byte limit"},
		{name: "streamed size over the cap", path: "/unsized.mp4", maxBytes: 1000, invalid: true, errPart: "larger than the 1000-byte limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			r := &Resolver{WorkDir: work, HTTPClient: srv.Client(), maxBytes: tc.maxBytes}
			_, err := r.Fetch(context.Background(), srv.URL+tc.path)
			if err == nil {
				t.Fatal("Fetch succeeded")
			}
			if failure.IsInvalid(err) != tc.invalid || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("error = %v (invalid=%t); want invalid=%t containing %q", err, failure.IsInvalid(err), tc.invalid, tc.errPart)
			}
			if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "wrong") {
				t.Errorf("error leaks the query string: %v", err)
			}
			assertNoTempFiles(t, work)
			assertNoFiles(t, work)
		})
	}
}

func TestFetchHTTPSCancelled(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		_, _ = w.Write(make([]byte, 4096))
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done() // the client goes away: the body never completes
	}))
	defer srv.Close()

	work := t.TempDir()
	r := &Resolver{WorkDir: work, HTTPClient: srv.Client()}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	_, err := r.Fetch(ctx, srv.URL+"/slow.mp4?token=s3cr3t")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Fetch error = %v, want context.Canceled", err)
	}
	if failure.IsInvalid(err) {
		t.Errorf("a cancelled download is not an invalid input: %v", err)
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("error leaks the query string: %v", err)
	}
	assertNoFiles(t, work)
}

func TestFetchRefusesPlainHTTP(t *testing.T) {
	r := &Resolver{WorkDir: t.TempDir()}
	for _, ref := range []string{"http://host/a.mp4", "ftp://host/a.mp4"} {
		if _, err := r.Fetch(context.Background(), ref); !failure.IsInvalid(err) {
			t.Errorf("Fetch(%q) error = %v, want InvalidInput", ref, err)
		}
	}
}

func TestDefaultClientFollowsOnlyHTTPSRedirects(t *testing.T) {
	req := func(raw string) *http.Request {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return &http.Request{URL: u}
	}
	if err := defaultHTTPClient.CheckRedirect(req("https://cdn/a.mp4"), []*http.Request{req("https://host/a.mp4")}); err != nil {
		t.Errorf("redirect to https refused: %v", err)
	}
	err := defaultHTTPClient.CheckRedirect(req("http://cdn/a.mp4?sig=s3cr3t"), []*http.Request{req("https://host/a.mp4")})
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("redirect to http: error %v, want a refusal without the query", err)
	}
}

// assertNoTempFiles fails if an unfinished download was left behind.
func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && fsutil.IsTemp(d.Name()) {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
}

// assertNoFiles fails if a failed download left any file.
func assertNoFiles(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("file left behind by a failed download: %s", p)
		}
		return nil
	})
}
