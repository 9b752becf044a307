package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// LanguageCode is an ISO 639 language code with an optional subtag, such as en, ko or ko-KR.
// +kubebuilder:validation:MinLength=2
// +kubebuilder:validation:MaxLength=12
// +kubebuilder:validation:Pattern=`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`
type LanguageCode string

// VideoSource names the episode or film and its subtitles.
type VideoSource struct {
	// video is the video file: a path relative to the storage root, or an s3://, gs://, file:// or https:// URL.
	// +required
	Video StoragePath `json:"video,omitempty"`

	// subtitles is the subtitle file in the source language (SRT, WebVTT, ASS/SSA or SAMI). When unset, the
	// video's first embedded text subtitle stream is used.
	// +optional
	Subtitles StoragePath `json:"subtitles,omitempty"`

	// translationSubtitles is a subtitle file in the target language; each dialogue line gets the cue that
	// overlaps it most in time as its translation.
	// +optional
	TranslationSubtitles StoragePath `json:"translationSubtitles,omitempty"`

	// language is the spoken language of the video, as an ISO 639 code.
	// +kubebuilder:default=en
	// +optional
	Language LanguageCode `json:"language,omitempty"`
}

// ExpressionLevel is the learner level expressions are chosen for.
// +kubebuilder:validation:Enum=Beginner;Intermediate;Advanced;Mixed
type ExpressionLevel string

const (
	LevelBeginner     ExpressionLevel = "Beginner"
	LevelIntermediate ExpressionLevel = "Intermediate"
	LevelAdvanced     ExpressionLevel = "Advanced"
	// LevelMixed takes expressions of every level.
	LevelMixed ExpressionLevel = "Mixed"
)

// ExpressionLevels are the values of ExpressionLevel, in the order of the schema's enum.
var ExpressionLevels = []ExpressionLevel{LevelBeginner, LevelIntermediate, LevelAdvanced, LevelMixed}

// ExtractorType selects how expressions are found.
// +kubebuilder:validation:Enum=Dictionary;LLM
type ExtractorType string

const (
	// ExtractorDictionary matches the dialogue against the runner's built-in lexicon, offline.
	ExtractorDictionary ExtractorType = "Dictionary"
	// ExtractorLLM asks an OpenAI-compatible chat-completions endpoint.
	ExtractorLLM ExtractorType = "LLM"
)

// SubtitleMode says which subtitles are burned into a video.
// +kubebuilder:validation:Enum=Dual;Original;None
type SubtitleMode string

const (
	// SubtitleDual shows each dialogue line in the video's language and, below it, its translation in the
	// target language when one is known (source.translationSubtitles, or the expression's translation on
	// the line that says it), with the expression highlighted.
	SubtitleDual SubtitleMode = "Dual"
	// SubtitleOriginal shows the dialogue lines only, with the expression highlighted.
	SubtitleOriginal SubtitleMode = "Original"
	// SubtitleNone burns no subtitles.
	SubtitleNone SubtitleMode = "None"
)

// LLMSpec configures the LLM extractor.
type LLMSpec struct {
	// endpoint is the base URL of an OpenAI-compatible API; the runner posts to <endpoint>/chat/completions
	// with the API key as a bearer token, so it must be https://. Plain http:// is accepted only for loopback
	// hosts (localhost, 127.x.x.x, [::1]) and cluster-local Service names (*.svc, *.svc.cluster.local), and
	// only when the operator's installation allows it (admission.insecureLLMEndpoints).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.matches('^https://[^ ]+$') || self.matches('^http://(localhost|127([.][0-9]{1,3}){3}|[[]::1[]]|([a-z0-9]([-a-z0-9]*[a-z0-9])?[.])+svc([.]cluster[.]local)?)(:[0-9]{1,5})?(/[^ ]*)?$')",message="expressions.llm.endpoint must be an https:// URL; http:// is accepted only for loopback hosts and cluster-local Service names (*.svc, *.svc.cluster.local)"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[a-zA-Z]+://[^/?#]*@')",message="expressions.llm.endpoint must not carry credentials (user:password@host); put the key in apiKeySecretRef"
	// +required
	Endpoint string `json:"endpoint,omitempty"`

	// model is the model name sent with each request, such as gpt-4o-mini. There is no default: models
	// differ between providers.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Model string `json:"model,omitempty"`

	// apiKeySecretRef names the Secret key that holds the API key. The key reaches the runner as an
	// environment variable and never appears in status, events or logs. Only a user who may get that Secret
	// may name it.
	// +optional
	APIKeySecretRef *SecretKeyRef `json:"apiKeySecretRef,omitempty"`
}

