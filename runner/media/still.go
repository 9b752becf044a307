package media

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

// StillSpec describes a still video: one image held for a while, with a sound file or silence. A slide
// video of the slides command is one.
type StillSpec struct {
	// Image is the picture (a PNG); the video keeps its size, which must be even on both sides.
	Image string
	// Audio is a sound file to play from the start (espeak-ng's WAV); empty means silence. The track is
	// padded or cut to Duration.
	Audio string
	// Duration is how long the video lasts.
	Duration time.Duration
	// Dst is the MP4 to write.
	Dst string
}

// BuildStill encodes s into an MP4 in the lesson videos' codecs, frame rate and audio format, so a slide
// video can be joined with the lesson videos. It runs ffmpeg like every other command here: in its own
// process group, asked to stop and then killed when ctx ends, and it never leaves a partial file.
func (t Tools) BuildStill(ctx context.Context, s StillSpec) error {
	switch {
	case s.Image == "" || s.Dst == "":
		return failure.Invalid("still video: an image and a destination are required")
	case s.Duration <= 0:
		return failure.Invalid("still video %s: duration %s must be positive", s.Dst, s.Duration)
	}
	duration := seconds(s.Duration)
	rate := strconv.Itoa(OutputFrameRate)
	audioIn := []string{"-f", "lavfi", "-i", fmt.Sprintf("anullsrc=r=%d:cl=stereo", OutputSampleRate)}
	if s.Audio != "" {
		audioIn = []string{"-i", s.Audio}
	}
	err := t.produce(ctx, s.Dst, func(tmp string) []string {
		args := append(globalArgs(), "-loop", "1", "-framerate", rate, "-t", duration, "-i", s.Image)
		args = append(args, audioIn...)
		args = append(args,
			"-filter_complex", "[0:v]setsar=1,format=yuv420p[v];[1:a]"+fitAudio()+",apad,atrim=duration="+duration+"[a]",
			"-map", "[v]", "-map", "[a]", "-t", duration, "-r", rate)
		args = append(args, encodeArgs()...)
		return append(args, "-tune", "stillimage", tmp)
	})
	if err != nil {
		return fmt.Errorf("still video %s: %w", s.Dst, err)
	}
	return nil
}

// Speak writes text as spoken by espeak-ng (bin) with voice into the WAV file dst. espeak-ng runs the way
// ffmpeg does here: in its own process group, stopped when ctx ends.
func Speak(ctx context.Context, bin, voice, text, dst string) error {
	if _, err := run(ctx, bin, []string{"-v", voice, "-w", dst, "--", text}); err != nil {
		return fmt.Errorf("speak %q: %w", text, err)
	}
	return nil
}
