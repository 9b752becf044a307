// Package naming gives the operator's children their deterministic names, labels and owner references.
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// maxJobNameLength keeps Job names usable as label values (the Job controller copies the name into the
// batch.kubernetes.io/job-name label of its pods, and label values stop at 63 characters).
const maxJobNameLength = 63

// kindAbbreviation keeps Job names of a VideoTask and a SlideTask with the same name apart.
var kindAbbreviation = map[string]string{
	tasksv1.KindVideoTask:     "vt",
	tasksv1.KindSlideTask:     "st",
	tasksv1.KindCleanupPolicy: "cleanup",
}

// JobName is the deterministic name of a task's Job for one attempt: "<task>-<kind>-<attempt>". The same
// inputs always give the same name, so a restarted operator with a stale cache that tries to create an
// attempt's Job again gets AlreadyExists instead of a second Job. Names that would be too long are cut and
// made unique again with a hash of the full name.
func JobName(taskName, kind string, attempt int32) string {
	suffix := "-" + kindAbbreviation[kind] + "-" + strconv.Itoa(int(attempt))
	return shortenName(taskName, suffix, maxJobNameLength)
}

// CronJobName is the name of a CleanupPolicy's CronJob. CronJob names are limited to 52 characters because
// the CronJob controller appends an 11-character schedule suffix to name its Jobs.
func CronJobName(policyName string) string {
	return shortenName(policyName, "-cleanup", 52)
}

// shortenName returns base+suffix when it fits in max characters, or a prefix of base, an 8-character hash
// of base+suffix and the suffix otherwise.
func shortenName(base, suffix string, max int) string {
	full := base + suffix
	if len(full) <= max {
		return full
	}
	sum := sha256.Sum256([]byte(full))
	hash := hex.EncodeToString(sum[:])[:8]
	keep := max - len(suffix) - len(hash) - 1
	prefix := base[:keep]
	// A name may not end in '-' or '.' before the hash separator; trim so the result stays a DNS label.
	for len(prefix) > 0 && (prefix[len(prefix)-1] == '-' || prefix[len(prefix)-1] == '.') {
		prefix = prefix[:len(prefix)-1]
	}
	return fmt.Sprintf("%s-%s%s", prefix, hash, suffix)
}
