package media

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

func TestConcat(t *testing.T) {
	tools := DefaultTools()
	// A quote in the folder name exercises the list file's escaping.
	dir := filepath.Join(t.TempDir(), "it's here")
	var clips []Clip
	var inputs []string
	for i := range 3 {
		dst := filepath.Join(dir, fmt.Sprintf("part-%d.mp4", i))
		start := time.Duration(10+10*i) * time.Second
		clips = append(clips, Clip{Src: fixtures.video, Dst: dst, Start: start, End: start + 2*time.Second})
		inputs = append(inputs, dst)
	}
	if err := tools.CutClips(testContext(t), clips, nil); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "joined.mp4")
	if err := tools.Concat(testContext(t), inputs, dst); err != nil {
		t.Fatal(err)
	}
	info, err := tools.Probe(testContext(t), dst)
	if err != nil {
		t.Fatal(err)
	}
	checkOutputLayout(t, info, OutputWidth, OutputHeight)
	if !within(info.Duration, 6*time.Second, 3*frame) {
		t.Errorf("joined video lasts %s, want 3 x 2s", info.Duration)
	}
	checkInSync(t, dst)
	if left := leftovers(t, dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestConcatRejectsMixedLayouts(t *testing.T) {
	tools := DefaultTools()
	dir := t.TempDir()
	clip := filepath.Join(dir, "clip.mp4")
	if err := tools.CutClip(testContext(t), Clip{Src: sampleBBB, Dst: clip, Start: 0, End: time.Second}); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "joined.mp4")
	tests := []struct {
		name   string
		inputs []string
		want   string
	}{
		{"different sizes", []string{clip, sampleBBB}, "must share one layout"},
		{"no inputs", nil, "no inputs"},
		{"not media", []string{clip, fixtures.textFile}, "is not a media file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tools.Concat(testContext(t), tt.inputs, dst)
			if !failure.IsInvalid(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Concat = %v, want InvalidInput saying %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Errorf("rejected concat left %s", dst)
	}
}
