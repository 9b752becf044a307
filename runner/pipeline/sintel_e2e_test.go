package pipeline_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/subtitles"
)

// TestSintelDialogue runs the pipeline on real film dialogue (Sintel, (c) Blender Foundation, CC-BY 3.0)
// over a generated video as long as the film's subtitles (11 minutes), small and at a low frame rate to
// keep it fast. Educational videos are left out here: TestVideoEndToEnd covers them.
func TestSintelDialogue(t *testing.T) {
	skipInShortMode(t)
	const subs = "../../testdata/sintel_en.srt"
	cues, _, err := subtitles.ParseFile(subs)
	if err != nil {
		t.Fatal(err)
	}
	length := cues[len(cues)-1].End + 5*time.Second
	video := testVideo(t, length.Round(time.Second), 320, 180, 5)
	out := filepath.Join(t.TempDir(), "sintel")

	run := runCLI(t, "", "video", "--video", video, "--subtitles", subs, "--out", out, "--progress", "none",
		"--educational-video=false")
	if run.err != nil {
		t.Fatalf("video: %v\n%s", run.err, run.stderr)
	}
	m, err := manifest.Read(filepath.Join(out, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if m.Inputs.Subtitles.Format != "srt" || m.Inputs.Subtitles.Cues != len(cues) || m.Inputs.Subtitles.Encoding != "utf-8" {
		t.Errorf("subtitle input %+v", m.Inputs.Subtitles)
	}
	// What a teacher would pick from this dialogue (see testdata/SOURCES.md).
	worth := []string{"a dark past", "shed blood", "a fool for", "kindred spirit", "closer than you know"}
	var found []string
	for _, e := range m.Expressions {
		if slices.Contains(worth, e.Phrase) {
			found = append(found, e.Phrase)
		}
		if !hasHangul(e.Translation) || e.Meaning == "" || e.Kind == "" || e.Level == "" {
			t.Errorf("%q is not teachable: translation %q meaning %q kind %q level %q", e.Phrase, e.Translation, e.Meaning, e.Kind, e.Level)
		}
		if !strings.Contains(strings.ToLower(e.Dialogue), strings.ToLower(strings.Fields(e.Matched)[0])) {
			t.Errorf("%q: dialogue %q does not contain the match %q", e.Phrase, e.Dialogue, e.Matched)
		}
		for _, f := range []string{e.Files.ContextClip, e.Files.ExpressionClip} {
			assertLessonLayout(t, filepath.Join(out, f), 1280, 720)
		}
		if e.Files.Video != "" {
			t.Errorf("%q has a video although --educational-video=false", e.Phrase)
		}
		assertPNGSize(t, filepath.Join(out, e.Files.Slide), 1280, 720)
	}
	// The extractor keeps context windows (25 s and more) apart, and four of the five phrases are said
	// within 35 s of each other, so at most two of them can be taught in one lesson set.
	if len(m.Expressions) < 3 || len(found) < 1 {
		t.Errorf("expressions %v; want at least 3, including some of %v", phrases(m.Expressions), worth)
	}
	assertNoLeftovers(t, out)
	if n := int32(len(m.Expressions)); run.termination.Expressions != n || run.termination.Outputs.Slides != n ||
		run.termination.Outputs.Clips != 2*n || run.termination.Outputs.Videos != 0 {
		t.Errorf("termination %s", run.termRaw)
	}
	t.Logf("sintel: %d expressions %v, stages %+v", len(m.Expressions), phrases(m.Expressions), m.Stages)
}

func hasHangul(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			return true
		}
	}
	return false
}
