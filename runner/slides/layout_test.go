package slides

import (
	"image"
	"strings"
	"testing"
)

// monoMeasurer is a predictable font: every rune is half the size wide, CJK runes a full size.
type monoMeasurer struct{}

func (monoMeasurer) width(text string, px float64, _ bool) float64 {
	w := 0.0
	for _, r := range text {
		if r >= 0x1100 {
			w += px
		} else {
			w += px / 2
		}
	}
	return w
}

func (monoMeasurer) metrics(px float64) (float64, float64) { return px * 0.9, px * 0.3 }

func TestWrapText(t *testing.T) {
	m := monoMeasurer{}
	tests := []struct {
		name  string
		text  string
		maxW  float64 // at px 10: 5 per Latin rune, 10 per CJK rune
		want  []string
		wantO bool
	}{
		{"fits", "break a leg", 100, []string{"break a leg"}, true},
		{"by words", "break a leg tonight", 60, []string{"break a leg", "tonight"}, true},
		{"long word by rune", "abcdefghijklmnop", 40, []string{"abcdefgh", "ijklmnop"}, true},
		{"korean by words", "행운을 빌어 오늘 밤", 50, []string{"행운을", "빌어 오늘", "밤"}, true},
		{"japanese by rune", "今日は良い天気です", 40, []string{"今日は良", "い天気で", "す"}, true},
		{"cjk continues line", "it is 今日は良い", 60, []string{"it is 今日は", "良い"}, true},
		{"single rune too wide", "한", 5, nil, false},
		{"empty", "", 50, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := wrapText(tt.text, 10, false, tt.maxW, m)
			if ok != tt.wantO || strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("wrapText(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.wantO)
			}
			for _, line := range got {
				if w := m.width(line, 10, false); w > tt.maxW {
					t.Errorf("line %q is %v wide, max %v", line, w, tt.maxW)
				}
			}
		})
	}
}

func realMeasurer(t *testing.T) measurer {
	t.Helper()
	path, err := FindFont("")
	if err != nil {
		t.Skipf("no CJK font: %v", err)
	}
	r, err := NewRenderer(path)
	if err != nil {
		t.Fatal(err)
	}
	return r.newFaceCache()
}

var sampleContent = Content{
	Title:               "Sintel — lesson 3",
	Expression:          "a fool for",
	Translation:         "~에 사족을 못 쓰는 사람",
	Dialogue:            "I'm a fool for a kindred spirit.",
	DialogueTranslation: "나는 마음이 통하는 사람에게 약해.",
	SimilarExpressions:  []string{"crazy about", "a sucker for", "mad about"},
	Examples:            []string{"She's a fool for chocolate."},
	Notes:               "Informal; often self-deprecating.",
}

func longContent() Content {
	long := strings.Repeat("This sentence keeps going without any sign of stopping ", 12)
	korean := strings.Repeat("이 문장은 멈출 기미 없이 계속 이어지는 아주 긴 번역입니다 ", 10)
	return Content{
		Title:               strings.Repeat("Title ", 20),
		Expression:          "supercalifragilisticexpialidocious-without-any-spaces-at-all-" + strings.Repeat("x", 80),
		Translation:         korean,
		Dialogue:            long,
		DialogueTranslation: korean,
		SimilarExpressions:  []string{long, strings.Repeat("日本語の長い表現", 20)},
		Examples:            []string{long, long},
		Notes:               long,
	}
}

// checkInside fails if a placed line or divider leaves the canvas or a line is wider than its box.
func checkInside(t *testing.T, l slideLayout, size image.Point, m measurer) {
	t.Helper()
	canvas := image.Rectangle{Max: size}
	for _, line := range l.lines {
		if !line.box.In(canvas) {
			t.Errorf("line %q box %v is outside the %v canvas", line.text, line.box, size)
		}
		if w := m.width(line.text, line.px, line.bold); w > float64(line.box.Dx())+1 {
			t.Errorf("line %q is %.1f px wide but its box is %d", line.text, w, line.box.Dx())
		}
	}
	for _, d := range l.dividers {
		if !d.In(canvas) {
			t.Errorf("divider %v is outside the canvas", d)
		}
	}
	for i := 1; i < len(l.lines); i++ {
		if l.lines[i].box.Min.Y < l.lines[i-1].box.Max.Y {
			t.Errorf("line %q overlaps the line above it", l.lines[i].text)
		}
	}
}

// joinedText is all placed text of a role, rewrapped, without the spaces lost at line breaks.
func joinedText(l slideLayout, r role) string {
	var b strings.Builder
	for _, line := range l.linesOf(r) {
		b.WriteString(line.text)
	}
	return strings.ReplaceAll(b.String(), " ", "")
}

