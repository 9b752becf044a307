package subtitles

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/langflix/langflix-operator/runner/childproc"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/fsutil"
)

// textSubtitleCodecs are the ffprobe codec names of subtitle streams that carry text, which ffmpeg can
// convert to SubRip. Bitmap subtitles (hdmv_pgs_subtitle, dvd_subtitle, dvb_subtitle, xsub) would need OCR.
var textSubtitleCodecs = map[string]bool{
	"subrip": true, "srt": true, "ass": true, "ssa": true, "webvtt": true, "mov_text": true, "text": true,
	"sami": true, "microdvd": true, "subviewer": true, "subviewer1": true, "realtext": true, "stl": true,
	"pjs": true, "mpl2": true, "vplayer": true, "jacosub": true,
}

// ExtractEmbedded writes the first text subtitle stream of video (found with ffprobe) to dst as SRT via ffmpeg
// (`-map 0:s:N -c:s srt`), atomically. No text subtitle stream -> failure.Invalid("... has no text subtitle
// stream"). ffmpegPath/ffprobePath may be "" to use PATH.
//
// A video that does not exist or that ffprobe cannot read is invalid input too. A failing ffmpeg after a
// successful probe, a missing binary or a cancelled ctx are not: they may pass on retry.
func ExtractEmbedded(ctx context.Context, ffmpegPath, ffprobePath, video, dst string) error {
	if _, err := os.Stat(video); errors.Is(err, fs.ErrNotExist) {
		return failure.Invalid("video %s does not exist", video)
	}
	stream, err := firstTextSubtitleStream(ctx, orDefault(ffprobePath, "ffprobe"), video)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("create folder for %s: %w", dst, err)
	}
	tmp := fsutil.TempPath(dst)
	// -f srt because dst need not end in .srt; -nostdin so ffmpeg never waits on a terminal.
	cmd := childproc.Command(ctx, orDefault(ffmpegPath, "ffmpeg"), "-nostdin", "-hide_banner", "-v", "error",
		"-y", "-i", video, "-map", fmt.Sprintf("0:s:%d", stream), "-c:s", "srt", "-f", "srt", tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		_ = os.Remove(tmp)
		if ctx.Err() != nil {
			return fmt.Errorf("extract subtitles from %s: %w", video, ctx.Err())
		}
		return fmt.Errorf("extract subtitle stream %d of %s with ffmpeg: %w: %s", stream, video, err,
			lastLines(stderr.String(), 5))
	}
	if err := fsutil.Commit(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// firstTextSubtitleStream returns N such that 0:s:N is the first text subtitle stream of video. ffprobe
// lists only subtitle streams (-select_streams s), in the order ffmpeg numbers them for 0:s:N.
func firstTextSubtitleStream(ctx context.Context, ffprobe, video string) (int, error) {
	cmd := childproc.Command(ctx, ffprobe, "-v", "error", "-select_streams", "s",
		"-show_entries", "stream=index,codec_name", "-of", "json", video)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return 0, fmt.Errorf("probe %s: %w", video, ctx.Err())
		}
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			// ffprobe ran and rejected the file: not a media file, or a damaged one.
			return 0, failure.Invalid("video %s cannot be read by ffprobe: %s", video, lastLines(stderr.String(), 3))
		}
		return 0, fmt.Errorf("run ffprobe on %s: %w", video, err)
	}
	var probe struct {
		Streams []struct {
			Index     int    `json:"index"`
			CodecName string `json:"codec_name"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &probe); err != nil {
		return 0, fmt.Errorf("read ffprobe output for %s: %w", video, err)
	}
	var found []string
	for n, s := range probe.Streams {
		if textSubtitleCodecs[s.CodecName] {
			return n, nil
		}
		found = append(found, orDefault(s.CodecName, "unknown"))
	}
	if len(found) > 0 {
		return 0, failure.Invalid("video %s has no text subtitle stream (only bitmap or unknown ones: %s)",
			video, strings.Join(found, ", "))
	}
	return 0, failure.Invalid("video %s has no text subtitle stream", video)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// lastLines keeps the end of a tool's stderr for an error message; the cause is usually at the end.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "; ")
}
