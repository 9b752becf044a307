package testutil

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// VideoTaskWrapper builds a VideoTask step by step; Obj returns the result.
type VideoTaskWrapper struct{ tasksv1alpha1.VideoTask }

// MakeVideoTask starts from a valid VideoTask: video input/episode.mkv with input/episode.srt on the "media"
// claim, and the default time limits and backoff (see validTemplate for why those are spelled out).
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

// Obj returns a deep copy of the VideoTask built so far, so the wrapper can be reused.
func (w *VideoTaskWrapper) Obj() *tasksv1alpha1.VideoTask { return w.DeepCopy() }

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
	w.Spec.Source.Language = lang
	return w
}

// TargetLanguage sets spec.targetLanguage, the learner's language.
func (w *VideoTaskWrapper) TargetLanguage(lang string) *VideoTaskWrapper {
	w.Spec.TargetLanguage = lang
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
func (w *VideoTaskWrapper) EducationalVideo(on bool) *VideoTaskWrapper {
	w.Spec.Render.EducationalVideo = ptr.To(on)
	return w
}

// CombinedVideo sets spec.render.combinedVideo.
func (w *VideoTaskWrapper) CombinedVideo(on bool) *VideoTaskWrapper {
	w.Spec.Render.CombinedVideo = ptr.To(on)
	return w
}

// Shorts sets spec.render.shorts.
func (w *VideoTaskWrapper) Shorts(on bool) *VideoTaskWrapper {
	w.Spec.Render.Shorts = ptr.To(on)
	return w
}

// KeepSlides sets spec.render.slides (keep the PNG slides).
func (w *VideoTaskWrapper) KeepSlides(on bool) *VideoTaskWrapper {
	w.Spec.Render.Slides = ptr.To(on)
	return w
}

// RepeatCount sets spec.render.repeatCount.
func (w *VideoTaskWrapper) RepeatCount(n int32) *VideoTaskWrapper {
	w.Spec.Render.RepeatCount = n
	return w
}

// SoftHard sets the soft and hard time limits, e.g. SoftHard("25m", "30m"). A typed client drops a zero
// duration, so "0s" ends up as the default; send a zero with WithField.
func (w *VideoTaskWrapper) SoftHard(soft, hard string) *VideoTaskWrapper {
	setSoftHard(&w.Spec.TaskTemplate, soft, hard)
	return w
}

// StartLimit sets spec.timeLimits.start: how long an attempt may wait for its runner to run.
func (w *VideoTaskWrapper) StartLimit(start string) *VideoTaskWrapper {
	setStart(&w.Spec.TaskTemplate, start)
	return w
}

// Retries sets spec.retry.maxRetries.
func (w *VideoTaskWrapper) Retries(n int32) *VideoTaskWrapper {
	setRetries(&w.Spec.TaskTemplate, n)
	return w
}

// Backoff sets spec.retry.backoffBase and backoffCap, e.g. Backoff("60s", "10m").
func (w *VideoTaskWrapper) Backoff(base, backoffCap string) *VideoTaskWrapper {
	setBackoff(&w.Spec.TaskTemplate, base, backoffCap)
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
