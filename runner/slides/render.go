// Package slides draws the still images of a lesson: the landscape slide shown between the context clip
// and the repeated expression, and the transparent text overlay of a vertical short. Text is drawn with a
// CJK font through golang.org/x/image, so Korean looks the same on every machine that has the font, without
// depending on how ffmpeg was built.
package slides

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/fsutil"
)

// Content is what a slide says about one expression: the API's SlideContent, so a SlideTask's slides
// reach the renderer without a second list of fields.
type Content = tasksv1.SlideContent

// Canvas sizes of the two video layouts.
var (
	Landscape = image.Pt(1280, 720)
	Portrait  = image.Pt(1080, 1920)
)

// Palette: a dark, slightly blue background keeps video-to-slide cuts calm; one warm accent marks what to
// learn.
var (
	bgTop     = color.RGBA{0x1b, 0x21, 0x36, 0xff}
	bgBottom  = color.RGBA{0x0c, 0x0f, 0x1a, 0xff}
	accent    = color.RGBA{0xff, 0xc8, 0x57, 0xff}
	textMain  = color.RGBA{0xf5, 0xf7, 0xfa, 0xff}
	textSoft  = color.RGBA{0xc9, 0xd1, 0xe0, 0xff}
	textMuted = color.RGBA{0x8f, 0x9b, 0xb3, 0xff}
	mint      = color.RGBA{0x7f, 0xd1, 0xb9, 0xff}
	outline   = color.RGBA{0x00, 0x00, 0x00, 0xd0}
)

var roleColours = map[role]color.RGBA{
	roleTitle:               textMuted,
	roleExpression:          accent,
	roleTranslation:         textMain,
	roleDialogue:            textSoft,
	roleDialogueTranslation: textMuted,
	roleSimilar:             mint,
	roleExamples:            textSoft,
	roleNotes:               textMuted,
	roleHeadline:            accent,
	roleCaption:             textMain,
}

// Renderer draws slides with one font family. It is safe for concurrent use: faces, which are not, are
// created per call.
type Renderer struct {
	regular *opentype.Font
	bold    *opentype.Font // regular again when the family has no bold file
}

// NewRenderer loads the font at fontPath (a .ttf, .otf or .ttc; from a collection the Korean face is
// used). An empty path means FindFont(""). A bold file next to a "Regular" one is picked up for headlines.
func NewRenderer(fontPath string) (*Renderer, error) {
	if fontPath == "" {
		found, err := FindFont("")
		if err != nil {
			return nil, err
		}
		fontPath = found
	}
	regular, err := loadFace(fontPath)
	if err != nil {
		return nil, err
	}
	r := &Renderer{regular: regular, bold: regular}
	if path, ok := boldSibling(fontPath); ok {
		if bold, err := loadFace(path); err == nil {
			r.bold = bold
		}
	}
	return r, nil
}

// Render draws a slide of the given size.
func (r *Renderer) Render(c Content, size image.Point) (*image.RGBA, error) {
	if r == nil || r.regular == nil {
		return nil, errNoRenderer
	}
	if strings.TrimSpace(c.Expression) == "" {
		return nil, failure.Invalid("render slide: the expression is empty")
	}
	faces := r.newFaceCache()
	layout, err := layoutSlide(c, size, faces)
	if err != nil {
		return nil, failure.Invalid("render slide for %q: %w", c.Expression, err)
	}
	img := image.NewRGBA(image.Rectangle{Max: size})
	fillGradient(img, bgTop, bgBottom)
	// A thin accent strip along the bottom edge ties slides to the lesson's colour.
	strip := max(3, size.Y/120)
	draw.Draw(img, image.Rect(0, size.Y-strip, size.X, size.Y), image.NewUniform(accent), image.Point{}, draw.Src)
	for _, d := range layout.dividers {
		draw.Draw(img, d, image.NewUniform(accent), image.Point{}, draw.Over)
	}
	for _, line := range layout.lines {
		faces.draw(img, line, roleColours[line.role], 0)
	}
	return img, nil
}

// RenderPNG renders a slide and writes it to dst as PNG, atomically.
func (r *Renderer) RenderPNG(c Content, size image.Point, dst string) error {
	img, err := r.Render(c, size)
	if err != nil {
		return err
	}
	return writePNG(img, dst)
}

