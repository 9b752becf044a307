package subtitles

import "strings"

// readVTT reads WebVTT. The file is a header block followed by blocks separated by blank lines; a cue block
// is an optional identifier line, a timing line with optional cue settings, and the text. NOTE, STYLE and
// REGION blocks carry no dialogue and are skipped, whatever they contain.
//
// Cue settings are ignored, so invalid ones ("position:10" without "%") cannot cost a cue; a timing line
// that does not parse skips that cue only. Several timing lines in one block (a missing blank line) start
// several cues. The go-astisub WebVTT reader is not used because it fails the whole file on one bad timing
// line or on a cue naming an undeclared region.
func readVTT(text string) []Cue {
	var cues []Cue
	for i, block := range blocks(splitLines(text)) {
		if i == 0 && strings.HasPrefix(block[0], "WEBVTT") {
			// The header (WEBVTT plus metadata such as Kind: or X-TIMESTAMP-MAP). Tolerate a first cue
			// that follows it without the blank line.
			block = block[1:]
			for len(block) > 0 && !isTimingLine(block[0]) {
				block = block[1:]
			}
			if len(block) == 0 {
				continue
			}
		}
		if startsWithKeyword(block[0], "NOTE") || startsWithKeyword(block[0], "STYLE") ||
			startsWithKeyword(block[0], "REGION") {
			continue
		}
		var cur *timedText // lines before the first timing line are the cue identifier
		for _, line := range block {
			if !isTimingLine(line) {
				if cur != nil {
					cur.lines = append(cur.lines, line)
				}
				continue
			}
			cues = cur.appendTo(cues)
			cur = nil
			if start, end, ok := parseTimingLine(line); ok {
				cur = &timedText{start: start, end: end}
			}
		}
		cues = cur.appendTo(cues)
	}
	return cues
}

// blocks splits lines into runs of non-blank, trimmed lines.
func blocks(lines []string) [][]string {
	var out [][]string
	var cur []string
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, line)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// startsWithKeyword reports whether line is keyword alone or keyword followed by a space or tab, the way
// WebVTT spells block keywords ("NOTE", "NOTE text"; "NOTES" is not one).
func startsWithKeyword(line, keyword string) bool {
	rest, ok := strings.CutPrefix(line, keyword)
	return ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t')
}
