package pipeline_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/cache"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/pipeline"
)

// storageWithInputs is a storage root holding a short test video and its subtitles under input/.
func storageWithInputs(t *testing.T) (root, video, subs string) {
	t.Helper()
	root = t.TempDir()
	src := testVideo(t, 30*time.Second, 320, 180, 10)
	srt := fixture(t, "reuse_en.srt", func(p string) error {
		writeSRT(t, p, []cue{{3 * time.Second, 5 * time.Second, "Hello there."}, {10 * time.Second, 12500 * time.Millisecond, "Let me break the ice."}})
		return nil
	})
	if err := os.MkdirAll(filepath.Join(root, "input"), 0o755); err != nil {
		t.Fatal(err)
	}
	for from, to := range map[string]string{src: "input/episode.mp4", srt: "input/episode.srt"} {
		if err := os.WriteFile(filepath.Join(root, to), mustRead(t, from), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, "input/episode.mp4", "input/episode.srt"
}

// runTask runs the video command as a task's Job runs it: storage root, cache scope and storage identity from
// the environment the operator sets. Clips only, to keep the runs short: which outputs are linked does not
// depend on their kind.
func runTask(t *testing.T, root, video, subs, out string) cliRun {
	t.Helper()
	run := runCLI(t, "", "video", "--storage-root", root, "--video", video, "--subtitles", subs, "--out", out,
		"--progress", "none", "--educational-video=false", "--slides=false")
	if run.err != nil {
		t.Fatalf("run into %s: %v\n%s", out, run.err, run.stderr)
	}
	return run
}

func TestIdenticalRunIsServedFromTheRecordedResult(t *testing.T) {
	root, video, subs := storageWithInputs(t)
	t.Setenv(runnerv1.EnvRedisURL, startRedis(t))
	t.Setenv(runnerv1.EnvCacheScope, "team-a")
	t.Setenv(runnerv1.EnvStorageID, "pvc/team-a/media")

	first := runTask(t, root, video, subs, "team-a/first")
	if first.termination.Reason != runnerv1.ReasonCompleted {
		t.Fatalf("first run: %+v", first.termination)
	}
	firstFiles := listFiles(t, filepath.Join(root, "team-a/first"))

	started := time.Now()
	second := runTask(t, root, video, subs, "team-a/second")
	took := time.Since(started)
	if second.termination.Reason != runnerv1.ReasonCacheHit || !strings.Contains(second.termination.Message, "team-a/first") {
		t.Fatalf("second run: %+v, want CacheHit from team-a/first\n%s", second.termination, second.stderr)
	}
	if second.termination.Expressions != first.termination.Expressions || *second.termination.Outputs != *first.termination.Outputs {
		t.Errorf("second run reports %+v, the first %+v", second.termination, first.termination)
	}
	t.Logf("first run: %s; served from it in %s", first.termination.Message, took)

	secondDir := filepath.Join(root, "team-a/second")
	if got := listFiles(t, secondDir); !slices.Equal(got, firstFiles) {
		t.Fatalf("second run's files %v, the first's %v", got, firstFiles)
	}
	for _, f := range firstFiles {
		if f == manifest.FileName {
			continue
		}
		a, _ := os.Stat(filepath.Join(root, "team-a/first", f))
		b, _ := os.Stat(filepath.Join(secondDir, f))
		if !os.SameFile(a, b) {
			t.Errorf("%s is not linked to the first run's", f)
		}
	}
	m, err := manifest.Read(filepath.Join(secondDir, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if m.ReusedFrom != "team-a/first" || m.Status != manifest.Complete {
		t.Errorf("manifest reusedFrom %q status %q", m.ReusedFrom, m.Status)
	}
	for _, s := range m.Stages {
		if s.Name == pipeline.StageClips || s.Name == pipeline.StageVideos || s.Name == pipeline.StageExpressions {
			t.Errorf("the served run ran stage %s", s.Name)
		}
	}
	assertNoLeftovers(t, secondDir)

	// Another namespace (cache scope) or another volume never gets the entry.
	t.Setenv(runnerv1.EnvCacheScope, "team-b")
	if r := runTask(t, root, video, subs, "team-b/first"); r.termination.Reason != runnerv1.ReasonCompleted {
		t.Errorf("another scope was served: %+v", r.termination)
	}
	t.Setenv(runnerv1.EnvCacheScope, "team-a")
	t.Setenv(runnerv1.EnvStorageID, "pvc/team-a/other")
	if r := runTask(t, root, video, subs, "team-a/other-volume"); r.termination.Reason != runnerv1.ReasonCompleted {
		t.Errorf("another volume was served: %+v", r.termination)
	}
	t.Setenv(runnerv1.EnvStorageID, "pvc/team-a/media")

	// Outputs changed after they were recorded are not served: the run does the work.
	var video1 string
	for _, f := range firstFiles {
		if strings.HasPrefix(f, "clips/") {
			video1 = f
		}
	}
	if err := os.Remove(filepath.Join(root, "team-a/first", video1)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "team-a/first", video1), []byte("not the lesson"), 0o644); err != nil {
		t.Fatal(err)
	}
	third := runTask(t, root, video, subs, "team-a/third")
	if third.termination.Reason != runnerv1.ReasonCompleted {
		t.Fatalf("third run, after an output changed: %+v, want the work done", third.termination)
	}
	if got := mustRead(t, filepath.Join(root, "team-a/third", video1)); string(got) == "not the lesson" {
		t.Error("the third run was served the changed clip")
	}
}

func TestRedisStoppedMidRunIsAMissNeverAFailure(t *testing.T) {
	root, video, subs := storageWithInputs(t)
	url, stop := startStoppableRedis(t)
	store, err := cache.NewRedis(url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	run := func(out string, onFinished func(int)) (*pipeline.Result, error) {
		cfg := dictionaryConfig(t, video, subs, out)
		cfg.StorageRoot, cfg.Cache, cfg.CacheScope, cfg.StorageID = root, store, "team-a", "pvc/team-a/media"
		cfg.EducationalVideo, cfg.Slides = false, false
		cfg.Expressions.MinContext, cfg.Expressions.MaxContext = 2*time.Second, 4*time.Second
		cfg.OnExpressionFinished = onFinished
		return pipeline.RunVideo(pipeline.NewDeadline(t.Context(), time.Now(), 0), cfg)
	}

	// Redis answers the lookup, then goes away before the result is recorded.
	res, err := run("team-a/first", func(int) { stop() })
	if err != nil || res.Termination(err).Reason != runnerv1.ReasonCompleted || len(res.Manifest.Expressions) == 0 {
		t.Fatalf("run with Redis stopped mid-run: %v %+v", err, res)
	}
	// Redis is down from the start: the lookup fails, the run does the work.
	res, err = run("team-a/second", nil)
	if err != nil || res.Termination(err).Reason != runnerv1.ReasonCompleted {
		t.Fatalf("run with Redis down: %v %+v", err, res)
	}
}

// startStoppableRedis runs a private redis-server on a unix socket and returns its URL and a function that
// stops it (at most once).
func startStoppableRedis(t *testing.T) (string, func()) {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed")
	}
	sock := filepath.Join(t.TempDir(), "redis.sock")
	cmd := exec.Command("redis-server", "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}
	t.Cleanup(stop)
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if strings.Contains(strings.ToLower(lines.Text()), "ready to accept connections") {
			go func() {
				for lines.Scan() {
				}
			}()
			return "unix://" + sock, stop
		}
	}
	t.Fatal("redis-server did not start")
	return "", nil
}
