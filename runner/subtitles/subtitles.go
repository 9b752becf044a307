// Package subtitles reads the subtitle files LangFlix gets with a video (SubRip, WebVTT, SSA/ASS and SAMI, in
// UTF-8, UTF-16, CP949 or Windows-1252) into plain-text cues on the video's timeline, and extracts subtitle
// tracks embedded in a video.
//
// Subtitle files come from many tools and fansub groups, so every reader is tolerant: a malformed cue is
// skipped and the rest of the file still counts; only a file with no usable cue at all is an error. For that
// reason the SubRip, WebVTT and SSA/ASS readers are small readers of their own rather than go-astisub's,
// which fail a whole file on one bad cue and lose text in places (see readSRT, readVTT, readASS); the tests
// use go-astisub as an independent reference on the well-formed real files.
package subtitles

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

// Cue is one subtitle: plain text (markup, override tags and entities removed, multi-line cues joined with a
// single space), times from the start of the video.
type Cue struct {
	Index      int // 0-based position after sorting
	Start, End time.Duration
	Text       string
}

// Format names the detected format: "srt", "vtt", "ass", "smi".
type Format string

// The formats Parse detects. SSA v4 files are read by the ASS reader and reported as FormatASS.
const (
	FormatSRT Format = "srt"
	FormatVTT Format = "vtt"
	FormatASS Format = "ass"
	FormatSMI Format = "smi"
)

// maxFileSize bounds what Parse accepts. Feature-film subtitles are well under 1 MiB; anything far larger is
// a wrong file, and refusing it keeps a mistaken upload from exhausting the runner's memory.
const maxFileSize = 8 << 20

// Parse detects the encoding and the format (content sniffing first, the file name's extension as a hint) and
// returns cues sorted by start time with overlaps handled (identical duplicates merged; a cue that overlaps the
// next keeps its text but its End is clipped to the next Start when that leaves it >= 200ms, otherwise they are
// merged). Errors are failure.Invalid with a message naming the file and the problem: empty file, no cues,
// undetectable encoding, unknown format.
func Parse(data []byte, name string) ([]Cue, Format, error) {
	if len(data) > maxFileSize {
		return nil, "", failure.Invalid("subtitle file %s: %d bytes is too large for a subtitle file (limit %d)",
			name, len(data), maxFileSize)
	}
	text, _, err := Decode(data)
	if err != nil {
		return nil, "", failure.Invalid("subtitle file %s: %v", name, err)
	}
	if isBlank(text) {
		return nil, "", failure.Invalid("subtitle file %s: empty file", name)
	}
	format, ok := detectFormat(text, name)
	if !ok {
		return nil, "", failure.Invalid("subtitle file %s: unknown format (not SubRip, WebVTT, SSA/ASS or SAMI)", name)
	}
	cues := normalize(readers[format](text))
	if len(cues) == 0 {
		return nil, format, failure.Invalid("subtitle file %s: no cues (read as %s, no cue had valid times and text)",
			name, format)
	}
	return cues, format, nil
}

// readers maps each format to its reader. A reader returns cues with cleaned text in file order and skips
// cues it cannot read; normalize sorts and de-overlaps them.
var readers = map[Format]func(text string) []Cue{
	FormatSRT: readSRT,
	FormatVTT: readVTT,
	FormatASS: readASS,
	FormatSMI: readSMI,
}

// ParseFile reads the file at path and parses it with Parse. A missing file is invalid input; other read
// errors are returned as they are, since they may be transient.
func ParseFile(path string) ([]Cue, Format, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", failure.Invalid("subtitle file %s does not exist", path)
	}
	if err != nil {
		return nil, "", fmt.Errorf("read subtitle file: %w", err)
	}
	if info.IsDir() {
		return nil, "", failure.Invalid("subtitle file %s is a directory", path)
	}
	if info.Size() > maxFileSize {
		return nil, "", failure.Invalid("subtitle file %s: %d bytes is too large for a subtitle file (limit %d)",
			path, info.Size(), maxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("read subtitle file: %w", err)
	}
	return Parse(data, path)
}
