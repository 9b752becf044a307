package media

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"strings"
	"time"

	"github.com/langflix/langflix-operator/runner/failure"
)

// EducationalSpec describes one educational video: the scene, a slide explaining the expression, then the
// expression itself several times.
type EducationalSpec struct {
	ContextClip, ExpressionClip, SlidePNG, Dst string
	SlideDuration                              time.Duration // 0 = the expression clip's duration x RepeatCount, min 3s
	RepeatCount                                int           // >= 1
}

// minSlideDuration keeps the slide up long enough to read even for a one-word expression.
const minSlideDuration = 3 * time.Second

// slideFadeOut softens the end of the audio under the slide, which is usually cut mid-repeat.
const slideFadeOut = 250 * time.Millisecond

// BuildEducational renders context clip -> slide -> expression clip x RepeatCount into s.Dst. Under the
// slide plays the expression's audio on repeat (silence if it has none), so the learner hears the phrase
// while reading it. Every part is normalised to the output layout in one filter graph, so inputs of any
// size, rate or audio format work and the result stays in sync.
func (t Tools) BuildEducational(ctx context.Context, s EducationalSpec) error {
	if s.Dst == "" {
		return failure.Invalid("educational video: no destination")
	}
	if s.RepeatCount < 1 {
		return failure.Invalid("educational video %s: repeat count %d, must be at least 1", s.Dst, s.RepeatCount)
	}
	if s.SlideDuration < 0 {
		return failure.Invalid("educational video %s: negative slide duration %s", s.Dst, s.SlideDuration)
	}
	if err := checkPNG(s.SlidePNG); err != nil {
		return err
	}
	ctxInfo, err := t.Probe(ctx, s.ContextClip)
	if err != nil {
		return fmt.Errorf("educational video %s: context clip: %w", s.Dst, err)
	}
	exprInfo, err := t.Probe(ctx, s.ExpressionClip)
	if err != nil {
		return fmt.Errorf("educational video %s: expression clip: %w", s.Dst, err)
	}
	slide := s.SlideDuration
	if slide == 0 {
		slide = max(minSlideDuration, exprInfo.videoLength()*time.Duration(s.RepeatCount))
	}
	plan := educationalPlan{
		spec: s, slide: slide,
		context: segment{path: s.ContextClip, duration: ctxInfo.videoLength(), hasAudio: ctxInfo.HasAudio},
		expr:    segment{path: s.ExpressionClip, duration: exprInfo.videoLength(), hasAudio: exprInfo.HasAudio},
	}
	if err := t.produce(ctx, s.Dst, plan.args); err != nil {
		return fmt.Errorf("educational video %s: %w", s.Dst, err)
	}
	return nil
}

// checkPNG makes a missing or broken slide an input error with a clear message rather than an ffmpeg log.
func checkPNG(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return failure.Invalid("slide %s: %w", path, err)
	}
	defer f.Close()
	if _, err := png.DecodeConfig(f); err != nil {
		return failure.Invalid("slide %s is not a PNG image: %w", path, err)
	}
	return nil
}

// segment is one probed input of a filter graph.
type segment struct {
	path     string
	duration time.Duration
	hasAudio bool
}

type educationalPlan struct {
	spec          EducationalSpec
	slide         time.Duration
	context, expr segment
}

// args builds the ffmpeg command. Inputs: 0 context clip, 1 slide image, 2 expression clip (audio under
// the slide, only if it has audio), then the expression clip once per repeat. Separate inputs per repeat
// cost a re-open each but need no buffering of decoded video, which looping inside the graph would.
func (p educationalPlan) args(out string) []string {
	args := globalArgs()
	args = append(args, "-i", p.context.path)
	args = append(args, "-loop", "1", "-framerate", fmt.Sprint(OutputFrameRate), "-t", seconds(p.slide), "-i", p.spec.SlidePNG)
	next := 2
	slideAudioInput := -1
	if p.expr.hasAudio {
		args = append(args, "-i", p.expr.path)
		slideAudioInput = next
		next++
	}
	var exprInputs []int
	for range p.spec.RepeatCount {
		args = append(args, "-i", p.expr.path)
		exprInputs = append(exprInputs, next)
		next++
	}

	var graph []string
	var pads []string
	addSegment := func(label string, input int, seg segment) {
		v, a := "v"+label, "a"+label
		graph = append(graph, fmt.Sprintf("[%d:v:0]%s[%s]", input, exactVideo(seg.duration), v))
		if seg.hasAudio {
			graph = append(graph, fmt.Sprintf("[%d:a:0]%s[%s]", input, exactAudio(seg.duration), a))
		} else {
			graph = append(graph, fmt.Sprintf("%s,atrim=duration=%s[%s]", silence(), seconds(seg.duration), a))
		}
		pads = append(pads, "["+v+"]["+a+"]")
	}

	addSegment("ctx", 0, p.context)
	graph = append(graph, fmt.Sprintf("[1:v:0]%s[vslide]", exactVideo(p.slide)))
	graph = append(graph, p.slideAudio(slideAudioInput)+"[aslide]")
	pads = append(pads, "[vslide][aslide]")
	for i, input := range exprInputs {
		addSegment(fmt.Sprintf("expr%d", i), input, p.expr)
	}
	graph = append(graph, fmt.Sprintf("%sconcat=n=%d:v=1:a=1[v][a]", strings.Join(pads, ""), len(pads)))

	args = append(args, "-filter_complex", strings.Join(graph, ";"), "-map", "[v]", "-map", "[a]")
	args = append(args, encodeArgs()...)
	return append(args, out)
}

// slideAudio is the expression's audio repeated RepeatCount times, padded or cut to the slide's length
// and faded out; silence when the expression has no audio.
func (p educationalPlan) slideAudio(input int) string {
	if input < 0 {
		return fmt.Sprintf("%s,atrim=duration=%s", silence(), seconds(p.slide))
	}
	samples := int64(p.expr.duration.Seconds()*OutputSampleRate + 0.5)
	filter := fmt.Sprintf("[%d:a:0]%s,aloop=loop=%d:size=%d,apad,atrim=duration=%s",
		input, exactAudio(p.expr.duration), p.spec.RepeatCount-1, samples, seconds(p.slide))
	if p.slide > 2*slideFadeOut {
		filter += fmt.Sprintf(",afade=t=out:st=%s:d=%s", seconds(p.slide-slideFadeOut), seconds(slideFadeOut))
	}
	return filter
}

// exactVideo normalises a video stream and makes it exactly d long: frames past d are dropped, and a
// stream that ends early holds its last frame. Exact segment lengths keep the concat in sync.
func exactVideo(d time.Duration) string {
	return fitVideo(OutputWidth, OutputHeight) + ",tpad=stop=-1:stop_mode=clone,trim=duration=" + seconds(d) + ",setpts=PTS-STARTPTS"
}

// exactAudio normalises an audio stream and makes it exactly d long, padding with silence.
func exactAudio(d time.Duration) string {
	return fitAudio() + ",apad,atrim=duration=" + seconds(d) + ",asetpts=PTS-STARTPTS"
}