// SecretKeyRef names one key of a Secret in the task's namespace.
type SecretKeyRef struct {
	// name is the Secret's name, a lowercase RFC 1123 subdomain.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')",message="the Secret name must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.')"
	// +required
	Name string `json:"name,omitempty"`
	// key is the key within the Secret: letters, digits, '-', '_' and '.'.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-._a-zA-Z0-9]+$')",message="the Secret key may only hold letters, digits, '-', '_' and '.'"
	// +required
	Key string `json:"key,omitempty"`
}

// ExpressionsSpec says which expressions to look for and how many.
// +kubebuilder:validation:XValidation:rule="!has(self.extractor) || self.extractor != 'LLM' || has(self.llm)",message="spec.expressions.llm is required when spec.expressions.extractor is LLM"
// +kubebuilder:validation:XValidation:rule="!has(self.llm) || (has(self.extractor) && self.extractor == 'LLM')",message="spec.expressions.llm is used only by the LLM extractor: set spec.expressions.extractor to LLM or remove spec.expressions.llm"
type ExpressionsSpec struct {
	// maxCount is the largest number of expressions to produce.
	// +kubebuilder:default=5
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=50
	// +optional
	MaxCount int32 `json:"maxCount,omitempty"`

	// level is the learner level to prefer: Beginner, Intermediate, Advanced, or Mixed for all levels.
	// +kubebuilder:default=Mixed
	// +optional
	Level ExpressionLevel `json:"level,omitempty"`

	// include lists expressions the user wants found; they rank first whenever the dialogue has them.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=100
	// +listType=atomic
	// +optional
	Include []string `json:"include,omitempty"`

	// extractor selects how expressions are found: Dictionary (offline lexicon) or LLM.
	// +kubebuilder:default=Dictionary
	// +optional
	Extractor ExtractorType `json:"extractor,omitempty"`

	// llm configures the LLM extractor; required when extractor is LLM, and only allowed then.
	// +optional
	LLM *LLMSpec `json:"llm,omitempty"`
}

// EducationalVideoMode says which educational videos a VideoTask builds.
// +kubebuilder:validation:Enum=PerExpression;PerExpressionAndCombined;None
type EducationalVideoMode string

const (
	// EducationalVideoPerExpression builds one video per expression: context clip, slide, expression clip
	// repeated.
	EducationalVideoPerExpression EducationalVideoMode = "PerExpression"
	// EducationalVideoPerExpressionAndCombined also joins them into one video of the whole lesson.
	EducationalVideoPerExpressionAndCombined EducationalVideoMode = "PerExpressionAndCombined"
	// EducationalVideoNone builds no educational video.
	EducationalVideoNone EducationalVideoMode = "None"
)

// ShortsFormat says which shorts a VideoTask builds.
// +kubebuilder:validation:Enum=None;Vertical
type ShortsFormat string

const (
	// ShortsNone builds no shorts.
	ShortsNone ShortsFormat = "None"
	// ShortsVertical builds one 1080x1920 vertical video per expression.
	ShortsVertical ShortsFormat = "Vertical"
)

// SlideImages says which slide files a VideoTask keeps among its outputs.
// +kubebuilder:validation:Enum=PNG;None
type SlideImages string

const (
	// SlideImagesPNG keeps each expression's slide as a PNG image.
	SlideImagesPNG SlideImages = "PNG"
	// SlideImagesNone keeps no slide files (slides are still rendered when a video needs them).
	SlideImagesNone SlideImages = "None"
)

