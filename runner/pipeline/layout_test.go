package pipeline

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/fsutil"
	"github.com/langflix/langflix-operator/runner/manifest"
)

func TestSlug(t *testing.T) {
	tests := []struct{ phrase, want string }{
		{"break the ice", "break_the_ice"},
		{"Once in a Blue Moon!", "once_in_a_blue_moon"},
		{"don't count your chickens", "dont_count_your_chickens"},
		{"café au lait", "cafe_au_lait"},
		{"  pick it  up  ", "pick_it_up"},
		{"얼음을 깨다", "expression"},
		{"", "expression"},
		{"../../etc/passwd", "etc_passwd"},
		{"a very long expression that goes on and on and on forever", "a_very_long_expression_that_goes_on_and"},
		{"abcdefghij abcdefghij abcdefghij abcdefgh ij", "abcdefghij_abcdefghij_abcdefghij_abcdefg"},
		{"abcdefghij abcdefghij abcdefghij abcdefg hij", "abcdefghij_abcdefghij_abcdefghij_abcdefg"},
	}
	for _, tt := range tests {
		got := Slug(tt.phrase)
		if got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.phrase, got, tt.want)
		}
		if len(got) > maxSlugLen {
			t.Errorf("Slug(%q) is %d characters", tt.phrase, len(got))
		}
	}
}

func TestNamesFor(t *testing.T) {
	n := namesFor(3, "Break the ice")
	want := names{
		contextClip:    "clips/03_break_the_ice_context.mp4",
		expressionClip: "clips/03_break_the_ice_expression.mp4",
		slide:          "slides/03_break_the_ice.png",
		video:          "videos/03_break_the_ice.mp4",
		short:          "shorts/03_break_the_ice.mp4",
	}
	if n != want {
		t.Errorf("namesFor = %+v, want %+v", n, want)
	}
}

func TestCountOutputs(t *testing.T) {
	exprs := []manifest.Expression{
		{Files: manifest.Files{ContextClip: "a", ExpressionClip: "b", Slide: "c", Video: "d", Short: "e"}},
		{Files: manifest.Files{ContextClip: "a", ExpressionClip: "b", Slide: "c"}},
	}
	if got, want := countOutputs(exprs), (runnerv1.Outputs{Clips: 4, Slides: 2, Videos: 1, Shorts: 1}); got != want {
		t.Errorf("countOutputs = %+v, want %+v", got, want)
	}
}

func TestManifestRef(t *testing.T) {
	tests := []struct{ out, want string }{
		{"lessons/ep1", "lessons/ep1/manifest.json"},
		{"lessons/ep1/", "lessons/ep1/manifest.json"},
		{"s3://bucket/lessons/ep1/", "s3://bucket/lessons/ep1/manifest.json"},
	}
	for _, tt := range tests {
		if got := manifestRef(tt.out, manifest.FileName); got != tt.want {
			t.Errorf("manifestRef(%q) = %q, want %q", tt.out, got, tt.want)
		}
	}
}

func TestRemoveTempLeftovers(t *testing.T) {
	dir := t.TempDir()
	keep := []string{"clips/01_a_context.mp4", "manifest.json", ".langflix-in-progress"}
	leftovers := []string{fsutil.TempPath("clips/01_a_expression.mp4"), fsutil.TempPath("manifest.json")}
	for _, f := range append(keep, leftovers...) {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removeTempLeftovers(dir, slog.New(slog.DiscardHandler))
	for _, f := range keep {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s was removed", f)
		}
	}
	for _, f := range leftovers {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s is still there", f)
		}
	}
}
