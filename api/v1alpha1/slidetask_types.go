package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SlideContent is one slide, the seed's content_data.
type SlideContent struct {
	// title is a heading shown above the expression.
	// +kubebuilder:validation:MaxLength=200
	// +optional
	Title string `json:"title,omitempty"`
	// expression is the English expression the slide teaches.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	// +required
	Expression string `json:"expression"`
	// translation is the expression in the target language.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	// +required
	Translation string `json:"translation"`
	// dialogue is the line of dialogue the expression was heard in.
	// +kubebuilder:validation:MaxLength=1000
	// +optional
	Dialogue string `json:"dialogue,omitempty"`
	// dialogueTranslation is the dialogue line in the target language.
	// +kubebuilder:validation:MaxLength=1000
	// +optional
	DialogueTranslation string `json:"dialogueTranslation,omitempty"`
	// similarExpressions are related expressions; the slide shows up to two.
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MaxLength=200
	// +listType=atomic
	// +optional
	SimilarExpressions []string `json:"similarExpressions,omitempty"`
	// examples are further example sentences.
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MaxLength=500
	// +listType=atomic
	// +optional
	Examples []string `json:"examples,omitempty"`
	// notes is a short usage note.
	// +kubebuilder:validation:MaxLength=1000
	// +optional
	Notes string `json:"notes,omitempty"`
}

// SlideFormat is the output format of a SlideTask.
// +kubebuilder:validation:Enum=png;mp4
type SlideFormat string

const (
	// SlideFormatPNG renders still images.
	SlideFormatPNG SlideFormat = "png"
	// SlideFormatMP4 renders one short video per slide.
	SlideFormatMP4 SlideFormat = "mp4"
)

// SlideSize is the pixel size of a slide. Both sides must be even: slide videos are H.264 with 4:2:0
// chroma, which has no odd dimensions.
type SlideSize struct {
	// width in pixels, an even number from 320 to 3840.
	// +kubebuilder:default=1280
	// +kubebuilder:validation:Minimum=320
	// +kubebuilder:validation:Maximum=3840
	// +kubebuilder:validation:XValidation:rule="self % 2 == 0",message="must be an even number of pixels (H.264 video has no odd sizes)"
	// +optional
	Width int32 `json:"width,omitempty"`
	// height in pixels, an even number from 320 to 3840.
	// +kubebuilder:default=720
	// +kubebuilder:validation:Minimum=320
	// +kubebuilder:validation:Maximum=3840
	// +kubebuilder:validation:XValidation:rule="self % 2 == 0",message="must be an even number of pixels (H.264 video has no odd sizes)"
	// +optional
	Height int32 `json:"height,omitempty"`
}

// MaxSlidesCharacters bounds the text of all slides of one SlideTask together (spec.slides). With the
// per-field limits alone, 100 maximal slides would hold over a million characters, several MiB once stored
// as escaped UTF-8 JSON, beyond what etcd accepts in one request (1.5 MiB). 100,000 characters stay below
// 600 KiB even if every character took the six bytes of a JSON \u escape.
const MaxSlidesCharacters = 100000

