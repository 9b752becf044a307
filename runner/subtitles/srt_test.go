package subtitles

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadSRT(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Cue
	}{
		{"CRLF with counters", "1\r\n00:00:01,000 --> 00:00:02,000\r\nOne\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nTwo\r\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}, {0, at(0, 3, 0), at(0, 4, 0), "Two"}}},
		{"lone CR line endings", "1\r00:00:01,000 --> 00:00:02,000\rOne\r\r2\r00:00:03,000 --> 00:00:04,000\rTwo\r",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}, {0, at(0, 3, 0), at(0, 4, 0), "Two"}}},
		{"no blank lines between cues", "1\n00:00:01,000 --> 00:00:02,000\nOne\n2\n00:00:03,000 --> 00:00:04,000\nTwo",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}, {0, at(0, 3, 0), at(0, 4, 0), "Two"}}},
		{"blank line inside a cue", "1\n00:00:01,000 --> 00:00:02,000\nfirst part\n\nsecond part\n\n2\n00:00:03,000 --> 00:00:04,000\nTwo\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "first part second part"}, {0, at(0, 3, 0), at(0, 4, 0), "Two"}}},
		{"number as dialogue is kept", "1\n00:00:01,000 --> 00:00:02,000\nThe year was\n1984\n\n2\n00:00:03,000 --> 00:00:04,000\nTwo\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "The year was 1984"}, {0, at(0, 3, 0), at(0, 4, 0), "Two"}}},
		{"no counters, dot separators, coordinates", "00:00:01.000 --> 00:00:02.000 X1:1 X2:2 Y1:3 Y2:4\nOne\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}}},
		{"malformed timing skips its text only", "1\n00:00:01,000 --> 00:00:02,000\nOne\n\n2\n00:00:03,000 --> 00:0x:04,000\nlost\nlost too\n\n3\n00:00:05,000 --> 00:00:06,000\nThree\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}, {0, at(0, 5, 0), at(0, 6, 0), "Three"}}},
		{"arrow in dialogue is text", "1\n00:00:01,000 --> 00:00:02,000\nGo --> there\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "Go --> there"}}},
		{"markup and override blocks", "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Hello</i> <b>world</b>\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "Hello world"}}},
		{"text before the first cue ignored", "Subtitles by nobody\n\n1\n00:00:01,000 --> 00:00:02,000\nOne\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}}},
		{"empty cue dropped", "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\nTwo\n",
			[]Cue{{0, at(0, 3, 0), at(0, 4, 0), "Two"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, readSRT(tt.text)); diff != "" {
				t.Errorf("readSRT (-want +got):\n%s", diff)
			}
		})
	}
}
