package pipeline_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/manifest"
)

// startRedis runs a private redis-server on a unix socket for the test (see startStoppableRedis).
func startRedis(t *testing.T) string {
	t.Helper()
	url, _ := startStoppableRedis(t)
	return url
}

func TestExpressionsAreCachedInRedis(t *testing.T) {
	redisURL := startRedis(t)
	video := testVideo(t, 30*time.Second, 320, 180, 10)
	subs := fixture(t, "short_en.srt", func(p string) error {
		writeSRT(t, p, []cue{{3 * time.Second, 5 * time.Second, "Hello there."}, {10 * time.Second, 12500 * time.Millisecond, "Let me break the ice."}})
		return nil
	})
	t.Setenv("LANGFLIX_REDIS_URL", redisURL)
	var first *manifest.Manifest
	for attempt, wantCached := range []bool{false, true} {
		out := filepath.Join(t.TempDir(), "out")
		run := runCLI(t, "", "video", "--video", video, "--subtitles", subs, "--out", out, "--progress", "none",
			"--educational-video=false", "--slides=false")
		if run.err != nil {
			t.Fatalf("attempt %d: %v\n%s", attempt+1, run.err, run.stderr)
		}
		m, err := manifest.Read(filepath.Join(out, manifest.FileName))
		if err != nil {
			t.Fatal(err)
		}
		if m.Options.Cached != wantCached {
			t.Errorf("attempt %d: cached=%v, want %v", attempt+1, m.Options.Cached, wantCached)
		}
		if len(m.Expressions) != 1 || m.Expressions[0].Phrase != "break the ice" || m.Expressions[0].Files.Video != "" {
			t.Fatalf("attempt %d: expressions %+v", attempt+1, m.Expressions)
		}
		if first == nil {
			first = m
			continue
		}
		a, b := first.Expressions[0], m.Expressions[0]
		if a.Phrase != b.Phrase || a.Translation != b.Translation || a.Start != b.Start || a.ContextStart != b.ContextStart || a.ContextEnd != b.ContextEnd {
			t.Errorf("cached expression %+v differs from the extracted %+v", b, a)
		}
	}
}
