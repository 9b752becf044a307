package subtitles

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/korean"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/langflix/langflix-operator/runner/failure"
)

// Encoding names returned by Decode.
const (
	encUTF8        = "utf-8"
	encUTF8BOM     = "utf-8-bom"
	encUTF16LE     = "utf-16le"
	encUTF16BE     = "utf-16be"
	encCP949       = "cp949"
	encWindows1252 = "windows-1252"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// Decode converts bytes to UTF-8: UTF-8 with/without BOM, UTF-16 LE/BE (BOM or detected by NUL pattern),
// CP949/EUC-KR, Latin-1 (windows-1252). Returns the encoding name. Undetectable/binary data -> failure.Invalid.
//
// The names are "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "cp949" and "windows-1252". A byte-order mark
// is removed from the text.
func Decode(data []byte) (text string, encoding string, err error) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		// A BOM is a deliberate statement of the encoding; stray invalid bytes after it (files glued
		// together from several sources) become U+FFFD instead of failing the whole file.
		text, encoding = string(bytes.ToValidUTF8(data[len(bomUTF8):], []byte("\uFFFD"))), encUTF8BOM
	case bytes.HasPrefix(data, bomUTF16LE):
		text, encoding = decodeWith(xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM), data), encUTF16LE
	case bytes.HasPrefix(data, bomUTF16BE):
		text, encoding = decodeWith(xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM), data), encUTF16BE
	default:
		text, encoding, err = sniffEncoding(data)
	}
	if err != nil {
		return "", "", err
	}
	if looksBinary(text) {
		return "", "", errBinary
	}
	return text, encoding, nil
}

var errBinary = failure.Invalid("undetectable encoding: the data holds NUL or control bytes, so it is binary, not text")

// sniffEncoding guesses the encoding of data that has no byte-order mark.
func sniffEncoding(data []byte) (string, string, error) {
	switch utf16ByNULs(data) {
	case encUTF16LE:
		return decodeWith(xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), data), encUTF16LE, nil
	case encUTF16BE:
		return decodeWith(xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), data), encUTF16BE, nil
	}
	// Checked before the UTF-8 test because NUL and most control bytes are valid UTF-8.
	if looksBinary(string(data)) {
		return "", "", errBinary
	}
	if utf8.Valid(data) {
		return string(data), encUTF8, nil
	}
	if text, ok := decodeCP949(data); ok {
		return text, encCP949, nil
	}
	// Windows-1252 maps every byte, so it is the last resort for the remaining 8-bit files (Western
	// European subtitles written on Windows); it is a superset of the printable Latin-1 range.
	return decodeWith(charmap.Windows1252, data), encWindows1252, nil
}

// decodeWith decodes with an x/text encoding. Those decoders replace invalid input with U+FFFD instead of
// failing, which is the tolerance wanted here, so no error can come back.
func decodeWith(enc encoding.Encoding, data []byte) string {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		// Unreachable with the replacing decoders used here; keep the input readable rather than panic.
		return string(bytes.ToValidUTF8(data, []byte("\uFFFD")))
	}
	return string(out)
}

// utf16Probe is how much of the data the UTF-16 detection looks at; subtitle files start with timestamps
// and digits, so a few KiB always show the pattern.
const utf16Probe = 8 << 10

// utf16ByNULs detects UTF-16 without a BOM. Subtitle text is dominated by ASCII (timestamps, digits,
// punctuation, line breaks), and in UTF-16 every ASCII character has a NUL high byte: at odd offsets in
// little-endian, at even offsets in big-endian. Real 8-bit text has no NULs and binary data has them
// everywhere, so a one-sided pattern plus well-formed surrogates is a reliable sign. It returns encUTF16LE,
// encUTF16BE or "".
func utf16ByNULs(data []byte) string {
	n := min(len(data), utf16Probe) &^ 1
	if n < 4 {
		return ""
	}
	var evenNULs, oddNULs int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			evenNULs++
		}
		if data[i+1] == 0 {
			oddNULs++
		}
	}
	units := n / 2
	switch {
	case oddNULs*4 >= units && evenNULs*8 <= oddNULs && validUTF16(data, xunicode.LittleEndian):
		return encUTF16LE
	case evenNULs*4 >= units && oddNULs*8 <= evenNULs && validUTF16(data, xunicode.BigEndian):
		return encUTF16BE
	}
	return ""
}

// validUTF16 reports whether data is a well-formed UTF-16 sequence: even length, every high surrogate
// followed by a low one, no lone low surrogate.
func validUTF16(data []byte, order xunicode.Endianness) bool {
	if len(data)%2 != 0 {
		return false
	}
	unit := func(i int) uint16 {
		if order == xunicode.LittleEndian {
			return uint16(data[i]) | uint16(data[i+1])<<8
		}
		return uint16(data[i])<<8 | uint16(data[i+1])
	}
	for i := 0; i < len(data); i += 2 {
		u := unit(i)
		switch {
		case u >= 0xD800 && u < 0xDC00:
			if i+2 >= len(data) {
				return false
			}
			if next := unit(i + 2); next < 0xDC00 || next >= 0xE000 {
				return false
			}
			i += 2
		case u >= 0xDC00 && u < 0xE000:
			return false
		}
	}
	return true
}

// decodeCP949 decodes data as CP949 (the Windows superset of EUC-KR that x/text implements) and reports
// whether the result is plausibly Korean: every byte pair valid and at least half of the non-ASCII
// characters Hangul. Western 8-bit text sometimes forms valid pairs by accident, but those decode to Hanja or
// rare syllables mixed with failures, so the Hangul share keeps Windows-1252 files away from this path.
func decodeCP949(data []byte) (string, bool) {
	text := decodeWith(korean.EUCKR, data)
	var hangul, nonASCII int
	for _, r := range text {
		if r < utf8.RuneSelf {
			continue
		}
		if r == utf8.RuneError {
			return "", false
		}
		nonASCII++
		if unicode.Is(unicode.Hangul, r) {
			hangul++
		}
	}
	return text, hangul > 0 && hangul*2 >= nonASCII
}

// looksBinary reports whether text holds a NUL or more than 1% of control characters other than
// whitespace. Old DOS-era subtitle files sometimes end with a single ^Z (0x1A), which is tolerated.
func looksBinary(text string) bool {
	controls := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == 0:
			return true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1A:
			controls++
		}
	}
	return controls*100 > len(text)
}
