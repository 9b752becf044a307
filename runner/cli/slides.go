package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"os"

	"github.com/spf13/cobra"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/media"
	"github.com/langflix/langflix-operator/runner/pipeline"
	"github.com/langflix/langflix-operator/runner/slides"
	"github.com/langflix/langflix-operator/runner/taskapi"
)

// maxContentBytes bounds slide content read from a flag, a file or stdin. The largest content a SlideTask
// admits is 100,000 characters, well below this even in escaped JSON.
const maxContentBytes = 4 << 20

func (a *app) slidesCommand() *cobra.Command {
	o := &runnerv1.SlideOptions{}
	cmd := &cobra.Command{
		Use:   runnerv1.CommandSlides,
		Short: "Render lesson slides (PNG, or MP4 with optional speech) from JSON content",
		Long: "Renders one slide per content object. Content is JSON, one object or a list of objects with\n" +
			"title, expression, translation, dialogue, dialogueTranslation, similarExpressions, examples and\n" +
			"notes, from --" + runnerv1.FlagContent + " or --" + runnerv1.FlagContentFile + " (\"-\" for stdin). In a SlideTask's Job the runner\n" +
			"reads the content from the task object itself (" + runnerv1.EnvTaskKind + ", " + runnerv1.EnvTaskName + ", " + runnerv1.EnvTaskNamespace + ").",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runSlides(cmd, o) },
	}
	fs := cmd.Flags()
	o.Bind(fs)
	_ = cmd.MarkFlagRequired(runnerv1.FlagOut)
	// The work folder only holds speech files here; hide it to keep the help short.
	_ = fs.MarkHidden(runnerv1.FlagWorkDir)
	return cmd
}

func (a *app) runSlides(cmd *cobra.Command, o *runnerv1.SlideOptions) error {
	a.begin()
	res, err := a.slides(cmd, o)
	err = exitError(err)
	a.writeTermination(cmd, res.Termination(err))
	return err
}

// slidesConfig is the pipeline configuration of the options and content, before anything is opened.
func slidesConfig(o runnerv1.SlideOptions, contents []slides.Content) pipeline.SlidesConfig {
	return pipeline.SlidesConfig{
		Contents:      contents,
		Format:        o.Format,
		Size:          image.Pt(o.Width, o.Height),
		Duration:      o.Duration,
		Audio:         o.Audio,
		StorageRoot:   o.StorageRoot,
		Out:           o.Out,
		SoftTimeLimit: o.SoftTimeLimit,
	}
}

// ValidateSlides checks slide options and content the way the slides command does before it renders
// anything, so that a test can show that whatever the SlideTask schema admits, the runner accepts.
func ValidateSlides(o runnerv1.SlideOptions, contents []slides.Content) error {
	return pipeline.CheckSlides(slidesConfig(o, contents))
}

func (a *app) slides(cmd *cobra.Command, o *runnerv1.SlideOptions) (*pipeline.Result, error) {
	res := &pipeline.Result{}
	if err := applyEnv(o.ApplyEnv); err != nil {
		return res, err
	}
	contents, err := a.slideContents(cmd.Context(), o)
	if err != nil {
		return res, err
	}
	cfg := slidesConfig(*o, contents)
	if err := pipeline.CheckSlides(cfg); err != nil {
		return res, err
	}
	font, err := slides.FindFont(o.Font)
	if err != nil {
		return res, err
	}
	work, removeWork, err := workDir(o.WorkDir)
	if err != nil {
		return res, err
	}
	defer removeWork()
	rep, err := a.newReporter(o.Progress, pipeline.SlidesPlan())
	if err != nil {
		return res, err
	}
	cfg.WorkDir, cfg.FontPath, cfg.Tools, cfg.Version = work, font, media.DefaultTools(), Version
	cfg.Task, cfg.Log, cfg.Progress = taskFromEnv(), a.log, rep
	a.log.Info("slides task", "version", Version, "slides", len(contents), "format", o.Format, "out", o.Out)
	ctx, cancel := pipeline.WithHardTimeLimit(cmd.Context(), a.env.Start, o.HardTimeLimit)
	defer cancel()
	d := pipeline.NewDeadline(ctx, a.env.Start, o.SoftTimeLimit)
	defer d.Stop()
	return pipeline.RunSlides(d, cfg)
}

