package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// VideoSource names the episode or film and its subtitles.
type VideoSource struct {
	// video is the video file: a path relative to the storage root, or an s3://, gs://, file:// or https:// URL.
	// +required
	Video StoragePath `json:"video"`

	// subtitles is the subtitle file in the source language (SRT, WebVTT, ASS/SSA or SAMI). When empty, the
	// video's first embedded text subtitle stream is used.
	// +optional
	Subtitles StoragePath `json:"subtitles,omitempty"`

	// translationSubtitles is a subtitle file in the target language; each dialogue line gets the cue that
	// overlaps it most in time as its translation.
	// +optional
	TranslationSubtitles StoragePath `json:"translationSubtitles,omitempty"`

	// language is the spoken language of the video, as an ISO 639 code.
	// +kubebuilder:default=en
	// +kubebuilder:validation:Pattern=`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`
	// +optional
	Language string `json:"language,omitempty"`
}

// ExpressionLevel is the learner level expressions are chosen for.
// +kubebuilder:validation:Enum=beginner;intermediate;advanced;mixed
type ExpressionLevel string

const (
	LevelBeginner     ExpressionLevel = "beginner"
	LevelIntermediate ExpressionLevel = "intermediate"
	LevelAdvanced     ExpressionLevel = "advanced"
	// LevelMixed takes expressions of every level.
	LevelMixed ExpressionLevel = "mixed"
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
	Endpoint string `json:"endpoint"`

	// model is the model name sent with each request, such as gpt-4o-mini. There is no default: models
	// differ between providers.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Model string `json:"model"`

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
	Name string `json:"name"`
	// key is the key within the Secret: letters, digits, '-', '_' and '.'.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-._a-zA-Z0-9]+$')",message="the Secret key may only hold letters, digits, '-', '_' and '.'"
	// +required
	Key string `json:"key"`
}

// ExpressionsSpec says which expressions to look for and how many.
// +kubebuilder:validation:XValidation:rule="!has(self.extractor) || self.extractor != 'LLM' || (has(self.llm) && size(self.llm.endpoint) > 0)",message="expressions.llm.endpoint is required when expressions.extractor is LLM"
type ExpressionsSpec struct {
	// maxCount is the largest number of expressions to produce.
	// +kubebuilder:default=5
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=50
	// +optional
	MaxCount int32 `json:"maxCount,omitempty"`

	// level is the learner level to prefer; mixed takes all levels.
	// +kubebuilder:default=mixed
	// +optional
	Level ExpressionLevel `json:"level,omitempty"`

	// include lists expressions the user wants found; they rank first whenever the dialogue has them.
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

	// llm configures the LLM extractor; required when extractor is LLM.
	// +optional
	LLM *LLMSpec `json:"llm,omitempty"`
}

// RenderSpec selects the outputs.
type RenderSpec struct {
	// educationalVideo builds one video per expression: context clip, slide, expression clip repeated.
	// +kubebuilder:default=true
	// +optional
	EducationalVideo *bool `json:"educationalVideo,omitempty"`

	// combinedVideo also joins all educational videos into one.
	// +kubebuilder:default=false
	// +optional
	CombinedVideo *bool `json:"combinedVideo,omitempty"`

	// shorts builds a 1080x1920 vertical video per expression.
	// +kubebuilder:default=false
	// +optional
	Shorts *bool `json:"shorts,omitempty"`

	// slides keeps the PNG slides (they are always rendered when a video needs them).
	// +kubebuilder:default=true
	// +optional
	Slides *bool `json:"slides,omitempty"`

	// repeatCount is how often the expression clip repeats in the educational video.
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10
	// +optional
	RepeatCount int32 `json:"repeatCount,omitempty"`
}

