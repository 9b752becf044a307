package validation

import (
	"context"
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// The objects below are literals, not builders: the builders fill in the schema's defaults themselves
// (testutil.Default), and these specs must prove what the server fills in when a Go program leaves every
// optional field at its zero value.

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
	It("are not pre-empted by a Go client: the zero value of every defaulted object is left out of the JSON",
		func() {
			body, err := json.Marshal(minimalVideoTask().Spec)
			Expect(err).NotTo(HaveOccurred())
			var spec map[string]any
			Expect(json.Unmarshal(body, &spec)).To(Succeed())
			for _, field := range []string{"timeLimits", "retry", "expressions", "render", "targetLanguage", "suspend"} {
				Expect(spec).NotTo(HaveKey(field), "a zero %s would be sent and pre-empt the schema's default", field)
			}
		})

	It("fill in a minimal VideoTask created with a typed client", func(ctx context.Context) {
		var task tasksv1alpha1.VideoTask
		createAndRead(ctx, minimalVideoTask(), &task)
		spec := task.Spec

		Expect(spec.TimeLimits).To(Equal(tasksv1alpha1.TimeLimits{SoftSeconds: 1500, HardSeconds: 1800, StartSeconds: 600}))
		Expect(spec.Retry).To(Equal(tasksv1alpha1.RetryPolicy{MaxRetries: ptr.To[int32](3), BackoffBaseSeconds: 60, BackoffCapSeconds: 600}))

		Expect(spec.Expressions.MaxCount).To(BeEquivalentTo(5))
		Expect(spec.Expressions.Level).To(Equal(tasksv1alpha1.LevelMixed))
		Expect(spec.Expressions.Extractor).To(Equal(tasksv1alpha1.ExtractorDictionary))
		Expect(spec.Render.Subtitles).To(Equal(tasksv1alpha1.SubtitleDual))
		Expect(spec.Render.ShortsSubtitles).To(Equal(tasksv1alpha1.SubtitleDual))
		Expect(spec.Expressions.LLM).To(BeNil())
		Expect(spec.TargetLanguage).To(BeEquivalentTo("ko"))
		Expect(spec.Source.Language).To(BeEquivalentTo("en"))

		Expect(spec.Render).To(Equal(tasksv1alpha1.RenderSpec{
			EducationalVideo: tasksv1alpha1.EducationalVideoPerExpression,
			Shorts:           tasksv1alpha1.ShortsNone,
			Slides:           tasksv1alpha1.SlideImagesPNG,
			RepeatCount:      3,
			Subtitles:        tasksv1alpha1.SubtitleDual,
			ShortsSubtitles:  tasksv1alpha1.SubtitleDual,
		}))
		Expect(spec.Suspend).To(HaveValue(BeFalse()))

		// Fields without a default stay unset: the operator reads an unset output as "<namespace>/<name>/"
		// and an unset ttlSecondsAfterFinished as "keep the task".
		Expect(spec.Output).To(BeEmpty())
		Expect(spec.TTLSecondsAfterFinished).To(BeNil())
	})

	It("fill in the nested fields of a partly given VideoTask", func(ctx context.Context) {
		task := minimalVideoTask()
		task.Spec.TimeLimits.HardSeconds = 7200
		task.Spec.Expressions.Include = []string{"break the ice"}
		task.Spec.Render.RepeatCount = 2

		var stored tasksv1alpha1.VideoTask
		createAndRead(ctx, task, &stored)
		Expect(stored.Spec.TimeLimits.SoftSeconds).To(BeEquivalentTo(1500), "softSeconds defaults beside a given hardSeconds")
		Expect(stored.Spec.TimeLimits.HardSeconds).To(BeEquivalentTo(7200))
		Expect(stored.Spec.Expressions.MaxCount).To(BeEquivalentTo(5))
		Expect(stored.Spec.Render.EducationalVideo).To(Equal(tasksv1alpha1.EducationalVideoPerExpression))
		Expect(stored.Spec.Render.RepeatCount).To(BeEquivalentTo(2))
	})

	It("fill in a minimal SlideTask created with a typed client", func(ctx context.Context) {
		var task tasksv1alpha1.SlideTask
		createAndRead(ctx, minimalSlideTask(), &task)

		Expect(task.Spec.Format).To(Equal(tasksv1alpha1.SlideFormatPNG))
		Expect(task.Spec.Size).To(Equal(tasksv1alpha1.SlideSize{Width: 1280, Height: 720}))
		Expect(task.Spec.DurationSeconds).To(BeEquivalentTo(5))
		Expect(task.Spec.Audio).To(Equal(tasksv1alpha1.SlideAudioNone))
		Expect(task.Spec.TimeLimits).To(Equal(tasksv1alpha1.TimeLimits{SoftSeconds: 1500, HardSeconds: 1800, StartSeconds: 600}))
		Expect(task.Spec.Retry).To(Equal(tasksv1alpha1.RetryPolicy{MaxRetries: ptr.To[int32](3), BackoffBaseSeconds: 60, BackoffCapSeconds: 600}))
	})

	It("fill in a minimal CleanupPolicy created with a typed client", func(ctx context.Context) {
		var policy tasksv1alpha1.CleanupPolicy
		createAndRead(ctx, minimalCleanupPolicy(), &policy)

		Expect(policy.Spec.Schedule).To(Equal("0 2 * * *"))
		Expect(policy.Spec.TimeZone).To(Equal("UTC"))
		Expect(policy.Spec.RetentionDays).To(BeEquivalentTo(7))
		Expect(policy.Spec.SuccessfulJobsHistoryLimit).To(HaveValue(BeEquivalentTo(3)))
		Expect(policy.Spec.FailedJobsHistoryLimit).To(HaveValue(BeEquivalentTo(1)))
		Expect(policy.Spec.Mode).To(Equal(tasksv1alpha1.CleanupDelete))
		Expect(policy.Spec.Suspend).To(HaveValue(BeFalse()))
	})

	It("are what testutil.Default fills in for objects that never reach an API server", func(ctx context.Context) {
		for _, pair := range []struct{ sent, stored, local client.Object }{
			{minimalVideoTask(), &tasksv1alpha1.VideoTask{}, minimalVideoTask()},
			{minimalSlideTask(), &tasksv1alpha1.SlideTask{}, minimalSlideTask()},
			{minimalCleanupPolicy(), &tasksv1alpha1.CleanupPolicy{}, minimalCleanupPolicy()},
		} {
			createAndRead(ctx, pair.sent, pair.stored)
			testutil.Default(pair.local)
			Expect(specOf(pair.local)).To(Equal(specOf(pair.stored)), "%T", pair.stored)
		}
	})
})

// specOf is an object's spec as JSON, to compare kinds without caring about metadata or status.
func specOf(obj client.Object) string {
	GinkgoHelper()
	u := testutil.ToUnstructured(obj)
	body, err := json.Marshal(u.Object["spec"])
	Expect(err).NotTo(HaveOccurred())
	return string(body)
}
