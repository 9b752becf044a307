package validation

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/cli"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/test/testutil"
)

// Messages of the CEL rules that keep the API and the runner in step, copied on purpose.
const (
	msgEven           = "must be an even number of pixels (H.264 video has no odd sizes)"
	msgDictionaryOnly = "spec.targetLanguage must be ko while spec.expressions.extractor is Dictionary: the built-in dictionary has Korean translations only"
	msgSlidesBudget   = "spec.slides holds more than 100000 characters of text in total"
)

// runnerParse is the runner's side of the contract: the Job's arguments and environment, parsed by the
// flag set the runner's command binds.
func runnerParse[O any, P interface {
	*O
	Bind(runnerv1.FlagBinder)
	ApplyEnv(func(string) string) error
}](args []string, env []runnerv1.EnvVar) O {
	GinkgoHelper()
	var o O
	fs := pflag.NewFlagSet(args[0], pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	P(&o).Bind(fs)
	Expect(fs.Parse(args[1:])).To(Succeed(), "the runner rejects the operator's arguments %q", args)
	vars := map[string]string{}
	for _, e := range env {
		vars[e.Name] = e.Value
	}
	Expect(P(&o).ApplyEnv(func(n string) string { return vars[n] })).To(Succeed())
	return o
}

// videoVerdict is what the runner says about a VideoTask, through the contract.
func videoVerdict(task *tasksv1alpha1.VideoTask) error {
	o := runnerv1.VideoOptionsFromSpec(task)
	return cli.ValidateVideo(runnerParse[runnerv1.VideoOptions](o.Args(), o.Env()))
}

// slideVerdict is what the runner says about a SlideTask, through the contract.
func slideVerdict(task *tasksv1alpha1.SlideTask) error {
	o := runnerv1.SlideOptionsFromSpec(task)
	return cli.ValidateSlides(runnerParse[runnerv1.SlideOptions](o.Args(), o.Env()), runnerv1.SlideContents(task))
}

var _ = Describe("What the API admits, the runner accepts", func() {
	vt := func() *testutil.VideoTaskWrapper { return testutil.MakeVideoTask("", "").Label("contract", "video") }
	st := func() *testutil.SlideTaskWrapper { return testutil.MakeSlideTask("", "").Label("contract", "slides") }

	// Each object is created on the API server. What it admits, read back with its defaults, must pass the
	// runner's own checks after the trip through the Job's arguments; what it rejects, the runner rejects
	// too, so neither side is more lenient than the other.
	DescribeTable("VideoTasks",
		func(ctx context.Context, task *tasksv1alpha1.VideoTask, field, rule string) {
			task.GenerateName, task.Namespace = "contract-video-", ns
			err := k8sClient.Create(ctx, task)
			if rule != "" {
				expectInvalid(err, field, rule)
				Expect(failure.IsInvalid(videoVerdict(task))).To(BeTrue(), "the runner accepts what the API rejects")
				return
			}
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(k8sClient.Delete, task)
			var stored tasksv1alpha1.VideoTask
			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &stored)).To(Succeed())
			Expect(videoVerdict(&stored)).To(Succeed(), "the API admits a VideoTask the runner rejects")
		},
		Entry("every default", vt().Obj(), "", ""),
		Entry("maxCount 1", vt().MaxCount(1).Obj(), "", ""),
		Entry("maxCount 50", vt().MaxCount(tasksv1alpha1.MaxMaxCount).Obj(), "", ""),
		Entry("level beginner", vt().Level(tasksv1alpha1.LevelBeginner).Obj(), "", ""),
		Entry("level intermediate", vt().Level(tasksv1alpha1.LevelIntermediate).Obj(), "", ""),
		Entry("level advanced", vt().Level(tasksv1alpha1.LevelAdvanced).Obj(), "", ""),
		Entry("repeat 1 and every output off", vt().RepeatCount(1).EducationalVideo(tasksv1alpha1.EducationalVideoNone).
			SlideImages(tasksv1alpha1.SlideImagesNone).Obj(), "", ""),
		Entry("repeat 10 and every output on", vt().RepeatCount(10).EducationalVideo(tasksv1alpha1.EducationalVideoPerExpressionAndCombined).
			Shorts(tasksv1alpha1.ShortsVertical).Obj(), "", ""),
		Entry("subtitles Original, shorts None", vt().Shorts(tasksv1alpha1.ShortsVertical).
			SubtitleModes(tasksv1alpha1.SubtitleOriginal, tasksv1alpha1.SubtitleNone).Obj(), "", ""),
		Entry("subtitles None, shorts Original", vt().Shorts(tasksv1alpha1.ShortsVertical).
			SubtitleModes(tasksv1alpha1.SubtitleNone, tasksv1alpha1.SubtitleOriginal).Obj(), "", ""),
		Entry("subtitles Dual given explicitly", vt().SubtitleModes(tasksv1alpha1.SubtitleDual, tasksv1alpha1.SubtitleDual).Obj(), "", ""),
		Entry("unicode, '=' and spaces in include phrases and paths",
			vt().Include("어색한 분위기를 깨다", "a = b", " spaced ", "--looks-like-a-flag").Video("in put/ep=1.mkv").Obj(), "", ""),
		Entry("Dictionary with ko-KR", vt().TargetLanguage("ko-KR").Obj(), "", ""),
		Entry("LLM with Japanese", vt().Extractor(tasksv1alpha1.ExtractorLLM).LLM("http://127.0.0.1:8080/v1", "qwen2.5").
			TargetLanguage("ja").APIKeySecret("llm", "key").Obj(), "", ""),
		Entry("LLM with an empty model", vt().Extractor(tasksv1alpha1.ExtractorLLM).LLM("http://127.0.0.1/v1", "").Obj(),
			"spec.expressions.llm.model", "Required value"),
		Entry("Dictionary with Japanese", vt().TargetLanguage("ja").Obj(), "spec.targetLanguage", msgDictionaryOnly),
		Entry("Dictionary with English", vt().TargetLanguage("en").Obj(), "spec.targetLanguage", msgDictionaryOnly),
	)

	DescribeTable("SlideTasks",
		func(ctx context.Context, task *tasksv1alpha1.SlideTask, field, rule string) {
			task.GenerateName, task.Namespace = "contract-slides-", ns
			err := k8sClient.Create(ctx, task)
			if rule != "" {
				expectInvalid(err, field, rule)
				Expect(failure.IsInvalid(slideVerdict(task))).To(BeTrue(), "the runner accepts what the API rejects")
				return
			}
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(k8sClient.Delete, task)
			var stored tasksv1alpha1.SlideTask
			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &stored)).To(Succeed())
			Expect(slideVerdict(&stored)).To(Succeed(), "the API admits a SlideTask the runner rejects")
		},
		Entry("every default", st().Obj(), "", ""),
		Entry("smallest size", st().Size(tasksv1alpha1.MinSlideSide, tasksv1alpha1.MinSlideSide).Obj(), "", ""),
		Entry("largest size", st().Size(tasksv1alpha1.MaxSlideSide, tasksv1alpha1.MaxSlideSide).Obj(), "", ""),
		Entry("portrait 1080x1920", st().Size(1080, 1920).Obj(), "", ""),
		Entry("mp4, shortest, with audio", st().Format(tasksv1alpha1.SlideFormatMP4).DurationSeconds(1).
			Audio(tasksv1alpha1.SlideAudioExpression).Obj(), "", ""),
		Entry("mp4, longest", st().Format(tasksv1alpha1.SlideFormatMP4).DurationSeconds(tasksv1alpha1.MaxSlideDurationSeconds).Obj(), "", ""),
		Entry("a list of maximal slides", st().Content(nil).Slides(maximalSlides(3, 1000)...).Obj(), "", ""),
		Entry("odd width", st().Size(1281, 720).Obj(), "spec.size.width", msgEven),
		Entry("odd height", st().Size(1280, 721).Obj(), "spec.size.height", msgEven),
	)
})

