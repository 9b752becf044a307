package v1alpha1

// The CRD schema is the one place defaults are applied: the API server fills them in before any controller
// or runner sees an object, and nested defaults apply because every defaulted object field defaults to {}.
// The operator therefore reads fields as they are, without fallbacks of its own.
//
// The constants below are the defaults the runner needs on its own: its command-line flags default to them,
// so a runner started by hand behaves like a task that left the field out. The schema's default markers
// cannot name Go constants, so a test (defaults_test.go) compares the generated CRDs with these values.
const (
	// DefaultLanguage is the spoken language of a video (spec.source.language).
	DefaultLanguage = "en"
	// DefaultTargetLanguage is the learners' language (spec.targetLanguage).
	DefaultTargetLanguage = "ko"
	// DefaultMaxCount is how many expressions a VideoTask produces (spec.expressions.maxCount).
	DefaultMaxCount = 5
	// MaxMaxCount is the largest spec.expressions.maxCount the schema admits.
	MaxMaxCount = 50
	// DefaultLevel is the learner level (spec.expressions.level).
	DefaultLevel = LevelMixed
	// DefaultExtractor finds expressions offline (spec.expressions.extractor).
	DefaultExtractor = ExtractorDictionary
	// DefaultRepeatCount is how often the expression clip repeats (spec.render.repeatCount).
	DefaultRepeatCount = 3
	// Render outputs built when spec.render leaves them out.
	DefaultEducationalVideo = EducationalVideoPerExpression
	DefaultShorts           = ShortsNone
	DefaultSlideImages      = SlideImagesPNG
	// DefaultSubtitles is what the clips and lesson videos (spec.render.subtitles) and the shorts
	// (spec.render.shortsSubtitles) get burned in.
	DefaultSubtitles = SubtitleDual

	// Slide defaults (SlideTask).
	DefaultSlideFormat          = SlideFormatPNG
	DefaultSlideWidth           = 1280
	DefaultSlideHeight          = 720
	DefaultSlideDurationSeconds = 5
	DefaultSlideAudio           = SlideAudioNone
	// MinSlideSide and MaxSlideSide bound spec.size.width and spec.size.height.
	MinSlideSide = 320
	MaxSlideSide = 3840
	// MaxSlideDurationSeconds bounds spec.durationSeconds.
	MaxSlideDurationSeconds = 600

	// DefaultRetentionDays is how long a CleanupPolicy keeps files (spec.retentionDays).
	DefaultRetentionDays = 7
	// DefaultCleanupMode is what a cleanup run does with the files it selects (spec.mode).
	DefaultCleanupMode = CleanupDelete
)
