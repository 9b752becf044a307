package subtitles

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/korean"
	xunicode "golang.org/x/text/encoding/unicode"
)

// regenTestdata rewrites the written-for-the-tests subtitle files from the sources below:
//
//	go test ./runner/subtitles/ -run TestWrittenTestdata -regen-testdata
//
// Without it, TestWrittenTestdata checks that the committed bytes are exactly what the sources encode to,
// so the files and their documented content cannot drift apart.
var regenTestdata = flag.Bool("regen-testdata", false, "rewrite the written-for-the-tests files in testdata/")

// writtenFile is a subtitle file written for these tests (short original lines, not from any film), kept
// as UTF-8 source here and committed in its target encoding.
type writtenFile struct {
	name     string
	encoding encoding.Encoding // nil for UTF-8
	bom      []byte            // prepended after encoding, as editors do
	crlf     bool
	source   string
}

var writtenFiles = []writtenFile{
	{
		// CP949 as saved by Korean Windows editors, CRLF. "똠" is outside the 2,350 KS X 1001 syllables,
		// so reading it needs the CP949 extension, not plain EUC-KR.
		name: "ko_cp949.srt", encoding: korean.EUCKR, crlf: true, source: `1
00:00:01,000 --> 00:00:03,200
오늘은 비가 올 것 같아.

2
00:00:03,500 --> 00:00:06,000
우산을 챙겨 갈게.
<i>너도 하나 가져가.</i>

3
00:00:06,400 --> 00:00:08,900
똠얌꿍 먹으러 갈래?

4
00:00:09,100 --> 00:00:11,000
좋아, 내가 살게!
`,
	},
	{
		name: "ko_utf16le_bom.srt", encoding: xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM),
		bom: []byte{0xFF, 0xFE}, crlf: true, source: `1
00:00:02,000 --> 00:00:04,500
지하철이 벌써 끊겼어.

2
00:00:04,800 --> 00:00:07,000
- 택시 타자.
- 그래, 그게 낫겠다.

3
00:00:07,200 --> 00:00:09,000
<font color="#ffff00">집에 도착하면 문자해.</font>
`,
	},
	{
		// No BOM: the encoding must be recognised from the NUL bytes.
		name: "ko_utf16be.srt", encoding: xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), source: `1
00:01:00,000 --> 00:01:02,500
이 책 정말 재미있더라.

2
00:01:03,000 --> 00:01:05,000
다 읽으면 빌려줄래?
`,
	},
	{
		name: "ko_utf8_bom.vtt", bom: []byte{0xEF, 0xBB, 0xBF}, source: `WEBVTT
Kind: captions
Language: ko

NOTE 테스트용으로 직접 쓴 대사입니다.
주석은 여러 줄일 수 있습니다.

intro
00:00.500 --> 00:02.000 align:center
<v 민지>안녕, 오랜만이야!</v>

00:02.300 --> 00:04.000 line:90%
<v 준호>정말 반가워.
<b>잘 지냈어?</b>

00:04.500 --> 00:06.000
&lt;문자&gt; 왔어 &amp; 확인해 봐.

00:06.200 --> 00:08.000
<ruby>漢字<rt>한자</rt></ruby> 공부는 어때?
`,
	},
	{
		// Bilingual SAMI in CP949, CRLF: KRCC comes first and is the track read. The ENCC-only SYNCs at the
		// same times must not clear it.
		name: "ko_cp949.smi", encoding: korean.EUCKR, crlf: true, source: `<SAMI>
<HEAD>
<TITLE>테스트 자막</TITLE>
<STYLE TYPE="text/css">
<!--
P { margin-left:8pt; margin-right:8pt; text-align:center; }
.KRCC { Name:한국어; lang:ko-KR; SAMIType:CC; }
.ENCC { Name:English; lang:en-US; SAMIType:CC; }
-->
</STYLE>
</HEAD>
<BODY>
<SYNC Start=1000><P Class=KRCC>문 좀 열어 줄래?
<SYNC Start=1000><P Class=ENCC>Could you open the door?
<SYNC Start=3500><P Class=KRCC>&nbsp;
<SYNC Start=3500><P Class=ENCC>&nbsp;
<SYNC Start=4000><P Class=KRCC><font color="#ffff00">손이 꽉 찼어.</font><br>미안해.
<P Class=ENCC>My hands are full.<br>Sorry.
<SYNC Start=7000><P Class=KRCC>괜찮아, 내가 할게.
<P Class=ENCC>It's fine, I'll do it.
<SYNC Start=9000><P Class=KRCC>&nbsp;
<P Class=ENCC>&nbsp;
</BODY>
</SAMI>
`,
	},
	{
		// Windows-1252: "’" is 0x92, which ISO-8859-1 does not have.
		name: "fr_cp1252.srt", encoding: charmap.Windows1252, crlf: true, source: `1
00:00:01,000 --> 00:00:03,000
Il fait déjà nuit à Montréal.

2
00:00:03,500 --> 00:00:05,000
C’est l’heure du café, non ?
`,
	},
}

// bytes encodes the source the way the committed file is stored.
func (w writtenFile) bytes(t *testing.T) []byte {
	t.Helper()
	text := w.source
	if w.crlf {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	data := []byte(text)
	if w.encoding != nil {
		var err error
		if data, err = w.encoding.NewEncoder().Bytes(data); err != nil {
			t.Fatalf("%s: encode: %v", w.name, err)
		}
	}
	return append(append([]byte(nil), w.bom...), data...)
}

func TestWrittenTestdata(t *testing.T) {
	for _, w := range writtenFiles {
		path := filepath.Join(testdataDir, w.name)
		want := w.bytes(t)
		if *regenTestdata {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -regen-testdata to write it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from its source in writtenFiles (run with -regen-testdata)", w.name)
		}
	}
}
