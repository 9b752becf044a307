package runnerv1alpha1_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// The runner's flags take lower-case words; the API's enums are CamelCase. Every API value must map onto a
// value the runner knows, so a task the schema admits never reaches the runner as an unknown word.
func TestAPIEnumsMapOntoFlagValues(t *testing.T) {
	levels := map[tasksv1.ExpressionLevel]string{
		tasksv1.LevelBeginner: runnerv1.LevelBeginner, tasksv1.LevelIntermediate: runnerv1.LevelIntermediate,
		tasksv1.LevelAdvanced: runnerv1.LevelAdvanced, tasksv1.LevelMixed: runnerv1.LevelMixed,
	}
	if len(levels) != len(tasksv1.ExpressionLevels) {
		t.Fatalf("%d API levels, %d mapped", len(tasksv1.ExpressionLevels), len(levels))
	}
	for _, l := range tasksv1.ExpressionLevels {
		if got := runnerv1.LevelFlag(l); got != levels[l] {
			t.Errorf("LevelFlag(%s) = %q, want %q", l, got, levels[l])
		}
	}
	for api, flag := range map[tasksv1.SlideFormat]string{tasksv1.SlideFormatPNG: runnerv1.FormatPNG, tasksv1.SlideFormatMP4: runnerv1.FormatMP4} {
		if got := runnerv1.FormatFlag(api); got != flag {
			t.Errorf("FormatFlag(%s) = %q, want %q", api, got, flag)
		}
	}
	for api, flag := range map[tasksv1.ExtractorType]string{tasksv1.ExtractorDictionary: runnerv1.ExtractorDictionary, tasksv1.ExtractorLLM: runnerv1.ExtractorLLM} {
		if got := runnerv1.ExtractorFlag(string(api)); got != flag {
			t.Errorf("ExtractorFlag(%s) = %q, want %q", api, got, flag)
		}
	}
	type outputs struct{ perExpression, combined, shorts, slides bool }
	for _, tc := range []struct {
		render tasksv1.RenderSpec
		want   outputs
	}{
		{tasksv1.RenderSpec{EducationalVideo: tasksv1.EducationalVideoPerExpression, Shorts: tasksv1.ShortsNone, Slides: tasksv1.SlideImagesPNG}, outputs{true, false, false, true}},
		{tasksv1.RenderSpec{EducationalVideo: tasksv1.EducationalVideoPerExpressionAndCombined, Shorts: tasksv1.ShortsVertical, Slides: tasksv1.SlideImagesNone}, outputs{true, true, true, false}},
		{tasksv1.RenderSpec{EducationalVideo: tasksv1.EducationalVideoNone, Shorts: tasksv1.ShortsNone, Slides: tasksv1.SlideImagesNone}, outputs{false, false, false, false}},
	} {
		var got outputs
		got.perExpression, got.combined = runnerv1.EducationalVideoFlags(tc.render.EducationalVideo)
		got.shorts, got.slides = runnerv1.ShortsFlag(tc.render.Shorts), runnerv1.SlidesFlag(tc.render.Slides)
		if got != tc.want {
			t.Errorf("render %+v: flags %+v, want %+v", tc.render, got, tc.want)
		}
	}
	if !runnerv1.AudioFlag(tasksv1.SlideAudioExpression) || runnerv1.AudioFlag(tasksv1.SlideAudioNone) {
		t.Error("AudioFlag does not follow spec.audio")
	}
	if !runnerv1.DryRunFlag(tasksv1.CleanupDryRun) || runnerv1.DryRunFlag(tasksv1.CleanupDelete) {
		t.Error("DryRunFlag does not follow spec.mode")
	}
}

// spec.timeLimits.softSeconds equal to hardSeconds turns the graceful stop off: the runner gets no soft
// limit, and the hard limit ends the attempt.
func TestSoftLimitEqualToHardIsNoSoftLimit(t *testing.T) {
	for _, tc := range []struct {
		soft, hard int32
		want       time.Duration
	}{
		{1500, 1800, 25 * time.Minute},
		{1, 2, time.Second},
		{10, 10, 0},
	} {
		task := testutil.MakeVideoTask("t", "n").TimeLimits(tc.soft, tc.hard).Obj()
		o := runnerv1.VideoOptionsFromSpec(task)
		if o.SoftTimeLimit != tc.want {
			t.Errorf("soft %ds, hard %ds: the runner's soft limit is %s, want %s", tc.soft, tc.hard, o.SoftTimeLimit, tc.want)
		}
		if tc.want == 0 && slices.ContainsFunc(o.Args(), func(a string) bool { return strings.HasPrefix(a, "--"+runnerv1.FlagSoftTimeLimit) }) {
			t.Errorf("soft %ds, hard %ds: args %q carry a soft limit", tc.soft, tc.hard, o.Args())
		}
	}
}
