package runnerv1alpha1

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// SlideOptions are the options of the runner's slides command.
type SlideOptions struct {
	TaskOptions

	// Format is png or mp4 (the PNG plus a video of it).
	Format string
	// Width and Height are the slide size in pixels.
	Width, Height int
	// Duration is how long each slide video lasts (mp4).
	Duration time.Duration
	// Audio speaks the expression in slide videos with espeak-ng.
	Audio bool

	// Content and ContentFile (runner-local) give the slide content as JSON for runs outside a task. In a
	// SlideTask's Job the runner reads the content from the task object itself (SlideContents): a list of
	// long slides does not fit in one argument or environment variable.
	Content, ContentFile string
}

// SlideOptionsFromSpec is how the operator runs the runner for a SlideTask, from the spec as the API server
// stores it (defaults filled in). The content is not part of it: the runner reads it from the task.
func SlideOptionsFromSpec(t *tasksv1.SlideTask) SlideOptions {
	s := t.Spec
	return SlideOptions{
		TaskOptions: taskOptionsFor(t),
		Format:      FormatFlag(s.Format),
		Width:       int(s.Size.Width),
		Height:      int(s.Size.Height),
		Duration:    time.Duration(s.DurationSeconds) * time.Second,
		Audio:       AudioFlag(s.Audio),
	}
}

// FormatFlag is the --format value of spec.format.
func FormatFlag(f tasksv1.SlideFormat) string { return strings.ToLower(string(f)) }

// AudioFlag is the --audio value of spec.audio.
func AudioFlag(a tasksv1.SlideAudio) bool { return a == tasksv1.SlideAudioExpression }

// Args are the runner container's arguments: the command and its flags.
func (o SlideOptions) Args() []string {
	a := argsBuilder{CommandSlides}
	o.TaskOptions.args(&a)
	a.str(FlagFormat, o.Format)
	a.int(FlagWidth, o.Width)
	a.int(FlagHeight, o.Height)
	a.duration(FlagDuration, o.Duration)
	a.bool(FlagAudio, o.Audio)
	a.opt(FlagContent, o.Content)
	a.opt(FlagContentFile, o.ContentFile)
	return a
}

// Env is the runner container's environment for these options (the task reference aside): none.
func (o SlideOptions) Env() []EnvVar { return nil }

// Bind registers the slides command's flags on fs, with the API's defaults as flag defaults.
func (o *SlideOptions) Bind(fs FlagBinder) {
	o.TaskOptions.bind(fs)
	fs.StringVar(&o.Format, FlagFormat, FormatFlag(tasksv1.DefaultSlideFormat), "output format: png, or mp4 (the PNG plus a video of it)")
	fs.IntVar(&o.Width, FlagWidth, tasksv1.DefaultSlideWidth, "slide width in pixels (even)")
	fs.IntVar(&o.Height, FlagHeight, tasksv1.DefaultSlideHeight, "slide height in pixels (even)")
	fs.DurationVar(&o.Duration, FlagDuration, tasksv1.DefaultSlideDurationSeconds*time.Second, "length of each slide video (mp4)")
	fs.BoolVar(&o.Audio, FlagAudio, AudioFlag(tasksv1.DefaultSlideAudio), "speak the expression in slide videos with espeak-ng (silent when it is not installed)")
	fs.StringVar(&o.Content, FlagContent, "", "slide content as JSON (one object or a list)")
	fs.StringVar(&o.ContentFile, FlagContentFile, "", "file with the slide content JSON (\"-\" reads stdin)")
}

// ApplyEnv completes parsed flags from the environment: the soft time limit when no flag gave it.
func (o *SlideOptions) ApplyEnv(getenv func(string) string) error {
	return o.TaskOptions.applyEnv(getenv)
}

// SlideContents are the slides of a SlideTask, in order: spec.content, or spec.slides.
func SlideContents(t *tasksv1.SlideTask) []tasksv1.SlideContent {
	if t.Spec.Content != nil {
		return []tasksv1.SlideContent{*t.Spec.Content}
	}
	return append([]tasksv1.SlideContent(nil), t.Spec.Slides...)
}

// DecodeSlideTask decodes a SlideTask as the API server returns it. Unknown fields are ignored, so an
// operator (and API) that added a field never breaks a runner that does not know it yet.
func DecodeSlideTask(data []byte) (*tasksv1.SlideTask, error) {
	var t tasksv1.SlideTask
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("decode SlideTask: %w", err)
	}
	if t.Kind != "" && t.Kind != tasksv1.KindSlideTask {
		return nil, fmt.Errorf("decode SlideTask: the object is a %s", t.Kind)
	}
	return &t, nil
}
