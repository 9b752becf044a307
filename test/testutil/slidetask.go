package testutil

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// BreakTheIce is a complete slide: the seed's example expression with its Korean translation.
func BreakTheIce() tasksv1alpha1.SlideContent {
	return tasksv1alpha1.SlideContent{
		Expression:          "break the ice",
		Translation:         "어색한 분위기를 깨다",
		Dialogue:            "Someone has to break the ice, so let me start.",
		DialogueTranslation: "누군가는 어색한 분위기를 깨야 하니까 제가 먼저 시작할게요.",
		SimilarExpressions:  []string{"get the ball rolling", "warm up the room"},
	}
}

// SlideTaskWrapper builds a SlideTask step by step; Obj returns the result.
type SlideTaskWrapper struct{ tasksv1alpha1.SlideTask }

// MakeSlideTask starts from a valid SlideTask: one slide (BreakTheIce) on the "media" claim; every other
// field is left to the CRD defaults.
func MakeSlideTask(name, namespace string) *SlideTaskWrapper {
	content := BreakTheIce()
	return &SlideTaskWrapper{tasksv1alpha1.SlideTask{
		TypeMeta:   metav1.TypeMeta{APIVersion: tasksv1alpha1.GroupVersion.String(), Kind: tasksv1alpha1.KindSlideTask},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: tasksv1alpha1.SlideTaskSpec{
			Content:      &content,
			TaskTemplate: validTemplate(),
		},
	}}
}

// Obj returns a deep copy of the SlideTask built so far, with the CRD schema's defaults filled in as the API
// server would store it (Default), so the wrapper can be reused and code that never meets an API server
// sees what it would read from one.
func (w *SlideTaskWrapper) Obj() *tasksv1alpha1.SlideTask {
	obj := w.DeepCopy()
	Default(obj)
	return obj
}

// Label sets a label.
func (w *SlideTaskWrapper) Label(key, value string) *SlideTaskWrapper {
	if w.Labels == nil {
		w.Labels = map[string]string{}
	}
	w.Labels[key] = value
	return w
}

// Content sets spec.content, the single slide; nil removes it.
func (w *SlideTaskWrapper) Content(c *tasksv1alpha1.SlideContent) *SlideTaskWrapper {
	w.Spec.Content = c
	return w
}

// Slides sets spec.slides and leaves spec.content alone: chain Content(nil) for a valid list-only task.
func (w *SlideTaskWrapper) Slides(slides ...tasksv1alpha1.SlideContent) *SlideTaskWrapper {
	w.Spec.Slides = slides
	return w
}

// Format sets spec.format.
func (w *SlideTaskWrapper) Format(f tasksv1alpha1.SlideFormat) *SlideTaskWrapper {
	w.Spec.Format = f
	return w
}

// Size sets spec.size in pixels.
func (w *SlideTaskWrapper) Size(width, height int32) *SlideTaskWrapper {
	w.Spec.Size = tasksv1alpha1.SlideSize{Width: width, Height: height}
	return w
}

// DurationSeconds sets spec.durationSeconds, the length of each slide video.
func (w *SlideTaskWrapper) DurationSeconds(s int32) *SlideTaskWrapper {
	w.Spec.DurationSeconds = s
	return w
}

// Audio sets spec.audio.
func (w *SlideTaskWrapper) Audio(a tasksv1alpha1.SlideAudio) *SlideTaskWrapper {
	w.Spec.Audio = a
	return w
}

// Output sets spec.output.
func (w *SlideTaskWrapper) Output(p string) *SlideTaskWrapper {
	w.Spec.Output = tasksv1alpha1.StoragePath(p)
	return w
}

// PVC mounts the named PersistentVolumeClaim as the task's storage.
func (w *SlideTaskWrapper) PVC(claim string) *SlideTaskWrapper { return w.Storage(PVCSource(claim)) }

// Storage sets spec.storage to any volume source.
func (w *SlideTaskWrapper) Storage(vs corev1.VolumeSource) *SlideTaskWrapper {
	w.Spec.Storage = vs
	return w
}

// TimeLimits sets spec.timeLimits.softSeconds and hardSeconds.
func (w *SlideTaskWrapper) TimeLimits(softSeconds, hardSeconds int32) *SlideTaskWrapper {
	setTimeLimits(&w.Spec.TaskTemplate, softSeconds, hardSeconds)
	return w
}

// StartLimit sets spec.timeLimits.startSeconds: how long an attempt may wait for its runner to run.
func (w *SlideTaskWrapper) StartLimit(startSeconds int32) *SlideTaskWrapper {
	setStart(&w.Spec.TaskTemplate, startSeconds)
	return w
}

// Retries sets spec.retry.maxRetries.
func (w *SlideTaskWrapper) Retries(n int32) *SlideTaskWrapper {
	setRetries(&w.Spec.TaskTemplate, n)
	return w
}

// Backoff sets spec.retry.backoffBaseSeconds and backoffCapSeconds.
func (w *SlideTaskWrapper) Backoff(baseSeconds, capSeconds int32) *SlideTaskWrapper {
	setBackoff(&w.Spec.TaskTemplate, baseSeconds, capSeconds)
	return w
}

// Suspend sets spec.suspend.
func (w *SlideTaskWrapper) Suspend(suspend bool) *SlideTaskWrapper {
	setSuspend(&w.Spec.TaskTemplate, suspend)
	return w
}

// TTL sets spec.ttlSecondsAfterFinished.
func (w *SlideTaskWrapper) TTL(seconds int32) *SlideTaskWrapper {
	setTTL(&w.Spec.TaskTemplate, seconds)
	return w
}

// Resources sets the runner container's resources.
func (w *SlideTaskWrapper) Resources(r corev1.ResourceRequirements) *SlideTaskWrapper {
	w.Spec.Resources = &r
	return w
}

// ServiceAccount sets spec.serviceAccountName.
func (w *SlideTaskWrapper) ServiceAccount(name string) *SlideTaskWrapper {
	w.Spec.ServiceAccountName = name
	return w
}

// Status sets the status; it only reaches the server through the status subresource.
func (w *SlideTaskWrapper) Status(s tasksv1alpha1.TaskStatus) *SlideTaskWrapper {
	w.SlideTask.Status = s
	return w
}

// Priority sets spec.priority, the task's place among tasks waiting for the operator's capacity.
func (w *SlideTaskWrapper) Priority(p int32) *SlideTaskWrapper {
	w.Spec.Priority = &p
	return w
}

// Queue sets spec.queueName, the Kueue LocalQueue of the task's Jobs.
func (w *SlideTaskWrapper) Queue(name string) *SlideTaskWrapper {
	w.Spec.QueueName = name
	return w
}