// VideoTaskSpec is one run of the LangFlix pipeline over a video. It cannot change after creation, except
// suspend and ttlSecondsAfterFinished.
// +kubebuilder:validation:XValidation:rule="(has(self.expressions) && has(self.expressions.extractor) && self.expressions.extractor != 'Dictionary') || !has(self.targetLanguage) || self.targetLanguage == 'ko' || self.targetLanguage.startsWith('ko-')",message="spec.targetLanguage must be ko while spec.expressions.extractor is Dictionary: the built-in dictionary has Korean translations only; use the LLM extractor for other languages",fieldPath=".targetLanguage"
// +kubebuilder:validation:XValidation:rule="self.source == oldSelf.source",message="spec.source is immutable: a VideoTask is one run; create a new task instead",fieldPath=".source"
// +kubebuilder:validation:XValidation:rule="self.targetLanguage == oldSelf.targetLanguage",message="spec.targetLanguage is immutable: a VideoTask is one run; create a new task instead",fieldPath=".targetLanguage"
// +kubebuilder:validation:XValidation:rule="self.expressions == oldSelf.expressions",message="spec.expressions is immutable: a VideoTask is one run; create a new task instead",fieldPath=".expressions"
// +kubebuilder:validation:XValidation:rule="self.render == oldSelf.render",message="spec.render is immutable: a VideoTask is one run; create a new task instead",fieldPath=".render"
// +kubebuilder:validation:XValidation:rule="self.storage == oldSelf.storage",message="spec.storage is immutable: a VideoTask is one run; create a new task instead",fieldPath=".storage"
// +kubebuilder:validation:XValidation:rule="(has(self.timeLimits.soft) ? duration(self.timeLimits.soft) : duration('25m')) == (has(oldSelf.timeLimits.soft) ? duration(oldSelf.timeLimits.soft) : duration('25m')) && (has(self.timeLimits.hard) ? duration(self.timeLimits.hard) : duration('30m')) == (has(oldSelf.timeLimits.hard) ? duration(oldSelf.timeLimits.hard) : duration('30m')) && (has(self.timeLimits.start) ? duration(self.timeLimits.start) : duration('10m')) == (has(oldSelf.timeLimits.start) ? duration(oldSelf.timeLimits.start) : duration('10m'))",message="spec.timeLimits is immutable: a VideoTask is one run; create a new task instead",fieldPath=".timeLimits"
// +kubebuilder:validation:XValidation:rule="(has(self.retry.maxRetries) ? self.retry.maxRetries : 3) == (has(oldSelf.retry.maxRetries) ? oldSelf.retry.maxRetries : 3) && (has(self.retry.backoffBase) ? duration(self.retry.backoffBase) : duration('60s')) == (has(oldSelf.retry.backoffBase) ? duration(oldSelf.retry.backoffBase) : duration('60s')) && (has(self.retry.backoffCap) ? duration(self.retry.backoffCap) : duration('10m')) == (has(oldSelf.retry.backoffCap) ? duration(oldSelf.retry.backoffCap) : duration('10m'))",message="spec.retry is immutable: a VideoTask is one run; create a new task instead",fieldPath=".retry"
// +kubebuilder:validation:XValidation:rule="has(self.output) == has(oldSelf.output) && (!has(self.output) || self.output == oldSelf.output)",message="spec.output is immutable: a VideoTask is one run; create a new task instead",fieldPath=".output"
// +kubebuilder:validation:XValidation:rule="has(self.priorityClassName) == has(oldSelf.priorityClassName) && (!has(self.priorityClassName) || self.priorityClassName == oldSelf.priorityClassName) && has(self.serviceAccountName) == has(oldSelf.serviceAccountName) && (!has(self.serviceAccountName) || self.serviceAccountName == oldSelf.serviceAccountName)",message="spec.priorityClassName and spec.serviceAccountName are immutable: a VideoTask is one run; create a new task instead"
type VideoTaskSpec struct {
	// source names the video and its subtitles.
	// +required
	Source VideoSource `json:"source"`

	// targetLanguage is the learner's language, as an ISO 639 code; translations are in it and the LLM
	// extractor is asked for it. The Dictionary extractor has Korean (ko) only.
	// +kubebuilder:default=ko
	// +kubebuilder:validation:Pattern=`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`
	// +optional
	TargetLanguage string `json:"targetLanguage,omitempty"`

	// expressions says which expressions to look for.
	// +kubebuilder:default={extractor:"Dictionary"}
	// +optional
	Expressions ExpressionsSpec `json:"expressions,omitempty"`

	// render selects the outputs.
	// +kubebuilder:default={}
	// +optional
	Render RenderSpec `json:"render,omitempty"`

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
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired run.
	// +required
	Spec VideoTaskSpec `json:"spec"`

	// status is the observed state.
	// +optional
	Status TaskStatus `json:"status,omitempty"`
}

// VideoTaskList is a list of VideoTasks.
// +kubebuilder:object:root=true
type VideoTaskList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []VideoTask `json:"items"`
}
