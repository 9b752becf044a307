package slides

import (
	"fmt"
	"image"
	"math"
	"strings"
	"unicode"
)

// role says what a line of text is; it decides size, weight and colour.
type role int

const (
	roleTitle role = iota
	roleExpression
	roleTranslation
	roleDialogue
	roleDialogueTranslation
	roleSimilar
	roleExamples
	roleNotes
	roleHeadline // first line of a shorts overlay
	roleCaption  // other lines of a shorts overlay
)

// maxSimilar limits similar expressions on a slide: more than two turns the slide into a list.
const maxSimilar = 2

// measurer measures text in the font the slide is drawn with. Layout depends only on this, so it can be
// tested without drawing.
type measurer interface {
	// width is the advance width of text at px pixels, in pixels.
	width(text string, px float64, bold bool) float64
	// metrics returns the line's ascent and descent at px pixels.
	metrics(px float64) (ascent, descent float64)
}

// block is one group of lines with the same style, before placement.
type block struct {
	role       role
	paragraphs []string
	px         float64 // font size at scale 1 on a 720-pixel-high landscape canvas
	bold       bool
	gapBefore  float64 // empty space above the block, same units as px
	divider    bool    // draw an accent bar in the gap above this block
	optional   bool    // may be left out when the slide is crowded
}

// placedLine is a line ready to draw: box is its full line box (advance width x ascent+descent), which
// contains every glyph; baseline is where the pen goes.
type placedLine struct {
	role     role
	text     string
	px       float64
	bold     bool
	box      image.Rectangle
	baseline int
}

// slideLayout is the result of layout: every line and decoration with its position.
type slideLayout struct {
	lines    []placedLine
	dividers []image.Rectangle
	scale    float64 // how much the text was shrunk (1 = design size)
	dropped  []role  // optional blocks left out for room
}

// linesOf returns the placed lines with role r.
func (l slideLayout) linesOf(r role) []placedLine {
	var out []placedLine
	for _, line := range l.lines {
		if line.role == r {
			out = append(out, line)
		}
	}
	return out
}

// Shrinking: each step multiplies all sizes by shrinkStep. Optional blocks are dropped (notes first, then
// examples, then the title) once keeping them would need text smaller than dropBelowScale. Required text
// is never dropped or cut: it shrinks until the smallest size would fall under minPx, and only content
// that cannot fit even then is an error.
const (
	shrinkStep     = 0.92
	dropBelowScale = 0.7
	minPx          = 9.0
)

// slideBlocks turns content into blocks in reading order. Empty fields produce no block.
func slideBlocks(c Content) []block {
	var blocks []block
	add := func(b block, texts ...string) {
		var paras []string
		for _, t := range texts {
			paras = append(paras, paragraphs(t)...)
		}
		if len(paras) == 0 {
			return
		}
		b.paragraphs = paras
		blocks = append(blocks, b)
	}
	add(block{role: roleTitle, px: 24, optional: true}, c.Title)
	add(block{role: roleExpression, px: 72, bold: true, gapBefore: 22}, c.Expression)
	add(block{role: roleTranslation, px: 44, gapBefore: 12}, c.Translation)
	add(block{role: roleDialogue, px: 30, gapBefore: 44}, c.Dialogue)
	add(block{role: roleDialogueTranslation, px: 27, gapBefore: 8}, c.DialogueTranslation)
	var prefixed []string
	for _, s := range c.SimilarExpressions {
		if s = strings.TrimSpace(s); s != "" && len(prefixed) < maxSimilar {
			prefixed = append(prefixed, "≈ "+s)
		}
	}
	add(block{role: roleSimilar, px: 26, gapBefore: 26}, prefixed...)
	add(block{role: roleExamples, px: 23, gapBefore: 22, optional: true}, c.Examples...)
	add(block{role: roleNotes, px: 22, gapBefore: 18, optional: true}, c.Notes)
	// A divider separates "what to learn" from "where it came from": it goes above the first block after
	// the translation, whichever that is.
	for i := range blocks {
		if blocks[i].role > roleTranslation && i > 0 {
			blocks[i].divider = true
			if blocks[i].gapBefore < 44 {
				blocks[i].gapBefore = 44
			}
			break
		}
	}
	return blocks
}

// paragraphs splits text on line breaks, trimming and dropping empty pieces.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// canvasUnit scales design sizes (made for 1280x720) to the canvas: a portrait 1080x1920 canvas gets
// 1.5x bigger text, which reads well on a phone.
func canvasUnit(size image.Point) float64 {
	return float64(min(size.X, size.Y)) / 720
}