var _ = Describe("The largest SlideTask", func() {
	It("is admitted and stays well under etcd's 1.5 MiB request limit", func(ctx context.Context) {
		// 100 slides holding the whole character budget, in the characters that grow most as stored JSON:
		// '<' and '>' become six-byte \u escapes, Hangul takes three bytes.
		slides := maximalSlides(100, tasksv1alpha1.MaxSlidesCharacters/100)
		task := testutil.MakeSlideTask("", ns).Content(nil).Slides(slides...).Obj()
		task.GenerateName = "largest-"
		Expect(k8sClient.Create(ctx, task)).To(Succeed())
		DeferCleanup(k8sClient.Delete, task)

		var stored tasksv1alpha1.SlideTask
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &stored)).To(Succeed())
		Expect(stored.Spec.Slides).To(Equal(slides), "every character survives the trip")
		size := storedSize(ctx, &stored)
		GinkgoWriter.Printf("largest SlideTask: %d bytes as JSON from the API server\n", size)
		Expect(size).To(BeNumerically("<", 1<<20), "a maximal SlideTask should stay well under 1.5 MiB")

		// One character more is rejected, naming spec.slides.
		over := testutil.MakeSlideTask("", ns).Content(nil).Slides(slides...).Obj()
		over.GenerateName = "too-large-"
		over.Spec.Slides[0].Notes += "x"
		expectInvalid(k8sClient.Create(ctx, over), "spec.slides", msgSlidesBudget)
	})
})

// maximalSlides returns n slides of perSlide characters each, spread over the text fields within their
// own limits, in characters that are expensive as JSON.
func maximalSlides(n, perSlide int) []tasksv1alpha1.SlideContent {
	fill := func(count int) string {
		const pattern = "<깨>" // 6 + 3 + 6 bytes as escaped JSON
		return strings.Repeat(pattern, count/3) + strings.Repeat("<", count%3)
	}
	slides := make([]tasksv1alpha1.SlideContent, n)
	for i := range slides {
		left := perSlide
		take := func(limit int) string {
			c := min(left, limit)
			left -= c
			return fill(c)
		}
		s := tasksv1alpha1.SlideContent{Expression: take(200), Translation: take(200), Title: take(200),
			Dialogue: take(1000), DialogueTranslation: take(1000), Notes: take(1000)}
		if s.Expression == "" {
			s.Expression = "x"
		}
		if s.Translation == "" {
			s.Translation = "x"
		}
		for left > 0 && len(s.Examples) < 10 {
			s.Examples = append(s.Examples, take(500))
		}
		slides[i] = s
	}
	return slides
}

// storedSize is the size of obj's JSON as the API server serves it, which is how a custom resource is kept
// in etcd.
func storedSize(ctx context.Context, obj client.Object) int {
	GinkgoHelper()
	httpClient, err := rest.HTTPClientFor(cfg)
	Expect(err).NotTo(HaveOccurred())
	gvk, err := apiutil.GVKForObject(obj, k8sClient.Scheme())
	Expect(err).NotTo(HaveOccurred())
	mapping, err := k8sClient.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
	Expect(err).NotTo(HaveOccurred())
	url := fmt.Sprintf("%s/apis/%s/namespaces/%s/%s/%s", strings.TrimRight(cfg.Host, "/"), gvk.GroupVersion(),
		obj.GetNamespace(), mapping.Resource.Resource, obj.GetName())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Accept", "application/json")
	resp, err := httpClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	body, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return len(body)
}
