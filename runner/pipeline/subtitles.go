package pipeline

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/langflix/langflix-operator/runner/fsutil"
	"github.com/langflix/langflix-operator/runner/lessonsubs"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/media"
	"github.com/langflix/langflix-operator/runner/slides"
)

// prepareSubtitles settles the subtitle modes and, when any is burned, the font libass draws with: the
// slides' font, in a fonts folder of its own under the work folder.
func (r *videoRun) prepareSubtitles() error {
	for _, m := range []*lessonsubs.Mode{&r.cfg.SubtitleMode, &r.cfg.ShortsSubtitleMode} {
		if *m == "" {
			*m = lessonsubs.Dual
		}
		mode, err := lessonsubs.ParseMode(string(*m))
		if err != nil {
			return err
		}
		*m = mode
	}
	if !r.cfg.SubtitleMode.Burns() && !(r.cfg.Shorts && r.cfg.ShortsSubtitleMode.Burns()) {
		return nil
	}
	if r.cfg.FontPath == "" {
		font, err := slides.FindFont("")
		if err != nil {
			return err
		}
		r.cfg.FontPath = font
	}
	fonts, err := lessonsubs.PrepareFonts(r.cfg.FontPath, filepath.Join(r.cfg.WorkDir, "fonts"))
	if err != nil {
		return fmt.Errorf("subtitles: %w", err)
	}
	r.fonts = fonts
	return nil
}

// subtitleScript writes the script of one video of it, cut from [start, end) of the film and played
// repeat times, and returns it for runner/media; nil when mode burns nothing. name is the video's output
// name; the script goes to the work folder, since it is not an output.
func (r *videoRun) subtitleScript(it *item, name string, start, end time.Duration, repeat int, mode lessonsubs.Mode,
	layout lessonsubs.Layout) (*media.Subtitles, error) {
	if !mode.Burns() {
		return nil, nil
	}
	end = min(end, r.probe.Duration)
	tl := lessonsubs.Timeline{Start: start, Frames: media.FrameCount(end - start), FrameRate: media.OutputFrameRate, Repeat: repeat}
	script := lessonsubs.New(r.lessonLines(it, start, end), tl, mode, layout, r.fonts.Family)
	path := filepath.Join(r.cfg.WorkDir, "subtitles", strings.TrimSuffix(name, filepath.Ext(name))+".ass")
	if err := fsutil.WriteFileAtomic(path, script.Marshal(), 0o644); err != nil {
		return nil, fmt.Errorf("write subtitles of %s: %w", name, err)
	}
	return &media.Subtitles{Script: path, FontsDir: r.fonts.Dir}, nil
}

// landscape is the layout of clips and lesson videos.
var landscape = lessonsubs.Landscape(media.OutputWidth, media.OutputHeight)

// vertical is the layout of shorts.
var vertical = lessonsubs.Vertical(media.ShortWidth, media.ShortHeight, media.ShortPictureBottom)

// lessonLines are the dialogue lines of [from, to) as the lesson of it shows them: each cue with its
// translation when the translation subtitles gave one, and the expression's cue with the expression
// highlighted and, when no translation subtitles cover it, the lexicon's translation of the expression
// as the learner's line.
func (r *videoRun) lessonLines(it *item, from, to time.Duration) []lessonsubs.Line {
	var lines []lessonsubs.Line
	e := it.expr
	for i, c := range r.cues {
		if c.End <= from || c.Start >= to {
			continue
		}
		l := lessonsubs.Line{Start: c.Start, End: c.End, Text: c.Text}
		if i < len(r.translations) {
			l.Translation = r.translations[i]
		}
		if i == e.CueIndex {
			l.Highlight = e.Matched
			if strings.TrimSpace(l.Translation) == "" {
				l.Translation = e.Translation
			}
			l.HighlightTranslation = translationInLine(e.Translation, l.Translation)
		}
		lines = append(lines, l)
	}
	return lines
}

// translationInLine picks what to highlight in a translated line: the lexicon's translation when the line
// is that translation, else the first of its alternatives ("마음이 통하는 사람, 뜻이 맞는 사람") that
// the line contains; "" when none does.
func translationInLine(translation, line string) string {
	if strings.TrimSpace(translation) == strings.TrimSpace(line) {
		return translation
	}
	for _, alt := range strings.FieldsFunc(translation, func(r rune) bool { return r == ',' || r == ';' || r == '/' }) {
		if alt = strings.TrimSpace(alt); alt != "" && strings.Contains(line, alt) {
			return alt
		}
	}
	return ""
}

// subtitleModes records the mode burned into each video it produced.
func (r *videoRun) subtitleModes(f manifest.Files) *manifest.SubtitleModes {
	m := &manifest.SubtitleModes{}
	clips := string(r.cfg.SubtitleMode)
	if f.ContextClip != "" {
		m.ContextClip = clips
	}
	if f.ExpressionClip != "" {
		m.ExpressionClip = clips
	}
	if f.Video != "" {
		m.Video = clips
	}
	if f.Short != "" {
		m.Short = string(r.cfg.ShortsSubtitleMode)
	}
	if *m == (manifest.SubtitleModes{}) {
		return nil
	}
	return m
}
