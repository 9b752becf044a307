package lessonsubs

import "math"

// Layout places the subtitles on the frame libass draws on. Sizes are in pixels of that frame (the script's
// PlayResX/PlayResY), so what the tests measure is what the learner sees.
type Layout struct {
	Width, Height int
	// FontSize is the dialogue line's size; TranslationFontSize the learner's line below it, a little
	// smaller so the eye finds the original first.
	FontSize, TranslationFontSize int
	// Outline and Shadow keep white text readable on any picture.
	Outline, Shadow float64
	// MarginSide is the empty space left and right (lines wrap inside it); MarginV the distance of the
	// block from the edge it is aligned to.
	MarginSide, MarginV int
	// Alignment is ASS's numpad position of the block: 2 is bottom centre.
	Alignment int
}

// Landscape is the layout of the 16:9 lesson clips: two lines at the bottom of the picture, sized for a
// 1280x720 frame and scaled with its height.
func Landscape(width, height int) Layout {
	u := float64(height) / 720
	return Layout{
		Width: width, Height: height,
		FontSize: px(44, u), TranslationFontSize: px(38, u),
		Outline: 3 * u, Shadow: 1 * u,
		MarginSide: px(64, u), MarginV: px(34, u),
		Alignment: 2,
	}
}

// Vertical is the layout of a short (a 16:9 picture in the middle of a tall frame, text bands above and
// below it): larger text, as a phone shows the frame small, standing on the bottom edge of the picture at
// videoBottom so it grows over the picture and never into the headline and caption bands, and side
// margins of a tenth of the width, clear of the buttons short-video apps lay over the right edge.
func Vertical(width, height, videoBottom int) Layout {
	u := float64(width) / 1080
	return Layout{
		Width: width, Height: height,
		FontSize: px(56, u), TranslationFontSize: px(48, u),
		Outline: 4 * u, Shadow: 1.5 * u,
		MarginSide: width / 10, MarginV: height - videoBottom + px(24, u),
		Alignment: 2,
	}
}

func px(design float64, unit float64) int { return int(math.Round(design * unit)) }
