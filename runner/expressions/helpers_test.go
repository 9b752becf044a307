package expressions

import (
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/subtitles"
)

const sintelPath = "../../testdata/sintel_en.srt"

// sintelCues reads the real Sintel subtitles with the project's subtitle reader.
func sintelCues(t testing.TB) []subtitles.Cue {
	t.Helper()
	cues, _, err := subtitles.ParseFile(sintelPath)
	if err != nil {
		t.Fatalf("read %s: %v", sintelPath, err)
	}
	return cues
}

func secs(s int) time.Duration { return time.Duration(s) * time.Second }
