package media

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

// checkOutputLayout verifies the layout every clip must have so it can be joined by stream copy.
func checkOutputLayout(t *testing.T, info *ProbeInfo, width, height int) {
	t.Helper()
	var video, audio []Stream
	for _, s := range info.Streams {
		switch s.Type {
		case "video":
			video = append(video, s)
		case "audio":
			audio = append(audio, s)
		}
	}
	if len(video) != 1 || len(audio) != 1 || len(info.Streams) != 2 {
		t.Fatalf("streams = %+v, want exactly one video and one audio", info.Streams)
	}
	v, a := video[0], audio[0]
	if v.Codec != "h264" || v.Width != width || v.Height != height || v.FrameRate != OutputFrameRate {
		t.Errorf("video = %s %dx%d@%g, want h264 %dx%d@%d", v.Codec, v.Width, v.Height, v.FrameRate, width, height, OutputFrameRate)
	}
	if a.Codec != "aac" || a.SampleRate != OutputSampleRate || a.Channels != OutputChannels {
		t.Errorf("audio = %s %d Hz %dch, want aac %d Hz %dch", a.Codec, a.SampleRate, a.Channels, OutputSampleRate, OutputChannels)
	}
}

// checkInSync fails if audio and video of a file end more than one frame apart.
func checkInSync(t *testing.T, path string) {
	t.Helper()
	d := streamDurations(t, path)
	if !within(d["audio"], d["video"], frame) {
		t.Errorf("%s: audio lasts %s, video %s", filepath.Base(path), d["audio"], d["video"])
	}
}

