package cleanup

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkRunDryRun measures the walk over a storage tree of 100 lesson folders with 50 files each, half
// of them old. A dry run keeps the tree intact between iterations.
func BenchmarkRunDryRun(b *testing.B) {
	tr := tree{t: b, base: b.TempDir()}
	for l := 0; l < 100; l++ {
		for f := 0; f < 50; f++ {
			age := newAge
			if f%2 == 0 {
				age = oldAge
			}
			tr.file(fmt.Sprintf("lessons/ep%03d/clips/clip%02d.mp4", l, f), age)
		}
	}
	o := Options{Root: tr.base, RetentionDays: 7, Now: testNow, DryRun: true, Include: []string{"**/*.mp4"}}
	for b.Loop() {
		s, err := Run(context.Background(), o)
		if err != nil || s.FilesDeleted != 2500 {
			b.Fatalf("summary %+v, %v", s, err)
		}
	}
}