// slideMargins is the empty border around slide content.
func slideMargins(size image.Point) image.Rectangle {
	mx, my := int(float64(size.X)*0.07), int(float64(size.Y)*0.08)
	return image.Rect(mx, my, size.X-mx, size.Y-my)
}

// layoutSlide places content on a canvas of the given size.
func layoutSlide(c Content, size image.Point, m measurer) (slideLayout, error) {
	if size.X <= 0 || size.Y <= 0 {
		return slideLayout{}, fmt.Errorf("slide size %v is empty", size)
	}
	blocks := slideBlocks(c)
	region := slideMargins(size)
	unit := canvasUnit(size)

	// Drop optional blocks one at a time, last in reading order first, while they force text too small.
	dropOrder := []role{roleNotes, roleExamples, roleTitle}
	var dropped []role
	for _, r := range dropOrder {
		if l, ok := fitBlocks(blocks, region, unit, m, dropBelowScale); ok {
			l.dropped = dropped
			return l, nil
		}
		if kept, removed := without(blocks, r); removed {
			blocks, dropped = kept, append(dropped, r)
		}
	}
	l, ok := fitBlocks(blocks, region, unit, m, 0)
	if !ok {
		return slideLayout{}, fmt.Errorf("slide text is too long to fit on %dx%d even at %.0f px", size.X, size.Y, minPx)
	}
	l.dropped = dropped
	return l, nil
}

// without removes the optional blocks with role r.
func without(blocks []block, r role) ([]block, bool) {
	var kept []block
	removed := false
	for _, b := range blocks {
		if b.role == r && b.optional {
			removed = true
			continue
		}
		kept = append(kept, b)
	}
	return kept, removed
}

// fitBlocks shrinks the blocks step by step from design size until they fit in region, stopping before
// scale drops under minScale (0 = until the smallest text reaches minPx).
func fitBlocks(blocks []block, region image.Rectangle, unit float64, m measurer, minScale float64) (slideLayout, bool) {
	if len(blocks) == 0 {
		return slideLayout{scale: 1}, true
	}
	smallest := math.Inf(1)
	for _, b := range blocks {
		smallest = math.Min(smallest, b.px)
	}
	for scale := 1.0; scale >= minScale && smallest*unit*scale >= minPx; scale *= shrinkStep {
		if l, ok := placeBlocks(blocks, region, unit*scale, m); ok {
			l.scale = scale
			return l, true
		}
	}
	return slideLayout{}, false
}

// placeBlocks wraps every block at factor k (design px -> canvas px) and stacks them centred in region.
// It reports false when the stack is taller or wider than region.
func placeBlocks(blocks []block, region image.Rectangle, k float64, m measurer) (slideLayout, bool) {
	type wrapped struct {
		b     block
		px    float64
		lines []string
	}
	maxW := float64(region.Dx())
	if minHeight(blocks, maxW, k, m) > float64(region.Dy()) {
		return slideLayout{}, false
	}
	var all []wrapped
	total := 0.0
	for i, b := range blocks {
		px := math.Max(1, math.Round(b.px*k))
		var lines []string
		for _, p := range b.paragraphs {
			ls, ok := wrapText(p, px, b.bold, maxW, m)
			if !ok {
				return slideLayout{}, false
			}
			lines = append(lines, ls...)
		}
		asc, desc := m.metrics(px)
		if i > 0 {
			total += b.gapBefore * k
		}
		total += float64(len(lines)) * (asc + desc)
		all = append(all, wrapped{b, px, lines})
	}
	if total > float64(region.Dy()) {
		return slideLayout{}, false
	}

	var l slideLayout
	centreX := float64(region.Min.X+region.Max.X) / 2
	y := float64(region.Min.Y) + (float64(region.Dy())-total)/2
	for i, w := range all {
		if i > 0 {
			gap := w.b.gapBefore * k
			if w.b.divider {
				l.dividers = append(l.dividers, dividerIn(y, gap, centreX, float64(region.Dx()), k))
			}
			y += gap
		}
		asc, desc := m.metrics(w.px)
		for _, text := range w.lines {
			width := m.width(text, w.px, w.b.bold)
			left := centreX - width/2
			// Rounding (not floor/ceil) vertically makes consecutive line boxes share an edge instead of overlapping.
			box := image.Rect(int(math.Floor(left)), int(math.Round(y)), int(math.Ceil(left+width)), int(math.Round(y+asc+desc)))
			l.lines = append(l.lines, placedLine{
				role: w.b.role, text: text, px: w.px, bold: w.b.bold,
				box: box, baseline: int(math.Round(y + asc)),
			})
			y += asc + desc
		}
	}
	return l, true
}

