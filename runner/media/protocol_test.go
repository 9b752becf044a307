package media

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/langflix/langflix-operator/runner/childproc"
	"github.com/langflix/langflix-operator/runner/failure"
)

// TestProbeStaysLocal probes an upload that is really an HLS playlist pointing at an internal HTTP service:
// every ffprobe this package runs goes through childproc, so the service sees no request and the input is
// invalid, with our whitelist named in the error.
func TestProbeStaysLocal(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "episode.m3u8")
	playlist := "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n" + srv.URL + "/metadata/segment.ts\n#EXT-X-ENDLIST\n"
	if err := os.WriteFile(path, []byte(playlist), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := DefaultTools().Probe(t.Context(), path)
	if err == nil {
		t.Fatal("Probe accepted a playlist of remote segments")
	}
	if !failure.IsInvalid(err) {
		t.Errorf("Probe error is not InvalidInput: %v", err)
	}
	if !strings.Contains(err.Error(), "not on whitelist '"+childproc.ProtocolWhitelist+"'") {
		t.Errorf("Probe error does not show the whitelist at work: %v", err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("probing made %d HTTP requests", n)
	}
}
