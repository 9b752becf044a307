package subtitles

import "strings"

// readSRT reads SubRip. A cue is a timing line followed by text up to the next timing line; the counter
// line in front of each timing line and blank lines around the text are dropped. Being driven by timing lines
// rather than by blank lines keeps cues whose text contains a blank line, and a file whose cues are not
// separated by blank lines.
//
// A timing line that does not parse (bad digits, a missing end) makes that one cue and its text be skipped.
// The go-astisub SubRip reader is not used: it fails the whole file on one such line (and panics on
// "00:00:01,000 -->"), and it drops the space between two tags ("<i>Hello</i> <b>world</b>" reads as
// "Helloworld"), which would corrupt the dialogue the expression search runs on.
func readSRT(text string) []Cue {
	var cues []Cue
	var cur *timedText // nil outside a cue and inside a skipped one
	for _, line := range splitLines(text) {
		line = strings.TrimSpace(line)
		if !isTimingLine(line) {
			if cur != nil {
				cur.lines = append(cur.lines, line)
			}
			continue
		}
		if cur != nil {
			cur.lines = dropCounter(cur.lines)
		}
		cues = cur.appendTo(cues)
		cur = nil
		if start, end, ok := parseTimingLine(line); ok {
			cur = &timedText{start: start, end: end}
		}
	}
	return cur.appendTo(cues)
}

// dropCounter removes the next cue's counter line, the last non-blank line before a timing line when it
// is all digits, and the blank lines around it.
func dropCounter(lines []string) []string {
	lines = trimBlankTail(lines)
	if n := len(lines); n > 0 && isAllDigits(lines[n-1]) {
		lines = trimBlankTail(lines[:n-1])
	}
	return lines
}

func trimBlankTail(lines []string) []string {
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func isAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
