package subtitles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/langflix/langflix-operator/runner/failure"
)

// fuzzSeedLimit keeps large subtitle files out of the seed corpus: every fuzz run and every minimization
// step (quadratic in the input size, see fuzzMinimizeTime) costs more with them, and the small files already
// exercise every reader and encoding.
const fuzzSeedLimit = 16 << 10

// addTestdataSeeds seeds the corpus with the subtitle files of testdata (recognised by extension), not with
// the videos or SOURCES.md.
func addTestdataSeeds(f *testing.F, add func(data []byte, name string)) {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join(testdataDir, "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range paths {
		if formatFromExtension(path) == "" {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) <= fuzzSeedLimit {
			add(data, filepath.Base(path))
		}
	}
}

// FuzzDecode checks that Decode never panics and returns either an InvalidInput error or valid UTF-8 text
// without NULs under one of its documented encoding names.
func FuzzDecode(f *testing.F) {
	addTestdataSeeds(f, func(data []byte, _ string) { f.Add(data) })
	f.Add([]byte{0xFF, 0xFE, 0x00})
	f.Add([]byte{0x00, 0xD8, 0x00, 0xDC})
	f.Fuzz(func(t *testing.T, data []byte) {
		text, encoding, err := Decode(data)
		if err != nil {
			if !failure.IsInvalid(err) {
				t.Fatalf("error %v is not InvalidInput", err)
			}
			return
		}
		switch encoding {
		case encUTF8, encUTF8BOM, encUTF16LE, encUTF16BE, encCP949, encWindows1252:
		default:
			t.Fatalf("undocumented encoding name %q", encoding)
		}
		if !utf8.ValidString(text) {
			t.Fatalf("text is not valid UTF-8: %q", text)
		}
		if strings.ContainsRune(text, 0) {
			t.Fatalf("text holds a NUL: %q", text)
		}
	})
}

// FuzzParse checks that Parse never panics and that whatever it returns keeps its promises: InvalidInput
// errors only, and otherwise at least one cue, sorted, without overlaps, with positive durations, 0-based
// indexes and clean single-line text.
func FuzzParse(f *testing.F) {
	addTestdataSeeds(f, func(data []byte, name string) { f.Add(data, name) })
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		cues, format, err := Parse(data, name)
		if err != nil {
			if !failure.IsInvalid(err) {
				t.Fatalf("error %v is not InvalidInput", err)
			}
			return
		}
		if _, ok := readers[format]; !ok {
			t.Fatalf("unknown format %q", format)
		}
		if len(cues) == 0 {
			t.Fatal("no cues and no error")
		}
		for i, c := range cues {
			if c.Index != i {
				t.Fatalf("cue %d has index %d", i, c.Index)
			}
			if c.Start < 0 || c.End <= c.Start {
				t.Fatalf("cue %d has times %v-%v", i, c.Start, c.End)
			}
			if i > 0 && cues[i-1].End > c.Start {
				t.Fatalf("cue %d (%v) overlaps the previous one (ends %v)", i, c.Start, cues[i-1].End)
			}
			if c.Text == "" || c.Text != collapseSpace(c.Text) || !utf8.ValidString(c.Text) {
				t.Fatalf("cue %d text not clean: %q", i, c.Text)
			}
		}
	})
}
