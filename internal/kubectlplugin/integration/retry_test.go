package integration

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/internal/kubectlplugin"
	"github.com/langflix/langflix-operator/test/testutil"
)

var _ = Describe("kubectl langflix retry", func() {
	It("creates NAME-retry-N from a failed task's spec and labels, numbering on from earlier retries", func(ctx SpecContext) {
		orig := testutil.MakeVideoTask("sintel", ns).Label("batch", "week42").MaxCount(7).Shorts(tasksv1alpha1.ShortsVertical).Retries(1).Obj()
		Expect(k8sClient.Create(ctx, orig)).To(Succeed())
		newStatusWriter(orig).finish(ctx, tasksv1alpha1.TaskFailed, "BackoffLimitExceeded", "attempt 2 failed", nil)

		out, err := runPlugin(ctx, "retry", "sintel", "-n", ns)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(Equal("videotask.tasks.langflix.io/sintel-retry-1 created (retry of sintel, Failed: BackoffLimitExceeded)\n"))

		var stored, retried tasksv1alpha1.VideoTask
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(orig), &stored)).To(Succeed())
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: "sintel-retry-1"}, &retried)).To(Succeed())
		Expect(retried.Spec).To(Equal(stored.Spec), "the retry runs the same spec, defaults included")
		Expect(retried.Labels).To(HaveKeyWithValue("batch", "week42"))
		Expect(retried.Annotations).To(HaveKeyWithValue(kubectlplugin.AnnotationRetryOf, "sintel"))
		Expect(retried.Status).To(BeZero(), "a retry starts without status")

		// The next retry of the original, and a retry of a retry, continue the numbering.
		newStatusWriter(&retried).finish(ctx, tasksv1alpha1.TaskFailed, "InvalidInput", "bad subtitles", nil)
		out, err = runPlugin(ctx, "retry", "sintel-retry-1", "-n", ns)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(HavePrefix("videotask.tasks.langflix.io/sintel-retry-2 created (retry of sintel-retry-1, Failed: InvalidInput)"))
		out, err = runPlugin(ctx, "retry", "sintel", "-n", ns)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(HavePrefix("videotask.tasks.langflix.io/sintel-retry-3 created"))
	})

	It("takes --name and retries SlideTasks too", func(ctx SpecContext) {
		orig := testutil.MakeSlideTask("ice", ns).Obj()
		Expect(k8sClient.Create(ctx, orig)).To(Succeed())
		newStatusWriter(orig).finish(ctx, tasksv1alpha1.TaskSucceeded, "", "", &tasksv1alpha1.TaskResult{Expressions: ptr.To[int32](1)})

		out, err := runPlugin(ctx, "retry", "st/ice", "-n", ns, "--name", "ice-again")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(Equal("slidetask.tasks.langflix.io/ice-again created (retry of ice, Succeeded)\n"))
		var retried tasksv1alpha1.SlideTask
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: "ice-again"}, &retried)).To(Succeed())
		Expect(retried.Spec.Content).To(Equal(orig.Spec.Content))

		_, err = runPlugin(ctx, "retry", "st/ice", "-n", ns, "--name", "ice-again")
		Expect(err).To(MatchError(ContainSubstring(`slidetasks.tasks.langflix.io "ice-again" already exists`)),
			"the API server's own words")
	})

	It("refuses tasks that have not finished, saying what to do instead", func(ctx SpecContext) {
		running := testutil.MakeVideoTask("busy", ns).Obj()
		Expect(k8sClient.Create(ctx, running)).To(Succeed())
		newStatusWriter(running).phase(ctx, tasksv1alpha1.TaskRunning, 2, "busy-vt-2")
		_, err := runPlugin(ctx, "retry", "busy", "-n", ns)
		Expect(err).To(MatchError("VideoTask " + ns + "/busy has not finished (Running, attempt 2): only a Succeeded or Failed " +
			"task can be retried; follow it with `kubectl langflix watch busy -n " + ns + "`"))

		suspended := testutil.MakeVideoTask("paused", ns).Suspend(true).Obj()
		Expect(k8sClient.Create(ctx, suspended)).To(Succeed())
		newStatusWriter(suspended).phase(ctx, tasksv1alpha1.TaskCancelled, 0, "")
		_, err = runPlugin(ctx, "retry", "paused", "-n", ns)
		Expect(err).To(MatchError(ContainSubstring("is Cancelled (spec.suspend is true), not finished: resume it with")))

		fresh := testutil.MakeVideoTask("fresh", ns).Obj()
		Expect(k8sClient.Create(ctx, fresh)).To(Succeed())
		_, err = runPlugin(ctx, "retry", "fresh", "-n", ns)
		Expect(err).To(MatchError(ContainSubstring("has not finished (New)")))

		var list tasksv1alpha1.VideoTaskList
		Expect(k8sClient.List(ctx, &list, client.InNamespace(ns))).To(Succeed())
		Expect(list.Items).To(HaveLen(3), "nothing was created")
	})
})
