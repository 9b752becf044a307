package subtitles

import (
	"html"
	"regexp"
	"strings"
	"unicode"
)

var (
	// overrideBlock is an SSA/ASS override block such as {\an8} or {\i1}. SubRip files converted from ASS
	// keep them too, so they are removed in every format; the ASS reader also drops comment blocks ({text}).
	overrideBlock = regexp.MustCompile(`\{\\[^{}]*\}`)
	// assEscapes are the SSA/ASS line breaks (\N hard, \n soft) and hard space (\h). They also leak into
	// SubRip files converted from ASS; a literal backslash-n in dialogue does not occur in practice.
	assEscapes = strings.NewReplacer(`\N`, "\n", `\n`, "\n", `\h`, " ")
	// rubyText is the pronunciation guide of a <ruby> annotation; it repeats the base text in another
	// script, so it is dropped rather than run into the sentence.
	rubyText = regexp.MustCompile(`(?is)<rt\b[^>]*>.*?</rt\s*>`)
	// lineBreakTag separates lines, so it becomes a space; other tags vanish without one so that
	// "<i>Hel</i>lo" stays one word.
	lineBreakTag = regexp.MustCompile(`(?i)<br\s*/?>`)
	// markupTag is an HTML-like start or end tag (<i>, </b>, <font color="red">, <c.red.caps>, <v Roger>)
	// or a WebVTT karaoke timestamp (<00:01.500>). A "<" that starts neither ("I <3 you", "a < b") is text.
	markupTag = regexp.MustCompile(`</?[A-Za-z][^<>]*>|<[0-9][0-9:.]*>`)
)

// cleanText turns a cue's raw text (lines separated by "\n") into plain text: markup, override blocks and
// entities removed, all whitespace collapsed to single spaces. Entities are decoded last so that an escaped
// "&lt;b&gt;" survives as the literal text "<b>".
func cleanText(raw string) string {
	if !strings.ContainsAny(raw, `<{\&`) {
		return collapseSpace(raw) // most cues are plain text; skip the markup passes
	}
	s := overrideBlock.ReplaceAllString(raw, "")
	s = assEscapes.Replace(s)
	s = rubyText.ReplaceAllString(s, "")
	s = lineBreakTag.ReplaceAllString(s, " ")
	s = markupTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	return collapseSpace(s)
}

// collapseSpace joins runs of whitespace and control characters into one space, trims both ends and drops
// invisible characters that only confuse text search (zero-width spaces, direction marks, soft hyphens,
// stray byte-order marks).
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			pendingSpace = b.Len() > 0
		case isInvisible(r):
		default:
			if pendingSpace {
				b.WriteByte(' ')
				pendingSpace = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isInvisible(r rune) bool {
	switch r {
	case '\u00AD', '\u200B', '\u200E', '\u200F', '\u2060', '\uFEFF':
		return true
	}
	return false
}

// isBlank reports whether text has nothing but whitespace and control characters.
func isBlank(text string) bool {
	return strings.IndexFunc(text, func(r rune) bool {
		return !unicode.IsSpace(r) && !unicode.IsControl(r) && !isInvisible(r)
	}) < 0
}
