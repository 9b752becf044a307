package media

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Subtitles is an ASS script drawn onto a video by libass (ffmpeg's ass filter) inside the filter graph
// that encodes the video, so burning subtitles costs no second encode. The script's times are on the
// output's own timeline: frame k of a clip is at k/OutputFrameRate.
type Subtitles struct {
	// Script is the path of the .ass file.
	Script string
	// FontsDir is a folder of fonts libass loads before asking fontconfig; "" for fontconfig only.
	FontsDir string
}

// check turns a missing script or fonts folder into a clear error instead of an ffmpeg log line.
func (s *Subtitles) check() error {
	if _, err := os.Stat(s.Script); err != nil {
		return fmt.Errorf("subtitle script: %w", err)
	}
	if s.FontsDir != "" {
		if _, err := os.Stat(s.FontsDir); err != nil {
			return fmt.Errorf("subtitle fonts: %w", err)
		}
	}
	return nil
}

// filter is the ass filter drawing the script.
func (s *Subtitles) filter() string {
	f := "ass=filename=" + filterValue(s.Script)
	if s.FontsDir != "" {
		f += ":fontsdir=" + filterValue(s.FontsDir)
	}
	return f
}

// filterValue escapes a filter option's value for a filter graph (ffmpeg-filters(1), "Notes on filtergraph
// escaping"): first for the option parser, which splits options at ':', then for the graph parser, which
// splits filters at ',' and ';' and reads '[' ']' as link labels. Paths with any of these (or quotes,
// or backslashes) then reach the filter as written.
func filterValue(s string) string {
	return backslashEscape(backslashEscape(s, `\':`), `\'[],;`)
}

func backslashEscape(s, special string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(special, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FrameCount is the number of frames of a cut lasting d: every output frame time k/OutputFrameRate before
// d. A subtitle script for a cut is timed on exactly these frames.
func FrameCount(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	n := int64(d) * OutputFrameRate
	return int((n + int64(time.Second) - 1) / int64(time.Second))
}

// frameTime is the time of frame k of the output layout.
func frameTime(k int) time.Duration {
	return time.Duration(k) * time.Second / OutputFrameRate
}
