package pipeline

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/fsutil"
	"github.com/langflix/langflix-operator/runner/manifest"
)

// Output folders, relative to the output root. They are part of the runner's contract: the operator and
// the web UI list them.
const (
	DirClips  = "clips"
	DirSlides = "slides"
	DirVideos = "videos"
	DirShorts = "shorts"
)

// CombinedVideo is the combined educational video, relative to the output root.
var CombinedVideo = filepath.Join(DirVideos, "combined.mp4")

// maxSlugLen bounds the phrase part of file names; long phrases would make unwieldy names.
const maxSlugLen = 40

// Slug turns a phrase into a file-name-safe ASCII word list: accents are dropped ("café" -> "cafe"),
// every run of other characters becomes one underscore, and the result is at most 40 characters. A
// phrase with nothing usable (all Hangul, say) gives "expression".
func Slug(phrase string) string {
	var b strings.Builder
	pendingSep := false
	for _, r := range norm.NFKD.String(phrase) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining accent left over from decomposition
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
			continue // "don't" -> "dont", not "don_t"
		default:
			pendingSep = true
		}
	}
	slug := b.String()
	if len(slug) > maxSlugLen {
		slug = strings.TrimRight(slug[:maxSlugLen], "_")
	}
	if slug == "" {
		return "expression"
	}
	return slug
}

// names are the output paths of one expression, relative to the output root.
type names struct {
	contextClip, expressionClip, slide, video, short string
}

// namesFor returns the outputs of the expression at 1-based position n: NN_<slug>.<ext> in each folder.
func namesFor(n int, phrase string) names {
	base := fmt.Sprintf("%02d_%s", n, Slug(phrase))
	return names{
		contextClip:    filepath.Join(DirClips, base+"_context.mp4"),
		expressionClip: filepath.Join(DirClips, base+"_expression.mp4"),
		slide:          filepath.Join(DirSlides, base+".png"),
		video:          filepath.Join(DirVideos, base+".mp4"),
		short:          filepath.Join(DirShorts, base+".mp4"),
	}
}

// removeTempLeftovers deletes temporary files of atomic writes below dir. They are left only when an
// earlier attempt was killed (SIGKILL, OOM) mid-write; this attempt rewrites whatever they were for.
func removeTempLeftovers(dir string, log *slog.Logger) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !fsutil.IsTemp(p) {
			return nil
		}
		if err := os.Remove(p); err != nil {
			log.Warn("could not remove a leftover temporary file", "file", p, "error", err)
		} else {
			log.Info("removed a leftover of an earlier attempt", "file", p)
		}
		return nil
	})
}

// countOutputs counts the files of each kind listed in the manifest's expressions.
func countOutputs(exprs []manifest.Expression) runnerv1.Outputs {
	var o runnerv1.Outputs
	for _, e := range exprs {
		for _, f := range []struct {
			name  string
			count *int32
		}{
			{e.Files.ContextClip, &o.Clips}, {e.Files.ExpressionClip, &o.Clips}, {e.Files.Slide, &o.Slides},
			{e.Files.Video, &o.Videos}, {e.Files.Short, &o.Shorts},
		} {
			if f.name != "" {
				*f.count++
			}
		}
	}
	return o
}
