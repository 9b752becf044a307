package subtitles

import "testing"

func TestDetectFormat(t *testing.T) {
	const srt = "1\n00:00:01,000 --> 00:00:02,000\nHi\n"
	tests := []struct {
		name, text, file string
		want             Format
		ok               bool
	}{
		{"SubRip", srt, "a.srt", FormatSRT, true},
		{"SubRip named .txt", srt, "a.txt", FormatSRT, true},
		{"SubRip named .ass", srt, "a.ass", FormatSRT, true},
		{"WebVTT header wins over the name", "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n", "a.srt", FormatVTT, true},
		{"WebVTT without header named .vtt", "00:01.000 --> 00:02.000\nHi\n", "a.vtt", FormatVTT, true},
		{"short timestamps without a name", "00:01.000 --> 00:02.000\nHi\n", "", FormatSRT, true},
		{"ASS", "[Script Info]\nTitle: x\n\n[Events]\n", "a.txt", FormatASS, true},
		{"ASS section in lower case", "\n[events]\nDialogue: 0,0:00:01.00,0:00:02.00,,,0,0,0,,x\n", "", FormatASS, true},
		{"ASS dialogue lines only", "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,x\n", "", FormatASS, true},
		{"SAMI", "<SAMI>\n<BODY>\n<SYNC Start=0><P>x\n", "a.txt", FormatSMI, true},
		{"SAMI without the SAMI tag", "  <BODY><SYNC Start=0><P>x\n", "", FormatSMI, true},
		{"SubRip quoting a SYNC tag stays SubRip", "1\n00:00:01,000 --> 00:00:02,000\n<sync> is a word\n", "", FormatSRT, true},
		{"extension decides when content does not", "nothing recognisable", "a.smi", FormatSMI, true},
		{"unknown", "nothing recognisable", "a.txt", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := detectFormat(tt.text, tt.file)
			if got != tt.want || ok != tt.ok {
				t.Errorf("detectFormat = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
