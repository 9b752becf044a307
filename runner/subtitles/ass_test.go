package subtitles

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const assEventsHeader = "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"

func TestReadASS(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Cue
	}{
		{"comma in text and style with a space", "[Events]\nFormat: Layer, Start, End, Style, Name, Text\nDialogue: 0,0:00:01.00,0:00:02.50,Default ,Olly,Well, well, well.\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 500), "Well, well, well."}}},
		{"override, comment and line breaks", assEventsHeader + `Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\i1}Hi{\i0}{a comment} there\Nfriend\h!` + "\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "Hi there friend !"}}},
		{"comment lines and other sections ignored", "[Script Info]\nTitle: Dialogue: not an event\n\n[V4+ Styles]\nFormat: Name, Fontname\nStyle: Default,Arial\n\n" +
			assEventsHeader + "Comment: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,hidden\nDialogue: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,shown\n\n[Fonts]\nDialogue: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,not events\n",
			[]Cue{{0, at(0, 3, 0), at(0, 4, 0), "shown"}}},
		{"reordered format", "[Events]\nFormat: Start, End, Text\nDialogue: 0:00:01.00,0:00:02.00,short, sweet\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "short, sweet"}}},
		{"SSA v4 with Marked", "[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\nDialogue: Marked=0,0:00:01.00,0:00:02.00,*Default,NTP,0000,0000,0000,!Effect,old style\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "old style"}}},
		{"no format line", "[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,default format\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "default format"}}},
		{"no section headers", "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,bare\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "bare"}}},
		{"format with text not last is ignored", "[Events]\nFormat: Text, Start, End\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,default kept\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "default kept"}}},
		{"drawing commands dropped", assEventsHeader + `Dialogue: 0,0:00:01.00,0:00:02.00,Sign,,0,0,0,,{\pos(10,10)}Sign {\p1}m 0 0 l 100 0 100 100{\p0}text` + "\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "Sign text"}}},
		{"drawing-only event dropped", assEventsHeader + `Dialogue: 0,0:00:01.00,0:00:02.00,Sign,,0,0,0,,{\p2}m 0 0 l 10 10` + "\n", nil},
		{"unclosed brace kept as text", assEventsHeader + "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,a { b\n",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "a { b"}}},
		{"malformed events skipped", assEventsHeader + "Dialogue: 0,0:00:01.00\nDialogue: 0,1:2:3:4:5,0:00:02.00,Default,,0,0,0,,bad\nDialogue: 0,0:00:03.00,0:00:04.00,Default,,,,,,empty margins\n",
			[]Cue{{0, at(0, 3, 0), at(0, 4, 0), "empty margins"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, readASS(tt.text)); diff != "" {
				t.Errorf("readASS (-want +got):\n%s", diff)
			}
		})
	}
}
