package v1alpha1

import "time"

// Defaults of the API. They are the single source of every default: the CRD schema's default markers carry
// the same values (a test compares the generated schema with these constants), the operator falls back to
// them for objects that bypassed defaulting (for example ones built in Go and never stored), and the runner's
// flag defaults use them, so the runner on its own behaves like a task that left the field out.
const (
	DefaultSoftTimeLimit = 25 * time.Minute
	DefaultHardTimeLimit = 30 * time.Minute
	// DefaultStartTimeLimit is how long an attempt may wait for its runner to run (timeLimits.start).
	DefaultStartTimeLimit = 10 * time.Minute
	DefaultMaxRetries     = 3
	DefaultBackoffBase    = 60 * time.Second
	DefaultBackoffCap     = 10 * time.Minute

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
	DefaultEducationalVideo = true
	DefaultCombinedVideo    = false
	DefaultShorts           = false
	DefaultSlides           = true

	// Slide defaults (SlideTask).
	DefaultSlideFormat          = SlideFormatPNG
	DefaultSlideWidth           = 1280
	DefaultSlideHeight          = 720
	DefaultSlideDurationSeconds = 5
	// MinSlideSide and MaxSlideSide bound spec.size.width and spec.size.height.
	MinSlideSide = 320
	MaxSlideSide = 3840
	// MaxSlideDurationSeconds bounds spec.durationSeconds.
	MaxSlideDurationSeconds = 600

	// CleanupPolicy defaults.
	DefaultSchedule                   = "0 2 * * *"
	DefaultTimeZone                   = "UTC"
	DefaultRetentionDays              = 7
	DefaultSuccessfulJobsHistoryLimit = 3
	DefaultFailedJobsHistoryLimit     = 1
)

// SoftOrDefault returns the soft limit, or its default when unset.
func (l TimeLimits) SoftOrDefault() time.Duration {
	if l.Soft.Duration > 0 {
		return l.Soft.Duration
	}
	return DefaultSoftTimeLimit
}

// HardOrDefault returns the hard limit, or its default when unset.
func (l TimeLimits) HardOrDefault() time.Duration {
	if l.Hard.Duration > 0 {
		return l.Hard.Duration
	}
	return DefaultHardTimeLimit
}

// StartOrDefault returns the start limit, or its default when unset.
func (l TimeLimits) StartOrDefault() time.Duration {
	if l.Start.Duration > 0 {
		return l.Start.Duration
	}
	return DefaultStartTimeLimit
}

// MaxRetriesOrDefault returns maxRetries, or its default when unset.
func (p RetryPolicy) MaxRetriesOrDefault() int32 {
	if p.MaxRetries != nil {
		return *p.MaxRetries
	}
	return DefaultMaxRetries
}

// BackoffOrDefault returns the backoff base and cap, with their defaults when unset.
func (p RetryPolicy) BackoffOrDefault() (base, limit time.Duration) {
	base, limit = p.BackoffBase.Duration, p.BackoffCap.Duration
	if base <= 0 {
		base = DefaultBackoffBase
	}
	if limit <= 0 {
		limit = DefaultBackoffCap
	}
	return base, limit
}
