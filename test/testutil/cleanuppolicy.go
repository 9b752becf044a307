package testutil

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// CleanupPolicyWrapper builds a CleanupPolicy step by step; Obj returns the result.
type CleanupPolicyWrapper struct{ tasksv1alpha1.CleanupPolicy }

// MakeCleanupPolicy starts from a valid CleanupPolicy that cleans the whole "media" claim; every other field
// is left to the CRD defaults (02:00 UTC daily, 7 days).
func MakeCleanupPolicy(name, namespace string) *CleanupPolicyWrapper {
	return &CleanupPolicyWrapper{tasksv1alpha1.CleanupPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: tasksv1alpha1.GroupVersion.String(), Kind: tasksv1alpha1.KindCleanupPolicy},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec:       tasksv1alpha1.CleanupPolicySpec{Storage: PVCSource(DefaultClaim)},
	}}
}

// Obj returns a deep copy of the CleanupPolicy built so far, with the CRD schema's defaults filled in as
// the API server would store it (Default), so the wrapper can be reused.
func (w *CleanupPolicyWrapper) Obj() *tasksv1alpha1.CleanupPolicy {
	obj := w.DeepCopy()
	Default(obj)
	return obj
}

// Label sets a label.
func (w *CleanupPolicyWrapper) Label(key, value string) *CleanupPolicyWrapper {
	if w.Labels == nil {
		w.Labels = map[string]string{}
	}
	w.Labels[key] = value
	return w
}

// Schedule sets spec.schedule, a five-field cron expression.
func (w *CleanupPolicyWrapper) Schedule(cron string) *CleanupPolicyWrapper {
	w.Spec.Schedule = cron
	return w
}

// TimeZone sets spec.timeZone.
func (w *CleanupPolicyWrapper) TimeZone(tz string) *CleanupPolicyWrapper {
	w.Spec.TimeZone = tz
	return w
}

// RetentionDays sets spec.retentionDays.
func (w *CleanupPolicyWrapper) RetentionDays(days int32) *CleanupPolicyWrapper {
	w.Spec.RetentionDays = days
	return w
}

// Paths sets spec.paths, the folders to clean.
func (w *CleanupPolicyWrapper) Paths(paths ...string) *CleanupPolicyWrapper {
	w.Spec.Paths = make([]tasksv1alpha1.RelativePath, len(paths))
	for i, p := range paths {
		w.Spec.Paths[i] = tasksv1alpha1.RelativePath(p)
	}
	return w
}

// Include sets spec.include, the globs of files that may be deleted.
func (w *CleanupPolicyWrapper) Include(globs ...string) *CleanupPolicyWrapper {
	w.Spec.Include = globs
	return w
}

// Exclude sets spec.exclude, the globs of files never deleted.
func (w *CleanupPolicyWrapper) Exclude(globs ...string) *CleanupPolicyWrapper {
	w.Spec.Exclude = globs
	return w
}

// Mode sets spec.mode: Delete, or DryRun.
func (w *CleanupPolicyWrapper) Mode(m tasksv1alpha1.CleanupMode) *CleanupPolicyWrapper {
	w.Spec.Mode = m
	return w
}

// Suspend sets spec.suspend.
func (w *CleanupPolicyWrapper) Suspend(on bool) *CleanupPolicyWrapper {
	w.Spec.Suspend = ptr.To(on)
	return w
}

// HistoryLimits sets how many successful and failed cleanup Jobs are kept.
func (w *CleanupPolicyWrapper) HistoryLimits(successful, failed int32) *CleanupPolicyWrapper {
	w.Spec.SuccessfulJobsHistoryLimit = ptr.To(successful)
	w.Spec.FailedJobsHistoryLimit = ptr.To(failed)
	return w
}

// PVC mounts the named PersistentVolumeClaim as the volume to clean.
func (w *CleanupPolicyWrapper) PVC(claim string) *CleanupPolicyWrapper {
	return w.Storage(PVCSource(claim))
}

// Storage sets spec.storage to any volume source.
func (w *CleanupPolicyWrapper) Storage(vs corev1.VolumeSource) *CleanupPolicyWrapper {
	w.Spec.Storage = vs
	return w
}

// Resources sets the cleanup container's resources.
func (w *CleanupPolicyWrapper) Resources(r corev1.ResourceRequirements) *CleanupPolicyWrapper {
	w.Spec.Resources = &r
	return w
}

// Status sets the status; it only reaches the server through the status subresource.
func (w *CleanupPolicyWrapper) Status(s tasksv1alpha1.CleanupPolicyStatus) *CleanupPolicyWrapper {
	w.CleanupPolicy.Status = s
	return w
}
