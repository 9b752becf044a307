package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// SlideContent is one slide, the seed's content_data.
type SlideContent struct {
	// title is a heading shown above the expression.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	// +optional
	Title string `json:"title,omitempty"`
	// expression is the English expression the slide teaches.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	// +required
	Expression string `json:"expression,omitempty"`
	// translation is the expression in the target language.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	// +required
	Translation string `json:"translation,omitempty"`
	// dialogue is the line of dialogue the expression was heard in.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1000
	// +optional
	Dialogue string `json:"dialogue,omitempty"`
	// dialogueTranslation is the dialogue line in the target language.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1000
	// +optional
	DialogueTranslation string `json:"dialogueTranslation,omitempty"`
	// similarExpressions are related expressions; the slide shows up to two.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=200
	// +listType=atomic
	// +optional
	SimilarExpressions []string `json:"similarExpressions,omitempty"`
	// examples are further example sentences.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=500
	// +listType=atomic
	// +optional
	Examples []string `json:"examples,omitempty"`
	// notes is a short usage note.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1000
	// +optional
	Notes string `json:"notes,omitempty"`
}

// SlideFormat is the output format of a SlideTask.
// +kubebuilder:validation:Enum=PNG;MP4
type SlideFormat string

const (
	// SlideFormatPNG renders still images.
	SlideFormatPNG SlideFormat = "PNG"
	// SlideFormatMP4 renders each slide as a PNG image and a short H.264 video of it.
	SlideFormatMP4 SlideFormat = "MP4"
)

// SlideAudio is the sound track of slide videos.
// +kubebuilder:validation:Enum=None;Expression
type SlideAudio string

const (
	// SlideAudioNone makes silent slide videos.
	SlideAudioNone SlideAudio = "None"
	// SlideAudioExpression speaks the expression with espeak-ng (silent when the runner image lacks it).
	SlideAudioExpression SlideAudio = "Expression"
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

// SlideTaskSpec renders educational slides. Every field is immutable except the shared ones that say how the
// operator treats the task (see TaskTemplate). The runner reads the content from this object itself, so its
// size is bounded by what one object can hold (see MaxSlidesCharacters), not by a command line or an
// environment variable.
// +kubebuilder:validation:XValidation:rule="!has(self.slides) || self.slides.map(s, size(s.expression) + size(s.translation) + (has(s.title) ? size(s.title) : 0) + (has(s.dialogue) ? size(s.dialogue) : 0) + (has(s.dialogueTranslation) ? size(s.dialogueTranslation) : 0) + (has(s.notes) ? size(s.notes) : 0) + (has(s.similarExpressions) ? s.similarExpressions.map(e, size(e)).sum() : 0) + (has(s.examples) ? s.examples.map(e, size(e)).sum() : 0)).sum() <= 100000",message="spec.slides holds more than 100000 characters of text in total; split the slides over several SlideTasks",fieldPath=".slides"
// +kubebuilder:validation:MinProperties=1
// +kubebuilder:validation:XValidation:rule="has(self.content) != has(self.slides)",message="exactly one of spec.content and spec.slides must be set"
// +kubebuilder:validation:XValidation:rule="!has(self.audio) || self.audio == 'None' || (has(self.format) && self.format == 'MP4')",message="spec.audio needs spec.format MP4: still images have no sound",fieldPath=".audio"
// +kubebuilder:validation:XValidation:rule="has(self.content) == has(oldSelf.content)",message="spec.content cannot be added or removed: a task is one run; create a new task instead",fieldPath=".content"
// +kubebuilder:validation:XValidation:rule="has(self.slides) == has(oldSelf.slides)",message="spec.slides cannot be added or removed: a task is one run; create a new task instead",fieldPath=".slides"
// +kubebuilder:validation:XValidation:rule="has(self.output) == has(oldSelf.output)",message="spec.output cannot be added or removed: a task is one run; create a new task instead",fieldPath=".output"
// +kubebuilder:validation:XValidation:rule="has(self.priorityClassName) == has(oldSelf.priorityClassName)",message="spec.priorityClassName cannot be added or removed: a task is one run; create a new task instead",fieldPath=".priorityClassName"
// +kubebuilder:validation:XValidation:rule="has(self.serviceAccountName) == has(oldSelf.serviceAccountName)",message="spec.serviceAccountName cannot be added or removed: a task is one run; create a new task instead",fieldPath=".serviceAccountName"
// +kubebuilder:validation:XValidation:rule="has(self.queueName) == has(oldSelf.queueName)",message="spec.queueName cannot be added or removed: a task is one run; create a new task instead",fieldPath=".queueName"
type SlideTaskSpec struct {
	// content is a single slide. Exactly one of content and slides is set. Immutable.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.content is immutable: a task is one run; create a new task instead"
	// +optional
	Content *SlideContent `json:"content,omitempty"`

	// slides is a list of slides, rendered in order. Immutable.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.slides is immutable: a task is one run; create a new task instead"
	// +listType=atomic
	// +optional
	Slides []SlideContent `json:"slides,omitempty"`

	// format is PNG (still images) or MP4 (each slide as a PNG and a short video of it). Immutable.
	// +kubebuilder:default=PNG
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.format is immutable: a task is one run; create a new task instead"
	// +optional
	Format SlideFormat `json:"format,omitempty"`

	// size is the slide size in pixels. Immutable.
	// +kubebuilder:default={}
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.size is immutable: a task is one run; create a new task instead"
	// +optional
	Size SlideSize `json:"size,omitempty,omitzero"`

	// durationSeconds is how long each slide video lasts (format MP4). Immutable.
	// +kubebuilder:default=5
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=600
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.durationSeconds is immutable: a task is one run; create a new task instead"
	// +optional
	DurationSeconds int32 `json:"durationSeconds,omitempty"`

	// audio is the sound of slide videos (format MP4): None (silent), or Expression (the expression spoken
	// with espeak-ng, silent when the runner image lacks it). Immutable.
	// +kubebuilder:default=None
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.audio is immutable: a task is one run; create a new task instead"
	// +optional
	Audio SlideAudio `json:"audio,omitempty"`

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
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired run.
	// +required
	Spec SlideTaskSpec `json:"spec,omitempty,omitzero"`

	// status is the observed state.
	// +optional
	Status TaskStatus `json:"status,omitempty,omitzero"`
}

// SlideTaskList is a list of SlideTasks.
// +kubebuilder:object:root=true
type SlideTaskList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SlideTask `json:"items"`
}
