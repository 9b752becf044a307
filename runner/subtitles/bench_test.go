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
		fmt.Fprintf(&film, "%d\r\n%s --> %s\r\n<i>%s</i>\r\n\r\n", i+1, srtTime(start), srtTime(start+3*time.Second), c.Text)
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

func srtTime(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d:%02d,%03d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60, d.Milliseconds()%1000)
}
