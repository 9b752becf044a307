package subtitles

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/langflix/langflix-operator/runner/failure"
)

func TestDecodeTestdata(t *testing.T) {
	tests := []struct {
		file, encoding, contains string
	}{
		{"sintel_en.srt", encUTF8, "This blade has a dark past."},
		{"exo_ssa_typical.ass", encUTF8, "[Script Info]"},
		{"ko_cp949.srt", encCP949, "똠얌꿍 먹으러 갈래?"},
		{"ko_cp949.smi", encCP949, "<SYNC Start=4000><P Class=KRCC><font color=\"#ffff00\">손이 꽉 찼어.</font>"},
		{"ko_utf16le_bom.srt", encUTF16LE, "지하철이 벌써 끊겼어."},
		{"ko_utf16be.srt", encUTF16BE, "다 읽으면 빌려줄래?"},
		{"ko_utf8_bom.vtt", encUTF8BOM, "NOTE 테스트용으로 직접 쓴 대사입니다."},
		{"fr_cp1252.srt", encWindows1252, "C’est l’heure du café, non ?"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(testdataDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			text, encoding, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if encoding != tt.encoding {
				t.Errorf("encoding = %q, want %q", encoding, tt.encoding)
			}
			if !strings.Contains(text, tt.contains) {
				t.Errorf("decoded text lacks %q:\n%s", tt.contains, text)
			}
			if strings.HasPrefix(text, "\uFEFF") {
				t.Error("byte-order mark kept in the text")
			}
		})
	}
}

func TestDecode(t *testing.T) {
	sintel, err := os.ReadFile(filepath.Join(testdataDir, "sintel_en.srt"))
	if err != nil {
		t.Fatal(err)
	}
	utf16le, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewEncoder().Bytes(sintel)
	if err != nil {
		t.Fatal(err)
	}
	utf16beBOM, err := xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewEncoder().Bytes(sintel)
	if err != nil {
		t.Fatal(err)
	}
	french, err := charmap.Windows1252.NewEncoder().String("À bientôt, Zoé ! Ça va ?\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		data     []byte
		text     string
		encoding string
	}{
		{"empty", nil, "", encUTF8},
		{"UTF-8 Korean without BOM", []byte("안녕하세요\n"), "안녕하세요\n", encUTF8},
		{"UTF-16LE without BOM", utf16le, string(sintel), encUTF16LE},
		{"UTF-16BE with BOM", utf16beBOM, string(sintel), encUTF16BE},
		{"UTF-8 BOM with a stray invalid byte", []byte("\xEF\xBB\xBFcaf\xE9\n"), "caf\uFFFD\n", encUTF8BOM},
		{"DOS end-of-file marker", []byte("1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n\x1A"),
			"1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n\x1A", encUTF8},
		// "À " and "é " are not valid CP949 pairs, so this stays Western.
		{"Windows-1252 French", []byte(french), "À bientôt, Zoé ! Ça va ?\n", encWindows1252},
		// Lowercase accented letters pair up as valid CP949 here but decode to Hanja, not Hangul.
		{"Windows-1252 that forms CP949 Hanja pairs", []byte("\xe9\xe9\xe0\xe0\n"), "ééàà\n", encWindows1252},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, encoding, err := Decode(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if text != tt.text {
				t.Errorf("text = %q, want %q", text, tt.text)
			}
			if encoding != tt.encoding {
				t.Errorf("encoding = %q, want %q", encoding, tt.encoding)
			}
		})
	}
}

func TestDecodeRejectsBinary(t *testing.T) {
	video, err := os.ReadFile(filepath.Join(testdataDir, "exo_sample_with_srt.mkv"))
	if err != nil {
		t.Fatal(err)
	}
	// The NUL pattern says UTF-16LE, but a lone high surrogate (D800 followed by "A") says it is not.
	brokenUTF16 := append(utf16LEUnits("00:00:01,000\n"), 0x00, 0xD8, 'A', 0)
	controls := []byte(strings.Repeat("ok\x01\x02\x03\x04\x05 ", 20))
	tests := []struct {
		name string
		data []byte
	}{
		{"Matroska video", video},
		{"PNG header", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")},
		{"valid UTF-8 with a NUL", []byte("Hello\x00world\n")},
		{"UTF-16LE-looking data with a lone surrogate", brokenUTF16},
		{"many control bytes", controls},
		{"UTF-16 with BOM whose text is NULs", []byte{0xFF, 0xFE, 0, 0, 0, 0, 'a', 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, encoding, err := Decode(tt.data)
			if !failure.IsInvalid(err) {
				t.Fatalf("Decode = %q, %q, %v; want an InvalidInput error", text, encoding, err)
			}
			if !strings.Contains(err.Error(), "undetectable encoding") {
				t.Errorf("error %q should say the encoding is undetectable", err)
			}
		})
	}
}

func TestUTF16ByNULs(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"little-endian ASCII", utf16LEUnits("00:00:01,000 --> 00:00:02,000\n"), encUTF16LE},
		{"big-endian ASCII", []byte{0, '1', 0, '\n', 0, '0', 0, '0'}, encUTF16BE},
		{"little-endian with a surrogate pair", append(utf16LEUnits("00:00:01,000\n"), 0x3D, 0xD8, 0x00, 0xDE), encUTF16LE},
		{"lone high surrogate", append(utf16LEUnits("00:00:01,000\n"), 0x00, 0xD8, 'A', 0), ""},
		{"lone low surrogate", append(utf16LEUnits("00:00:01,000\n"), 0x00, 0xDC), ""},
		{"odd length", append(utf16LEUnits("00:00:01,000\n"), 'x'), ""},
		{"NULs on both sides", bytes.Repeat([]byte{0, 0, 'a', 0}, 10), ""},
		{"8-bit text", []byte("plain text\n"), ""},
		{"too short", []byte{'a', 0}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := utf16ByNULs(tt.data); got != tt.want {
				t.Errorf("utf16ByNULs = %q, want %q", got, tt.want)
			}
		})
	}
}

// utf16LEUnits encodes ASCII text as UTF-16LE code units.
func utf16LEUnits(ascii string) []byte {
	var out []byte
	for i := 0; i < len(ascii); i++ {
		out = append(out, ascii[i], 0)
	}
	return out
}
