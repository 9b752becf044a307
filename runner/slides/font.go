package slides

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
)

// FontEnv names the environment variable that points at the font to use when no explicit path is given
// (the runner contract's EnvFont).
const FontEnv = runnerv1.EnvFont

// probeRune must have a glyph in any font we accept: slides carry Korean translations, and a font without
// Hangul would draw empty boxes that nobody notices until a learner does.
const probeRune = '한'

// fcMatchPattern asks fontconfig for the Korean face of Noto Sans CJK, the font the container image installs.
const fcMatchPattern = "Noto Sans CJK KR:style=Regular"

// wellKnownFonts are tried last, for machines where fontconfig is missing or misconfigured. A variable so
// tests can simulate a machine without any CJK font.
var wellKnownFonts = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",              // Debian, Ubuntu (fonts-noto-cjk)
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",                   // Arch, Alpine
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",            // Fedora
	"/usr/share/fonts/opentype/noto/NotoSansCJKkr-Regular.otf",            // split KR package
	"/usr/share/fonts/truetype/nanum/NanumGothic.ttf",                     // fonts-nanum
	"/System/Library/Fonts/AppleSDGothicNeo.ttc",                          // macOS developer machines
	"/usr/local/share/fonts/NotoSansCJK-Regular.ttc",                      // hand-installed
	"/usr/share/fonts/truetype/noto/NotoSansCJKkr-Regular.otf",            // older Debian layout
	"/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",          // some derivatives
	"/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf",                  // fonts-unfonts-core
	"/usr/share/fonts/truetype/baekmuk/gulim.ttf",                         // fonts-baekmuk
	"/usr/share/fonts/opentype/source-han-sans/SourceHanSans-Regular.ttc", // Adobe's build of the same design
}

// errNoFont is the message operators see; it tells them both ways out.
const errNoFont = "no CJK font found: install fonts-noto-cjk or pass --" + runnerv1.FlagFont

// FindFont locates a font that can draw Korean. An explicit path wins, then $LANGFLIX_FONT, then what
// fontconfig offers for Noto Sans CJK KR, then a list of well-known install locations. A path given explicitly
// (or through the environment) that is unusable is an error rather than silently replaced, because the caller
// asked for that font.
func FindFont(explicit string) (string, error) {
	for _, requested := range []struct{ path, source string }{{explicit, "--" + runnerv1.FlagFont}, {os.Getenv(FontEnv), FontEnv}} {
		if requested.path == "" {
			continue
		}
		if err := checkCJKFont(requested.path); err != nil {
			return "", failure.Invalid("font from %s: %w", requested.source, err)
		}
		return requested.path, nil
	}
	if path, ok := fcMatch(); ok && checkCJKFont(path) == nil {
		return path, nil
	}
	for _, path := range wellKnownFonts {
		if checkCJKFont(path) == nil {
			return path, nil
		}
	}
	return "", failure.Invalid(errNoFont)
}

// fcMatch asks fontconfig. fc-match always answers with some font (its best substitute), which is why the
// caller still checks the answer for Hangul.
func fcMatch() (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "fc-match", "-f", "%{file}", fcMatchPattern).Output()
	path := strings.TrimSpace(string(out))
	return path, err == nil && path != ""
}

// checkCJKFont verifies path is a readable font with a glyph for probeRune.
func checkCJKFont(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read font: %w", err)
	}
	if _, err := pickFace(data, path); err != nil {
		return err
	}
	return nil
}

// FontFamily is the family name of the face the slides draw with from the font at path (the KR face of a
// CJK collection): other renderers, libass among them, find that face by this name.
func FontFamily(path string) (string, error) {
	f, err := loadFace(path)
	if err != nil {
		return "", err
	}
	var buf sfnt.Buffer
	name, err := f.Name(&buf, sfnt.NameIDFamily)
	if err != nil || strings.TrimSpace(name) == "" {
		return "", failure.Invalid("font %s has no family name: %v", path, err)
	}
	return name, nil
}

// loadFace reads a font file and returns its Korean-capable face.
func loadFace(path string) (*opentype.Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, failure.Invalid("read font %s: %w", path, err)
	}
	f, err := pickFace(data, path)
	if err != nil {
		return nil, failure.Invalid("%w", err)
	}
	return f, nil
}

// pickFace parses a .ttf/.otf or a .ttc collection. From a collection it prefers the KR face: CJK
// collections share Han ideographs between languages but draw them with regional glyph shapes, and the
// Korean shapes are the ones our learners expect.
func pickFace(data []byte, path string) (*opentype.Font, error) {
	var faces []*opentype.Font
	if bytes.HasPrefix(data, []byte("ttcf")) {
		coll, err := opentype.ParseCollection(data)
		if err != nil {
			return nil, fmt.Errorf("%s is not a usable font collection: %w", path, err)
		}
		for i := range coll.NumFonts() {
			f, err := coll.Font(i)
			if err != nil {
				return nil, fmt.Errorf("%s face %d: %w", path, i, err)
			}
			faces = append(faces, f)
		}
	} else {
		f, err := opentype.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s is not a usable font: %w", path, err)
		}
		faces = append(faces, f)
	}

	var buf sfnt.Buffer
	var firstWithHangul *opentype.Font
	for _, f := range faces {
		if !hasGlyph(f, &buf, probeRune) {
			continue
		}
		if firstWithHangul == nil {
			firstWithHangul = f
		}
		family, err := f.Name(&buf, sfnt.NameIDFamily)
		if err == nil && isKoreanFamily(family) {
			return f, nil
		}
	}
	if firstWithHangul == nil {
		return nil, fmt.Errorf("%s has no Korean glyphs (no glyph for %q)", path, probeRune)
	}
	return firstWithHangul, nil
}

// isKoreanFamily recognises the Korean proportional face of a CJK collection ("Noto Sans CJK KR", not
// "Noto Sans Mono CJK KR").
func isKoreanFamily(family string) bool {
	fields := strings.Fields(family)
	return len(fields) > 0 && fields[len(fields)-1] == "KR" && !strings.Contains(family, "Mono")
}

func hasGlyph(f *opentype.Font, buf *sfnt.Buffer, r rune) bool {
	idx, err := f.GlyphIndex(buf, r)
	return err == nil && idx != 0
}

// boldSibling returns the bold file of a family installed as separate Regular/Bold files (as Noto CJK is),
// so the headline can be bold without another setting.
func boldSibling(path string) (string, bool) {
	dir, base := filepath.Split(path)
	if !strings.Contains(base, "Regular") {
		return "", false
	}
	bold := filepath.Join(dir, strings.Replace(base, "Regular", "Bold", 1))
	if _, err := os.Stat(bold); err != nil {
		return "", false
	}
	return bold, true
}

// errNoRenderer guards against use of a zero Renderer.
var errNoRenderer = errors.New("slides: renderer has no font (use NewRenderer)")
