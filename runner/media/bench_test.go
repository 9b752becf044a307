package media

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/fsutil"
)

// Benchmark source: a 10-minute 1280x720 film stand-in with a 10 s keyframe interval, made once and kept
// in os.TempDir()/langflix-bench because it takes minutes to encode.
const (
	benchSourceDuration = 10 * time.Minute
	benchClipLength     = 8 * time.Second
)

func benchSource(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "langflix-bench")
	path := filepath.Join(dir, "testsrc2-600s-1280x720.mp4")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	tmp := fsutil.TempPath(path)
	b.Logf("generating %s (once)", path)
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", seconds(benchSourceDuration), "-c:v", "libx264", "-preset", "ultrafast", "-g", "250", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-ac", "2", tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		_ = os.Remove(tmp)
		b.Fatalf("generate benchmark source: %v: %s", err, out)
	}
	if err := fsutil.Commit(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkCut compares CutClips with running the same ffmpeg commands directly (same arguments, same
// concurrency), which bounds the runner's own overhead: probing, process-group handling, stderr capture,
// the atomic rename. It also compares cutting at the start and at the end of the file, which input seeking
// should make equally fast.
//
//	go test -run=^$ -bench=BenchmarkCut -benchtime=1x ./runner/media/
func BenchmarkCut(b *testing.B) {
	src := benchSource(b)
	tools := DefaultTools()
	ctx := context.Background()
	info, err := tools.Probe(ctx, src)
	if err != nil {
		b.Fatal(err)
	}
	// Five expressions spread over the film, each starting 3 s after a keyframe.
	starts := []time.Duration{63, 183, 303, 423, 543}
	workers := runtime.NumCPU()

	var runnerTotal, directTotal time.Duration
	var startTotal, endTotal time.Duration
	for range b.N {
		// A-B-B-A order cancels slow drifts in machine load between the two measurements.
		for _, runner := range []bool{false, true, true, false} {
			dir := b.TempDir()
			var clips []Clip
			for i, s := range starts {
				start := s * time.Second
				clips = append(clips, Clip{Src: src, Dst: filepath.Join(dir, fmt.Sprintf("expr-%d.mp4", i)), Start: start, End: start + benchClipLength})
			}
			began := time.Now()
			if runner {
				err = tools.CutClips(ctx, clips, nil)
			} else {
				err = cutDirectly(ctx, tools, clips, info, workers)
			}
			if err != nil {
				b.Fatal(err)
			}
			if runner {
				runnerTotal += time.Since(began)
			} else {
				directTotal += time.Since(began)
			}
		}
		// One clip at the start and one at the end of the file, both 5 s after a keyframe.
		for _, atEnd := range []bool{false, true, true, false} {
			start := 5 * time.Second
			if atEnd {
				start = benchSourceDuration - 15*time.Second
			}
			clip := Clip{Src: src, Dst: filepath.Join(b.TempDir(), "single.mp4"), Start: start, End: start + benchClipLength}
			began := time.Now()
			if err := tools.cutProbed(ctx, clip, info); err != nil {
				b.Fatal(err)
			}
			if atEnd {
				endTotal += time.Since(began)
			} else {
				startTotal += time.Since(began)
			}
		}
	}
	runs := float64(2 * b.N)
	b.ReportMetric(runnerTotal.Seconds()/runs, "runner-s/5clips")
	b.ReportMetric(directTotal.Seconds()/runs, "direct-s/5clips")
	b.ReportMetric(runnerTotal.Seconds()/directTotal.Seconds(), "runner/direct")
	b.ReportMetric(startTotal.Seconds()/runs, "start-s/clip")
	b.ReportMetric(endTotal.Seconds()/runs, "end-s/clip")
	b.ReportMetric(endTotal.Seconds()/startTotal.Seconds(), "end/start")
}

// cutDirectly runs the ffmpeg commands CutClips would run, with plain exec and the same concurrency.
func cutDirectly(ctx context.Context, tools Tools, clips []Clip, info *ProbeInfo, workers int) error {
	sem := make(chan struct{}, workers)
	errs := make(chan error, len(clips))
	var wg sync.WaitGroup
	for _, c := range clips {
		args, err := cutArgs(c, info)
		if err != nil {
			return err
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if out, err := exec.CommandContext(ctx, tools.ffmpeg(), args(c.Dst)...).CombinedOutput(); err != nil {
				errs <- fmt.Errorf("%v: %s", err, out)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}
