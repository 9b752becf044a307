package subtitles

import (
	"strings"
	"time"
)

// lineBreaks turns the three line-ending conventions (CRLF from Windows tools, LF, lone CR from old Mac
// tools) into LF.
var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// splitLines splits text into lines whatever its line endings.
func splitLines(text string) []string {
	return strings.Split(lineBreaks.Replace(text), "\n")
}

// timedText is a cue as a reader collects it: times and raw text lines, before cleaning.
type timedText struct {
	start, end time.Duration
	lines      []string
}

// appendTo cleans the collected text and appends the cue; a nil receiver or a cue without visible text
// appends nothing.
func (t *timedText) appendTo(cues []Cue) []Cue {
	if t == nil {
		return cues
	}
	return appendCue(cues, t.start, t.end, strings.Join(t.lines, "\n"))
}

// appendCue appends a cue with cleaned text unless the text is empty. Times are checked by normalize.
func appendCue(cues []Cue, start, end time.Duration, raw string) []Cue {
	text := cleanText(raw)
	if text == "" {
		return cues
	}
	return append(cues, Cue{Start: start, End: end, Text: text})
}