// slideContents reads the content from exactly one source: --content, --content-file, or, in a SlideTask's
// Job, the task object.
func (a *app) slideContents(ctx context.Context, o *runnerv1.SlideOptions) ([]slides.Content, error) {
	var data []byte
	source := ""
	switch {
	case o.Content != "" && o.ContentFile != "":
		return nil, failure.Invalid("give either --%s or --%s, not both", runnerv1.FlagContent, runnerv1.FlagContentFile)
	case o.Content != "":
		data, source = []byte(o.Content), "--"+runnerv1.FlagContent
	case o.ContentFile == "-":
		var err error
		if data, err = io.ReadAll(io.LimitReader(a.env.Stdin, maxContentBytes+1)); err != nil {
			return nil, fmt.Errorf("read slide content from stdin: %w", err)
		}
		source = "stdin"
	case o.ContentFile != "":
		info, err := os.Stat(o.ContentFile)
		if err != nil {
			return nil, failure.Invalid("--%s: %v", runnerv1.FlagContentFile, err)
		}
		if info.Size() > maxContentBytes {
			return nil, failure.Invalid("--%s %s: %d bytes is too large for slide content", runnerv1.FlagContentFile, o.ContentFile, info.Size())
		}
		if data, err = os.ReadFile(o.ContentFile); err != nil {
			return nil, fmt.Errorf("read slide content: %w", err)
		}
		source = o.ContentFile
	default:
		return a.taskSlideContents(ctx)
	}
	if len(data) > maxContentBytes {
		return nil, failure.Invalid("slide content from %s is too large (limit %d bytes)", source, maxContentBytes)
	}
	return parseContents(data, source)
}

// taskSlideContents reads the slides from the SlideTask the run belongs to. Failing to read it is not the
// input's fault (the API server may be briefly unreachable), so the attempt may be retried.
func (a *app) taskSlideContents(ctx context.Context) ([]slides.Content, error) {
	ref, ok := runnerv1.TaskRefFromEnv(os.Getenv)
	if !ok || ref.Kind != tasksv1.KindSlideTask {
		return nil, failure.Invalid("no slide content: give --%s or --%s (in a SlideTask's Job it is read from the task)",
			runnerv1.FlagContent, runnerv1.FlagContentFile)
	}
	newClient := a.env.TaskClient
	if newClient == nil {
		newClient = taskapi.NewDynamicFromEnv
	}
	client, err := newClient()
	if err != nil {
		return nil, fmt.Errorf("read the slide content from %s %s/%s: %w", ref.Kind, ref.Namespace, ref.Name, err)
	}
	task, err := taskapi.GetSlideTask(ctx, client, ref)
	if err != nil {
		return nil, fmt.Errorf("read the slide content: %w", err)
	}
	contents := runnerv1.SlideContents(task)
	if len(contents) == 0 {
		return nil, failure.Invalid("%s %s/%s has neither spec.content nor spec.slides", ref.Kind, ref.Namespace, ref.Name)
	}
	a.log.Info("slide content read from the task", "task", ref.Namespace+"/"+ref.Name, "slides", len(contents))
	return contents, nil
}

// parseContents accepts one content object or a list of them, typed by hand or by a script. Unknown fields
// are an error here: a typo in a field name would otherwise silently drop text from the slide. (Content
// read from a SlideTask is decoded tolerantly instead: a newer API field must not break an older runner.)
func parseContents(data []byte, source string) ([]slides.Content, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, failure.Invalid("no slide content in %s", source)
	}
	var list []slides.Content
	var target any = &list
	var one slides.Content
	if data[0] == '{' {
		target = &one
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(target); err != nil {
		return nil, failure.Invalid("slide content from %s is not valid content JSON: %v", source, err)
	}
	if dec.More() {
		return nil, failure.Invalid("slide content from %s has data after the JSON value", source)
	}
	if data[0] == '{' {
		list = []slides.Content{one}
	}
	if len(list) == 0 {
		return nil, failure.Invalid("slide content from %s is an empty list", source)
	}
	return list, nil
}
