package testutil

import (
	corev1 "k8s.io/api/core/v1"
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

// validTemplate is the shared part of a valid task: the "media" claim as storage. Everything else is left
// to the CRD schema's defaults, which Obj fills in (see Default).
func validTemplate() tasksv1alpha1.TaskTemplate {
	return tasksv1alpha1.TaskTemplate{Storage: PVCSource(DefaultClaim)}
}

// The set* helpers hold the TaskTemplate edits that VideoTaskWrapper and SlideTaskWrapper share, so the
// two builders cannot drift apart.

// setTimeLimits sets the soft and hard limits and leaves the start limit alone.
func setTimeLimits(t *tasksv1alpha1.TaskTemplate, softSeconds, hardSeconds int32) {
	t.TimeLimits.SoftSeconds, t.TimeLimits.HardSeconds = softSeconds, hardSeconds
}

func setStart(t *tasksv1alpha1.TaskTemplate, startSeconds int32) {
	t.TimeLimits.StartSeconds = startSeconds
}

func setBackoff(t *tasksv1alpha1.TaskTemplate, baseSeconds, capSeconds int32) {
	t.Retry.BackoffBaseSeconds = baseSeconds
	t.Retry.BackoffCapSeconds = capSeconds
}

func setRetries(t *tasksv1alpha1.TaskTemplate, n int32) { t.Retry.MaxRetries = ptr.To(n) }

func setSuspend(t *tasksv1alpha1.TaskTemplate, suspend bool) { t.Suspend = ptr.To(suspend) }

func setTTL(t *tasksv1alpha1.TaskTemplate, seconds int32) {
	t.TTLSecondsAfterFinished = ptr.To(seconds)
}
