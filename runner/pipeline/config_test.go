package pipeline_test

import (
	"testing"

	"github.com/langflix/langflix-operator/runner/expressions"
	"github.com/langflix/langflix-operator/runner/media"
	"github.com/langflix/langflix-operator/runner/pipeline"
	"github.com/langflix/langflix-operator/runner/slides"
)

// dictionaryConfig is the video command's default configuration for one test run.
func dictionaryConfig(t *testing.T, video, subs, out string) pipeline.VideoConfig {
	t.Helper()
	font, err := slides.FindFont("")
	if err != nil {
		t.Fatal(err)
	}
	return pipeline.VideoConfig{
		Video:            video,
		Subtitles:        subs,
		Out:              out,
		WorkDir:          t.TempDir(),
		Language:         "en",
		TargetLanguage:   "ko",
		Expressions:      expressions.Options{MaxCount: 5, Level: "mixed"},
		Extractor:        expressions.NewDictionary(),
		ExtractorName:    "dictionary",
		EducationalVideo: true,
		Slides:           true,
		Repeat:           3,
		FontPath:         font,
		Tools:            media.DefaultTools(),
		Version:          "test",
	}
}
