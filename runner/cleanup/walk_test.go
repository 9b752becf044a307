package cleanup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/langflix/langflix-operator/runner/failure"
)

// sizeOf is the size the fixture gives the files at rels.
func sizeOf(rels ...string) int64 {
	var n int64
	for _, r := range rels {
		n += int64(len("content of " + r))
	}
	return n
}

func TestRun(t *testing.T) {
	tests := []struct {
		name   string
		modify func(fx fixture, o *Options)
		want   Summary
		remain []string // everything left under the storage root
	}{
		{
			name: "whole root",
			want: Summary{
				FilesDeleted: 8, DirsRemoved: 3, Skipped: 2, // inprog folder, fifo
				BytesFreed: sizeOf("a/old.mp4", "a/.clip.partial.mp4", "b/c/old1.txt", "b/c/old2.srt", "stale/old.mp4", "keep/old.mp4"),
			},
			remain: []string{
				"a/", "a/.next.partial.mp4", "a/new.mp4", "a/old.fifo",
				"empty-already/", "escape",
				"inprog/", "inprog/.langflix-in-progress", "inprog/old.mp4", "inprog/sub/", "inprog/sub/old.mp4",
				"links/", "links/new-relative-up", "links/new-to-outside-dir",
				"stale/", "stale/.langflix-in-progress",
			},
		},
		{
			name:   "exclude folder and hidden files",
			modify: func(_ fixture, o *Options) { o.Exclude = []string{"keep/**", "**/.*.mp4"} },
			want: Summary{
				FilesDeleted: 6, DirsRemoved: 2, Skipped: 5, // inprog, fifo, keep/, two partials
				BytesFreed: sizeOf("a/old.mp4", "b/c/old1.txt", "b/c/old2.srt", "stale/old.mp4"),
			},
			remain: []string{
				"a/", "a/.clip.partial.mp4", "a/.next.partial.mp4", "a/new.mp4", "a/old.fifo",
				"empty-already/", "escape",
				"inprog/", "inprog/.langflix-in-progress", "inprog/old.mp4", "inprog/sub/", "inprog/sub/old.mp4",
				"keep/", "keep/old.mp4",
				"links/", "links/new-relative-up", "links/new-to-outside-dir",
				"stale/", "stale/.langflix-in-progress",
			},
		},
		{
			name:   "include only videos",
			modify: func(_ fixture, o *Options) { o.Include = []string{"**/*.mp4"} },
			want: Summary{
				FilesDeleted: 4, DirsRemoved: 1,
				Skipped:    10, // old1.txt, old2.srt, 4 links, stale marker, escape, fifo, inprog
				BytesFreed: sizeOf("a/old.mp4", "a/.clip.partial.mp4", "stale/old.mp4", "keep/old.mp4"),
			},
			remain: []string{
				"a/", "a/.next.partial.mp4", "a/new.mp4", "a/old.fifo",
				"b/", "b/c/", "b/c/old1.txt", "b/c/old2.srt",
				"empty-already/", "escape",
				"inprog/", "inprog/.langflix-in-progress", "inprog/old.mp4", "inprog/sub/", "inprog/sub/old.mp4",
				"links/", "links/new-relative-up", "links/new-to-outside-dir", "links/old-to-outside-dir", "links/old-to-outside-file",
				"stale/", "stale/.langflix-in-progress",
			},
		},
		{
			name:   "listed path is never removed even when emptied",
			modify: func(_ fixture, o *Options) { o.Paths = []string{"b/c"} },
			want:   Summary{FilesDeleted: 2, BytesFreed: sizeOf("b/c/old1.txt", "b/c/old2.srt")},
			remain: withRemoved(fullTree, "b/c/old1.txt", "b/c/old2.srt"),
		},
		{
			name:   "nested listed paths: the inner one survives the outer sweep",
			modify: func(_ fixture, o *Options) { o.Paths = []string{"b", "b/c"} },
			want:   Summary{FilesDeleted: 2, BytesFreed: sizeOf("b/c/old1.txt", "b/c/old2.srt")},
			remain: withRemoved(fullTree, "b/c/old1.txt", "b/c/old2.srt"),
		},
		{
			name: "bad paths are errors, the good one is cleaned",
			modify: func(fx fixture, o *Options) {
				o.Paths = []string{fx.outside.base, "../outside", "a/../../outside", "escape", "missing", "a"}
			},
			want: Summary{
				FilesDeleted: 2, Skipped: 1, Errors: 4,
				BytesFreed: sizeOf("a/old.mp4", "a/.clip.partial.mp4"),
			},
			remain: withRemoved(fullTree, "a/old.mp4", "a/.clip.partial.mp4"),
		},
		{
			name:   "path below an in-progress folder",
			modify: func(_ fixture, o *Options) { o.Paths = []string{"inprog/sub"} },
			want:   Summary{Skipped: 1},
			remain: fullTree,
		},
		{
			name:   "in-progress storage root",
			modify: func(fx fixture, _ *Options) { fx.root.marker(".", newAge) },
			want:   Summary{Skipped: 1},
			remain: append([]string{".langflix-in-progress"}, fullTree...),
		},
		{
			name: "path that is a symlink inside the root",
			modify: func(fx fixture, o *Options) {
				fx.root.symlink("alias", "b", newAge)
				o.Paths = []string{"alias"}
			},
			want:   Summary{FilesDeleted: 2, DirsRemoved: 1, BytesFreed: sizeOf("b/c/old1.txt", "b/c/old2.srt")},
			remain: append([]string{"alias"}, withRemoved(fullTree, "b/c/", "b/c/old1.txt", "b/c/old2.srt")...),
		},
		{
			name: "marker older than a custom stale age is ignored",
			modify: func(_ fixture, o *Options) {
				o.Paths = []string{"inprog"}
				o.StaleMarkerAge = newAge / 2
			},
			want:   Summary{FilesDeleted: 2, DirsRemoved: 1, BytesFreed: sizeOf("inprog/old.mp4", "inprog/sub/old.mp4")},
			remain: withRemoved(fullTree, "inprog/old.mp4", "inprog/sub/", "inprog/sub/old.mp4"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			o := fx.options()
			if tc.modify != nil {
				tc.modify(fx, &o)
			}
			got, err := Run(context.Background(), o)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if len(got.ErrorSamples) != int(min(got.Errors, maxErrorSamples)) {
				t.Errorf("ErrorSamples = %q for %d errors", got.ErrorSamples, got.Errors)
			}
			got.ErrorSamples = nil
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			want := slices.Sorted(slices.Values(tc.remain))
			if diff := cmp.Diff(want, fx.root.list()); diff != "" {
				t.Errorf("left in storage (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(outsideEntries, fx.outside.list()); diff != "" {
				t.Errorf("outside the root (-want +got):\n%s", diff)
			}
		})
	}
}

// fullTree is the fixture's storage root as built.
var fullTree = []string{
	"a/", "a/.clip.partial.mp4", "a/.next.partial.mp4", "a/new.mp4", "a/old.fifo", "a/old.mp4",
	"b/", "b/c/", "b/c/old1.txt", "b/c/old2.srt",
	"empty-already/", "escape",
	"inprog/", "inprog/.langflix-in-progress", "inprog/old.mp4", "inprog/sub/", "inprog/sub/old.mp4",
	"keep/", "keep/old.mp4",
	"links/", "links/new-relative-up", "links/new-to-outside-dir", "links/old-to-outside-dir", "links/old-to-outside-file",
	"stale/", "stale/.langflix-in-progress", "stale/old.mp4",
}

func withRemoved(all []string, gone ...string) []string {
	drop := map[string]bool{}
	for _, g := range gone {
		drop[g] = true
	}
	var out []string
	for _, e := range all {
		if !drop[e] {
			out = append(out, e)
		}
	}
	return out
}

func TestRunFixtureMatchesFullTree(t *testing.T) {
	// Guards the other tests: fullTree must describe what newFixture builds.
	fx := newFixture(t)
	if diff := cmp.Diff(fullTree, fx.root.list()); diff != "" {
		t.Fatalf("fixture (-fullTree +built):\n%s", diff)
	}
}

func TestRunDryRunDeletesNothingAndPredictsTheRealRun(t *testing.T) {
	fx := newFixture(t)
	o := fx.options()
	o.DryRun = true
	var logged []string
	o.Log = func(format string, args ...any) { logged = append(logged, format) }

	dry, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fullTree, fx.root.list()); diff != "" {
		t.Fatalf("dry run changed the tree (-want +got):\n%s", diff)
	}
	if !dry.DryRun || dry.FilesDeleted == 0 {
		t.Fatalf("dry run summary = %+v, want DryRun and would-be deletions", dry)
	}
	if !strings.Contains(strings.Join(logged, "\n"), "would delete") {
		t.Errorf("dry run logged no planned deletion: %q", logged)
	}

	o.DryRun = false
	real, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	dry.DryRun = false
	if diff := cmp.Diff(dry, real); diff != "" {
		t.Errorf("dry run prediction differs from the real run (-dry +real):\n%s", diff)
	}
}

