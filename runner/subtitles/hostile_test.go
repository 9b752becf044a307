package subtitles

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/korean"
	xunicode "golang.org/x/text/encoding/unicode"
)

// hostileInput is a file shape built to hit one worst path of Decode, a reader, cleanText or normalize with
// as much work per byte as the format allows. Each shape scales to any size, so the tests can check the
// result at a moderate size and BenchmarkParseHostile can show that the cost per byte stays flat up to the
// sizes Parse accepts.
type hostileInput struct {
	name  string // sub-test and sub-benchmark name
	file  string // file name handed to Parse; its extension is only a hint
	build func(size int) (data []byte, units int)
	// check verifies what Parse returned for an input build made with n repeated units.
	check func(cues []Cue, format Format, n int) error
}

// repeatUnits writes head, then unit(0), unit(1), ... until at least size bytes are written, then tail. It
// returns the data and the number of units.
func repeatUnits(size int, head string, unit func(i int) string, tail string) ([]byte, int) {
	var b bytes.Buffer
	b.Grow(size + len(tail) + 256)
	b.WriteString(head)
	n := 0
	for b.Len() < size {
		b.WriteString(unit(n))
		n++
	}
	b.WriteString(tail)
	return b.Bytes(), n
}

// clock formats d as hh:mm:ss plus milliseconds after sep: "," for SubRip, "." for WebVTT and SSA/ASS
// (whose readers accept three fraction digits).
func clock(d time.Duration, sep string) string {
	return fmt.Sprintf("%02d:%02d:%02d%s%03d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60, sep,
		d.Milliseconds()%1000)
}

