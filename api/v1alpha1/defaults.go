package v1alpha1

import "time"

// Defaults of the API, mirrored in the CRD schema's default markers. The API server fills them in on
// create; the operator falls back to them for objects that bypassed defaulting (for example, ones built in
// Go and never stored), so a zero value never turns into a zero deadline or an immediate retry.
const (
	DefaultSoftTimeLimit = 25 * time.Minute
	DefaultHardTimeLimit = 30 * time.Minute
	DefaultMaxRetries    = 3
	DefaultBackoffBase   = 60 * time.Second
	DefaultBackoffCap    = 10 * time.Minute
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