func TestLayoutSlideFitsAndKeepsAllRequiredText(t *testing.T) {
	m := realMeasurer(t)
	long := longContent()
	tests := []struct {
		name    string
		content Content
		size    image.Point
	}{
		{"sample landscape", sampleContent, Landscape},
		{"sample portrait", sampleContent, Portrait},
		{"long landscape", long, Landscape},
		{"long portrait", long, Portrait},
		{"expression only", Content{Expression: "break a leg"}, Landscape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := layoutSlide(tt.content, tt.size, m)
			if err != nil {
				t.Fatal(err)
			}
			checkInside(t, l, tt.size, m)
			required := map[role]string{
				roleExpression:          tt.content.Expression,
				roleTranslation:         tt.content.Translation,
				roleDialogue:            tt.content.Dialogue,
				roleDialogueTranslation: tt.content.DialogueTranslation,
			}
			for r, text := range required {
				if got, want := joinedText(l, r), strings.ReplaceAll(text, " ", ""); got != want {
					t.Errorf("role %d: placed text %q, want %q (text was cut)", r, got, want)
				}
			}
			similar := l.linesOf(roleSimilar)
			if n := len(tt.content.SimilarExpressions); n > 0 && len(similar) == 0 {
				t.Errorf("similar expressions were dropped")
			}
		})
	}
}

func TestLayoutSlideShowsTwoSimilarAndOptionalWhenRoomy(t *testing.T) {
	m := realMeasurer(t)
	l, err := layoutSlide(sampleContent, Landscape, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.dropped) != 0 {
		t.Errorf("sample slide dropped %v, there should be room for everything", l.dropped)
	}
	got := joinedText(l, roleSimilar)
	if !strings.Contains(got, "crazyabout") || !strings.Contains(got, "asuckerfor") || strings.Contains(got, "madabout") {
		t.Errorf("similar expressions on the slide = %q, want exactly the first two", got)
	}
	for _, r := range []role{roleTitle, roleExamples, roleNotes} {
		if len(l.linesOf(r)) == 0 {
			t.Errorf("optional role %d missing although there is room", r)
		}
	}
	if len(l.dividers) != 1 {
		t.Errorf("got %d dividers, want 1", len(l.dividers))
	}
	if l.scale != 1 {
		t.Errorf("sample slide was shrunk to %.2f", l.scale)
	}
}

func TestLayoutSlideShrinksStepByStep(t *testing.T) {
	m := realMeasurer(t)
	short, err := layoutSlide(Content{Expression: "break a leg", Translation: "행운을 빌어"}, Landscape, m)
	if err != nil {
		t.Fatal(err)
	}
	long, err := layoutSlide(longContent(), Landscape, m)
	if err != nil {
		t.Fatal(err)
	}
	if !(long.scale < short.scale) {
		t.Fatalf("long content scale %.2f, short %.2f: long text should have been shrunk", long.scale, short.scale)
	}
	if len(long.dropped) == 0 {
		t.Errorf("long content kept every optional block; expected notes/examples to make room")
	}
	expr := long.linesOf(roleExpression)
	trans := long.linesOf(roleTranslation)
	if expr[0].px <= trans[0].px {
		t.Errorf("expression %.0f px is not larger than translation %.0f px after shrinking", expr[0].px, trans[0].px)
	}
}

func TestLayoutSlideRejectsUnfittableText(t *testing.T) {
	m := monoMeasurer{}
	huge := Content{Expression: "x", Translation: strings.Repeat("아주 긴 문장 ", 20000)}
	if _, err := layoutSlide(huge, Landscape, m); err == nil {
		t.Fatal("layout of 100k characters on one slide succeeded; it cannot be legible")
	}
}

func TestLayoutOverlayBands(t *testing.T) {
	m := realMeasurer(t)
	l, err := layoutOverlay([]string{"break a leg", "행운을 빌어", ""}, Portrait, m)
	if err != nil {
		t.Fatal(err)
	}
	checkInside(t, l, Portrait, m)
	head, captions := l.linesOf(roleHeadline), l.linesOf(roleCaption)
	if len(head) != 1 || len(captions) != 1 {
		t.Fatalf("got %d headline and %d caption lines, want 1 and 1", len(head), len(captions))
	}
	third := Portrait.Y / 3
	if head[0].box.Max.Y > third {
		t.Errorf("headline %v reaches into the middle third", head[0].box)
	}
	if captions[0].box.Min.Y < 2*third {
		t.Errorf("caption %v reaches into the middle third", captions[0].box)
	}
}
