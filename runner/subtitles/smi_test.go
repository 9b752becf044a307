package subtitles

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadSMI(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Cue
	}{
		{"clear with nbsp and line break", "<SAMI><BODY>\n<SYNC Start=1000><P Class=KRCC>하나<br>둘\n<SYNC Start=2500><P Class=KRCC>&nbsp;\n</BODY></SAMI>",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 500), "하나 둘"}}},
		{"next SYNC ends the cue", "<SAMI><BODY><SYNC Start=1000><P Class=KRCC>one<SYNC Start=2000><P Class=KRCC>two<SYNC Start=3000><P Class=KRCC>&nbsp;</BODY></SAMI>",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "one"}, {0, at(0, 2, 0), at(0, 3, 0), "two"}}},
		{"last cue without a clear", "<SAMI><BODY><SYNC Start=1000><P>last</BODY></SAMI>",
			[]Cue{{0, at(0, 1, 0), at(0, 1, 0) + smiLastCueDuration, "last"}}},
		{"first class wins, other class alone does not clear", "<SAMI><BODY><SYNC Start=1000><P Class=ENCC>Hello<P Class=KRCC>안녕\n<SYNC Start=1500><P Class=KRCC>still here\n<SYNC Start=2000><P Class=ENCC>&nbsp;\n<SYNC Start=4000><P Class=ENCC>&nbsp;<P Class=KRCC>&nbsp;</BODY></SAMI>",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "Hello"}}},
		{"quoted attributes and lowercase tags", `<sami><body><sync start="1000"><p class="krcc">quoted<sync start='2000'><p class='krcc'>&nbsp;</body></sami>`,
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "quoted"}}},
		{"SYNC without P", "<SAMI><BODY><SYNC Start=1000>bare text<SYNC Start=2000>&nbsp;</BODY></SAMI>",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "bare text"}}},
		{"unsorted SYNCs", "<SAMI><BODY><SYNC Start=3000><P>&nbsp;<SYNC Start=2000><P>second<SYNC Start=1000><P>first</BODY></SAMI>",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "first"}, {0, at(0, 2, 0), at(0, 3, 0), "second"}}},
		{"same time: the later SYNC wins", "<SAMI><BODY><SYNC Start=1000><P>typo<SYNC Start=1000><P>fixed<SYNC Start=2000><P>&nbsp;</BODY></SAMI>",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "fixed"}}},
		{"commented-out SYNC and text after BODY ignored", "<SAMI><BODY><!-- <SYNC Start=500><P>hidden --><SYNC Start=1000><P>shown<SYNC Start=2000><P>&nbsp;</BODY><SYNC Start=3000><P>after</SAMI>",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "shown"}}},
		{"SYNC without Start skipped", "<SAMI><BODY><SYNC><P>no time<SYNC Start=1000><P>timed<SYNC Start=2000><P>&nbsp;</BODY></SAMI>",
			[]Cue{{0, at(0, 1, 0), at(0, 2, 0), "timed"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, readSMI(tt.text)); diff != "" {
				t.Errorf("readSMI (-want +got):\n%s", diff)
			}
		})
	}
}
