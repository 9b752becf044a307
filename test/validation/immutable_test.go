package validation

import (
	"context"
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// msgCreateNew ends every immutability message: a task is one run, so the fix is a new task.
const msgCreateNew = "create a new task instead"

// expectImmutable asserts that err is the 422 of an immutability rule: the message names what is immutable
// (or cannot be added or removed), tells the user to create a new task, and a cause points at field.
func expectImmutable(err error, field, rule string) {
	GinkgoHelper()
	expectInvalid(err, field, rule)
	Expect(err.Error()).To(ContainSubstring(msgCreateNew))
}

// immutable and addedOrRemoved are the two messages of a field that defines the run: its own transition
// rule (self == oldSelf) and, for optional fields without a default, the spec's rule that it stays set or
// unset (a field's own rule does not run when the field is absent on either side).
func immutable(field string) string      { return field + " is immutable" }
func addedOrRemoved(field string) string { return field + " cannot be added or removed" }

// suspendVideo sets spec.suspend of a VideoTask.
func suspendVideo(o client.Object) { o.(*tasksv1alpha1.VideoTask).Spec.Suspend = ptr.To(true) }

// mergePatch returns a JSON merge patch that sets spec to the given fields, the way `kubectl patch --type
// merge` and most scripts change a task.
func mergePatch(spec map[string]any) client.Patch {
	GinkgoHelper()
	body, err := json.Marshal(map[string]any{"spec": spec})
	Expect(err).NotTo(HaveOccurred())
	return client.RawPatch(types.MergePatchType, body)
}

var _ = Describe("Immutability", func() {
	Context("of a VideoTask", func() {
		var key client.ObjectKey

		BeforeEach(func(ctx context.Context) {
			task := testutil.MakeVideoTask("", ns).Include("break the ice").Obj()
			task.GenerateName = "immutable-video-"
			Expect(k8sClient.Create(ctx, task)).To(Succeed())
			key = client.ObjectKeyFromObject(task)
			DeferCleanup(k8sClient.Delete, task)
		})

		// update reads the stored task, changes it and writes it back with a typed client.
		update := func(ctx context.Context, change func(*tasksv1alpha1.VideoTask)) error {
			var task tasksv1alpha1.VideoTask
			Expect(k8sClient.Get(ctx, key, &task)).To(Succeed())
			change(&task)
			return k8sClient.Update(ctx, &task)
		}

		DescribeTable("rejects a change of the run's definition, naming the field",
			func(ctx context.Context, change func(*tasksv1alpha1.VideoTask), field, rule string) {
				expectImmutable(update(ctx, change), field, rule)
			},
			Entry("spec.source.video", func(t *tasksv1alpha1.VideoTask) { t.Spec.Source.Video = "input/other.mkv" },
				"spec.source", immutable("spec.source")),
			Entry("spec.source.language", func(t *tasksv1alpha1.VideoTask) { t.Spec.Source.Language = "fr" },
				"spec.source", immutable("spec.source")),
			Entry("spec.source.translationSubtitles, added", func(t *tasksv1alpha1.VideoTask) {
				t.Spec.Source.TranslationSubtitles = "input/episode.ko.srt"
			}, "spec.source", immutable("spec.source")),
			Entry("spec.targetLanguage", func(t *tasksv1alpha1.VideoTask) { t.Spec.TargetLanguage = "ko-KR" },
				"spec.targetLanguage", immutable("spec.targetLanguage")),
			Entry("spec.expressions.maxCount", func(t *tasksv1alpha1.VideoTask) { t.Spec.Expressions.MaxCount = 9 },
				"spec.expressions", immutable("spec.expressions")),
			Entry("spec.expressions.include, removed", func(t *tasksv1alpha1.VideoTask) { t.Spec.Expressions.Include = nil },
				"spec.expressions", immutable("spec.expressions")),
			Entry("spec.render.shorts", func(t *tasksv1alpha1.VideoTask) { t.Spec.Render.Shorts = tasksv1alpha1.ShortsVertical },
				"spec.render", immutable("spec.render")),
			Entry("spec.storage", func(t *tasksv1alpha1.VideoTask) { t.Spec.Storage = testutil.PVCSource("other") },
				"spec.storage", immutable("spec.storage")),
			Entry("spec.timeLimits.softSeconds", func(t *tasksv1alpha1.VideoTask) { t.Spec.TimeLimits.SoftSeconds = 1200 },
				"spec.timeLimits", immutable("spec.timeLimits")),
			Entry("spec.timeLimits.hardSeconds", func(t *tasksv1alpha1.VideoTask) { t.Spec.TimeLimits.HardSeconds = 7200 },
				"spec.timeLimits", immutable("spec.timeLimits")),
			Entry("spec.retry.maxRetries", func(t *tasksv1alpha1.VideoTask) { t.Spec.Retry.MaxRetries = ptr.To[int32](0) },
				"spec.retry", immutable("spec.retry")),
			Entry("spec.retry.backoffBaseSeconds", func(t *tasksv1alpha1.VideoTask) { t.Spec.Retry.BackoffBaseSeconds = 30 },
				"spec.retry", immutable("spec.retry")),
			Entry("spec.output, set where it was unset", func(t *tasksv1alpha1.VideoTask) { t.Spec.Output = "elsewhere" },
				"spec.output", addedOrRemoved("spec.output")),
			Entry("spec.serviceAccountName, set where it was unset", func(t *tasksv1alpha1.VideoTask) { t.Spec.ServiceAccountName = "other" },
				"spec.serviceAccountName", addedOrRemoved("spec.serviceAccountName")),
			Entry("spec.priorityClassName, set where it was unset", func(t *tasksv1alpha1.VideoTask) { t.Spec.PriorityClassName = "batch" },
				"spec.priorityClassName", addedOrRemoved("spec.priorityClassName")),
			Entry("spec.queueName, set where it was unset", func(t *tasksv1alpha1.VideoTask) { t.Spec.QueueName = "team-queue" },
				"spec.queueName", addedOrRemoved("spec.queueName")),
		)

		It("accepts a change of spec.priority, which reorders the task while it waits", func(ctx context.Context) {
			Expect(update(ctx, func(t *tasksv1alpha1.VideoTask) { t.Spec.Priority = ptr.To[int32](100) })).To(Succeed())
			Expect(update(ctx, func(t *tasksv1alpha1.VideoTask) { t.Spec.Priority = nil })).To(Succeed())
		})

		It("rejects a change or removal of a set spec.output", func(ctx context.Context) {
			task := testutil.MakeVideoTask("", ns).Output("lessons/first").Obj()
			task.GenerateName = "immutable-output-"
			Expect(k8sClient.Create(ctx, task)).To(Succeed())
			DeferCleanup(k8sClient.Delete, task)

			changed := task.DeepCopy()
			changed.Spec.Output = "lessons/second"
			expectImmutable(k8sClient.Update(ctx, changed), "spec.output", immutable("spec.output"))

			removed := task.DeepCopy()
			removed.Spec.Output = ""
			expectImmutable(k8sClient.Update(ctx, removed), "spec.output", addedOrRemoved("spec.output"))
		})

		It("accepts a change of spec.resources, which applies to the next attempt", func(ctx context.Context) {
			Expect(update(ctx, func(t *tasksv1alpha1.VideoTask) {
				t.Spec.Resources = &corev1.ResourceRequirements{
					Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")},
				}
			})).To(Succeed())
		})

		It("accepts suspend and ttlSecondsAfterFinished through a typed update", func(ctx context.Context) {
			Expect(update(ctx, func(t *tasksv1alpha1.VideoTask) {
				t.Spec.Suspend = ptr.To(true)
				t.Spec.TTLSecondsAfterFinished = ptr.To[int32](3600)
			})).To(Succeed())

			var stored tasksv1alpha1.VideoTask
			Expect(k8sClient.Get(ctx, key, &stored)).To(Succeed())
			Expect(stored.Spec.Suspend).To(HaveValue(BeTrue()))
			Expect(stored.Spec.TTLSecondsAfterFinished).To(HaveValue(BeEquivalentTo(3600)))
			Expect(stored.Generation).To(BeEquivalentTo(2), "a spec change bumps the generation")

			Expect(update(ctx, func(t *tasksv1alpha1.VideoTask) {
				t.Spec.Suspend = ptr.To(false)
				t.Spec.TTLSecondsAfterFinished = nil
			})).To(Succeed())
		})

		It("accepts suspend and ttlSecondsAfterFinished through a merge patch", func(ctx context.Context) {
			var task tasksv1alpha1.VideoTask
			task.Name, task.Namespace = key.Name, key.Namespace
			Expect(k8sClient.Patch(ctx, &task,
				mergePatch(map[string]any{"suspend": true, "ttlSecondsAfterFinished": 60}))).To(Succeed())
			Expect(task.Spec.Suspend).To(HaveValue(BeTrue()))
			Expect(task.Spec.TTLSecondsAfterFinished).To(HaveValue(BeEquivalentTo(60)))
		})

		It("rejects a merge patch of spec.source", func(ctx context.Context) {
			var task tasksv1alpha1.VideoTask
			task.Name, task.Namespace = key.Name, key.Namespace
			err := k8sClient.Patch(ctx, &task, mergePatch(map[string]any{
				"source": map[string]any{"video": "input/other.mkv"},
			}))
			expectImmutable(err, "spec.source", immutable("spec.source"))
		})

		It("accepts a merge patch that removes a defaulted field: the default comes back", func(ctx context.Context) {
			var task tasksv1alpha1.VideoTask
			task.Name, task.Namespace = key.Name, key.Namespace
			Expect(k8sClient.Patch(ctx, &task, mergePatch(map[string]any{
				"timeLimits": nil, "render": nil, "suspend": true,
			}))).To(Succeed())
			Expect(task.Spec.TimeLimits).To(Equal(tasksv1alpha1.TimeLimits{SoftSeconds: 1500, HardSeconds: 1800, StartSeconds: 600}))
			Expect(task.Spec.Render.RepeatCount).To(BeEquivalentTo(3))
		})
	})

	// A task whose spec the server completed with its defaults, read back and written whole by a typed client
	// (a CLI, a controller adding a finalizer with Update), must pass the immutability rules: the values
	// come back exactly as stored, since time limits and backoff are integers.
	DescribeTable("let a typed client suspend a task the server defaulted",
		func(ctx context.Context, manifest client.Object, task client.Object, suspend func(client.Object)) {
			manifest.SetNamespace(ns)
			Expect(k8sClient.Create(ctx, manifest)).To(Succeed())
			DeferCleanup(k8sClient.Delete, manifest)

			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(manifest), task)).To(Succeed())
			suspend(task)
			Expect(k8sClient.Update(ctx, task)).To(Succeed())
		},
		Entry("VideoTask",
			testutil.WithField(testutil.WithField(testutil.WithField(testutil.MakeVideoTask("defaulted-video", "").Obj(),
				nil, "spec", "timeLimits"), nil, "spec", "retry"), nil, "spec", "render"),
			&tasksv1alpha1.VideoTask{}, suspendVideo),
		Entry("SlideTask",
			testutil.WithField(testutil.WithField(testutil.WithField(testutil.MakeSlideTask("defaulted-slides", "").Obj(),
				nil, "spec", "timeLimits"), nil, "spec", "retry"), nil, "spec", "size"),
			&tasksv1alpha1.SlideTask{}, func(o client.Object) {
				o.(*tasksv1alpha1.SlideTask).Spec.Suspend = ptr.To(true)
			}),
	)

	Context("of a SlideTask", func() {
		var key client.ObjectKey

		BeforeEach(func(ctx context.Context) {
			task := testutil.MakeSlideTask("", ns).Obj()
			task.GenerateName = "immutable-slides-"
			Expect(k8sClient.Create(ctx, task)).To(Succeed())
			key = client.ObjectKeyFromObject(task)
			DeferCleanup(k8sClient.Delete, task)
		})

		update := func(ctx context.Context, change func(*tasksv1alpha1.SlideTask)) error {
			var task tasksv1alpha1.SlideTask
			Expect(k8sClient.Get(ctx, key, &task)).To(Succeed())
			change(&task)
			return k8sClient.Update(ctx, &task)
		}

		DescribeTable("rejects a change of the run's definition, naming the field",
			func(ctx context.Context, change func(*tasksv1alpha1.SlideTask), field, rule string) {
				expectImmutable(update(ctx, change), field, rule)
			},
			Entry("spec.content.translation", func(t *tasksv1alpha1.SlideTask) {
				t.Spec.Content.Translation = "분위기를 띄우다"
			}, "spec.content", immutable("spec.content")),
			Entry("spec.content replaced by spec.slides", func(t *tasksv1alpha1.SlideTask) {
				t.Spec.Slides = []tasksv1alpha1.SlideContent{*t.Spec.Content}
				t.Spec.Content = nil
			}, "spec.slides", addedOrRemoved("spec.slides")),
			Entry("spec.format", func(t *tasksv1alpha1.SlideTask) { t.Spec.Format = tasksv1alpha1.SlideFormatMP4 },
				"spec.format", immutable("spec.format")),
			Entry("spec.size", func(t *tasksv1alpha1.SlideTask) { t.Spec.Size.Width = 1920 },
				"spec.size", immutable("spec.size")),
			Entry("spec.durationSeconds", func(t *tasksv1alpha1.SlideTask) { t.Spec.DurationSeconds = 9 },
				"spec.durationSeconds", immutable("spec.durationSeconds")),
			Entry("spec.storage", func(t *tasksv1alpha1.SlideTask) { t.Spec.Storage = testutil.PVCSource("other") },
				"spec.storage", immutable("spec.storage")),
			Entry("spec.timeLimits", func(t *tasksv1alpha1.SlideTask) { t.Spec.TimeLimits.HardSeconds = 3600 },
				"spec.timeLimits", immutable("spec.timeLimits")),
			Entry("spec.output", func(t *tasksv1alpha1.SlideTask) { t.Spec.Output = "elsewhere" },
				"spec.output", addedOrRemoved("spec.output")),
		)

		It("accepts suspend and ttlSecondsAfterFinished", func(ctx context.Context) {
			Expect(update(ctx, func(t *tasksv1alpha1.SlideTask) {
				t.Spec.Suspend = ptr.To(true)
				t.Spec.TTLSecondsAfterFinished = ptr.To[int32](0)
			})).To(Succeed())

			var stored tasksv1alpha1.SlideTask
			Expect(k8sClient.Get(ctx, key, &stored)).To(Succeed())
			Expect(stored.Spec.Suspend).To(HaveValue(BeTrue()))
			Expect(stored.Spec.TTLSecondsAfterFinished).To(HaveValue(BeZero()))
		})
	})

	It("does not apply to a CleanupPolicy: its schedule and retention may change", func(ctx context.Context) {
		policy := testutil.MakeCleanupPolicy("", ns).Obj()
		policy.GenerateName = "mutable-cleanup-"
		Expect(k8sClient.Create(ctx, policy)).To(Succeed())
		DeferCleanup(k8sClient.Delete, policy)

		policy.Spec.Schedule = "30 3 * * 0"
		policy.Spec.TimeZone = "Asia/Seoul"
		policy.Spec.RetentionDays = 30
		policy.Spec.Storage = testutil.PVCSource("archive")
		policy.Spec.Paths = []tasksv1alpha1.RelativePath{"output"}
		Expect(k8sClient.Update(ctx, policy)).To(Succeed())

		var stored tasksv1alpha1.CleanupPolicy
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(policy), &stored)).To(Succeed())
		Expect(stored.Spec.Schedule).To(Equal("30 3 * * 0"))
		Expect(stored.Spec.TimeZone).To(Equal("Asia/Seoul"))
		Expect(stored.Spec.RetentionDays).To(BeEquivalentTo(30))
		Expect(stored.Spec.Storage.PersistentVolumeClaim.ClaimName).To(Equal("archive"))
	})
})
