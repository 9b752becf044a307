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

	"golang.org/x/sys/unix"

	"github.com/langflix/langflix-operator/runner/fsutil"
	"github.com/langflix/langflix-operator/runner/lessonsubs"
	"github.com/langflix/langflix-operator/runner/slides"
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
// the atomic rename. It compares cutting at the start and at the end of the file, which input seeking
// should make equally fast. And it compares the same five cuts with dual subtitles burned in (a line with
// its Korean translation every three seconds, the expression highlighted) against the plain cuts: what the
// lesson's subtitles cost, drawn by libass in the cut's own filter graph (target: subtitled/plain <= 1.2),
// in wall time and in the CPU time of the ffmpeg processes, which holds steady on a busy shared machine.
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

	subtitled := benchSubtitles(b, src, starts)

	var runnerTotal, directTotal time.Duration
	var startTotal, endTotal time.Duration
	var plainTotal, subtitledTotal time.Duration
	var plainCPU, subtitledCPU time.Duration
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
		// The same five cuts, plain and with subtitles.
		for _, withSubs := range []bool{false, true, true, false} {
			dir := b.TempDir()
			var clips []Clip
			for i, s := range starts {
				start := s * time.Second
				c := Clip{Src: src, Dst: filepath.Join(dir, fmt.Sprintf("expr-%d.mp4", i)), Start: start, End: start + benchClipLength}
				if withSubs {
					c.Subtitles = subtitled[i]
				}
				clips = append(clips, c)
			}
			began, cpu := time.Now(), childrenCPU(b)
			if err := tools.CutClips(ctx, clips, nil); err != nil {
				b.Fatal(err)
			}
			if withSubs {
				subtitledTotal += time.Since(began)
				subtitledCPU += childrenCPU(b) - cpu
			} else {
				plainTotal += time.Since(began)
				plainCPU += childrenCPU(b) - cpu
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
	b.ReportMetric(plainTotal.Seconds()/runs, "plain-s/5clips")
	b.ReportMetric(subtitledTotal.Seconds()/runs, "subtitled-s/5clips")
	b.ReportMetric(subtitledTotal.Seconds()/plainTotal.Seconds(), "subtitled/plain")
	b.ReportMetric(subtitledCPU.Seconds()/plainCPU.Seconds(), "subtitled/plain-cpu")
	b.ReportMetric(directTotal.Seconds()/runs, "direct-s/5clips")
	b.ReportMetric(runnerTotal.Seconds()/directTotal.Seconds(), "runner/direct")
	b.ReportMetric(startTotal.Seconds()/runs, "start-s/clip")
	b.ReportMetric(endTotal.Seconds()/runs, "end-s/clip")
	b.ReportMetric(endTotal.Seconds()/startTotal.Seconds(), "end/start")
}

// childrenCPU is the CPU time (user and system) of the finished child processes so far: ffmpeg's and
// ffprobe's work, which other load on a shared machine delays but does not add to, unlike wall time.
func childrenCPU(b *testing.B) time.Duration {
	b.Helper()
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_CHILDREN, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchSubtitles writes, for each benchmark clip, a dual script as the pipeline would: a dialogue line
// every three seconds around the clip with its Korean translation, the middle one holding the expression.
func benchSubtitles(b *testing.B, src string, starts []time.Duration) []*Subtitles {
	b.Helper()
	font, err := slides.FindFont("")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	fonts, err := lessonsubs.PrepareFonts(font, filepath.Join(dir, "fonts"))
	if err != nil {
		b.Fatal(err)
	}
	var out []*Subtitles
	for i, s := range starts {
		start := s * time.Second
		var lines []lessonsubs.Line
		for at := start - 2*time.Second; at < start+benchClipLength; at += 3 * time.Second {
			lines = append(lines, lessonsubs.Line{Start: at, End: at + 2500*time.Millisecond,
				Text: "We have been waiting here for hours, haven't we?", Translation: "우리 여기서 몇 시간째 기다리고 있잖아요?"})
		}
		mid := &lines[len(lines)/2]
		mid.Text, mid.Translation, mid.Highlight = "Someone very dear? A kindred spirit?", "마음이 통하는 사람, 뜻이 맞는 사람", "kindred spirit"
		tl := lessonsubs.Timeline{Start: start, Frames: FrameCount(benchClipLength), FrameRate: OutputFrameRate}
		script := lessonsubs.New(lines, tl, lessonsubs.Dual, lessonsubs.Landscape(OutputWidth, OutputHeight), fonts.Family)
		path := filepath.Join(dir, fmt.Sprintf("expr-%d.ass", i))
		if err := os.WriteFile(path, script.Marshal(), 0o644); err != nil {
			b.Fatal(err)
		}
		out = append(out, &Subtitles{Script: path, FontsDir: fonts.Dir})
	}
	return out
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
