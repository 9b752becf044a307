package media

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

// Clip is one cut: [Start, End) of Src written to Dst, with Subtitles burned in when not nil.
type Clip struct {
	Src, Dst   string
	Start, End time.Duration
	// Subtitles are timed on the clip's own timeline: its frame k shows Src at Start + k/OutputFrameRate.
	Subtitles *Subtitles
}

func (c Clip) String() string {
	return fmt.Sprintf("%s [%s, %s) -> %s", c.Src, c.Start, c.End, c.Dst)
}

// CutClip cuts c.Src from Start to End into c.Dst, re-encoded to the output layout (1280x720 letterboxed,
// 25 fps CFR, H.264 + AAC 48 kHz stereo). Seeking happens on the input, so cutting near the end of a film
// costs the same as near its start, and re-encoding makes the cut frame-accurate instead of snapping to
// keyframes. An End past the end of Src is clamped; a Start at or after it is invalid. A source without
// audio gets a silent track so every clip has the same streams. Subtitles are drawn in the same filter
// graph, after scaling, so they cost one libass pass over the output frames and no second encode.
func (t Tools) CutClip(ctx context.Context, c Clip) error {
	info, err := t.Probe(ctx, c.Src)
	if err != nil {
		return fmt.Errorf("cut %s: %w", c, err)
	}
	return t.cutProbed(ctx, c, info)
}

// cutProbed cuts a clip whose source is already probed.
func (t Tools) cutProbed(ctx context.Context, c Clip, src *ProbeInfo) error {
	args, err := cutArgs(c, src)
	if err != nil {
		return err
	}
	if c.Subtitles != nil {
		if err := c.Subtitles.check(); err != nil {
			return fmt.Errorf("cut %s: %w", c, err)
		}
	}
	if err := t.produce(ctx, c.Dst, args); err != nil {
		return fmt.Errorf("cut %s: %w", c, err)
	}
	return nil
}

// cutArgs validates a clip against its probed source and returns its ffmpeg arguments as a function of
// the output path.
func cutArgs(c Clip, src *ProbeInfo) (func(out string) []string, error) {
	if c.Dst == "" {
		return nil, failure.Invalid("cut %s: no destination", c)
	}
	if c.Start < 0 || c.End <= c.Start {
		return nil, failure.Invalid("cut %s: end must be after start, and start not negative", c)
	}
	if c.Start >= src.Duration {
		return nil, failure.Invalid("cut %s: starts at or after the end of the file (%s)", c, src.Duration)
	}
	duration := min(c.End, src.Duration) - c.Start
	video := fitVideo(OutputWidth, OutputHeight)
	if c.Subtitles != nil {
		video += "," + c.Subtitles.filter()
	}
	return func(out string) []string {
		args := globalArgs()
		// -ss before -i: the demuxer seeks to the keyframe before Start and ffmpeg decodes (and drops) only
		// from there, instead of decoding the film from its beginning.
		args = append(args, "-ss", seconds(c.Start), "-i", c.Src)
		audio := "0:a:0"
		if !src.HasAudio {
			args = append(args, "-f", "lavfi", "-i", silence())
			audio = "1:a:0"
		}
		args = append(args,
			"-t", seconds(duration),
			"-map", "0:v:0", "-map", audio,
			"-vf", video,
			// apad + -t: audio that ends before the video is filled with silence to the clip's length,
			// so joined clips stay in sync.
			"-af", fitAudio()+",apad",
		)
		args = append(args, encodeArgs()...)
		return append(args, out)
	}, nil
}

// silence is a lavfi source of endless stereo silence at the output rate.
func silence() string {
	return "anullsrc=r=" + strconv.Itoa(OutputSampleRate) + ":cl=stereo"
}

// CutClips cuts clips concurrently, at most runtime.NumCPU() at a time. Each source is probed once. done,
// if not nil, is called exactly once per clip, one call at a time, with the clip's error (nil on success;
// the context's error for clips not started because ctx ended). All clips are attempted even if some fail;
// the returned error joins the failures in clip order.
func (t Tools) CutClips(ctx context.Context, clips []Clip, done func(Clip, error)) error {
	return t.cutClips(ctx, clips, runtime.NumCPU(), done)
}

func (t Tools) cutClips(ctx context.Context, clips []Clip, workers int, done func(Clip, error)) error {
	probes := newProbeCache(t)
	errs := make([]error, len(clips))
	var doneMu sync.Mutex
	report := func(i int, err error) {
		errs[i] = err
		if done != nil {
			doneMu.Lock()
			defer doneMu.Unlock()
			done(clips[i], err)
		}
	}

	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(max(1, workers), len(clips)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				c := clips[i]
				info, err := probes.get(ctx, c.Src)
				if err == nil {
					err = t.cutProbed(ctx, c, info)
				} else {
					err = fmt.Errorf("cut %s: %w", c, err)
				}
				report(i, err)
			}
		}()
	}
	for i := range clips {
		if ctx.Err() != nil {
			report(i, fmt.Errorf("cut %s: not started: %w", clips[i], ctx.Err()))
			continue
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
			report(i, fmt.Errorf("cut %s: not started: %w", clips[i], ctx.Err()))
		}
	}
	close(jobs)
	wg.Wait()
	return errors.Join(errs...)
}

// probeCache probes each source once, even when several workers ask at the same time.
type probeCache struct {
	t       Tools
	mu      sync.Mutex
	entries map[string]*probeEntry
}

type probeEntry struct {
	once sync.Once
	info *ProbeInfo
	err  error
}

func newProbeCache(t Tools) *probeCache {
	return &probeCache{t: t, entries: map[string]*probeEntry{}}
}

func (pc *probeCache) get(ctx context.Context, path string) (*ProbeInfo, error) {
	pc.mu.Lock()
	e, ok := pc.entries[path]
	if !ok {
		e = &probeEntry{}
		pc.entries[path] = e
	}
	pc.mu.Unlock()
	e.once.Do(func() { e.info, e.err = pc.t.Probe(ctx, path) })
	return e.info, e.err
}