func TestRunThroughSymlinkedRoot(t *testing.T) {
	fx := newFixture(t)
	link := filepath.Join(filepath.Dir(fx.root.base), "storage-link")
	if err := os.Symlink(fx.root.base, link); err != nil {
		t.Fatal(err)
	}
	o := fx.options()
	o.Root = link
	got, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got.FilesDeleted != 8 || got.Errors != 0 {
		t.Errorf("summary = %+v, want the 8 deletions of a direct run", got)
	}
	if diff := cmp.Diff(outsideEntries, fx.outside.list()); diff != "" {
		t.Errorf("outside the root (-want +got):\n%s", diff)
	}
}

func TestRunRejectsInvalidOptions(t *testing.T) {
	base := t.TempDir()
	toSlash := filepath.Join(base, "to-slash")
	if err := os.Symlink("/", toSlash); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	valid := Options{Root: base, RetentionDays: 1, Now: testNow}
	tests := []struct {
		name   string
		modify func(o *Options)
	}{
		{"empty root", func(o *Options) { o.Root = "" }},
		{"relative root", func(o *Options) { o.Root = "storage" }},
		{"filesystem root", func(o *Options) { o.Root = "/" }},
		{"filesystem root spelled oddly", func(o *Options) { o.Root = "//./" }},
		{"root linking to /", func(o *Options) { o.Root = toSlash }},
		{"missing root", func(o *Options) { o.Root = filepath.Join(base, "missing") }},
		{"root is a file", func(o *Options) { o.Root = file }},
		{"zero retention", func(o *Options) { o.RetentionDays = 0 }},
		{"negative stale age", func(o *Options) { o.StaleMarkerAge = -1 }},
		{"bad include glob", func(o *Options) { o.Include = []string{"[a-"} }},
		{"empty exclude glob", func(o *Options) { o.Exclude = []string{"/"} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := valid
			tc.modify(&o)
			_, err := Run(context.Background(), o)
			if !failure.IsInvalid(err) {
				t.Fatalf("Run error = %v, want an InvalidInput error", err)
			}
		})
	}
	if _, err := Run(context.Background(), valid); err != nil {
		t.Fatalf("the valid base options fail: %v", err)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	fx := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, err := Run(ctx, fx.options())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run error = %v, want context.Canceled", err)
	}
	if got.FilesDeleted != 0 {
		t.Errorf("deleted %d files after cancellation", got.FilesDeleted)
	}
	if diff := cmp.Diff(fullTree, fx.root.list()); diff != "" {
		t.Errorf("tree changed (-want +got):\n%s", diff)
	}
}

func TestRunCapsErrorSamples(t *testing.T) {
	fx := newFixture(t)
	o := fx.options()
	o.Paths = []string{"/1", "/2", "/3", "/4", "/5", "/6", "/7"}
	got, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got.Errors != 7 || len(got.ErrorSamples) != maxErrorSamples {
		t.Fatalf("Errors = %d with %d samples, want 7 with %d", got.Errors, len(got.ErrorSamples), maxErrorSamples)
	}
	if !strings.Contains(got.ErrorSamples[0], `"/1"`) {
		t.Errorf("first sample %q does not name the path", got.ErrorSamples[0])
	}
}
