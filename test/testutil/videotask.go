package testutil

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// VideoTaskWrapper builds a VideoTask step by step; Obj returns the result.
type VideoTaskWrapper struct{ tasksv1alpha1.VideoTask }

// MakeVideoTask starts from a valid VideoTask: video input/episode.mkv with input/episode.srt on the "media"
// claim; every other field is left to the CRD defaults.
func MakeVideoTask(name, namespace string) *VideoTaskWrapper {
	return &VideoTaskWrapper{tasksv1alpha1.VideoTask{
		TypeMeta:   metav1.TypeMeta{APIVersion: tasksv1alpha1.GroupVersion.String(), Kind: tasksv1alpha1.KindVideoTask},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: tasksv1alpha1.VideoTaskSpec{
			Source: tasksv1alpha1.VideoSource{
				Video:     "input/episode.mkv",
				Subtitles: "input/episode.srt",
			},
			TaskTemplate: validTemplate(),
		},
	}}
}

// Obj returns a deep copy of the VideoTask built so far, with the CRD schema's defaults filled in as the API
// server would store it (Default), so the wrapper can be reused and code that never meets an API server
// sees what it would read from one.
func (w *VideoTaskWrapper) Obj() *tasksv1alpha1.VideoTask {
	obj := w.DeepCopy()
	Default(obj)
	return obj
}

// Label sets a label.
func (w *VideoTaskWrapper) Label(key, value string) *VideoTaskWrapper {
	if w.Labels == nil {
		w.Labels = map[string]string{}
	}
	w.Labels[key] = value
	return w
}

// Video sets spec.source.video.
func (w *VideoTaskWrapper) Video(p string) *VideoTaskWrapper {
	w.Spec.Source.Video = tasksv1alpha1.StoragePath(p)
	return w
}

// Subtitles sets spec.source.subtitles; "" means the video's embedded subtitles.
func (w *VideoTaskWrapper) Subtitles(p string) *VideoTaskWrapper {
	w.Spec.Source.Subtitles = tasksv1alpha1.StoragePath(p)
	return w
}

// TranslationSubtitles sets spec.source.translationSubtitles.
func (w *VideoTaskWrapper) TranslationSubtitles(p string) *VideoTaskWrapper {
	w.Spec.Source.TranslationSubtitles = tasksv1alpha1.StoragePath(p)
	return w
}

// Language sets spec.source.language, the spoken language.
func (w *VideoTaskWrapper) Language(lang string) *VideoTaskWrapper {
	w.Spec.Source.Language = tasksv1alpha1.LanguageCode(lang)
	return w
}

// TargetLanguage sets spec.targetLanguage, the learner's language.
func (w *VideoTaskWrapper) TargetLanguage(lang string) *VideoTaskWrapper {
	w.Spec.TargetLanguage = tasksv1alpha1.LanguageCode(lang)
	return w
}

// Output sets spec.output.
func (w *VideoTaskWrapper) Output(p string) *VideoTaskWrapper {
	w.Spec.Output = tasksv1alpha1.StoragePath(p)
	return w
}

// PVC mounts the named PersistentVolumeClaim as the task's storage.
func (w *VideoTaskWrapper) PVC(claim string) *VideoTaskWrapper { return w.Storage(PVCSource(claim)) }

// Storage sets spec.storage to any volume source.
func (w *VideoTaskWrapper) Storage(vs corev1.VolumeSource) *VideoTaskWrapper {
	w.Spec.Storage = vs
	return w
}

// MaxCount sets spec.expressions.maxCount.
func (w *VideoTaskWrapper) MaxCount(n int32) *VideoTaskWrapper {
	w.Spec.Expressions.MaxCount = n
	return w
}

// Level sets spec.expressions.level.
func (w *VideoTaskWrapper) Level(level tasksv1alpha1.ExpressionLevel) *VideoTaskWrapper {
	w.Spec.Expressions.Level = level
	return w
}

// Include sets spec.expressions.include.
func (w *VideoTaskWrapper) Include(expressions ...string) *VideoTaskWrapper {
	w.Spec.Expressions.Include = expressions
	return w
}

// Extractor sets spec.expressions.extractor without touching spec.expressions.llm.
func (w *VideoTaskWrapper) Extractor(e tasksv1alpha1.ExtractorType) *VideoTaskWrapper {
	w.Spec.Expressions.Extractor = e
	return w
}

// LLM selects the LLM extractor with the given endpoint and model.
func (w *VideoTaskWrapper) LLM(endpoint, model string) *VideoTaskWrapper {
	w.Spec.Expressions.Extractor = tasksv1alpha1.ExtractorLLM
	w.Spec.Expressions.LLM = &tasksv1alpha1.LLMSpec{Endpoint: endpoint, Model: model}
	return w
}

