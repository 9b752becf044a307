package suite

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

var _ = Describe("CleanupPolicy", func() {
	cronJobOf := func(ctx context.Context, name string) func(g Gomega) *batchv1.CronJob {
		return func(g Gomega) *batchv1.CronJob {
			var cj batchv1.CronJob
			g.Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &cj)).To(Succeed())
			return &cj
		}
	}
	argsOf := func(cj *batchv1.CronJob) []string { return cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args }
	readyOf := func(ctx context.Context, p *tasksv1.CleanupPolicy) func(g Gomega) *metav1.Condition {
		return func(g Gomega) *metav1.Condition {
			var cur tasksv1.CleanupPolicy
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(p), &cur)).To(Succeed())
			return meta.FindStatusCondition(cur.Status.Conditions, tasksv1.ConditionReady)
		}
	}

	It("keeps a CronJob in sync with the policy, removals included", func(ctx context.Context) {
		policy := testutil.MakeCleanupPolicy("nightly", ns).Mode(tasksv1.CleanupDryRun).Paths("lessons", "tmp").Obj()
		create(ctx, policy)

		Eventually(cronJobOf(ctx, "nightly-cleanup")).Should(And(
			HaveField("Spec.Schedule", "0 2 * * *"),
			HaveField("Spec.TimeZone", ptr.To("UTC")),
			HaveField("Spec.ConcurrencyPolicy", batchv1.ForbidConcurrent),
			HaveField("Spec.Suspend", ptr.To(false)),
			HaveField("Spec.SuccessfulJobsHistoryLimit", ptr.To[int32](3)),
			HaveField("Spec.FailedJobsHistoryLimit", ptr.To[int32](1)),
			HaveField("Spec.JobTemplate.Spec.Template.Spec.AutomountServiceAccountToken", ptr.To(false)),
			WithTransform(argsOf, Equal(runnerv1.CleanupOptions{Root: runnerv1.StorageRoot, Paths: []string{"lessons", "tmp"},
				RetentionDays: 7, DryRun: true}.Args())),
		))
		Eventually(readyOf(ctx, policy)).Should(And(
			HaveField("Status", metav1.ConditionTrue), HaveField("Reason", tasksv1.ReasonCronJobReady)))

		// Edits that only remove something reach the CronJob as well as additions do.
		patch := client.RawPatch(types.MergePatchType, []byte(`{"spec":{"mode":"Delete","paths":["lessons"]}}`))
		Expect(k8sClient.Patch(ctx, policy, patch)).To(Succeed())
		Eventually(cronJobOf(ctx, "nightly-cleanup")).Should(
			WithTransform(argsOf, Equal(runnerv1.CleanupOptions{Root: runnerv1.StorageRoot, Paths: []string{"lessons"},
				RetentionDays: 7}.Args())))

		patch = client.RawPatch(types.MergePatchType, []byte(`{"spec":{"schedule":"30 4 * * 1","retentionDays":30,"suspend":true}}`))
		Expect(k8sClient.Patch(ctx, policy, patch)).To(Succeed())
		Eventually(cronJobOf(ctx, "nightly-cleanup")).Should(And(
			HaveField("Spec.Schedule", "30 4 * * 1"),
			HaveField("Spec.Suspend", ptr.To(true)),
			WithTransform(argsOf, Equal(runnerv1.CleanupOptions{Root: runnerv1.StorageRoot, Paths: []string{"lessons"},
				RetentionDays: 30}.Args())),
		))
		Eventually(readyOf(ctx, policy)).Should(And(
			HaveField("Status", metav1.ConditionTrue), HaveField("Message", ContainSubstring("30 4 * * 1"))))
	})

	It("reports a time zone the API server does not know, without retrying in a loop", func(ctx context.Context) {
		policy := testutil.MakeCleanupPolicy("martian", ns).TimeZone("Mars/Olympus").Obj()
		create(ctx, policy)

		Eventually(readyOf(ctx, policy)).Should(And(
			HaveField("Status", metav1.ConditionFalse),
			HaveField("Reason", tasksv1.ReasonCronJobInvalid),
			HaveField("Message", ContainSubstring("Mars/Olympus"))))
		Eventually(eventReasons).WithArguments(ctx, policy).Should(ContainElement("Warning CronJobInvalid"))
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: "martian-cleanup"}, &batchv1.CronJob{})).
			To(Satisfy(apierrors.IsNotFound))
		// The status write itself triggers one more reconcile; an error-driven retry loop would add many.
		settled := mgrLog.Reconciles("cleanuppolicy", policy)
		Expect(settled).To(BeNumerically(">", 0), "reconciles of the policy are counted")
		Consistently(mgrLog.Reconciles).WithArguments("cleanuppolicy", policy).Should(BeNumerically("<=", settled+1))

		patch := client.RawPatch(types.MergePatchType, []byte(`{"spec":{"timeZone":"Asia/Seoul"}}`))
		Expect(k8sClient.Patch(ctx, policy, patch)).To(Succeed())
		Eventually(cronJobOf(ctx, "martian-cleanup")).Should(HaveField("Spec.TimeZone", ptr.To("Asia/Seoul")))
		Eventually(readyOf(ctx, policy)).Should(HaveField("Status", metav1.ConditionTrue))
	})

	It("records the outcome of the last cleanup run", func(ctx context.Context) {
		policy := testutil.MakeCleanupPolicy("weekly", ns).Obj()
		create(ctx, policy)
		cj := &batchv1.CronJob{}
		Eventually(k8sClient.Get).WithArguments(ctx, client.ObjectKey{Namespace: ns, Name: "weekly-cleanup"}, cj).Should(Succeed())

		// Play the CronJob controller: a Job from the template, named after its schedule time.
		job := &batchv1.Job{
			ObjectMeta: metav1.ObjectMeta{
				Name: "weekly-cleanup-29100000", Namespace: ns, Labels: cj.Spec.JobTemplate.Labels,
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "CronJob", Name: cj.Name, UID: cj.UID,
					Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}},
			},
			Spec: cj.Spec.JobTemplate.Spec,
		}
		Expect(k8sClient.Create(ctx, job)).To(Succeed())
		runAttempt(ctx, job, 0, `{"filesDeleted":4,"bytesFreed":100,"errors":0}`)

		Eventually(func(g Gomega) *tasksv1.CleanupRun {
			var cur tasksv1.CleanupPolicy
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(policy), &cur)).To(Succeed())
			return cur.Status.LastRun
		}).Should(And(
			Not(BeNil()),
			HaveField("JobName", "weekly-cleanup-29100000"),
			HaveField("Outcome", tasksv1.CleanupSucceeded),
			HaveField("FilesDeleted", HaveValue(BeEquivalentTo(4))),
			HaveField("BytesFreed", HaveValue(BeEquivalentTo(100))),
			HaveField("Errors", HaveValue(BeZero())),
			HaveField("CompletionTime", Not(BeNil()))))
		Eventually(eventReasons).WithArguments(ctx, policy).Should(ContainElement("Normal Completed"))
	})
})
