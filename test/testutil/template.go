package testutil

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// DefaultClaim is the PersistentVolumeClaim every builder mounts unless told otherwise.
const DefaultClaim = "media"

// PVCSource returns a volume source that mounts the named PersistentVolumeClaim.
func PVCSource(claim string) corev1.VolumeSource {
	return corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim},
	}
}

// Duration parses a Go duration such as "25m" and panics on a typo: builders are called with literals.
func Duration(s string) metav1.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(fmt.Sprintf("testutil.Duration(%q): %v", s, err))
	}
	return metav1.Duration{Duration: d}
}

// validTemplate is the shared part of a valid task. The durations equal the CRD defaults; they are spelled
// out so an object that never reached the server (a reconciler unit test) holds the same values as a stored
// one. A minimal object without them is valid too: the duration fields are omitzero, so a typed client leaves
// them to the server's defaults.
func validTemplate() tasksv1alpha1.TaskTemplate {
	return tasksv1alpha1.TaskTemplate{
		Storage: PVCSource(DefaultClaim),
		TimeLimits: tasksv1alpha1.TimeLimits{
			Soft:  Duration("25m"),
			Hard:  Duration("30m"),
			Start: Duration("10m"),
		},
		Retry: tasksv1alpha1.RetryPolicy{
			BackoffBase: Duration("60s"),
			BackoffCap:  Duration("10m"),
		},
	}
}

// The set* helpers hold the TaskTemplate edits that VideoTaskWrapper and SlideTaskWrapper share, so the
// two builders cannot drift apart.

// setSoftHard sets both time limits. A zero duration ("0s") is omitted from the JSON (omitzero) and the
// server fills in the default, so a test of a zero limit must send it with WithField.
func setSoftHard(t *tasksv1alpha1.TaskTemplate, soft, hard string) {
	t.TimeLimits.Soft, t.TimeLimits.Hard = Duration(soft), Duration(hard)
}

func setStart(t *tasksv1alpha1.TaskTemplate, start string) { t.TimeLimits.Start = Duration(start) }

func setBackoff(t *tasksv1alpha1.TaskTemplate, base, backoffCap string) {
	t.Retry.BackoffBase = Duration(base)
	t.Retry.BackoffCap = Duration(backoffCap)
}

func setRetries(t *tasksv1alpha1.TaskTemplate, n int32) { t.Retry.MaxRetries = ptr.To(n) }

func setSuspend(t *tasksv1alpha1.TaskTemplate, suspend bool) { t.Suspend = ptr.To(suspend) }

func setTTL(t *tasksv1alpha1.TaskTemplate, seconds int32) {
	t.TTLSecondsAfterFinished = ptr.To(seconds)
}
