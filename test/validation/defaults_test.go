package validation

import (
	"context"
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// The objects below are literals, not builders: the builders spell out time limits and backoff, and these
// specs must prove what the server fills in when a Go program leaves every optional field at its zero value.

func minimalVideoTask() *tasksv1alpha1.VideoTask {
	task := &tasksv1alpha1.VideoTask{Spec: tasksv1alpha1.VideoTaskSpec{
		Source:       tasksv1alpha1.VideoSource{Video: "input/episode.mkv"},
		TaskTemplate: tasksv1alpha1.TaskTemplate{Storage: testutil.PVCSource(testutil.DefaultClaim)},
	}}
	task.GenerateName, task.Namespace = "minimal-video-", ns
	return task
}

func minimalSlideTask() *tasksv1alpha1.SlideTask {
	content := testutil.BreakTheIce()
	task := &tasksv1alpha1.SlideTask{Spec: tasksv1alpha1.SlideTaskSpec{
		Content:      &content,
		TaskTemplate: tasksv1alpha1.TaskTemplate{Storage: testutil.PVCSource(testutil.DefaultClaim)},
	}}
	task.GenerateName, task.Namespace = "minimal-slides-", ns
	return task
}

func minimalCleanupPolicy() *tasksv1alpha1.CleanupPolicy {
	policy := &tasksv1alpha1.CleanupPolicy{Spec: tasksv1alpha1.CleanupPolicySpec{
		Storage: testutil.PVCSource(testutil.DefaultClaim),
	}}
	policy.GenerateName, policy.Namespace = "minimal-cleanup-", ns
	return policy
}

// createAndRead creates obj with the typed client and reads it back into stored, so the assertions see
// what etcd holds rather than the create response.
func createAndRead(ctx context.Context, obj, stored client.Object) {
	GinkgoHelper()
	Expect(k8sClient.Create(ctx, obj)).To(Succeed())
	DeferCleanup(k8sClient.Delete, obj)
	Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), stored)).To(Succeed())
}

var _ = Describe("Defaults", func() {
	It("are not pre-empted by a Go client: zero durations and the zero template are left out of the JSON",
		func() {
			body, err := json.Marshal(minimalVideoTask().Spec)
			Expect(err).NotTo(HaveOccurred())
			var spec map[string]any
			Expect(json.Unmarshal(body, &spec)).To(Succeed())
			Expect(spec).NotTo(HaveKey("timeLimits"), "a zero TimeLimits would be sent as {soft: 0s, hard: 0s}")
			Expect(spec).NotTo(HaveKey("retry"))
			Expect(string(body)).NotTo(ContainSubstring(`"0s"`))
		})

	It("fill in a minimal VideoTask created with a typed client", func(ctx context.Context) {
		var task tasksv1alpha1.VideoTask
		createAndRead(ctx, minimalVideoTask(), &task)
		spec := task.Spec

		Expect(spec.TimeLimits.Soft.Duration).To(Equal(25 * time.Minute))
		Expect(spec.TimeLimits.Hard.Duration).To(Equal(30 * time.Minute))
		Expect(spec.Retry.MaxRetries).To(HaveValue(BeEquivalentTo(3)))
		Expect(spec.Retry.BackoffBase.Duration).To(Equal(60 * time.Second))
		Expect(spec.Retry.BackoffCap.Duration).To(Equal(10 * time.Minute))

		Expect(spec.Expressions.MaxCount).To(BeEquivalentTo(5))
		Expect(spec.Expressions.Level).To(BeEquivalentTo("mixed"))
		Expect(spec.Expressions.Extractor).To(Equal(tasksv1alpha1.ExtractorDictionary))
		Expect(spec.Render.Subtitles).To(Equal(tasksv1alpha1.SubtitleDual))
		Expect(spec.Render.ShortsSubtitles).To(Equal(tasksv1alpha1.SubtitleDual))
		Expect(spec.Expressions.LLM).To(BeNil())
		Expect(spec.TargetLanguage).To(Equal("ko"))
		Expect(spec.Source.Language).To(Equal("en"))

		Expect(spec.Render.EducationalVideo).To(HaveValue(BeTrue()))
		Expect(spec.Render.Shorts).To(HaveValue(BeFalse()))
		Expect(spec.Render.Slides).To(HaveValue(BeTrue()))
		Expect(spec.Render.CombinedVideo).To(HaveValue(BeFalse()))
		Expect(spec.Render.RepeatCount).To(BeEquivalentTo(3))

		// Fields without a default stay unset, so the operator's own fallbacks decide.
		Expect(spec.Output).To(BeEmpty())
		Expect(spec.Suspend).To(BeNil())
		Expect(spec.TTLSecondsAfterFinished).To(BeNil())
	})

	It("fill in the nested fields of a partly given VideoTask", func(ctx context.Context) {
		task := minimalVideoTask()
		task.Spec.TimeLimits.Hard = testutil.Duration("2h")
		task.Spec.Expressions.Include = []string{"break the ice"}
		task.Spec.Render.RepeatCount = 2

		var stored tasksv1alpha1.VideoTask
		createAndRead(ctx, task, &stored)
		Expect(stored.Spec.TimeLimits.Soft.Duration).To(Equal(25*time.Minute), "soft defaults beside a given hard")
		Expect(stored.Spec.TimeLimits.Hard.Duration).To(Equal(2 * time.Hour))
		Expect(stored.Spec.Expressions.MaxCount).To(BeEquivalentTo(5))
		Expect(stored.Spec.Render.EducationalVideo).To(HaveValue(BeTrue()))
		Expect(stored.Spec.Render.RepeatCount).To(BeEquivalentTo(2))
	})

	It("fill in a minimal SlideTask created with a typed client", func(ctx context.Context) {
		var task tasksv1alpha1.SlideTask
		createAndRead(ctx, minimalSlideTask(), &task)

		Expect(task.Spec.Format).To(Equal(tasksv1alpha1.SlideFormatPNG))
		Expect(task.Spec.Size).To(Equal(tasksv1alpha1.SlideSize{Width: 1280, Height: 720}))
		Expect(task.Spec.DurationSeconds).To(BeEquivalentTo(5))
		Expect(task.Spec.Audio).To(BeFalse())
		Expect(task.Spec.TimeLimits.Soft.Duration).To(Equal(25 * time.Minute))
		Expect(task.Spec.TimeLimits.Hard.Duration).To(Equal(30 * time.Minute))
		Expect(task.Spec.Retry.MaxRetries).To(HaveValue(BeEquivalentTo(3)))
		Expect(task.Spec.Retry.BackoffBase.Duration).To(Equal(60 * time.Second))
		Expect(task.Spec.Retry.BackoffCap.Duration).To(Equal(10 * time.Minute))
	})

	It("fill in a minimal CleanupPolicy created with a typed client", func(ctx context.Context) {
		var policy tasksv1alpha1.CleanupPolicy
		createAndRead(ctx, minimalCleanupPolicy(), &policy)

		Expect(policy.Spec.Schedule).To(Equal("0 2 * * *"))
		Expect(policy.Spec.TimeZone).To(Equal("UTC"))
		Expect(policy.Spec.RetentionDays).To(BeEquivalentTo(7))
		Expect(policy.Spec.SuccessfulJobsHistoryLimit).To(HaveValue(BeEquivalentTo(3)))
		Expect(policy.Spec.FailedJobsHistoryLimit).To(HaveValue(BeEquivalentTo(1)))
		Expect(policy.Spec.DryRun).To(BeFalse())
		Expect(policy.Spec.Suspend).To(BeFalse())
	})
})
