package subtitles

import (
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// sniffWindow is how much of the text format detection looks at. Every format announces itself in its first
// lines; ASS files with embedded fonts can be large, but their section headers come first.
const sniffWindow = 64 << 10

var (
	samiMarker  = regexp.MustCompile(`(?i)<(sami|sync)\b`)
	assSection  = regexp.MustCompile(`(?im)^[ \t]*\[(script info|v4\+? styles\+?|events)\][ \t]*$`)
	assDialogue = regexp.MustCompile(`(?im)^[ \t]*dialogue[ \t]*:`)
	timingLine  = regexp.MustCompile(`(?m)^[ \t]*\d{1,5}:\d{1,2}(:\d{1,2})?([.,:]\d{1,3})?[ \t]*-->`)
)

// detectFormat decides the format from the content, falling back on the file name's extension only when
// the content does not say: files are often misnamed (SubRip saved as .txt, WebVTT as .srt), but the
// extension is what distinguishes a WebVTT file that lacks its WEBVTT header from SubRip.
func detectFormat(text, name string) (Format, bool) {
	head := text[:min(len(text), sniffWindow)]
	start := strings.TrimLeftFunc(head, unicode.IsSpace)
	hint := formatFromExtension(name)
	switch {
	case strings.HasPrefix(start, "WEBVTT"):
		return FormatVTT, true
	case strings.HasPrefix(start, "<") && samiMarker.MatchString(head):
		return FormatSMI, true
	case assSection.MatchString(head):
		return FormatASS, true
	case timingLine.MatchString(head):
		if hint == FormatVTT {
			return FormatVTT, true
		}
		return FormatSRT, true
	case assDialogue.MatchString(head):
		return FormatASS, true
	case hint != "":
		return hint, true
	}
	return "", false
}

// formatFromExtension maps the usual extensions to a format; "" for others.
func formatFromExtension(name string) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".srt":
		return FormatSRT
	case ".vtt", ".webvtt":
		return FormatVTT
	case ".ass", ".ssa":
		return FormatASS
	case ".smi", ".sami":
		return FormatSMI
	}
	return ""
}