// minHeight is a cheap lower bound of the stacked height: a paragraph needs at least as many lines as its
// width without spaces divided by the line width. It lets huge texts fail a size without wrapping them
// word by word at every shrink step.
func minHeight(blocks []block, maxW, k float64, m measurer) float64 {
	total := 0.0
	for _, b := range blocks {
		px := math.Max(1, math.Round(b.px*k))
		asc, desc := m.metrics(px)
		for _, p := range b.paragraphs {
			ink := m.width(strings.ReplaceAll(p, " ", ""), px, b.bold)
			// 0.98 absorbs kerning, which differs slightly once spaces are gone.
			total += math.Max(1, math.Ceil(0.98*ink/maxW)) * (asc + desc)
		}
	}
	return total
}

// dividerIn is a short accent bar centred in a vertical gap.
func dividerIn(top, gap, centreX, regionW, k float64) image.Rectangle {
	w := math.Min(regionW*0.5, 96*k)
	h := math.Max(2, math.Round(4*k))
	midY := top + gap/2
	return image.Rect(int(centreX-w/2), int(midY-h/2), int(centreX+w/2), int(midY-h/2+h))
}

// wrapText breaks a paragraph into lines no wider than maxW. It breaks between words; a word that cannot
// fit on a line of its own, and text in scripts written without spaces (Chinese, Japanese), breaks between
// characters. It reports false if even a single character is wider than maxW.
func wrapText(text string, px float64, bold bool, maxW float64, m measurer) ([]string, bool) {
	fits := func(s string) bool { return m.width(s, px, bold) <= maxW }
	var lines []string
	line := ""
	join := func(a, b string) string {
		if a == "" {
			return b
		}
		return a + " " + b
	}
	for _, word := range strings.Fields(text) {
		if candidate := join(line, word); fits(candidate) {
			line = candidate
			continue
		}
		if !breaksAnywhere(word) && fits(word) {
			lines = append(lines, line)
			line = word
			continue
		}
		// Fill the current line character by character, then continue on new lines.
		sep := " "
		if line == "" {
			sep = ""
		}
		for _, r := range word {
			candidate := line + sep + string(r)
			sep = ""
			if fits(candidate) {
				line = candidate
				continue
			}
			if line != "" {
				lines = append(lines, line)
			}
			line = string(r)
			if !fits(line) {
				return nil, false
			}
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines, true
}

// breaksAnywhere reports whether word is in a script that is written without spaces, where a line may
// break between any two characters. Hangul is not among them: Korean separates words with spaces and
// breaking inside a word reads badly.
func breaksAnywhere(word string) bool {
	for _, r := range word {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// layoutOverlay lays out shorts text: the first line is the headline in the top band, the rest are
// captions in the bottom band, leaving the middle third free for the video.
func layoutOverlay(lines []string, size image.Point, m measurer) (slideLayout, error) {
	var head, rest []string
	for _, line := range lines {
		ps := paragraphs(line)
		if len(ps) == 0 {
			continue
		}
		if head == nil {
			head = ps
			continue
		}
		rest = append(rest, ps...)
	}
	unit := canvasUnit(size)
	mx := int(float64(size.X) * 0.06)
	third := size.Y / 3
	pad := int(float64(size.Y) * 0.03)
	bands := []struct {
		b      block
		region image.Rectangle
	}{
		{block{role: roleHeadline, paragraphs: head, px: 64, bold: true}, image.Rect(mx, pad, size.X-mx, third-pad)},
		{block{role: roleCaption, paragraphs: rest, px: 44}, image.Rect(mx, size.Y-third+pad, size.X-mx, size.Y-pad)},
	}
	var out slideLayout
	out.scale = 1
	for _, band := range bands {
		if len(band.b.paragraphs) == 0 {
			continue
		}
		l, ok := fitBlocks([]block{band.b}, band.region, unit, m, 0)
		if !ok {
			return slideLayout{}, fmt.Errorf("overlay text is too long to fit on %dx%d", size.X, size.Y)
		}
		out.lines = append(out.lines, l.lines...)
		out.scale = math.Min(out.scale, l.scale)
	}
	return out, nil
}
