package subtitles

import (
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asticode/go-astisub"
	"github.com/google/go-cmp/cmp"

	"github.com/langflix/langflix-operator/runner/failure"
)

// testdataDir holds the project's real test media and the files written for these tests.
const testdataDir = "../../testdata"

// at builds a duration from minutes, seconds and milliseconds, to keep expected cue tables readable.
func at(minutes, seconds, millis int) time.Duration {
	return time.Duration(minutes)*time.Minute + time.Duration(seconds)*time.Second +
		time.Duration(millis)*time.Millisecond
}

func TestParseFileTestdata(t *testing.T) {
	tests := []struct {
		file   string
		format Format
		want   []Cue
	}{
		{"exo_webvtt_with_positioning.vtt", FormatVTT, []Cue{
			{0, at(0, 0, 0), at(0, 1, 234), "This is the first subtitle."},
			{1, at(0, 2, 345), at(0, 3, 456), "This is the second subtitle."},
			{2, at(0, 4, 0), at(0, 5, 0), "This is the third subtitle."},
			{3, at(0, 6, 0), at(0, 7, 0), "This is the fourth subtitle."},
			{4, at(0, 8, 0), at(0, 9, 0), "This is the fifth subtitle."},
			{5, at(0, 10, 0), at(0, 11, 0), "This is the sixth subtitle."},
			{6, at(0, 12, 0), at(0, 13, 0), "This is the seventh subtitle."},
			{7, at(0, 14, 0), at(0, 15, 0), "This is the eighth subtitle."},
		}},
		{"exo_webvtt_with_tags.vtt", FormatVTT, []Cue{
			{0, at(0, 0, 0), at(0, 1, 234), "This is the first subtitle."},
			{1, at(0, 2, 345), at(0, 3, 456), "This is the second subtitle."},
			{2, at(0, 4, 0), at(0, 5, 0), "This is the third subtitle."},
			{3, at(0, 6, 0), at(0, 7, 0), "This is the <fourth> &subtitle."},
		}},
		{"exo_ssa_typical.ass", FormatASS, []Cue{
			{0, at(0, 0, 0), at(0, 1, 230), "This is the first subtitle."},
			{1, at(0, 2, 340), at(0, 3, 450), "This is the second subtitle with a newline and another."},
			// "0:00:04:56" has a colon before the centiseconds; read as 4.56 s, as ExoPlayer does.
			{2, at(0, 4, 560), at(0, 8, 900), "This is the third subtitle, with a comma."},
		}},
		{"ko_cp949.srt", FormatSRT, []Cue{
			{0, at(0, 1, 0), at(0, 3, 200), "오늘은 비가 올 것 같아."},
			{1, at(0, 3, 500), at(0, 6, 0), "우산을 챙겨 갈게. 너도 하나 가져가."},
			{2, at(0, 6, 400), at(0, 8, 900), "똠얌꿍 먹으러 갈래?"},
			{3, at(0, 9, 100), at(0, 11, 0), "좋아, 내가 살게!"},
		}},
		{"ko_utf16le_bom.srt", FormatSRT, []Cue{
			{0, at(0, 2, 0), at(0, 4, 500), "지하철이 벌써 끊겼어."},
			{1, at(0, 4, 800), at(0, 7, 0), "- 택시 타자. - 그래, 그게 낫겠다."},
			{2, at(0, 7, 200), at(0, 9, 0), "집에 도착하면 문자해."},
		}},
		{"ko_utf16be.srt", FormatSRT, []Cue{
			{0, at(1, 0, 0), at(1, 2, 500), "이 책 정말 재미있더라."},
			{1, at(1, 3, 0), at(1, 5, 0), "다 읽으면 빌려줄래?"},
		}},
		{"ko_utf8_bom.vtt", FormatVTT, []Cue{
			{0, at(0, 0, 500), at(0, 2, 0), "안녕, 오랜만이야!"},
			{1, at(0, 2, 300), at(0, 4, 0), "정말 반가워. 잘 지냈어?"},
			{2, at(0, 4, 500), at(0, 6, 0), "<문자> 왔어 & 확인해 봐."},
			{3, at(0, 6, 200), at(0, 8, 0), "漢字 공부는 어때?"},
		}},
		{"ko_cp949.smi", FormatSMI, []Cue{
			{0, at(0, 1, 0), at(0, 3, 500), "문 좀 열어 줄래?"},
			{1, at(0, 4, 0), at(0, 7, 0), "손이 꽉 찼어. 미안해."},
			{2, at(0, 7, 0), at(0, 9, 0), "괜찮아, 내가 할게."},
		}},
		{"fr_cp1252.srt", FormatSRT, []Cue{
			{0, at(0, 1, 0), at(0, 3, 0), "Il fait déjà nuit à Montréal."},
			{1, at(0, 3, 500), at(0, 5, 0), "C’est l’heure du café, non ?"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			cues, format, err := ParseFile(filepath.Join(testdataDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if format != tt.format {
				t.Errorf("format = %q, want %q", format, tt.format)
			}
			if diff := cmp.Diff(tt.want, cues); diff != "" {
				t.Errorf("cues (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseFileSintel(t *testing.T) {
	cues, format, err := ParseFile(filepath.Join(testdataDir, "sintel_en.srt"))
	if err != nil {
		t.Fatal(err)
	}
	if format != FormatSRT {
		t.Errorf("format = %q, want srt", format)
	}
	if len(cues) != 26 {
		t.Fatalf("got %d cues, want 26", len(cues))
	}
	spotChecks := []Cue{
		{0, at(2, 17, 250), at(2, 20, 500), "This blade has a dark past."},
		{1, at(2, 21, 800), at(2, 25, 800), "It has shed much innocent blood."},
		{2, at(2, 28, 0), at(2, 31, 450), "You're a fool for traveling alone, so completely unprepared."},
		{6, at(2, 39, 400), at(2, 43, 800), "What brings you to the land of the gatekeepers?"},
		{8, at(2, 48, 0), at(2, 52, 200), "Someone very dear? A kindred spirit?"},
		{22, at(8, 10, 850), at(8, 14, 0), "You are closer than you know."},
		{25, at(10, 56, 200), at(10, 59, 800), "Scales..."},
	}
	for _, want := range spotChecks {
		if got := cues[want.Index]; got != want {
			t.Errorf("cue %d = %+v, want %+v", want.Index, got, want)
		}
	}
	for _, c := range cues {
		if strings.ContainsAny(c.Text, "\r\n") {
			t.Errorf("cue %d keeps a line break: %q", c.Index, c.Text)
		}
	}
}

// TestReadersAgreeWithAstisub cross-checks the tolerant readers against go-astisub on the well-formed real
// files, where astisub reads correctly: same number of cues, same times, same text. astisub decodes only
// some entities, so its text gets the remaining ones decoded before comparing.
func TestReadersAgreeWithAstisub(t *testing.T) {
	for _, file := range []string{"sintel_en.srt", "exo_webvtt_with_positioning.vtt", "exo_webvtt_with_tags.vtt"} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join(testdataDir, file)
			ref, err := astisub.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want []Cue
			for i, item := range ref.Items {
				var lines []string
				for _, l := range item.Lines {
					lines = append(lines, l.String())
				}
				text := strings.Join(strings.Fields(html.UnescapeString(strings.Join(lines, " "))), " ")
				want = append(want, Cue{Index: i, Start: item.StartAt, End: item.EndAt, Text: text})
			}
			got, _, err := ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("cues differ from astisub (-astisub +ours):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	mp4, err := os.ReadFile(filepath.Join(testdataDir, "bbb_prog_10s.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		file    string
		problem string
	}{
		{"empty", nil, "empty.srt", "empty file"},
		{"only whitespace", []byte(" \r\n\t\r\n"), "blank.srt", "empty file"},
		{"only a BOM", []byte{0xEF, 0xBB, 0xBF, '\n'}, "bom.vtt", "empty file"},
		{"video bytes", mp4, "movie.srt", "undetectable encoding"},
		{"valid UTF-8 with NULs", []byte("1\n00:00:01,000 --> 00:00:02,000\nhi\x00\x00\n"), "nul.srt", "undetectable encoding"},
		{"prose", []byte("Just some notes,\nno timings at all.\n"), "notes.txt", "unknown format"},
		{"WebVTT with only a comment", []byte("WEBVTT\n\nNOTE nothing here\n"), "c.vtt", "no cues"},
		{"SubRip with only broken timings", []byte("1\n00:00:0x,000 --> 00:00:02,000\nhi\n"), "b.srt", "no cues"},
		{"SubRip with empty texts", []byte("1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n"), "e.srt", "no cues"},
		{"ASS without dialogue", []byte("[Script Info]\nTitle: x\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"), "n.ass", "no cues"},
		{"SAMI with only clears", []byte("<SAMI><BODY><SYNC Start=0><P>&nbsp;</BODY></SAMI>"), "n.smi", "no cues"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cues, _, err := Parse(tt.data, tt.file)
			if !failure.IsInvalid(err) {
				t.Fatalf("err = %v (cues %v), want an InvalidInput error", err, cues)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.file) || !strings.Contains(msg, tt.problem) {
				t.Errorf("error %q should name %q and say %q", msg, tt.file, tt.problem)
			}
		})
	}
}

func TestParseFileErrors(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.srt")
	if err := os.WriteFile(huge, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// Sparse: the size check must refuse it before reading anything.
	if err := os.Truncate(huge, maxFileSize+1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, problem string
	}{
		{"missing", filepath.Join(dir, "missing.srt"), "does not exist"},
		{"directory", dir, "is a directory"},
		{"too large", huge, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseFile(tt.path)
			if !failure.IsInvalid(err) {
				t.Fatalf("err = %v, want an InvalidInput error", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.path) || !strings.Contains(msg, tt.problem) {
				t.Errorf("error %q should name %q and say %q", msg, tt.path, tt.problem)
			}
		})
	}
}

// TestParseSkipsMalformedCues checks the promise that one bad cue costs only itself, in every format.
func TestParseSkipsMalformedCues(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             []string
	}{
		{"SubRip", "a.srt", "1\n00:00:01,000 --> 00:00:02,000\nkept one\n\n2\n00:00:0x,000 --> 00:00:04,000\nbroken\n\n" +
			"3\n00:00:05,000 -->\nno end\n\n4\n00:00:06,000 --> 00:00:07,000\nkept two\n", []string{"kept one", "kept two"}},
		{"WebVTT", "a.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nkept one\n\n00:61.000 --> 00:62.000\nbroken\n\n" +
			"00:03.000 --> 00:04.000 region:undeclared\nkept two\n", []string{"kept one", "kept two"}},
		{"ASS", "a.ass", "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n" +
			"Dialogue: 0,0:00:01.00,0:00:02.00,Default,,,,,,kept one\nDialogue: 0,0:00:xx.00,0:00:04.00,Default,,0,0,0,,broken\n" +
			"Dialogue: 0,0:00:05.00\nDialogue: 0,0:00:06.00,0:00:07.00,Default,,0,0,0,,kept two\n", []string{"kept one", "kept two"}},
		{"SAMI", "a.smi", "<SAMI><BODY>\n<SYNC Start=1000><P>kept one\n<SYNC Start=abc><P>broken\n<SYNC Start=2000><P>kept two\n" +
			"<SYNC Start=3000><P>&nbsp;\n</BODY></SAMI>", []string{"kept one", "kept two"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cues, _, err := Parse([]byte(tt.data), tt.file)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cues {
				got = append(got, c.Text)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("texts (-want +got):\n%s", diff)
			}
		})
	}
}
