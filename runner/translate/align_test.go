package translate

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/langflix/langflix-operator/runner/subtitles"
)

func cue(startMS, endMS int, text string) subtitles.Cue {
	return subtitles.Cue{Start: time.Duration(startMS) * time.Millisecond, End: time.Duration(endMS) * time.Millisecond, Text: text}
}

func TestAlign(t *testing.T) {
	tests := []struct {
		name           string
		source, target []subtitles.Cue
		want           []string
	}{
		{
			name:   "same timing",
			source: []subtitles.Cue{cue(0, 1000, "Hello."), cue(2000, 3000, "Goodbye.")},
			target: []subtitles.Cue{cue(0, 1000, "안녕."), cue(2000, 3000, "잘 가.")},
			want:   []string{"안녕.", "잘 가."},
		},
		{
			name:   "shifted timing picks the larger overlap",
			source: []subtitles.Cue{cue(1000, 3000, "A dark past.")},
			target: []subtitles.Cue{cue(0, 1500, "이전 대사"), cue(1500, 3500, "어두운 과거가 있지.")},
			want:   []string{"어두운 과거가 있지."},
		},
		{
			name:   "multiple target cues inside one source cue",
			source: []subtitles.Cue{cue(0, 6000, "One long English line.")},
			target: []subtitles.Cue{cue(0, 1000, "짧은 줄"), cue(1000, 4500, "가장 긴 줄"), cue(4500, 6000, "끝 줄")},
			want:   []string{"가장 긴 줄"},
		},
		{
			name:   "no overlap gives empty text",
			source: []subtitles.Cue{cue(0, 1000, "First."), cue(5000, 6000, "Second.")},
			target: []subtitles.Cue{cue(1000, 2000, "맞닿기만 함"), cue(7000, 8000, "나중")},
			want:   []string{"", ""},
		},
		{
			name:   "tie on overlap goes to the target whose middle is nearer",
			source: []subtitles.Cue{cue(1000, 3000, "Tie.")},
			target: []subtitles.Cue{cue(0, 2000, "앞 자막"), cue(2000, 2500, "짧은 자막"), cue(2000, 5000, "뒤 자막")},
			// Overlaps 1000, 500, 1000; of the two tied, the middle at 1000 is nearer the source's 2000 than 3500.
			want: []string{"앞 자막"},
		},
		{
			name:   "tie on overlap and distance goes to the earlier target",
			source: []subtitles.Cue{cue(1000, 3000, "Tie.")},
			target: []subtitles.Cue{cue(2000, 4000, "뒤"), cue(0, 2000, "앞")},
			want:   []string{"앞"},
		},
		{
			name:   "identical targets resolve to the first listed",
			source: []subtitles.Cue{cue(0, 1000, "Same.")},
			target: []subtitles.Cue{cue(0, 1000, "첫째"), cue(0, 1000, "둘째")},
			want:   []string{"첫째"},
		},
		{
			name:   "a long early target still reaches a later source",
			source: []subtitles.Cue{cue(8000, 9000, "Late line.")},
			target: []subtitles.Cue{cue(0, 10000, "긴 자막"), cue(2000, 3000, "짧은 자막"), cue(9500, 12000, "다음")},
			want:   []string{"긴 자막"},
		},
		{
			name:   "unsorted target",
			source: []subtitles.Cue{cue(0, 1000, "One."), cue(1000, 2000, "Two.")},
			target: []subtitles.Cue{cue(1000, 2000, "둘"), cue(0, 1000, "하나")},
			want:   []string{"하나", "둘"},
		},
		{
			name:   "empty target",
			source: []subtitles.Cue{cue(0, 1000, "Alone.")},
			want:   []string{""},
		},
		{
			name: "empty source",
			want: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Align(tt.source, tt.target)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Align() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAlignMatchesBruteForce checks the indexed search against the obvious quadratic definition on random
// timelines with overlaps, gaps and long cues.
func TestAlignMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []subtitles.Cue {
		cues := make([]subtitles.Cue, n)
		for i := range cues {
			start := rng.IntN(60000)
			cues[i] = cue(start, start+1+rng.IntN(8000), fmt.Sprint(i))
		}
		return cues
	}
	for round := 0; round < 200; round++ {
		source, target := random(1+rng.IntN(30)), random(rng.IntN(30))
		got := Align(source, target)
		for i, s := range source {
			want, best := "", time.Duration(0)
			for j, c := range target {
				overlap := min(s.End, c.End) - max(s.Start, c.Start)
				if overlap > best || overlap > 0 && overlap == best && nearer(s, target, j, indexOf(target, want)) {
					want, best = c.Text, overlap
				}
			}
			if got[i] != want {
				t.Fatalf("round %d source %d: got %q, want %q", round, i, got[i], want)
			}
		}
	}
}

func indexOf(cues []subtitles.Cue, text string) int {
	for i, c := range cues {
		if c.Text == text {
			return i
		}
	}
	return -1
}
