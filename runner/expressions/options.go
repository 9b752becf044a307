package expressions

import (
	"strings"

	"github.com/langflix/langflix-operator/runner/failure"
)

// withDefaults fills zero options with their defaults and rejects invalid ones as invalid input.
func (o Options) withDefaults() (Options, error) {
	if o.MaxCount == 0 {
		o.MaxCount = DefaultMaxCount
	}
	if o.MaxCount < 1 || o.MaxCount > MaxMaxCount {
		return o, failure.Invalid("expressions: max count %d is outside 1..%d", o.MaxCount, MaxMaxCount)
	}
	o.TargetLanguage = strings.TrimSpace(o.TargetLanguage)
	if o.TargetLanguage == "" {
		o.TargetLanguage = DefaultTargetLanguage
	}
	o.Level = strings.ToLower(strings.TrimSpace(o.Level))
	if o.Level == "" {
		o.Level = LevelMixed
	}
	if o.Level != LevelMixed && !validLevel(Level(o.Level)) {
		return o, failure.Invalid("expressions: level %q is not beginner, intermediate, advanced or mixed", o.Level)
	}
	if o.MinContext == 0 {
		o.MinContext = DefaultMinContext
	}
	if o.MaxContext == 0 {
		o.MaxContext = max(DefaultMaxContext, o.MinContext)
	}
	if o.MinContext < 0 || o.MaxContext < o.MinContext {
		return o, failure.Invalid("expressions: context window %v..%v is not a valid range", o.MinContext, o.MaxContext)
	}
	if o.VideoDuration < 0 {
		return o, failure.Invalid("expressions: video duration %v is negative", o.VideoDuration)
	}
	return o, nil
}
