package lessonsubs

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Script is the ASS subtitle script of one clip.
type Script struct {
	Layout Layout
	// Font is the family name libass looks up (in the fonts folder given to ffmpeg, then fontconfig).
	Font      string
	FrameRate int
	Mode      Mode
	Events    []Event
}

// New builds the script of a clip: lines placed on its timeline, drawn as mode says.
func New(lines []Line, tl Timeline, mode Mode, layout Layout, font string) Script {
	s := Script{Layout: layout, Font: font, FrameRate: tl.FrameRate, Mode: mode}
	if mode.Burns() {
		s.Events = Events(lines, tl)
	}
	return s
}

// Style names of the script.
const (
	styleOriginal    = "Original"
	styleTranslation = "Translation"
)

// Colours, as ASS writes them: &HAABBGGRR, alpha 00 opaque.
const (
	colourText        = "&H00FFFFFF" // the dialogue: white
	colourTranslation = "&H00FFE8C8" // the learner's line: a pale blue that sets it apart from the original
	colourOutline     = "&H00000000"
	colourShadow      = "&H80000000"
	// The expression: gold and bold, in an override tag (colour without alpha there).
	highlightTag = `{\1c&H3CC8FF&\b1}`
)

// defaultFont names the font the runner's image installs, for a script built without one.
const defaultFont = "Noto Sans CJK KR"

// Marshal writes the script as an ASS (v4+) file.
func (s Script) Marshal() []byte {
	var b strings.Builder
	l := s.Layout
	b.WriteString("[Script Info]\n")
	b.WriteString("; Dialogue of one lesson clip, written by langflix-runner. Times are frame boundaries.\n")
	b.WriteString("ScriptType: v4.00+\n")
	fmt.Fprintf(&b, "PlayResX: %d\nPlayResY: %d\n", l.Width, l.Height)
	b.WriteString("WrapStyle: 0\nScaledBorderAndShadow: yes\n\n")

	b.WriteString("[V4+ Styles]\n")
	b.WriteString("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, " +
		"Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, " +
		"Alignment, MarginL, MarginR, MarginV, Encoding\n")
	font := styleField(s.Font)
	if font == "" {
		font = defaultFont
	}
	for _, st := range []struct {
		name, colour string
		size         int
	}{{styleOriginal, colourText, l.FontSize}, {styleTranslation, colourTranslation, l.TranslationFontSize}} {
		fmt.Fprintf(&b, "Style: %s,%s,%d,%s,%s,%s,%s,0,0,0,0,100,100,0,0,1,%s,%s,%d,%d,%d,%d,1\n",
			st.name, font, st.size, st.colour, st.colour, colourOutline, colourShadow,
			decimal(l.Outline), decimal(l.Shadow), l.Alignment, l.MarginSide, l.MarginSide, l.MarginV)
	}

	b.WriteString("\n[Events]\n")
	b.WriteString("Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n")
	for _, e := range s.Events {
		text := s.eventText(e.Line)
		if text == "" {
			continue
		}
		fmt.Fprintf(&b, "Dialogue: 0,%s,%s,%s,,0,0,0,,%s\n",
			assTime(boundaryCentiseconds(e.First, s.FrameRate)), assTime(boundaryCentiseconds(e.End, s.FrameRate)),
			styleOriginal, text)
	}
	return []byte(b.String())
}

// eventText is the Text field of a line: the original with the expression highlighted and, in Dual mode,
// the translation on a line of its own below it. One event holds both so they move together when the
// original wraps.
func (s Script) eventText(l Line) string {
	original := collapseSpace(l.Text)
	if original == "" {
		return ""
	}
	var b strings.Builder
	writeHighlighted(&b, original, collapseSpace(l.Highlight), styleOriginal)
	if translation := collapseSpace(l.Translation); s.Mode == Dual && translation != "" {
		b.WriteString(`\N{\r` + styleTranslation + `}`)
		writeHighlighted(&b, translation, collapseSpace(l.HighlightTranslation), styleTranslation)
	}
	return b.String()
}

// writeHighlighted writes text escaped, with the first occurrence of phrase (case-insensitive, spaces
// matching any run of spaces, whole words where the phrase starts or ends with a letter or digit) between
// the highlight tag and a reset to style.
func writeHighlighted(b *strings.Builder, text, phrase, style string) {
	start, end := -1, -1
	if phrase != "" {
		if loc := phrasePattern(phrase).FindStringIndex(text); loc != nil {
			start, end = loc[0], loc[1]
		}
	}
	if start < 0 {
		b.WriteString(escapeText(text))
		return
	}
	b.WriteString(escapeText(text[:start]))
	b.WriteString(highlightTag)
	b.WriteString(escapeText(text[start:end]))
	b.WriteString(`{\r` + style + `}`)
	b.WriteString(escapeText(text[end:]))
}

func phrasePattern(phrase string) *regexp.Regexp {
	words := strings.Fields(phrase)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	expr := strings.Join(words, `\s+`)
	if isWordByte(phrase[0]) {
		expr = `\b` + expr
	}
	if isWordByte(phrase[len(phrase)-1]) {
		expr += `\b`
	}
	return regexp.MustCompile(`(?i)` + expr)
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// collapseSpace turns every run of white space, line breaks included (\n, \r, U+2028...), into one space
// and trims the ends: a raw line break would end the Dialogue line and let the rest of a subtitle be read
// as script lines of its own.
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// wordJoiner is an invisible character that separates a backslash from the letter after it.
const wordJoiner = "\u2060"

// escapeText makes subtitle text render as itself in libass. "{" would open an override block (a hostile
// "{\pos(0,0)}" moves the text, "{\fs400}" fills the frame) and is written as libass's "\{", "}" likewise as
// "\}". ASS has no escape for a backslash, so every backslash from the text is followed by a word joiner:
// "\N", "\n" and "\h" from a subtitle stay visible text instead of becoming a line break or a hard space,
// and a backslash at the end cannot swallow the "{" of a tag this package writes after it. Other control
// characters are dropped. The text must already be free of line breaks (collapseSpace).
func escapeText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\` + wordJoiner)
		case r == '{':
			b.WriteString(`\{`)
		case r == '}':
			b.WriteString(`\}`)
		case unicode.IsControl(r):
			// NUL would end the line for libass's C string functions; others draw as boxes.
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// styleField removes what would break a comma-separated style line.
func styleField(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == ',' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
}

// assTime formats centiseconds as ASS's H:MM:SS.cc.
func assTime(cs int64) string {
	return fmt.Sprintf("%d:%02d:%02d.%02d", cs/360000, cs/6000%60, cs/100%60, cs%100)
}

// decimal formats a size with at most two decimals and no trailing zeros.
func decimal(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
