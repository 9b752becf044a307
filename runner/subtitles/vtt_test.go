package subtitles

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadVTT(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Cue
	}{
		{"header metadata and identifiers", "WEBVTT - a title\nKind: captions\nX-TIMESTAMP-MAP=LOCAL:00:00:00.000,MPEGTS:0\n\nintro\n00:01.000 --> 00:02.000\nOne\n\n2\n00:03.000 --> 00:04.000\nTwo\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}, {0, at(0, 3, 0), at(0, 4, 0), "Two"}}},
		{"comment, style and region blocks", "WEBVTT\n\nNOTE spans\ntwo lines\n\nNOTE\n00:09.000 --> 00:10.000 looks like a cue\n\nSTYLE\n::cue { color: red }\n\nREGION\nid:r1 width:40%\n\n00:01.000 --> 00:02.000 region:r1\nOne\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}}},
		{"cue text ends at a blank line", "WEBVTT\n\n00:01.000 --> 00:02.000\nOne\n\nstray text\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}}},
		{"first cue without a blank line after the header", "WEBVTT\n00:01.000 --> 00:02.000\nOne\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}}},
		{"missing blank line between cues", "WEBVTT\n\n00:01.000 --> 00:02.000\nOne\n00:03.000 --> 00:04.000\nTwo\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}, {0, at(0, 3, 0), at(0, 4, 0), "Two"}}},
		{"no header", "00:01.000 --> 00:02.000\nOne\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}}},
		{"bad timing skips that cue", "WEBVTT\n\n00:01.000 --> 00:02.000\nOne\n\n00:01.000 --> \nlost\n\n00:03.000 --> 00:04.000\nTwo\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}, {0, at(0, 3, 0), at(0, 4, 0), "Two"}}},
		{"word starting with NOTE is a cue identifier", "WEBVTT\n\nNOTES\n00:01.000 --> 00:02.000\nOne\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "One"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, readVTT(tt.text)); diff != "" {
				t.Errorf("readVTT (-want +got):\n%s", diff)
			}
		})
	}
}
