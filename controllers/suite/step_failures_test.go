package suite

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// A step the API server refuses shows in the object's status, in the API server's words, while the
// operator retries it; once the refusal ends, the step succeeds and the status says so. The refusal here is
// a ResourceQuota that allows no object of the kind, as a namespace's administrator might set.
var _ = Describe("A refused step", func() {
	// forbid creates a quota that allows no objects of resource (count/jobs.batch, ...) in the spec's
	// namespace, with the status the quota controller (not running in envtest) would give it.
	forbid := func(ctx context.Context, name string, resource corev1.ResourceName) *corev1.ResourceQuota {
		GinkgoHelper()
		zero := resourceList(resource, "0")
		quota := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: corev1.ResourceQuotaSpec{Hard: zero}}
		Expect(k8sClient.Create(ctx, quota)).To(Succeed())
		quota.Status = corev1.ResourceQuotaStatus{Hard: zero, Used: zero}
		Expect(k8sClient.Status().Update(ctx, quota)).To(Succeed())
		return quota
	}
	readyOf := func(ctx context.Context, obj client.Object, conds func() []metav1.Condition) func(g Gomega) metav1.Condition {
		return func(g Gomega) metav1.Condition {
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
			c := meta.FindStatusCondition(conds(), tasksv1.ConditionReady)
			g.Expect(c).NotTo(BeNil())
			return *c
		}
	}

	It("is written to a task's status, and cleared once the Job can be created", func(ctx context.Context) {
		quota := forbid(ctx, "no-jobs", "count/jobs.batch")
		task := quickVideoTask("quota").Obj()
		create(ctx, task)

		Eventually(taskStatus(ctx, task)).Should(And(
			HaveField("Phase", tasksv1.TaskPending),
			HaveField("Reason", tasksv1.ReasonQuotaExceeded),
			HaveField("Message", And(ContainSubstring("create Job quota-vt-1"), ContainSubstring("exceeded quota: no-jobs"))),
			haveCondition(tasksv1.ConditionReconciling, "True"),
			haveCondition(tasksv1.ConditionReady, "False")))
		Eventually(eventReasons).WithArguments(ctx, task).Should(ContainElement("Warning " + tasksv1.ReasonQuotaExceeded))

		Expect(k8sClient.Delete(ctx, quota)).To(Succeed())
		waitForJob(ctx, task, "quota-vt-1")
		Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskQueued, tasksv1.ReasonJobCreated))
	})

	It("is written to a CleanupPolicy's status, and cleared once the CronJob can be created", func(ctx context.Context) {
		quota := forbid(ctx, "no-cronjobs", "count/cronjobs.batch")
		policy := testutil.MakeCleanupPolicy("quota", ns).Obj()
		create(ctx, policy)

		Eventually(readyOf(ctx, policy, func() []metav1.Condition { return policy.Status.Conditions })).Should(And(
			HaveField("Status", metav1.ConditionFalse),
			HaveField("Reason", tasksv1.ReasonCronJobSyncFailed),
			HaveField("Message", ContainSubstring("exceeded quota: no-cronjobs"))))

		Expect(k8sClient.Delete(ctx, quota)).To(Succeed())
		Eventually(readyOf(ctx, policy, func() []metav1.Condition { return policy.Status.Conditions })).Should(And(
			HaveField("Status", metav1.ConditionTrue), HaveField("Reason", tasksv1.ReasonCronJobReady)))
	})
})

func resourceList(name corev1.ResourceName, quantity string) corev1.ResourceList {
	return corev1.ResourceList{name: resource.MustParse(quantity)}
}
