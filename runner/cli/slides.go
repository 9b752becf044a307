package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/media"
	"github.com/langflix/langflix-operator/runner/pipeline"
	"github.com/langflix/langflix-operator/runner/slides"
)

// maxContentBytes bounds slide content read from a file or stdin; a lesson's text is a few kilobytes.
const maxContentBytes = 4 << 20

type slidesFlags struct {
	commonFlags
	content, contentFile string
	format               string
	width, height        int
	duration             time.Duration
	audio                bool
}

func (a *app) slidesCommand() *cobra.Command {
	f := &slidesFlags{}
	cmd := &cobra.Command{
		Use:   "slides",
		Short: "Render lesson slides (PNG, or MP4 with optional speech) from JSON content",
		Long: "Renders one slide per content object. Content is JSON, one object or a list of objects with\n" +
			"title, expression, translation, dialogue, dialogueTranslation, similarExpressions, examples and\n" +
			"notes; it comes from --content, --content-file (\"-\" for stdin) or env " + envSlideContent + ".",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runSlides(cmd, f) },
	}
	fs := cmd.Flags()
	f.register(fs)
	fs.StringVar(&f.content, "content", "", "slide content as JSON (one object or a list)")
	fs.StringVar(&f.contentFile, "content-file", "", "file with the slide content JSON (\"-\" reads stdin)")
	fs.StringVar(&f.format, "format", pipeline.FormatPNG, "output format: png, or mp4 (the PNG plus a video of it)")
	fs.IntVar(&f.width, "width", slides.Landscape.X, "slide width in pixels")
	fs.IntVar(&f.height, "height", slides.Landscape.Y, "slide height in pixels")
	fs.DurationVar(&f.duration, "duration", 5*time.Second, "length of each slide video (mp4)")
	fs.BoolVar(&f.audio, "audio", false, "speak the expression in slide videos with espeak-ng (silent when it is not installed)")
	_ = cmd.MarkFlagRequired(flagOut)
	// The work folder only holds speech files here; hide it to keep the help short.
	_ = fs.MarkHidden(flagWorkDir)
	return cmd
}

func (a *app) runSlides(cmd *cobra.Command, f *slidesFlags) error {
	a.begin()
	res, err := a.slides(cmd, f)
	err = exitError(err)
	a.writeTermination(cmd, res.Termination(err).Encode())
	return err
}

func (a *app) slides(cmd *cobra.Command, f *slidesFlags) (*pipeline.Result, error) {
	res := &pipeline.Result{}
	limit, err := f.softLimit(cmd)
	if err != nil {
		return res, err
	}
	contents, err := a.slideContents(f)
	if err != nil {
		return res, err
	}
	font, err := slides.FindFont(f.font)
	if err != nil {
		return res, err
	}
	work, removeWork, err := workDir(f.workDir)
	if err != nil {
		return res, err
	}
	defer removeWork()
	rep, err := a.newReporter(f.progress, pipeline.SlidesPlan())
	if err != nil {
		return res, err
	}
	a.log.Info("slides task", "version", Version, "slides", len(contents), "format", f.format, "out", f.out)
	d := pipeline.NewDeadline(cmd.Context(), a.env.Start, limit)
	defer d.Stop()
	return pipeline.RunSlides(d, pipeline.SlidesConfig{
		Contents:      contents,
		Format:        f.format,
		Size:          image.Pt(f.width, f.height),
		Duration:      f.duration,
		Audio:         f.audio,
		StorageRoot:   f.storageRoot,
		Out:           f.out,
		WorkDir:       work,
		FontPath:      font,
		Tools:         media.DefaultTools(),
		Version:       Version,
		Task:          taskFromEnv(),
		SoftTimeLimit: limit,
		Log:           a.log,
		Progress:      rep,
	})
}

// slideContents reads the content JSON from exactly one source.
func (a *app) slideContents(f *slidesFlags) ([]slides.Content, error) {
	var data []byte
	source := ""
	switch {
	case f.content != "" && f.contentFile != "":
		return nil, failure.Invalid("give either --content or --content-file, not both")
	case f.content != "":
		data, source = []byte(f.content), "--content"
	case f.contentFile == "-":
		var err error
		if data, err = io.ReadAll(io.LimitReader(a.env.Stdin, maxContentBytes+1)); err != nil {
			return nil, fmt.Errorf("read slide content from stdin: %w", err)
		}
		source = "stdin"
	case f.contentFile != "":
		info, err := os.Stat(f.contentFile)
		if err != nil {
			return nil, failure.Invalid("--content-file: %v", err)
		}
		if info.Size() > maxContentBytes {
			return nil, failure.Invalid("--content-file %s: %d bytes is too large for slide content", f.contentFile, info.Size())
		}
		if data, err = os.ReadFile(f.contentFile); err != nil {
			return nil, fmt.Errorf("read slide content: %w", err)
		}
		source = f.contentFile
	default:
		data, source = []byte(os.Getenv(envSlideContent)), envSlideContent
	}
	if len(data) > maxContentBytes {
		return nil, failure.Invalid("slide content from %s is too large (limit %d bytes)", source, maxContentBytes)
	}
	return parseContents(data, source)
}

// parseContents accepts one content object or a list of them. Unknown fields are an error: a typo in a
// field name would otherwise silently drop text from the slide.
func parseContents(data []byte, source string) ([]slides.Content, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, failure.Invalid("no slide content: give --content, --content-file or %s", envSlideContent)
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
