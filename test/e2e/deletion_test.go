//go:build e2e

package e2e

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

func deletionSpecs() {
	It("kills the runner of a task deleted while it runs and leaves no Job or pod behind", func(ctx SpecContext) {
		task := testutil.MakeVideoTask("deleted-while-running", ns).
			Video(longVideo).Subtitles(lessonSubtitles).MaxCount(3).Obj()
		Expect(k8s.Create(ctx, task)).To(Succeed())

		pod, procs := runningProcesses(ctx, task)
		GinkgoWriter.Printf("pod %s runs %v\n", pod, procs)
		Eventually(ctx, func(g Gomega) tasksv1.TaskPhase {
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(task), task)).To(Succeed())
			return task.Status.Phase
		}).Should(Equal(tasksv1.TaskRunning))

		By("deleting the running task")
		Expect(k8s.Delete(ctx, task)).To(Succeed())
		expectProcessesGone(ctx, pod, procs)
		Eventually(ctx, func() error {
			return k8s.Get(ctx, client.ObjectKeyFromObject(task), &tasksv1.VideoTask{})
		}).Should(Satisfy(apierrors.IsNotFound), "the task should be gone")
		By("waiting for its Job and pod to go")
		Eventually(ctx, func(g Gomega) int { return len(jobsOf(ctx, g, task)) }).Should(BeZero(), "Jobs of the task")
		Eventually(ctx, func(g Gomega) int { return len(podsOf(ctx, g, task)) }).Should(BeZero(), "pods of the task")
	})
}