// RenderOverlay draws text on a transparent canvas for shorts: the first line as the headline in the top
// third, the others as captions in the bottom third, with a dark outline so they stay readable over any
// video.
func (r *Renderer) RenderOverlay(lines []string, size image.Point) (*image.RGBA, error) {
	if r == nil || r.regular == nil {
		return nil, errNoRenderer
	}
	faces := r.newFaceCache()
	layout, err := layoutOverlay(lines, size, faces)
	if err != nil {
		return nil, failure.Invalid("render overlay: %w", err)
	}
	img := image.NewRGBA(image.Rectangle{Max: size})
	for _, line := range layout.lines {
		radius := math.Max(2, line.px/14)
		faces.draw(img, line, roleColours[line.role], radius)
	}
	return img, nil
}

// writePNG encodes img and writes it atomically.
func writePNG(img image.Image, dst string) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("encode %s: %w", dst, err)
	}
	return fsutil.WriteFileAtomic(dst, buf.Bytes(), 0o644)
}

// fillGradient paints a vertical gradient from top to bottom.
func fillGradient(img *image.RGBA, top, bottom color.RGBA) {
	b := img.Bounds()
	h := max(1, b.Dy()-1)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		t := float64(y-b.Min.Y) / float64(h)
		c := color.RGBA{lerp(top.R, bottom.R, t), lerp(top.G, bottom.G, t), lerp(top.B, bottom.B, t), 0xff}
		row := img.Pix[img.PixOffset(b.Min.X, y) : img.PixOffset(b.Max.X-1, y)+4]
		for i := 0; i < len(row); i += 4 {
			row[i], row[i+1], row[i+2], row[i+3] = c.R, c.G, c.B, c.A
		}
	}
}

func lerp(a, b uint8, t float64) uint8 {
	return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t))
}

// faceCache creates font faces on demand for one render call and measures with them.
type faceCache struct {
	r     *Renderer
	faces map[faceKey]font.Face
}

type faceKey struct {
	px   float64
	bold bool
}

func (r *Renderer) newFaceCache() *faceCache {
	return &faceCache{r: r, faces: map[faceKey]font.Face{}}
}

func (fc *faceCache) face(px float64, bold bool) font.Face {
	key := faceKey{px, bold}
	if f, ok := fc.faces[key]; ok {
		return f
	}
	src := fc.r.regular
	if bold {
		src = fc.r.bold
	}
	// NewFace only fails for invalid options, which these are not; a nil face would panic loudly below.
	f, _ := opentype.NewFace(src, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	fc.faces[key] = f
	return f
}

func (fc *faceCache) width(text string, px float64, bold bool) float64 {
	return fixedToFloat(font.MeasureString(fc.face(px, bold), text))
}

func (fc *faceCache) metrics(px float64) (ascent, descent float64) {
	m := fc.face(px, false).Metrics()
	return fixedToFloat(m.Ascent), fixedToFloat(m.Descent)
}

// draw draws one placed line; a positive outlineRadius first draws a dark halo around the glyphs.
func (fc *faceCache) draw(dst draw.Image, line placedLine, col color.RGBA, outlineRadius float64) {
	d := font.Drawer{Dst: dst, Face: fc.face(line.px, line.bold)}
	origin := fixed.Point26_6{X: fixed.I(line.box.Min.X), Y: fixed.I(line.baseline)}
	if outlineRadius > 0 {
		d.Src = image.NewUniform(outline)
		const steps = 16
		for i := range steps {
			a := 2 * math.Pi * float64(i) / steps
			d.Dot = origin.Add(fixed.Point26_6{
				X: floatToFixed(outlineRadius * math.Cos(a)),
				Y: floatToFixed(outlineRadius * math.Sin(a)),
			})
			d.DrawString(line.text)
		}
	}
	d.Src = image.NewUniform(col)
	d.Dot = origin
	d.DrawString(line.text)
}

func fixedToFloat(v fixed.Int26_6) float64 { return float64(v) / 64 }
func floatToFixed(v float64) fixed.Int26_6 { return fixed.Int26_6(math.Round(v * 64)) }
