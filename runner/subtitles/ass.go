package subtitles

import (
	"regexp"
	"strings"
)

// eventFormat says where Start, End and Text sit in a Dialogue line, from the [Events] Format line.
type eventFormat struct {
	fields           int
	start, end, text int
}

// defaultEventFormat is the Format line of ASS (v4+) and, position for position, of SSA v4 (whose first
// field is Marked instead of Layer). It applies when a file has no Format line.
var defaultEventFormat = eventFormat{fields: 10, start: 1, end: 2, text: 9}

// readASS reads SSA v4 and ASS (v4+) files: the Dialogue lines of the [Events] section, with fields located
// by the section's Format line. Text is the last field and may contain commas. Comment lines and all other
// sections are ignored. A Dialogue line with too few fields or unreadable times is skipped; a file without
// section headers is read as if it were all events.
//
// The go-astisub SSA reader is not used: it fails the whole file on one unreadable time (the "0:00:04:56"
// spelling in real files) or on an empty margin field, and it needs a valid [V4+ Styles] section, which
// plain dialogue extraction does not.
func readASS(text string) []Cue {
	var cues []Cue
	format := defaultEventFormat
	inEvents := true
	for _, line := range splitLines(text) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			inEvents = strings.EqualFold(line, "[Events]")
			continue
		}
		if !inEvents {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "format":
			if f, ok := parseEventFormat(value); ok {
				format = f
			}
		case "dialogue":
			cues = appendDialogue(cues, format, value)
		}
	}
	return cues
}

// parseEventFormat reads "Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text". It
// rejects a format without Start, End and Text, or with Text not last (commas in the text could then not be
// told from separators).
func parseEventFormat(value string) (eventFormat, bool) {
	names := strings.Split(value, ",")
	f := eventFormat{fields: len(names), start: -1, end: -1, text: -1}
	for i, name := range names {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "start":
			f.start = i
		case "end":
			f.end = i
		case "text":
			f.text = i
		}
	}
	return f, f.start >= 0 && f.end >= 0 && f.text == f.fields-1
}

func appendDialogue(cues []Cue, f eventFormat, value string) []Cue {
	fields := strings.SplitN(value, ",", f.fields)
	if len(fields) < f.fields {
		return cues
	}
	start, okStart := parseTimestamp(fields[f.start])
	end, okEnd := parseTimestamp(fields[f.end])
	if !okStart || !okEnd {
		return cues
	}
	return appendCue(cues, start, end, assVisibleText(fields[f.text]))
}

// drawingMode is the \p override tag: \p1 (or any scale above 0) switches the following text to vector
// drawing commands ("m 0 0 l 100 0 ..."), \p0 switches back to text. \pos and \pbo do not match.
var drawingMode = regexp.MustCompile(`\\p(\d+)`)

// assVisibleText removes everything in braces: override blocks ({\i1}) and comments ({ignored}) alike, as
// renderers do, and the vector drawings typesetters put in signs. An unclosed "{" is kept as text.
func assVisibleText(s string) string {
	var b strings.Builder
	drawing := false
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			break
		}
		length := strings.IndexByte(s[open:], '}')
		if length < 0 {
			break
		}
		if !drawing {
			b.WriteString(s[:open])
		}
		if m := drawingMode.FindAllStringSubmatch(s[open:open+length], -1); m != nil {
			scale := m[len(m)-1][1]
			drawing = strings.Trim(scale, "0") != ""
		}
		s = s[open+length+1:]
	}
	if !drawing {
		b.WriteString(s)
	}
	return b.String()
}
