package slides

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"github.com/langflix/langflix-operator/runner/failure"
)

// latinOnlyFont writes a real font without Hangul (Go Regular) to a temp file.
func latinOnlyFont(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "GoRegular.ttf")
	if err := os.WriteFile(path, goregular.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFindFontDiscovers(t *testing.T) {
	t.Setenv(FontEnv, "")
	path, err := FindFont("")
	if err != nil {
		t.Fatalf("FindFont: %v (the test machine needs fonts-noto-cjk)", err)
	}
	if err := checkCJKFont(path); err != nil {
		t.Fatalf("FindFont returned %s which is not CJK: %v", path, err)
	}
}

func TestFindFontFallsBackToWellKnownPaths(t *testing.T) {
	t.Setenv(FontEnv, "")
	t.Setenv("PATH", t.TempDir()) // no fc-match
	path, err := FindFont("")
	if err != nil {
		t.Fatalf("FindFont without fontconfig: %v", err)
	}
	found := false
	for _, known := range wellKnownFonts {
		found = found || known == path
	}
	if !found {
		t.Fatalf("FindFont without fontconfig returned %s, not a well-known path", path)
	}
}

func TestFindFontErrors(t *testing.T) {
	latin := latinOnlyFont(t)
	notAFont := filepath.Join(t.TempDir(), "notes.ttf")
	if err := os.WriteFile(notAFont, []byte("not a font"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, explicit, env, wantMsg string
	}{
		{"explicit missing", "/nonexistent/font.ttc", "", "no such file"},
		{"explicit without hangul", latin, "", "has no Korean glyphs"},
		{"explicit not a font", notAFont, "", "not a usable font"},
		{"env without hangul", "", latin, FontEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(FontEnv, tt.env)
			_, err := FindFont(tt.explicit)
			if !failure.IsInvalid(err) {
				t.Fatalf("FindFont(%q) error = %v, want InvalidInput", tt.explicit, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
}

func TestFindFontPrefersExplicitAndEnv(t *testing.T) {
	cjk, err := FindFont("")
	if err != nil {
		t.Skipf("no CJK font: %v", err)
	}
	t.Setenv(FontEnv, cjk)
	if got, err := FindFont(""); err != nil || got != cjk {
		t.Fatalf("FindFont with %s=%s = %q, %v", FontEnv, cjk, got, err)
	}
	// An explicit path beats the environment, even a bad one: the caller asked for it.
	if _, err := FindFont(latinOnlyFont(t)); !failure.IsInvalid(err) {
		t.Fatalf("explicit Latin-only font was accepted: %v", err)
	}
}

func TestFindFontNothingInstalled(t *testing.T) {
	t.Setenv(FontEnv, "")
	t.Setenv("PATH", t.TempDir())
	saved := wellKnownFonts
	wellKnownFonts = []string{filepath.Join(t.TempDir(), "missing.ttc")}
	t.Cleanup(func() { wellKnownFonts = saved })

	_, err := FindFont("")
	if !failure.IsInvalid(err) || err.Error() != "no CJK font found: install fonts-noto-cjk or pass --font" {
		t.Fatalf("FindFont with no fonts = %v", err)
	}
}

func TestNewRendererPicksKoreanFace(t *testing.T) {
	path, err := FindFont("")
	if err != nil {
		t.Skipf("no CJK font: %v", err)
	}
	r, err := NewRenderer(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	family, err := r.regular.Name(&buf, sfnt.NameIDFamily)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(family, "CJK") && !isKoreanFamily(family) {
		t.Fatalf("renderer uses face %q, want the KR face of the collection", family)
	}
	if _, err := NewRenderer(latinOnlyFont(t)); !failure.IsInvalid(err) {
		t.Fatalf("NewRenderer(Latin-only font) = %v, want InvalidInput", err)
	}
}

func TestIsKoreanFamily(t *testing.T) {
	tests := map[string]bool{
		"Noto Sans CJK KR":      true,
		"Noto Sans Mono CJK KR": false,
		"Noto Sans CJK JP":      false,
		"Source Han Sans KR":    true,
		"NanumGothic":           false,
		"":                      false,
	}
	for family, want := range tests {
		if got := isKoreanFamily(family); got != want {
			t.Errorf("isKoreanFamily(%q) = %v, want %v", family, got, want)
		}
	}
}

func TestFontFamilyNamesTheFaceTheSlidesUse(t *testing.T) {
	path, err := FindFont("")
	if err != nil {
		t.Skipf("no CJK font: %v", err)
	}
	family, err := FontFamily(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	if want, _ := r.regular.Name(&buf, sfnt.NameIDFamily); family != want {
		t.Fatalf("FontFamily(%s) = %q, the renderer draws with %q", path, family, want)
	}
	if _, err := FontFamily(latinOnlyFont(t)); !failure.IsInvalid(err) {
		t.Fatalf("FontFamily(Latin-only font) = %v, want InvalidInput", err)
	}
}
