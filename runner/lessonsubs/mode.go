// Package lessonsubs writes the subtitles burned into a lesson's clips: every dialogue line of a clip's time
// range in the original language and, in Dual mode, the learner's language below it, with the taught
// expression highlighted. The result is an ASS script for libass (ffmpeg's ass filter), timed on the clip's
// own timeline and exact to the frame, with hostile subtitle text escaped so it is always shown as text.
//
// The package is pure: it knows nothing of ffmpeg. The caller tells it the clip's frame count (runner/media
// decides how long a cut is) and gets a script to write next to the cut.
package lessonsubs

import (
	"fmt"
	"strings"
)

// Mode says which subtitles a video gets.
type Mode string

// The modes, as the runner's flags and manifest spell them.
const (
	// Dual shows each dialogue line and, below it, its translation when one is known (a paired translation
	// subtitle track, or the lexicon's translation of the expression on the expression's line).
	Dual Mode = "dual"
	// Original shows the dialogue lines only.
	Original Mode = "original"
	// None burns no subtitles: the clip is cut exactly as without this package.
	None Mode = "none"
)

// ParseMode reads a mode case-insensitively ("Dual" from the API, "dual" from the command line).
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case Dual, Original, None:
		return m, nil
	}
	return "", fmt.Errorf("subtitle mode %q: want dual, original or none", s)
}

// Burns reports whether the mode draws anything.
func (m Mode) Burns() bool { return m == Dual || m == Original }