func TestCutClipDurationsAndLayout(t *testing.T) {
	tools := DefaultTools()
	dir := t.TempDir()
	tests := []struct {
		name       string
		start, end time.Duration
		want       time.Duration
	}{
		{"file start", 0, 4 * time.Second, 4 * time.Second},
		{"between keyframes", 12520 * time.Millisecond, 15 * time.Second, 2480 * time.Millisecond},
		{"middle", 33300 * time.Millisecond, 38300 * time.Millisecond, 5 * time.Second},
		{"near the end", fixtureDuration - 3200*time.Millisecond, fixtureDuration - 200*time.Millisecond, 3 * time.Second},
		{"end past the file is clamped", fixtureDuration - 2*time.Second, fixtureDuration + 5*time.Second, 2 * time.Second},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := filepath.Join(dir, fmt.Sprintf("clip-%d.mp4", i))
			if err := tools.CutClip(testContext(t), Clip{Src: fixtures.video, Dst: dst, Start: tt.start, End: tt.end}); err != nil {
				t.Fatal(err)
			}
			info, err := tools.Probe(testContext(t), dst)
			if err != nil {
				t.Fatal(err)
			}
			if !within(info.Duration, tt.want, frame) {
				t.Errorf("clip lasts %s, want %s within one frame", info.Duration, tt.want)
			}
			checkOutputLayout(t, info, OutputWidth, OutputHeight)
			checkInSync(t, dst)
		})
	}
	if left := leftovers(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestCutClipIsFrameAccurate compares the first frame of a clip cut between keyframes with the source
// frame at the same time decoded the slow, exact way. A cut that snapped to the previous keyframe (up to
// 10 s earlier) would show a different picture.
func TestCutClipIsFrameAccurate(t *testing.T) {
	tools := DefaultTools()
	start := 17 * time.Second // keyframes are at 0, 10, 20 s
	dst := filepath.Join(t.TempDir(), "accurate.mp4")
	if err := tools.CutClip(testContext(t), Clip{Src: fixtures.video, Dst: dst, Start: start, End: start + 2*time.Second}); err != nil {
		t.Fatal(err)
	}
	got := grayFrame(t, dst, 0, true)
	want := grayFrame(t, fixtures.video, start, true)
	other := grayFrame(t, fixtures.video, start-500*time.Millisecond, true)
	same, different := meanAbsDiff(got, want), meanAbsDiff(got, other)
	if same > 6 || same*3 > different {
		t.Fatalf("first frame differs from the source at %s by %.1f (from 0.5 s earlier by %.1f): cut is not accurate", start, same, different)
	}
}

func TestCutClipSourceWithoutAudio(t *testing.T) {
	tools := DefaultTools()
	dst := filepath.Join(t.TempDir(), "silent.mp4")
	if err := tools.CutClip(testContext(t), Clip{Src: fixtures.silentVideo, Dst: dst, Start: time.Second, End: 3 * time.Second}); err != nil {
		t.Fatal(err)
	}
	info, err := tools.Probe(testContext(t), dst)
	if err != nil {
		t.Fatal(err)
	}
	checkOutputLayout(t, info, OutputWidth, OutputHeight) // 30 fps 4:3 in, 25 fps 16:9 with a silent track out
	if !within(info.Duration, 2*time.Second, frame) {
		t.Errorf("clip lasts %s, want 2s", info.Duration)
	}
	checkInSync(t, dst)
}

func TestCutClipRejectsBadClips(t *testing.T) {
	tools := DefaultTools()
	dir := t.TempDir()
	dst := filepath.Join(dir, "bad.mp4")
	tests := []struct {
		name string
		clip Clip
		want string
	}{
		{"start after end of file", Clip{Src: fixtures.video, Dst: dst, Start: fixtureDuration + time.Second, End: fixtureDuration + 2*time.Second}, "after the end"},
		{"end before start", Clip{Src: fixtures.video, Dst: dst, Start: 5 * time.Second, End: 4 * time.Second}, "end must be after start"},
		{"negative start", Clip{Src: fixtures.video, Dst: dst, Start: -time.Second, End: time.Second}, "not negative"},
		{"not media", Clip{Src: fixtures.textFile, Dst: dst, Start: 0, End: time.Second}, "is not a media file"},
		{"no destination", Clip{Src: fixtures.video, Start: 0, End: time.Second}, "no destination"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tools.CutClip(testContext(t), tt.clip)
			if !failure.IsInvalid(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("CutClip = %v, want InvalidInput saying %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Errorf("a rejected clip left %s", dst)
	}
	if left := leftovers(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestCutClipsRunsConcurrentlyAndReportsEach(t *testing.T) {
	tools := DefaultTools()
	dir := t.TempDir()
	var clips []Clip
	for i, start := range []time.Duration{5, 20, 40, 60} {
		clips = append(clips, Clip{
			Src: fixtures.video, Dst: filepath.Join(dir, fmt.Sprintf("expr-%d.mp4", i)),
			Start: start * time.Second, End: (start + 3) * time.Second,
		})
	}
	bad := Clip{Src: fixtures.video, Dst: filepath.Join(dir, "bad.mp4"), Start: fixtureDuration + time.Second, End: fixtureDuration + 2*time.Second}
	clips = append(clips, bad)

	const workers = 2
	watch := watchFFmpegChildren(t, dir)
	var mu sync.Mutex
	reported := map[string]error{}
	err := tools.cutClips(testContext(t), clips, workers, func(c Clip, err error) {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := reported[c.Dst]; dup {
			t.Errorf("clip %s reported twice", c.Dst)
		}
		reported[c.Dst] = err
	})
	peak := watch()

	if !failure.IsInvalid(err) || !strings.Contains(err.Error(), "bad.mp4") {
		t.Fatalf("CutClips error = %v, want the bad clip's InvalidInput error", err)
	}
	if len(reported) != len(clips) {
		t.Fatalf("done was called for %d clips, want %d", len(reported), len(clips))
	}
	for _, c := range clips[:4] {
		if reported[c.Dst] != nil {
			t.Errorf("clip %s: %v", c.Dst, reported[c.Dst])
			continue
		}
		info, err := tools.Probe(testContext(t), c.Dst)
		if err != nil {
			t.Fatal(err)
		}
		if !within(info.Duration, 3*time.Second, frame) {
			t.Errorf("%s lasts %s, want 3s", c.Dst, info.Duration)
		}
	}
	if reported[bad.Dst] == nil {
		t.Errorf("the bad clip was reported as successful")
	}
	if peak != workers {
		t.Errorf("at most %d ffmpeg ran at once, want exactly %d", peak, workers)
	}
}

func TestCutClipsStopsOnCancel(t *testing.T) {
	tools := DefaultTools()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	clips := []Clip{
		{Src: fixtures.video, Dst: filepath.Join(dir, "a.mp4"), Start: 0, End: time.Second},
		{Src: fixtures.video, Dst: filepath.Join(dir, "b.mp4"), Start: time.Second, End: 2 * time.Second},
	}
	calls := 0
	err := tools.CutClips(ctx, clips, func(_ Clip, err error) {
		calls++
		if err == nil {
			t.Error("a clip succeeded after cancellation")
		}
	})
	if !errorsIsCanceled(err) || calls != len(clips) {
		t.Fatalf("CutClips after cancel = %v with %d reports, want context.Canceled and %d reports", err, calls, len(clips))
	}
}
