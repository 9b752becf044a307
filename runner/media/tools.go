// Package media drives ffmpeg and ffprobe for the runner: it probes inputs, cuts expression clips, and
// assembles educational videos, vertical shorts and concatenations. Every output is encoded to one layout
// (H.264/AAC, fixed size, constant frame rate, 48 kHz stereo) so later stages can join them by stream copy,
// and every output is written under a temporary name and renamed when complete.
//
// The package runs on Linux only, like the runner image: it relies on process groups and waitid to make
// sure no ffmpeg outlives a cancelled task.
package media

import (
	"fmt"
	"os/exec"
	"strconv"
	"time"
)

// Tools names the ffmpeg and ffprobe binaries. An empty field means the name is looked up on PATH.
type Tools struct {
	FFmpeg, FFprobe string
}

// DefaultTools returns the binaries found on PATH, as absolute paths so logs show exactly what ran. A
// binary that is missing keeps its bare name and fails with a clear error when first used.
func DefaultTools() Tools {
	return Tools{FFmpeg: lookPath("ffmpeg"), FFprobe: lookPath("ffprobe")}
}

func lookPath(name string) string {
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	return name
}

func (t Tools) ffmpeg() string  { return orDefault(t.FFmpeg, "ffmpeg") }
func (t Tools) ffprobe() string { return orDefault(t.FFprobe, "ffprobe") }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// The layout every clip and lesson video is encoded to. Identical parameters everywhere make outputs
// joinable with the concat demuxer without re-encoding.
const (
	OutputWidth      = 1280
	OutputHeight     = 720
	OutputFrameRate  = 25
	OutputSampleRate = 48000
	OutputChannels   = 2

	ShortWidth  = 1080
	ShortHeight = 1920
)

// globalArgs start every ffmpeg command line: quiet except for problems (which end up in error messages),
// no progress lines, and overwrite, because a temporary file left by a killed attempt may exist.
func globalArgs() []string {
	return []string{"-hide_banner", "-nostats", "-loglevel", "warning", "-y"}
}

// encodeArgs are the encoder settings of every output: x264 veryfast at CRF 20 is visually clean for
// film dialogue at a fraction of the medium preset's time; +faststart puts the index first so players and
// browsers can start before the download ends.
func encodeArgs() []string {
	return []string{
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-b:a", "160k", "-ar", strconv.Itoa(OutputSampleRate), "-ac", strconv.Itoa(OutputChannels),
		"-map_metadata", "-1", "-map_chapters", "-1",
		"-movflags", "+faststart",
	}
}

// fitVideo scales a video stream into w x h keeping its aspect ratio, pads the rest black, and resamples
// to the output frame rate. The frames start at time zero (start_time=0 repeats the first frame when the
// stream starts a little later, as after a seek between two source frames), so a cut of duration d has
// exactly FrameCount(d) frames and frame k is at k/OutputFrameRate: the timeline subtitles are timed on.
func fitVideo(w, h int) string {
	return fmt.Sprintf("fps=%d:start_time=0,scale=%d:%d:force_original_aspect_ratio=decrease,"+
		"pad=%d:%d:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p", OutputFrameRate, w, h, w, h)
}

// fitAudio resamples to the output format and fills gaps with silence from time zero, so audio starts
// with the video even when the source's audio starts late.
func fitAudio() string {
	return fmt.Sprintf("aresample=%d:async=1:first_pts=0,aformat=sample_fmts=fltp:channel_layouts=stereo", OutputSampleRate)
}

// seconds formats a duration for ffmpeg's time options, to the microsecond.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
}
