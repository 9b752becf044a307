package lessonsubs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/langflix/langflix-operator/runner/slides"
)

// Fonts is what libass needs to draw with the slides' font on any machine, installed system-wide or not.
type Fonts struct {
	// Dir holds only the font file, linked: libass reads every file of its fonts folder into memory for
	// each ffmpeg process, so pointing it at the system's folder of CJK collections would cost a second per
	// clip.
	Dir string
	// Family is the name styles use to pick the font's Korean face.
	Family string
}

// PrepareFonts makes dir the fonts folder of fontPath (a font slides.FindFont accepted).
func PrepareFonts(fontPath, dir string) (Fonts, error) {
	family, err := slides.FontFamily(fontPath)
	if err != nil {
		return Fonts{}, err
	}
	abs, err := filepath.Abs(fontPath)
	if err != nil {
		return Fonts{}, fmt.Errorf("fonts folder: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Fonts{}, fmt.Errorf("fonts folder: %w", err)
	}
	link := filepath.Join(dir, filepath.Base(abs))
	// A link left by an earlier call may point at another font.
	if err := os.Remove(link); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Fonts{}, fmt.Errorf("fonts folder: %w", err)
	}
	if err := os.Symlink(abs, link); err != nil {
		return Fonts{}, fmt.Errorf("fonts folder: %w", err)
	}
	return Fonts{Dir: dir, Family: family}, nil
}
