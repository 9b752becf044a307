package suite

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// GitOps tools judge a resource with kstatus (Flux, kpt, cli-utils) or the same Ready/Reconciling/Stalled
// conventions (Argo CD health checks). These specs run kstatus over tasks and policies exactly as the API
// server stores them after the real reconcilers wrote their status.
var _ = Describe("kstatus", func() {
	// kstatusOf polls kstatus' verdict on obj as stored.
	kstatusOf := func(ctx context.Context, obj client.Object) func(g Gomega) status.Status {
		return func(g Gomega) status.Status {
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(tasksv1.GroupVersion.WithKind(kindOf(obj)))
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), u)).To(Succeed())
			res, err := status.Compute(u)
			g.Expect(err).NotTo(HaveOccurred())
			return res.Status
		}
	}

	It("sees a queued, a running, a succeeded and a failed task as InProgress, InProgress, Current and Failed", func(ctx context.Context) {
		queued := quickVideoTask("queued").Obj()
		running := quickVideoTask("running").Obj()
		succeeded := testutil.MakeSlideTask("succeeded", ns).Obj()
		failed := quickVideoTask("failed").Obj()
		for _, task := range []client.Object{queued, running, succeeded, failed} {
			create(ctx, task)
		}

		Eventually(taskStatus(ctx, queued)).Should(havePhase(tasksv1.TaskQueued, tasksv1.ReasonJobCreated))
		Eventually(kstatusOf(ctx, queued)).Should(Equal(status.InProgressStatus))

		Expect(testutil.SetJobRunning(ctx, k8sClient, client.ObjectKeyFromObject(waitForJob(ctx, running, "running-vt-1")))).To(Succeed())
		Eventually(taskStatus(ctx, running)).Should(havePhase(tasksv1.TaskRunning, tasksv1.ReasonPodRunning))
		Eventually(kstatusOf(ctx, running)).Should(Equal(status.InProgressStatus))

		runAttempt(ctx, waitForJob(ctx, succeeded, "succeeded-st-1"), 0,
			string(runnerv1.TerminationMessage{Reason: runnerv1.ReasonCompleted, Expressions: 1, Outputs: &runnerv1.Outputs{Slides: 1}}.Encode()))
		Eventually(taskStatus(ctx, succeeded)).Should(havePhase(tasksv1.TaskSucceeded, tasksv1.ReasonCompleted))
		Eventually(kstatusOf(ctx, succeeded)).Should(Equal(status.CurrentStatus))

		runAttempt(ctx, waitForJob(ctx, failed, "failed-vt-1"), runnerv1.ExitInvalidInput,
			string(runnerv1.TerminationMessage{Reason: runnerv1.ReasonInvalidInput, Message: "no subtitle cues"}.Encode()))
		Eventually(taskStatus(ctx, failed)).Should(havePhase(tasksv1.TaskFailed, tasksv1.ReasonInvalidInput))
		Eventually(kstatusOf(ctx, failed)).Should(Equal(status.FailedStatus))
	})

	// A suspended task has not finished (it resumes when spec.suspend is cleared), so it is not Current:
	// Ready=False, with neither Reconciling nor Stalled, reads as InProgress.
	It("sees a task waiting for a retry and a suspended one as InProgress", func(ctx context.Context) {
		retrying := quickVideoTask("retrying").Backoff(3600, 3600).Obj()
		suspended := quickVideoTask("suspended").Suspend(true).Obj()
		create(ctx, retrying)
		create(ctx, suspended)

		runAttempt(ctx, waitForJob(ctx, retrying, "retrying-vt-1"), runnerv1.ExitRetryable,
			string(runnerv1.TerminationMessage{Reason: runnerv1.ReasonInternal, Message: "ffmpeg crashed"}.Encode()))
		Eventually(taskStatus(ctx, retrying)).Should(havePhase(tasksv1.TaskPending, tasksv1.ReasonRetryScheduled))
		Eventually(kstatusOf(ctx, retrying)).Should(Equal(status.InProgressStatus))

		Eventually(taskStatus(ctx, suspended)).Should(havePhase(tasksv1.TaskCancelled, tasksv1.ReasonSuspended))
		Eventually(kstatusOf(ctx, suspended)).Should(Equal(status.InProgressStatus))
	})

	It("sees a CleanupPolicy with its CronJob as Current and one the API server rejects as Failed", func(ctx context.Context) {
		ready := testutil.MakeCleanupPolicy("nightly", ns).Obj()
		rejected := testutil.MakeCleanupPolicy("martian", ns).TimeZone("Mars/Olympus").Obj()
		create(ctx, ready)
		create(ctx, rejected)
		Eventually(kstatusOf(ctx, ready)).Should(Equal(status.CurrentStatus))
		Eventually(kstatusOf(ctx, rejected)).Should(Equal(status.FailedStatus))
	})
})
