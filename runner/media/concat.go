package media

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/fsutil"
)

// Concat joins videos of identical layout into dst without re-encoding (concat demuxer, stream copy).
// Inputs are probed first: joining different sizes, rates or codecs by stream copy would produce a file
// that plays wrongly, so a mismatch is an input error naming both files.
func (t Tools) Concat(ctx context.Context, inputs []string, dst string) error {
	if dst == "" {
		return failure.Invalid("concat: no destination")
	}
	if len(inputs) == 0 {
		return failure.Invalid("concat %s: no inputs", dst)
	}
	var first layout
	for i, in := range inputs {
		info, err := t.Probe(ctx, in)
		if err != nil {
			return fmt.Errorf("concat %s: %w", dst, err)
		}
		l := layoutOf(info)
		if i == 0 {
			first = l
			continue
		}
		if l != first {
			return failure.Invalid("concat %s: %s is %s but %s is %s; inputs must share one layout",
				dst, inputs[0], first, in, l)
		}
	}

	list, err := writeConcatList(inputs, dst)
	if err != nil {
		return fmt.Errorf("concat %s: %w", dst, err)
	}
	defer os.Remove(list)

	err = t.produce(ctx, dst, func(out string) []string {
		args := globalArgs()
		args = append(args, "-f", "concat", "-safe", "0", "-i", list,
			"-map", "0:v", "-map", "0:a?", "-c", "copy", "-movflags", "+faststart", out)
		return args
	})
	if err != nil {
		return fmt.Errorf("concat %s: %w", dst, err)
	}
	return nil
}

// layout is what must match for stream-copy concatenation.
type layout struct {
	videoCodec    string
	width, height int
	frameRate     float64
	audioCodec    string
	sampleRate    int
	channels      int
}

func (l layout) String() string {
	s := fmt.Sprintf("%s %dx%d@%g", l.videoCodec, l.width, l.height, l.frameRate)
	if l.audioCodec == "" {
		return s + " without audio"
	}
	return s + fmt.Sprintf(" + %s %d Hz %dch", l.audioCodec, l.sampleRate, l.channels)
}

func layoutOf(info *ProbeInfo) layout {
	var l layout
	videoSeen, audioSeen := false, false
	for _, s := range info.Streams {
		switch {
		case s.Type == "video" && !videoSeen:
			videoSeen = true
			l.videoCodec, l.width, l.height, l.frameRate = s.Codec, s.Width, s.Height, s.FrameRate
		case s.Type == "audio" && !audioSeen:
			audioSeen = true
			l.audioCodec, l.sampleRate, l.channels = s.Codec, s.SampleRate, s.Channels
		}
	}
	return l
}

// writeConcatList writes the concat demuxer's list next to dst, with absolute paths (the demuxer resolves
// relative ones against the list's folder) quoted for its syntax.
func writeConcatList(inputs []string, dst string) (string, error) {
	var b strings.Builder
	b.WriteString("ffconcat version 1.0\n")
	for _, in := range inputs {
		abs, err := filepath.Abs(in)
		if err != nil {
			return "", fmt.Errorf("resolve %s: %w", in, err)
		}
		b.WriteString("file '" + strings.ReplaceAll(abs, "'", `'\''`) + "'\n")
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("create folder for %s: %w", dst, err)
	}
	list := sidecarTemp(dst, "concat.txt")
	if err := os.WriteFile(list, []byte(b.String()), 0o644); err != nil {
		return "", fmt.Errorf("write concat list: %w", err)
	}
	return list, nil
}

// sidecarTemp names a helper file that lives next to dst while dst is made. It is a temporary name in
// fsutil's sense, so cleanup recognises it if the runner dies before removing it.
func sidecarTemp(dst, suffix string) string {
	return fsutil.TempPath(strings.TrimSuffix(dst, filepath.Ext(dst)) + "-" + suffix)
}
