package cleanup

import (
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzRunStaysInsideRoot checks the safety property with arbitrary paths and globs: whatever the options,
// nothing outside the storage root changes and the root itself survives. The seeds run in every
// `go test`; `go test -fuzz FuzzRunStaysInsideRoot ./runner/cleanup` searches further.
func FuzzRunStaysInsideRoot(f *testing.F) {
	seeds := []struct{ path, include, exclude string }{
		{".", "**", ""},
		{"..", "", ""},
		{"../outside", "**", ""},
		{"a/../../outside", "", ""},
		{"escape", "**", ""},
		{"escape/deeper", "", ""},
		{"links/old-to-outside-dir", "**/*", ""},
		{"links/new-relative-up/deeper", "", ""},
		{"links", "**/*", "x"},
		{"/", "", ""},
		{"//outside", "", ""},
		{"./././b", "b/**", ""},
		{"b/c/.", "**/..", ""},
		{"inprog/sub", "**", ""},
		{"a\x00b", "[", ""},
	}
	for _, s := range seeds {
		f.Add(s.path, s.include, s.exclude)
	}
	f.Fuzz(func(t *testing.T, p, include, exclude string) {
		fx := newFixture(t)
		o := fx.options()
		o.Paths = []string{p}
		if include != "" {
			o.Include = []string{include}
		}
		if exclude != "" {
			o.Exclude = []string{exclude}
		}
		_, _ = Run(context.Background(), o) // errors are fine; escapes are not
		if diff := cmp.Diff(outsideEntries, fx.outside.list()); diff != "" {
			t.Fatalf("paths %q include %q exclude %q changed the outside (-want +got):\n%s", p, include, exclude, diff)
		}
		if _, err := os.Lstat(fx.root.base); err != nil {
			t.Fatalf("paths %q: storage root gone: %v", p, err)
		}
	})
}