// SlideTaskSpec renders educational slides. It cannot change after creation, except suspend and
// ttlSecondsAfterFinished. The runner reads the content from this object itself, so its size is bounded by
// what one object can hold (see MaxSlidesCharacters), not by a command line or an environment variable.
// +kubebuilder:validation:XValidation:rule="!has(self.slides) || self.slides.map(s, size(s.expression) + size(s.translation) + (has(s.title) ? size(s.title) : 0) + (has(s.dialogue) ? size(s.dialogue) : 0) + (has(s.dialogueTranslation) ? size(s.dialogueTranslation) : 0) + (has(s.notes) ? size(s.notes) : 0) + (has(s.similarExpressions) ? s.similarExpressions.map(e, size(e)).sum() : 0) + (has(s.examples) ? s.examples.map(e, size(e)).sum() : 0)).sum() <= 100000",message="spec.slides holds more than 100000 characters of text in total; split the slides over several SlideTasks",fieldPath=".slides"
// +kubebuilder:validation:XValidation:rule="has(self.content) != has(self.slides)",message="exactly one of spec.content and spec.slides must be set"
// +kubebuilder:validation:XValidation:rule="has(self.content) == has(oldSelf.content) && (!has(self.content) || self.content == oldSelf.content) && has(self.slides) == has(oldSelf.slides) && (!has(self.slides) || self.slides == oldSelf.slides)",message="spec.content and spec.slides are immutable: a SlideTask is one run; create a new task instead"
// +kubebuilder:validation:XValidation:rule="self.format == oldSelf.format && self.size == oldSelf.size && self.durationSeconds == oldSelf.durationSeconds && self.audio == oldSelf.audio",message="spec.format, spec.size, spec.durationSeconds and spec.audio are immutable: a SlideTask is one run; create a new task instead"
// +kubebuilder:validation:XValidation:rule="self.storage == oldSelf.storage",message="spec.storage is immutable: a SlideTask is one run; create a new task instead",fieldPath=".storage"
// +kubebuilder:validation:XValidation:rule="(has(self.timeLimits.soft) ? duration(self.timeLimits.soft) : duration('25m')) == (has(oldSelf.timeLimits.soft) ? duration(oldSelf.timeLimits.soft) : duration('25m')) && (has(self.timeLimits.hard) ? duration(self.timeLimits.hard) : duration('30m')) == (has(oldSelf.timeLimits.hard) ? duration(oldSelf.timeLimits.hard) : duration('30m')) && (has(self.timeLimits.start) ? duration(self.timeLimits.start) : duration('10m')) == (has(oldSelf.timeLimits.start) ? duration(oldSelf.timeLimits.start) : duration('10m'))",message="spec.timeLimits is immutable: a SlideTask is one run; create a new task instead",fieldPath=".timeLimits"
// +kubebuilder:validation:XValidation:rule="(has(self.retry.maxRetries) ? self.retry.maxRetries : 3) == (has(oldSelf.retry.maxRetries) ? oldSelf.retry.maxRetries : 3) && (has(self.retry.backoffBase) ? duration(self.retry.backoffBase) : duration('60s')) == (has(oldSelf.retry.backoffBase) ? duration(oldSelf.retry.backoffBase) : duration('60s')) && (has(self.retry.backoffCap) ? duration(self.retry.backoffCap) : duration('10m')) == (has(oldSelf.retry.backoffCap) ? duration(oldSelf.retry.backoffCap) : duration('10m'))",message="spec.retry is immutable: a SlideTask is one run; create a new task instead",fieldPath=".retry"
// +kubebuilder:validation:XValidation:rule="has(self.output) == has(oldSelf.output) && (!has(self.output) || self.output == oldSelf.output)",message="spec.output is immutable: a SlideTask is one run; create a new task instead",fieldPath=".output"
// +kubebuilder:validation:XValidation:rule="has(self.priorityClassName) == has(oldSelf.priorityClassName) && (!has(self.priorityClassName) || self.priorityClassName == oldSelf.priorityClassName) && has(self.serviceAccountName) == has(oldSelf.serviceAccountName) && (!has(self.serviceAccountName) || self.serviceAccountName == oldSelf.serviceAccountName)",message="spec.priorityClassName and spec.serviceAccountName are immutable: a SlideTask is one run; create a new task instead"
type SlideTaskSpec struct {
	// content is a single slide. Exactly one of content and slides is set.
	// +optional
	Content *SlideContent `json:"content,omitempty"`

	// slides is a list of slides, rendered in order.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=100
	// +listType=atomic
	// +optional
	Slides []SlideContent `json:"slides,omitempty"`

	// format is png (still images) or mp4 (a short video per slide).
	// +kubebuilder:default=png
	// +optional
	Format SlideFormat `json:"format,omitempty"`

	// size is the slide size in pixels.
	// +kubebuilder:default={}
	// +optional
	Size SlideSize `json:"size,omitempty"`

	// durationSeconds is how long each slide video lasts (format mp4).
	// +kubebuilder:default=5
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=600
	// +optional
	DurationSeconds int32 `json:"durationSeconds,omitempty"`

	// audio speaks the expression with espeak-ng in slide videos (format mp4) when the runner has it.
	// +kubebuilder:default=false
	// +optional
	Audio bool `json:"audio"`

	TaskTemplate `json:",inline"`
}

// SlideTask renders educational slides (expression, translation, dialogue, similar expressions) as PNG
// images or short videos. Each attempt runs as one Job.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="metadata.name must be at most 63 characters: it becomes the tasks.langflix.io/task label of the task's Jobs and pods"
// +kubebuilder:resource:shortName=st,categories=langflix
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Progress",type=integer,JSONPath=`.status.progress.percent`,description="percent done"
// +kubebuilder:printcolumn:name="Stage",type=string,JSONPath=`.status.progress.stage`
// +kubebuilder:printcolumn:name="Attempts",type=integer,JSONPath=`.status.attempts`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.message`,priority=1
type SlideTask struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired run.
	// +required
	Spec SlideTaskSpec `json:"spec"`

	// status is the observed state.
	// +optional
	Status TaskStatus `json:"status,omitempty"`
}

// SlideTaskList is a list of SlideTasks.
// +kubebuilder:object:root=true
type SlideTaskList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SlideTask `json:"items"`
}