var hostileInputs = []hostileInput{
	{
		// The most cues per byte: one-millisecond cues back to back, so normalize sorts and checks a
		// couple of hundred thousand cues at 8 MiB.
		name: "srt_tiny_cues", file: "x.srt",
		build: func(size int) ([]byte, int) {
			return repeatUnits(size, "", srtTinyCue, "")
		},
		check: func(cues []Cue, format Format, n int) error {
			if err := wantFormatAndCount(cues, format, FormatSRT, n); err != nil {
				return err
			}
			return wantCuesEqual(cues, func(i int) Cue {
				return Cue{i, time.Duration(i) * time.Millisecond, time.Duration(i+1) * time.Millisecond, fmt.Sprint("x", i)}
			})
		},
	},
	{
		// Every cue starts at the same time with its own text: normalize merges all of them into one cue,
		// the path that is quadratic when each merge re-concatenates or re-searches the merged text.
		name: "srt_same_start_merge", file: "x.srt",
		build: func(size int) ([]byte, int) {
			return repeatUnits(size, "", srtSameStartCue, "")
		},
		check: func(cues []Cue, format Format, n int) error {
			if err := wantFormatAndCount(cues, format, FormatSRT, 1); err != nil {
				return err
			}
			// Sorted by (start, end) with a stable sort: ends cycle through 1000 values, so the texts
			// come out grouped by end, in file order within a group.
			var want []string
			for end := range 1000 {
				for i := end; i < n; i += 1000 {
					want = append(want, fmt.Sprint("w", i))
				}
			}
			c := cues[0]
			if c.Start != time.Second || c.End != 2*time.Second+999*time.Millisecond {
				return fmt.Errorf("merged cue spans %v-%v, want 1s-2.999s", c.Start, c.End)
			}
			if c.Text != strings.Join(want, " ") {
				return fmt.Errorf("merged text has %d words, want the %d texts once each in sort order",
					len(strings.Fields(c.Text)), n)
			}
			return nil
		},
	},
	{
		// One cue whose only line is markup from end to end, closed and unclosed tags, override blocks,
		// ruby and entities: every cleanText pass has a match to replace every few bytes.
		name: "srt_markup_line", file: "x.srt",
		build: func(size int) ([]byte, int) {
			return repeatUnits(size, "1\n00:00:01,000 --> 00:00:02,000\n", func(int) string { return markupUnit }, "\n")
		},
		check: func(cues []Cue, format Format, n int) error {
			if err := wantFormatAndCount(cues, format, FormatSRT, 1); err != nil {
				return err
			}
			return wantText(cues[0].Text, strings.TrimSpace(strings.Repeat(markupUnitText, n)))
		},
	},
	{
		// One line of openers that never close ("<a", "<rt", "{\", "&#x", "<!--"): a matcher that restarts
		// its search from every opener and scans to the end of the line each time is quadratic here.
		name: "srt_unclosed_openers", file: "x.srt",
		build: func(size int) ([]byte, int) {
			return repeatUnits(size, "1\n00:00:01,000 --> 00:00:02,000\n", func(int) string { return unclosedUnit }, "\n")
		},
		check: func(cues []Cue, format Format, n int) error {
			if err := wantFormatAndCount(cues, format, FormatSRT, 1); err != nil {
				return err
			}
			return wantText(cues[0].Text, strings.TrimSpace(strings.Repeat(unclosedUnit, n)))
		},
	},
	{
		// A WebVTT file without a single blank line: one block holding every cue, with a NOTE-like line
		// and a cue identifier between timing lines.
		name: "vtt_one_block", file: "x.vtt",
		build: func(size int) ([]byte, int) {
			return repeatUnits(size, "WEBVTT\n", vttBlocklessCue, "")
		},
		check: func(cues []Cue, format Format, n int) error {
			if err := wantFormatAndCount(cues, format, FormatVTT, n); err != nil {
				return err
			}
			return wantCuesEqual(cues, func(i int) Cue {
				return Cue{i, time.Duration(i) * time.Second, time.Duration(i)*time.Second + 500*time.Millisecond,
					fmt.Sprintf("line %d NOTE %d id%d", i, i, i+1)}
			})
		},
	},
	{
		// Dialogue lines full of override blocks that toggle drawing mode, under a Format line with many
		// unused fields, so every line is split into many fields.
		name: "ass_override_blocks", file: "x.ass",
		build: func(size int) ([]byte, int) {
			head := "[Events]\nFormat: Layer, Start, End" + strings.Repeat(", Unused", 500) + ", Text\n"
			return repeatUnits(size, head, assBlockDialogue, "")
		},
		check: func(cues []Cue, format Format, n int) error {
			if err := wantFormatAndCount(cues, format, FormatASS, n); err != nil {
				return err
			}
			return wantCuesEqual(cues, func(i int) Cue {
				return Cue{i, time.Duration(i) * time.Second, time.Duration(i)*time.Second + 500*time.Millisecond,
					strings.TrimSpace(strings.Repeat("say ", assBlocksPerLine))}
			})
		},
	},
	{
		// Bilingual SAMI, one SYNC per line: the chosen class is read, the other one skipped.
		name: "smi_many_syncs", file: "x.smi",
		build: func(size int) ([]byte, int) {
			return repeatUnits(size, "<SAMI><BODY>\n", smiSyncUnit, "</BODY></SAMI>\n")
		},
		check: func(cues []Cue, format Format, n int) error {
			if err := wantFormatAndCount(cues, format, FormatSMI, n); err != nil {
				return err
			}
			return wantCuesEqual(cues, func(i int) Cue {
				end := time.Duration(i+1) * time.Second
				if i == n-1 {
					end = time.Duration(i)*time.Second + smiLastCueDuration
				}
				return Cue{i, time.Duration(i) * time.Second, end, fmt.Sprint("ko ", i)}
			})
		},
	},
	{
		// SAMI whose comment and SYNC tags never close, followed by one real cue: the first "<SYNC" swallows
		// everything up to the last ">" as its attributes.
		name: "smi_unclosed_tags", file: "x.smi",
		build: func(size int) ([]byte, int) {
			return repeatUnits(size, "<SAMI><BODY><!--", func(int) string { return "<SYNC Start=9 <P Class=x <!-- " },
				"<SYNC Start=1000><P>last</BODY></SAMI>")
		},
		check: func(cues []Cue, format Format, _ int) error {
			if err := wantFormatAndCount(cues, format, FormatSMI, 1); err != nil {
				return err
			}
			return wantCuesEqual(cues, func(int) Cue { return Cue{0, 9 * time.Millisecond, 9*time.Millisecond + smiLastCueDuration, "last"} })
		},
	},
	{
		// CP949 without a BOM: UTF-8 validation fails at the first Hangul byte and the whole file is
		// decoded as CP949 and then scanned for its share of Hangul.
		name: "cp949_korean", file: "x.srt",
		build: func(size int) ([]byte, int) {
			data, n := repeatUnits(size, "", koreanCue, "")
			return mustEncode(korean.EUCKR.NewEncoder(), data), n
		},
		check: func(cues []Cue, format Format, n int) error {
			if err := wantFormatAndCount(cues, format, FormatSRT, n); err != nil {
				return err
			}
			return wantCuesEqual(cues, func(i int) Cue {
				return Cue{i, time.Duration(i) * time.Second, time.Duration(i)*time.Second + 500*time.Millisecond, fmt.Sprint("안녕 ", i)}
			})
		},
	},
	{
		// ASCII up to one Windows-1252 byte at the very end that CP949 rejects: the text is scanned as
		// UTF-8, decoded as CP949 and decoded again as Windows-1252, the most decoding work per byte.
		name: "cp1252_last_byte", file: "x.srt",
		build: func(size int) ([]byte, int) {
			return repeatUnits(size, "", srtTinyCue, "0\n99:00:00,000 --> 99:00:01,000\ncaf\xe9\n")
		},
		check: func(cues []Cue, format Format, n int) error {
			if err := wantFormatAndCount(cues, format, FormatSRT, n+1); err != nil {
				return err
			}
			return wantCuesEqual(cues, func(i int) Cue {
				if i == n {
					return Cue{i, 99 * time.Hour, 99*time.Hour + time.Second, "café"}
				}
				return Cue{i, time.Duration(i) * time.Millisecond, time.Duration(i+1) * time.Millisecond, fmt.Sprint("x", i)}
			})
		},
	},
	{
		// UTF-16LE without a BOM, detected from the NUL bytes and decoded.
		name: "utf16le_no_bom", file: "x.srt",
		build: func(size int) ([]byte, int) {
			data, n := repeatUnits(size/2, "", srtTinyCue, "")
			return mustEncode(xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewEncoder(), data), n
		},
		check: func(cues []Cue, format Format, n int) error {
			if err := wantFormatAndCount(cues, format, FormatSRT, n); err != nil {
				return err
			}
			return wantCuesEqual(cues, func(i int) Cue {
				return Cue{i, time.Duration(i) * time.Millisecond, time.Duration(i+1) * time.Millisecond, fmt.Sprint("x", i)}
			})
		},
	},
}

