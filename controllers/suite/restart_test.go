package suite

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// An operator can crash between creating an attempt's Job and recording it in the task's status, and a
// stale writer can put an older status back. Either way the operator must find the attempt from the Job
// itself and never start a second Job for it.
var _ = Describe("Lost status writes", Serial, func() {
	It("never lead to a second Job for an attempt after an operator restart", func(ctx context.Context) {
		task := quickVideoTask("restart").Obj()
		create(ctx, task)
		waitForJob(ctx, task, "restart-vt-1")
		Eventually(taskStatus(ctx, task)).Should(HaveField("Attempts", int32(1)))

		operator.Stop()
		DeferCleanup(func() {
			if operator == nil {
				operator = startManager(cfg, managerOptions())
			}
		})
		operator = nil
		// The crashed operator's status write never happened.
		resetStatus(ctx, task)
		Expect(taskStatus(ctx, task)(Default)).To(HaveField("Attempts", int32(0)))

		operator = startManager(cfg, managerOptions())
		Eventually(taskStatus(ctx, task)).Should(And(
			HaveField("Attempts", int32(1)), HaveField("JobName", "restart-vt-1"),
			havePhase(tasksv1.TaskQueued, tasksv1.ReasonJobCreated)))
		Consistently(jobNames(ctx, task)).Should(Equal([]string{"restart-vt-1"}))
	})

	It("never lead to a second Job when a stale writer resets status.attempts", func(ctx context.Context) {
		task := quickVideoTask("stale").Obj()
		create(ctx, task)
		waitForJob(ctx, task, "stale-vt-1")
		Eventually(taskStatus(ctx, task)).Should(HaveField("Attempts", int32(1)))

		resetStatus(ctx, task)
		Eventually(taskStatus(ctx, task)).Should(And(
			HaveField("Attempts", int32(1)), HaveField("JobName", "stale-vt-1")))
		Consistently(jobNames(ctx, task)).Should(Equal([]string{"stale-vt-1"}))
	})
})

// resetStatus writes an empty status over the task's, as a writer holding an old copy would.
func resetStatus(ctx context.Context, task tasksv1.Task) {
	GinkgoHelper()
	stale := task.DeepCopyObject().(tasksv1.Task)
	Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), stale)).To(Succeed())
	*stale.GetTaskStatus() = tasksv1.TaskStatus{}
	Expect(k8sClient.Status().Update(ctx, stale)).To(Succeed())
}
