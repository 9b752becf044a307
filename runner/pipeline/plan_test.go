package pipeline

import (
	"slices"
	"testing"
)

// The progress plan and the run read one stage table; the plan lists exactly the stages a configuration
// runs, in order, with the manifest last.
func TestVideoPlanFollowsTheStageTable(t *testing.T) {
	tests := []struct {
		name string
		cfg  VideoConfig
		want []string
	}{
		{"defaults of a VideoTask", VideoConfig{EducationalVideo: true, Slides: true},
			[]string{StageProbe, StageSubtitles, StageExpressions, StageClips, StageSlides, StageVideos, StageManifest}},
		{"everything", VideoConfig{TranslationSubtitles: "ko.srt", EducationalVideo: true, Slides: true, Combined: true, Shorts: true},
			[]string{StageProbe, StageSubtitles, StageExpressions, StageTranslation, StageClips, StageSlides, StageVideos,
				StageCombined, StageShorts, StageManifest}},
		{"clips only: a combined video needs educational videos", VideoConfig{Combined: true},
			[]string{StageProbe, StageSubtitles, StageExpressions, StageClips, StageManifest}},
		{"lesson videos without slide outputs still render slides", VideoConfig{EducationalVideo: true},
			[]string{StageProbe, StageSubtitles, StageExpressions, StageClips, StageSlides, StageVideos, StageManifest}},
	}
	for _, tc := range tests {
		var got []string
		for _, s := range VideoPlan(tc.cfg) {
			if s.Weight <= 0 {
				t.Errorf("%s: stage %s has no weight", tc.name, s.Name)
			}
			got = append(got, s.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: plan %v, want %v", tc.name, got, tc.want)
		}
	}
}