// RenderSpec selects the outputs.
type RenderSpec struct {
	// educationalVideo selects the educational videos: PerExpression (context clip, slide, expression clip
	// repeated, for each expression), PerExpressionAndCombined (those plus one video joining them all) or
	// None.
	// +kubebuilder:default=PerExpression
	// +optional
	EducationalVideo EducationalVideoMode `json:"educationalVideo,omitempty"`

	// shorts selects the short videos for social feeds: None, or Vertical (1080x1920, one per expression).
	// +kubebuilder:default=None
	// +optional
	Shorts ShortsFormat `json:"shorts,omitempty"`

	// slides selects the slide files kept among the outputs: PNG, or None (they are still rendered when a
	// video needs them).
	// +kubebuilder:default=PNG
	// +optional
	Slides SlideImages `json:"slides,omitempty"`

	// repeatCount is how often the expression clip repeats in the educational video.
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	// +optional
	RepeatCount int32 `json:"repeatCount,omitempty"`

	// subtitles are burned into the context and expression clips, and with them the educational and
	// combined videos: Dual (dialogue and its translation), Original (dialogue only) or None. The slide
	// has none.
	// +kubebuilder:default=Dual
	// +optional
	Subtitles SubtitleMode `json:"subtitles,omitempty"`

	// shortsSubtitles are burned into the shorts, in larger text within safe margins: Dual, Original or
	// None.
	// +kubebuilder:default=Dual
	// +optional
	ShortsSubtitles SubtitleMode `json:"shortsSubtitles,omitempty"`
}

// VideoTaskSpec is one run of the LangFlix pipeline over a video. Every field is immutable except the
// shared ones that say how the operator treats the task (see TaskTemplate).
// +kubebuilder:validation:XValidation:rule="!has(self.targetLanguage) || self.targetLanguage == 'ko' || self.targetLanguage.startsWith('ko-') || (has(self.expressions) && has(self.expressions.extractor) && self.expressions.extractor != 'Dictionary')",message="spec.targetLanguage must be ko while spec.expressions.extractor is Dictionary: the built-in dictionary has Korean translations only; use the LLM extractor for other languages",fieldPath=".targetLanguage"
// +kubebuilder:validation:XValidation:rule="has(self.output) == has(oldSelf.output)",message="spec.output cannot be added or removed: a task is one run; create a new task instead",fieldPath=".output"
// +kubebuilder:validation:XValidation:rule="has(self.priorityClassName) == has(oldSelf.priorityClassName)",message="spec.priorityClassName cannot be added or removed: a task is one run; create a new task instead",fieldPath=".priorityClassName"
// +kubebuilder:validation:XValidation:rule="has(self.serviceAccountName) == has(oldSelf.serviceAccountName)",message="spec.serviceAccountName cannot be added or removed: a task is one run; create a new task instead",fieldPath=".serviceAccountName"
// +kubebuilder:validation:XValidation:rule="has(self.queueName) == has(oldSelf.queueName)",message="spec.queueName cannot be added or removed: a task is one run; create a new task instead",fieldPath=".queueName"
type VideoTaskSpec struct {
	// source names the video and its subtitles. Immutable.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.source is immutable: a task is one run; create a new task instead"
	// +required
	Source VideoSource `json:"source,omitempty,omitzero"`

	// targetLanguage is the learner's language, as an ISO 639 code; translations are in it and the LLM
	// extractor is asked for it. The Dictionary extractor has Korean (ko) only. Immutable.
	// +kubebuilder:default=ko
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.targetLanguage is immutable: a task is one run; create a new task instead"
	// +optional
	TargetLanguage LanguageCode `json:"targetLanguage,omitempty"`

	// expressions says which expressions to look for. Immutable.
	// +kubebuilder:default={}
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.expressions is immutable: a task is one run; create a new task instead"
	// +optional
	Expressions ExpressionsSpec `json:"expressions,omitempty,omitzero"`

	// render selects the outputs. Immutable.
	// +kubebuilder:default={}
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.render is immutable: a task is one run; create a new task instead"
	// +optional
	Render RenderSpec `json:"render,omitempty,omitzero"`

	TaskTemplate `json:",inline"`
}

// VideoTask turns a video and its subtitles into expression lessons: clips, slides, educational videos and
// shorts. Each attempt runs as one Job.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="metadata.name must be at most 63 characters: it becomes the tasks.langflix.io/task label of the task's Jobs and pods"
// +kubebuilder:resource:shortName=vt,categories=langflix
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Progress",type=integer,JSONPath=`.status.progress.percent`,description="percent done"
// +kubebuilder:printcolumn:name="Stage",type=string,JSONPath=`.status.progress.stage`
// +kubebuilder:printcolumn:name="Attempts",type=integer,JSONPath=`.status.attempts`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.message`,priority=1
type VideoTask struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired run.
	// +required
	Spec VideoTaskSpec `json:"spec,omitempty,omitzero"`

	// status is the observed state.
	// +optional
	Status TaskStatus `json:"status,omitempty,omitzero"`
}

// VideoTaskList is a list of VideoTasks.
// +kubebuilder:object:root=true
type VideoTaskList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []VideoTask `json:"items"`
}
