package subtitles

import "testing"

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"plain", "Hello there.", "Hello there."},
		{"two lines joined", "You're a fool for traveling alone,\nso completely unprepared.", "You're a fool for traveling alone, so completely unprepared."},
		{"italic", "This is the <i>first</i> subtitle.", "This is the first subtitle."},
		{"space between tags kept", "<i>Hello</i> <b>world</b>", "Hello world"},
		{"tag inside a word", "Hel<i>lo</i>", "Hello"},
		{"misnested", "This is the <b><i>second</b></i> subtitle.", "This is the second subtitle."},
		{"WebVTT class", "This is the <c.red.caps>third</c> subtitle.", "This is the third subtitle."},
		{"WebVTT voice", "<v Roger Bingham>We are in New York City", "We are in New York City"},
		{"WebVTT karaoke timestamps", "Never <00:00:01.500>drink <00:01.900>liquid", "Never drink liquid"},
		{"ruby annotation", "<ruby>漢字<rt>かんじ</rt></ruby>を読む", "漢字を読む"},
		{"font with attributes", `<font color="#ff0000" face="Arial">red</font> text`, "red text"},
		{"tags across lines", "<i>one\ntwo</i>", "one two"},
		{"entities", "This is the &lt;fourth&gt; &amp;subtitle.", "This is the <fourth> &subtitle."},
		{"escaped tag stays text", "&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>"},
		{"entity decoded once", "&amp;lt;", "&lt;"},
		{"numeric entities", "&#39;quoted&#39; &#x41;", "'quoted' A"},
		{"non-breaking space", "a&nbsp;b\u00a0c", "a b c"},
		{"line break tags", "one<br>two<BR/>three<br />four", "one two three four"},
		{"ASS override block", `{\an8}Top line`, "Top line"},
		{"ASS line breaks", `first\Nsecond\nthird`, "first second third"},
		{"ASS hard space", `a\hb`, "a b"},
		{"braces without backslash stay", "{laughs} okay", "{laughs} okay"},
		{"less-than in text", "I <3 you, a < b > c", "I <3 you, a < b > c"},
		{"whitespace collapsed", "  lots \t of\r\n\n  space  ", "lots of space"},
		{"invisible characters", "zero\u200bwidth\u200e mark\ufeff", "zerowidth mark"},
		{"control characters", "bell\x07 here", "bell here"},
		{"speaker dashes stay", "- Hi.\n- Hello.", "- Hi. - Hello."},
		{"only markup", "<i></i> {\\i1}{\\i0} &nbsp;", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanText(tt.raw); got != tt.want {
				t.Errorf("cleanText(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestIsBlank(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"", true},
		{" \r\n\t\u00a0\ufeff\x1a", true},
		{" x ", false},
		{"가", false},
	}
	for _, tt := range tests {
		if got := isBlank(tt.text); got != tt.want {
			t.Errorf("isBlank(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