// APIKeySecret names the Secret key with the LLM API key; call LLM first.
func (w *VideoTaskWrapper) APIKeySecret(name, key string) *VideoTaskWrapper {
	if w.Spec.Expressions.LLM == nil {
		panic("testutil: APIKeySecret needs LLM(endpoint, model) first")
	}
	w.Spec.Expressions.LLM.APIKeySecretRef = &tasksv1alpha1.SecretKeyRef{Name: name, Key: key}
	return w
}

// EducationalVideo sets spec.render.educationalVideo.
func (w *VideoTaskWrapper) EducationalVideo(m tasksv1alpha1.EducationalVideoMode) *VideoTaskWrapper {
	w.Spec.Render.EducationalVideo = m
	return w
}

// Shorts sets spec.render.shorts.
func (w *VideoTaskWrapper) Shorts(f tasksv1alpha1.ShortsFormat) *VideoTaskWrapper {
	w.Spec.Render.Shorts = f
	return w
}

// SlideImages sets spec.render.slides, the slide files kept among the outputs.
func (w *VideoTaskWrapper) SlideImages(i tasksv1alpha1.SlideImages) *VideoTaskWrapper {
	w.Spec.Render.Slides = i
	return w
}

// SubtitleModes sets spec.render.subtitles and spec.render.shortsSubtitles; "" leaves a field unset.
func (w *VideoTaskWrapper) SubtitleModes(clips, shorts tasksv1alpha1.SubtitleMode) *VideoTaskWrapper {
	w.Spec.Render.Subtitles, w.Spec.Render.ShortsSubtitles = clips, shorts
	return w
}

// RepeatCount sets spec.render.repeatCount.
func (w *VideoTaskWrapper) RepeatCount(n int32) *VideoTaskWrapper {
	w.Spec.Render.RepeatCount = n
	return w
}

// TimeLimits sets spec.timeLimits.softSeconds and hardSeconds.
func (w *VideoTaskWrapper) TimeLimits(softSeconds, hardSeconds int32) *VideoTaskWrapper {
	setTimeLimits(&w.Spec.TaskTemplate, softSeconds, hardSeconds)
	return w
}

// StartLimit sets spec.timeLimits.startSeconds: how long an attempt may wait for its runner to run.
func (w *VideoTaskWrapper) StartLimit(startSeconds int32) *VideoTaskWrapper {
	setStart(&w.Spec.TaskTemplate, startSeconds)
	return w
}

// Retries sets spec.retry.maxRetries.
func (w *VideoTaskWrapper) Retries(n int32) *VideoTaskWrapper {
	setRetries(&w.Spec.TaskTemplate, n)
	return w
}

// Backoff sets spec.retry.backoffBaseSeconds and backoffCapSeconds.
func (w *VideoTaskWrapper) Backoff(baseSeconds, capSeconds int32) *VideoTaskWrapper {
	setBackoff(&w.Spec.TaskTemplate, baseSeconds, capSeconds)
	return w
}

// Suspend sets spec.suspend.
func (w *VideoTaskWrapper) Suspend(suspend bool) *VideoTaskWrapper {
	setSuspend(&w.Spec.TaskTemplate, suspend)
	return w
}

// TTL sets spec.ttlSecondsAfterFinished.
func (w *VideoTaskWrapper) TTL(seconds int32) *VideoTaskWrapper {
	setTTL(&w.Spec.TaskTemplate, seconds)
	return w
}

// Resources sets the runner container's resources.
func (w *VideoTaskWrapper) Resources(r corev1.ResourceRequirements) *VideoTaskWrapper {
	w.Spec.Resources = &r
	return w
}

// PriorityClass sets spec.priorityClassName.
func (w *VideoTaskWrapper) PriorityClass(name string) *VideoTaskWrapper {
	w.Spec.PriorityClassName = name
	return w
}

// ServiceAccount sets spec.serviceAccountName.
func (w *VideoTaskWrapper) ServiceAccount(name string) *VideoTaskWrapper {
	w.Spec.ServiceAccountName = name
	return w
}

// Status sets the status; it only reaches the server through the status subresource.
func (w *VideoTaskWrapper) Status(s tasksv1alpha1.TaskStatus) *VideoTaskWrapper {
	w.VideoTask.Status = s
	return w
}

// Priority sets spec.priority, the task's place among tasks waiting for the operator's capacity.
func (w *VideoTaskWrapper) Priority(p int32) *VideoTaskWrapper {
	w.Spec.Priority = &p
	return w
}

// Queue sets spec.queueName, the Kueue LocalQueue of the task's Jobs.
func (w *VideoTaskWrapper) Queue(name string) *VideoTaskWrapper {
	w.Spec.QueueName = name
	return w
}
