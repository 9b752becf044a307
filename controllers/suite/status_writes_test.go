package suite

import (
	"context"
	"encoding/json"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

var _ = Describe("Task status writes", func() {
	It("leave the runner's progress to the runner", func(ctx context.Context) {
		task := quickVideoTask("progress").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "progress-vt-1")
		Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskQueued, tasksv1.ReasonJobCreated))

		// The runner applies its progress with its own field manager, as runner/progress does.
		progress := &tasksv1.TaskProgress{Current: ptr.To[int64](2), Total: ptr.To[int64](5), Percent: ptr.To[int32](40),
			Stage: "clips", Message: "cutting clip 2 of 5"}
		applyProgress(ctx, task, progress)
		Eventually(taskStatus(ctx, task)).Should(HaveField("Progress", Equal(progress)))

		// Two operator writes follow: Running, then Succeeded.
		Expect(testutil.SetJobRunning(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskRunning, tasksv1.ReasonPodRunning))
		Expect(taskStatus(ctx, task)(Default).Progress).To(Equal(progress))
		runAttempt(ctx, job, 0, successSummary)
		Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskSucceeded, tasksv1.ReasonCompleted))
		Expect(taskStatus(ctx, task)(Default).Progress).To(Equal(progress))

		var stored tasksv1.VideoTask
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &stored)).To(Succeed())
		Expect(statusFieldsOf(stored.ManagedFields, runnerv1.FieldManagerRunner)).To(ConsistOf("f:progress"),
			"the runner owns status.progress and nothing else")
		Expect(statusFieldsOf(stored.ManagedFields, runnerv1.FieldManagerOperator)).To(And(
			ContainElements("f:phase", "f:attempts", "f:conditions", "f:result"), Not(ContainElement("f:progress"))),
			"the operator owns the rest of the status")
	})

	// The status is compared before it is written: a reconcile that changes nothing must not even send a
	// request. The reconciles are triggered through the task's Job (touching the task would change its
	// resourceVersion itself) and counted from controller-runtime's log; the manager's requests to the
	// task's status subresource are counted at its HTTP transport, and the resourceVersion must not move.
	It("are skipped when nothing changed", func(ctx context.Context) {
		task := quickVideoTask("steady").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "steady-vt-1")
		Expect(testutil.SetJobRunning(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskRunning, tasksv1.ReasonPodRunning))

		var before tasksv1.VideoTask
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &before)).To(Succeed())
		statusPath := "/apis/tasks.langflix.io/v1alpha1/namespaces/" + ns + "/videotasks/steady/status"
		Expect(apiRequests.Count("PATCH", statusPath)).To(BeNumerically(">=", 2), "status writes are counted: Queued, Running")
		// Reconciles that could still read the Queued status from the manager's cache would rightly write
		// again; wait until the cache holds what the API server holds.
		Eventually(func(g Gomega) string {
			var cached tasksv1.VideoTask
			g.Expect(operator.cache.Get(ctx, client.ObjectKeyFromObject(task), &cached)).To(Succeed())
			return cached.ResourceVersion
		}).Should(Equal(before.ResourceVersion))
		writes := apiRequests.Count("PATCH", statusPath)
		for i := range 3 {
			reconciles := mgrLog.Reconciles(tasksv1.KindVideoTask, task)
			patch := client.RawPatch(types.MergePatchType, fmt.Appendf(nil, `{"metadata":{"annotations":{"test.langflix.io/touch":"%d"}}}`, i))
			Expect(k8sClient.Patch(ctx, job.DeepCopy(), patch)).To(Succeed())
			Eventually(mgrLog.Reconciles).WithArguments(tasksv1.KindVideoTask, task).Should(BeNumerically(">", reconciles),
				"touching the Job triggers a reconcile of its task")
		}
		var after tasksv1.VideoTask
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &after)).To(Succeed())
		Expect(apiRequests.Count("PATCH", statusPath)).To(Equal(writes), "no status request without a change")
		Expect(after.ResourceVersion).To(Equal(before.ResourceVersion), "no status write without a change")
		Expect(after.Status).To(Equal(before.Status))
	})
})

// applyProgress server-side applies status.progress as the runner does: the contract's apply configuration,
// field manager langflix-runner.
func applyProgress(ctx context.Context, task tasksv1.Task, p *tasksv1.TaskProgress) {
	GinkgoHelper()
	ref := runnerv1.TaskRef{Kind: kindOf(task), Name: task.GetName(), Namespace: task.GetNamespace(), Attempt: p.Attempt}
	apply, err := runnerv1.NewProgressApply(ref, *p).Unstructured()
	Expect(err).NotTo(HaveOccurred())
	Expect(k8sClient.Status().Apply(ctx, client.ApplyConfigurationFromUnstructured(apply),
		client.FieldOwner(runnerv1.FieldManagerRunner))).To(Succeed())
}

// statusFieldsOf returns the top-level status fields a field manager owns through the status subresource.
func statusFieldsOf(entries []metav1.ManagedFieldsEntry, manager string) []string {
	GinkgoHelper()
	var fields []string
	for _, e := range entries {
		if e.Manager != manager || e.Subresource != "status" || e.FieldsV1 == nil {
			continue
		}
		var set map[string]map[string]any
		Expect(json.Unmarshal(e.FieldsV1.GetRawBytes(), &set)).To(Succeed())
		for f := range set["f:status"] {
			if f != "." {
				fields = append(fields, f)
			}
		}
	}
	return fields
}