// TestParseHostile checks that Parse reads each hostile shape correctly at 1 MiB, more than ten times a
// feature film's subtitles. How fast it does so is BenchmarkParseHostile's concern.
func TestParseHostile(t *testing.T) {
	const size = 1 << 20
	for _, h := range hostileInputs {
		t.Run(h.name, func(t *testing.T) {
			data, n := h.build(size)
			cues, format, err := Parse(data, h.file)
			if err != nil {
				t.Fatal(err)
			}
			if err := h.check(cues, format, n); err != nil {
				t.Error(err)
			}
		})
	}
}

func srtTinyCue(i int) string {
	t := time.Duration(i) * time.Millisecond
	return fmt.Sprintf("%d\n%s --> %s\nx%d\n\n", i+1, clock(t, ","), clock(t+time.Millisecond, ","), i)
}

func srtSameStartCue(i int) string {
	return fmt.Sprintf("00:00:01,000 --> %s\nw%d\n", clock(2*time.Second+time.Duration(i%1000)*time.Millisecond, ","), i)
}

const (
	markupUnit     = `<i><b>{\an8}<font color="#ff0000">a&amp;b</font></b></i><ruby>漢<rt>かん</rt></ruby><br/><00:01.500><c.red>x</c> `
	markupUnitText = "a&b漢 x "
	unclosedUnit   = `<a <rt {\ &#x <!-- < `
)

func vttBlocklessCue(i int) string {
	t := time.Duration(i) * time.Second
	return fmt.Sprintf("%s --> %s align:start\nline %d\nNOTE %d\nid%d\n", clock(t, "."), clock(t+500*time.Millisecond, "."), i, i, i+1)
}

// assBlocksPerLine is how many drawing/text pairs each hostile Dialogue line holds.
const assBlocksPerLine = 20

func assBlockDialogue(i int) string {
	t := time.Duration(i) * time.Second
	return fmt.Sprintf("Dialogue: 0,%s,%s,%s%s\n", clock(t, "."), clock(t+500*time.Millisecond, "."),
		strings.Repeat(",", 500), strings.Repeat(`{\p1}m 0 0 l 9 9{\p0\i1}say {comment}`, assBlocksPerLine))
}

func smiSyncUnit(i int) string {
	return fmt.Sprintf("<SYNC Start=%d><P Class=KRCC>ko<br>%d\n<P Class=ENCC>en %d\n", i*1000, i, i)
}

func koreanCue(i int) string {
	t := time.Duration(i) * time.Second
	return fmt.Sprintf("%d\r\n%s --> %s\r\n안녕 %d\r\n\r\n", i+1, clock(t, ","), clock(t+500*time.Millisecond, ","), i)
}

// mustEncode encodes generated UTF-8 test text, which every encoder used here can represent.
func mustEncode(enc *encoding.Encoder, data []byte) []byte {
	out, err := enc.Bytes(data)
	if err != nil {
		panic(err)
	}
	return out
}

func wantFormatAndCount(cues []Cue, format, wantFormat Format, wantCount int) error {
	if format != wantFormat {
		return fmt.Errorf("format %q, want %q", format, wantFormat)
	}
	if len(cues) != wantCount {
		return fmt.Errorf("%d cues, want %d", len(cues), wantCount)
	}
	return nil
}

// wantCuesEqual compares every cue with want(i) and reports the first difference.
func wantCuesEqual(cues []Cue, want func(i int) Cue) error {
	for i, c := range cues {
		if w := want(i); c != w {
			return fmt.Errorf("cue %d = %+v, want %+v", i, c, w)
		}
	}
	return nil
}

func wantText(got, want string) error {
	if got != want {
		return fmt.Errorf("text differs: %d bytes, want %d (starts %.60q, want %.60q)", len(got), len(want), got, want)
	}
	return nil
}
