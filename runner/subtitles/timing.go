package subtitles

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// timestampPattern accepts every timestamp spelling found in the wild, in one grammar:
// [hours:]minutes:seconds[(.|,|:)fraction]. SubRip uses "00:01:02,500", WebVTT "01:02.500" with the hours
// optional, SSA/ASS "0:01:02.50" (centiseconds), and some ASS writers put a colon before the centiseconds
// ("0:00:04:56", which ExoPlayer also reads as 4.56 s). The fraction is scaled by its number of digits, so
// ".5", ".50" and ".500" are all half a second.
var timestampPattern = regexp.MustCompile(`^(?:(\d{1,5}):)?(\d{1,2}):(\d{1,2})(?:[.,:](\d{1,3}))?$`)

// parseTimestamp parses one timestamp; ok is false when it does not follow the grammar above or has
// minutes or seconds of 60 and more.
func parseTimestamp(s string) (d time.Duration, ok bool) {
	m := timestampPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	hours := atoiOrZero(m[1])
	minutes := atoiOrZero(m[2])
	seconds := atoiOrZero(m[3])
	if minutes >= 60 || seconds >= 60 {
		return 0, false
	}
	millis := atoiOrZero(m[4])
	for range 3 - len(m[4]) {
		millis *= 10
	}
	return time.Duration(hours)*time.Hour + time.Duration(minutes)*time.Minute +
		time.Duration(seconds)*time.Second + time.Duration(millis)*time.Millisecond, true
}

// atoiOrZero converts a run of at most five digits matched by timestampPattern; "" is 0.
func atoiOrZero(digits string) int {
	n, _ := strconv.Atoi(digits)
	return n
}

// timingArrow separates start and end in SubRip and WebVTT timing lines.
const timingArrow = "-->"

// isTimingLine reports whether a trimmed line is meant as a cue timing line ("00:00:01,000 --> ..."),
// well-formed or not. Requiring a leading digit keeps dialogue such as "Go --> there" as text.
func isTimingLine(line string) bool {
	return line != "" && line[0] >= '0' && line[0] <= '9' && strings.Contains(line, timingArrow)
}

// parseTimingLine reads the start and end of a timing line. Anything after the end timestamp (WebVTT cue
// settings, SubRip X1/Y1 coordinates) is ignored.
func parseTimingLine(line string) (start, end time.Duration, ok bool) {
	left, right, found := strings.Cut(line, timingArrow)
	if !found {
		return 0, 0, false
	}
	fields := strings.Fields(right)
	if len(fields) == 0 {
		return 0, 0, false
	}
	start, okStart := parseTimestamp(left)
	end, okEnd := parseTimestamp(fields[0])
	if !okStart || !okEnd {
		return 0, 0, false
	}
	return start, end, true
}
