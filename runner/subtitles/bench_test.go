package subtitles

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkParse measures Parse on the real Sintel subtitles and on a feature-length SubRip file (1,800
// cues, about a 2-hour film) built by repeating Sintel's dialogue with shifted times.
func BenchmarkParse(b *testing.B) {
	sintel, err := os.ReadFile(filepath.Join(testdataDir, "sintel_en.srt"))
	if err != nil {
		b.Fatal(err)
	}
	cues, _, err := Parse(sintel, "sintel_en.srt")
	if err != nil {
		b.Fatal(err)
	}
	var film bytes.Buffer
	for i := range 1800 {
		c := cues[i%len(cues)]
		start := time.Duration(i) * 4 * time.Second
		fmt.Fprintf(&film, "%d\r\n%s --> %s\r\n<i>%s</i>\r\n\r\n", i+1, clock(start, ","), clock(start+3*time.Second, ","), c.Text)
	}
	for _, in := range []struct {
		name string
		data []byte
	}{{"sintel", sintel}, {"film_1800_cues", film.Bytes()}} {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				if _, _, err := Parse(in.data, "x.srt"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseHostile runs Parse on each hostile shape at 1 MiB and 8 MiB. Parse is linear, so the MB/s
// of a shape must not drop from one size to the other; a drop is super-linear work, which at the 8 MiB
// that Parse accepts would turn into minutes.
func BenchmarkParseHostile(b *testing.B) {
	for _, h := range hostileInputs {
		for _, size := range []int{1 << 20, 8 << 20} {
			b.Run(fmt.Sprintf("%s/%dMiB", h.name, size>>20), func(b *testing.B) {
				data, _ := h.build(size) // here, so that a -bench filter skips building the other shapes
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, _, err := Parse(data, h.file); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
