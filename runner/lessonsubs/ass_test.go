package lessonsubs

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// hostileLines are dialogue a subtitle file could carry, around the expression's line: override tags that
// would move or blow up the text, backslash sequences that would break lines, raw line breaks that would
// end the Dialogue line and start a forged one, and control characters.
var hostileLines = []Line{
	{Start: ms(1000), End: ms(2500), Text: `{\pos(10,10)\fs400}Someone very dear?`, Translation: `{\c&H0000FF&}아주 소중한 사람?`},
	{Start: ms(2600), End: ms(4000), Text: "A kindred\nspirit?\r\nDialogue: 0,0:00:00.00,9:00:00.00,Original,,0,0,0,,forged",
		Translation: "마음이 통하는 사람?", Highlight: "kindred spirit", HighlightTranslation: "마음이 통하는 사람"},
	{Start: ms(4100), End: ms(5000), Text: `back\slash \N no break \h no space, a\`, Translation: "끝에 역슬래시\\"},
	{Start: ms(5100), End: ms(6000), Text: "}{ braces } and \x00nul\x1b[31m and\ttab\u2028separator"},
	{Start: ms(6100), End: ms(7000), Text: "   ", Translation: "원문 없는 번역은 보이지 않음"},
}

func TestGoldenLandscapeDual(t *testing.T) {
	// The clip starts at 0.37 s and lasts 6.8 s (170 frames).
	s := New(hostileLines, Timeline{Start: ms(370), Frames: 170, FrameRate: 25}, Dual, Landscape(1280, 720), "Noto Sans CJK KR")
	golden(t, "landscape_dual.ass", s.Marshal())
}

func TestGoldenVerticalOriginalRepeated(t *testing.T) {
	lines := hostileLines[:2]
	s := New(lines, Timeline{Start: ms(1000), Frames: 75, FrameRate: 25, Repeat: 2}, Original, Vertical(1080, 1920, 1264), "Nanum,Gothic\n")
	golden(t, "vertical_original_x2.ass", s.Marshal())
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./runner/lessonsubs -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update after checking the change):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestScriptStructure checks, independently of the golden files, what a renderer relies on: every line of
// the events section is a Dialogue line with ten fields, and no hostile text opened an override block.
func TestScriptStructure(t *testing.T) {
	s := New(hostileLines, Timeline{Start: ms(370), Frames: 170, FrameRate: 25}, Dual, Landscape(1280, 720), "Noto Sans CJK KR")
	text := string(s.Marshal())
	_, events, ok := strings.Cut(text, "[Events]\n")
	if !ok {
		t.Fatal("no [Events] section")
	}
	lines := strings.Split(strings.TrimSuffix(events, "\n"), "\n")
	if lines[0] != "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text" {
		t.Fatalf("format line %q", lines[0])
	}
	dialogue := lines[1:]
	if len(dialogue) != 4 {
		t.Fatalf("%d dialogue lines, want 4 (the line without original text is left out):\n%s", len(dialogue), events)
	}
	ourTags := []string{highlightTag, `{\r` + styleOriginal + `}`, `{\r` + styleTranslation + `}`}
	for _, l := range dialogue {
		fields := strings.SplitN(l, ",", 10)
		if !strings.HasPrefix(l, "Dialogue: 0,") || len(fields) != 10 {
			t.Errorf("not a Dialogue line with ten fields: %q", l)
			continue
		}
		body := fields[9]
		for _, tag := range ourTags {
			body = strings.ReplaceAll(body, tag, "")
		}
		// What remains is escaped text: "{" only as "\{", a backslash only before "{", "}", the word
		// joiner or the N of the line break between original and translation.
		for i := 0; i < len(body); i++ {
			switch body[i] {
			case '{':
				if i == 0 || body[i-1] != '\\' {
					t.Errorf("unescaped { in %q", fields[9])
				}
			case '\\':
				rest := body[i+1:]
				if !strings.HasPrefix(rest, "{") && !strings.HasPrefix(rest, "}") && !strings.HasPrefix(rest, wordJoiner) &&
					!strings.HasPrefix(rest, "N") {
					t.Errorf("bare backslash at %d in %q", i, fields[9])
				}
			case 0, '\r', '\x1b', '\t':
				t.Errorf("control character %q in %q", body[i], fields[9])
			}
		}
		if n := strings.Count(body, `\N`); n > 1 {
			t.Errorf("%d line breaks in %q, want at most the one before the translation", n, fields[9])
		}
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, with commas", "plain text, with commas"},
		{`{\b1}bold?`, `\{\` + wordJoiner + `b1\}bold?`},
		{`a\Nb`, `a\` + wordJoiner + `Nb`},
		{`ends with \`, `ends with \` + wordJoiner},
		{`\\`, `\` + wordJoiner + `\` + wordJoiner},
		{"nul\x00 esc\x1b del\x7f", "nul esc del"},
		{"한국어 {괄호}", `한국어 \{괄호\}`},
	}
	for _, tt := range tests {
		if got := escapeText(tt.in); got != tt.want {
			t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		text, phrase, want string
	}{
		{"Let me break the ice.", "break the ice", `Let me ` + highlightTag + `break the ice{\rOriginal}.`},
		{"BROKE  THE ICE", "broke the ice", highlightTag + `BROKE THE ICE{\rOriginal}`},
		{"the police iced it", "ice", "the police iced it"}, // whole words only
		{"pick it up, pick it up", "pick it up", highlightTag + `pick it up{\rOriginal}, pick it up`},
		{"no such phrase", "kindred spirit", "no such phrase"},
		{"a {kindred} spirit", "{kindred}", `a ` + highlightTag + `\{kindred\}{\rOriginal} spirit`},
		{"(a+b) twice", "(a+b)", highlightTag + `(a+b){\rOriginal} twice`},
	}
	for _, tt := range tests {
		var b strings.Builder
		writeHighlighted(&b, collapseSpace(tt.text), collapseSpace(tt.phrase), styleOriginal)
		if got := b.String(); got != tt.want {
			t.Errorf("highlight %q in %q = %q, want %q", tt.phrase, tt.text, got, tt.want)
		}
	}
}

func TestOriginalModeDropsTranslations(t *testing.T) {
	lines := []Line{{Start: 0, End: time.Second, Text: "Hello", Translation: "안녕"}}
	tl := Timeline{Frames: 50, FrameRate: 25}
	if got := string(New(lines, tl, Original, Landscape(1280, 720), "F").Marshal()); strings.Contains(got, "안녕") || !strings.Contains(got, ",,Hello\n") {
		t.Errorf("original mode script:\n%s", got)
	}
	if got := string(New(lines, tl, Dual, Landscape(1280, 720), "F").Marshal()); !strings.Contains(got, `Hello\N{\rTranslation}안녕`) {
		t.Errorf("dual mode script:\n%s", got)
	}
	if got := New(lines, tl, None, Landscape(1280, 720), "F"); len(got.Events) != 0 {
		t.Errorf("none mode has events %+v", got.Events)
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"Dual": Dual, "dual": Dual, " ORIGINAL ": Original, "None": None} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "both", "english"} {
		if _, err := ParseMode(in); err == nil || !strings.Contains(err.Error(), "want dual, original or none") {
			t.Errorf("ParseMode(%q) error = %v", in, err)
		}
	}
}
