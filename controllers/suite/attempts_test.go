package suite

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// Every attempt is accounted for (issue 8): an attempt has an identity (its Job's UID), ends exactly once
// with a reason, and the next one starts only after the backoff and only once no pod of an earlier one
// runs. envtest runs neither the Job controller nor a kubelet: the specs play them (test/testutil), and
// the Job-level behaviour (podFailurePolicy, podReplacementPolicy) is proven on the local cluster by
// `make chaos` and test/e2e.
var _ = Describe("Task attempts", func() {
	It("record the Job's UID, when the runner was seen running and how the attempt ended", func(ctx context.Context) {
		task := quickVideoTask("identity").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "identity-vt-1")
		Eventually(taskStatus(ctx, task)).Should(HaveField("CurrentAttempt", And(
			HaveField("Number", int32(1)), HaveField("JobName", "identity-vt-1"), HaveField("JobUID", job.UID),
			HaveField("CreateTime", Not(BeNil())), HaveField("StartTime", BeNil()), HaveField("FinishTime", BeNil()))))

		Expect(testutil.SetJobRunning(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(HaveField("CurrentAttempt.StartTime", Not(BeNil())))

		runAttempt(ctx, job, 0, successSummary)
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskSucceeded, tasksv1.ReasonCompleted),
			HaveField("CurrentAttempt", And(HaveField("FinishTime", Not(BeNil())), HaveField("Reason", tasksv1.ReasonCompleted))),
			HaveField("PreviousAttempts", BeEmpty())))
	})

	Context("whose Job vanishes", func() {
		It("count a running attempt whose Job was deleted as failed (JobDeleted) and retry it after the backoff", func(ctx context.Context) {
			task := quickVideoTask("vanish").Obj()
			create(ctx, task)
			first := waitForJob(ctx, task, "vanish-vt-1")
			Expect(testutil.SetJobRunning(ctx, k8sClient, client.ObjectKeyFromObject(first))).To(Succeed())
			Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskRunning, tasksv1.ReasonPodRunning))

			Expect(k8sClient.Delete(ctx, first, client.PropagationPolicy(metav1.DeletePropagationBackground))).To(Succeed())
			second := waitForJob(ctx, task, "vanish-vt-2")
			Expect(second.UID).NotTo(Equal(first.UID))
			Eventually(taskStatus(ctx, task)).Should(And(
				HaveField("Attempts", int32(2)),
				HaveField("CurrentAttempt.Number", int32(2)),
				HaveField("PreviousAttempts", ConsistOf(And(
					HaveField("Number", int32(1)), HaveField("JobUID", first.UID), HaveField("Reason", tasksv1.ReasonJobDeleted))))))
			// The retry waited for the backoff from the moment the Job was found gone.
			st := taskStatus(ctx, task)(Default)
			Expect(second.CreationTimestamp.Time).To(BeTemporally(">=", st.PreviousAttempts[0].FinishTime.Add(time.Second).Truncate(time.Second)))
			Eventually(eventReasons).WithArguments(ctx, task).Should(ContainElement("Warning RetryScheduled"))
		})

		It("do not run a failed attempt again when its Job is deleted while the retry waits", func(ctx context.Context) {
			task := testutil.MakeVideoTask("waiting", ns).Retries(1).Backoff(3600, 3600).Obj()
			create(ctx, task)
			job := waitForJob(ctx, task, "waiting-vt-1")
			runAttempt(ctx, job, 1, `{"reason":"Internal","message":"ffmpeg exited with status 1"}`)
			Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskPending, tasksv1.ReasonRetryScheduled))
			retryAt := taskStatus(ctx, task)(Default).NextRetryTime

			// A TTL controller or a person removes the finished Job: nothing of attempt 1 may run again.
			Expect(k8sClient.Delete(ctx, job, client.PropagationPolicy(metav1.DeletePropagationBackground))).To(Succeed())
			Consistently(jobNames(ctx, task)).Should(BeEmpty())
			Expect(taskStatus(ctx, task)(Default)).To(And(
				havePhase(tasksv1.TaskPending, tasksv1.ReasonRetryScheduled),
				HaveField("Attempts", int32(1)), HaveField("NextRetryTime", Equal(retryAt))))
		})

		It("start the next attempt only once the orphaned pod of the vanished one stopped", func(ctx context.Context) {
			task := quickVideoTask("orphan").Obj()
			create(ctx, task)
			job := waitForJob(ctx, task, "orphan-vt-1")
			pod, err := testutil.CreateScheduledRunnerPod(ctx, k8sClient, job, "a", "node-a")
			Expect(err).NotTo(HaveOccurred())
			Expect(testutil.SetPodStatus(ctx, k8sClient, pod, testutil.RunningStatus())).To(Succeed())
			Expect(testutil.SetJobRunning(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
			Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskRunning, tasksv1.ReasonPodRunning))

			// kubectl delete job --cascade=orphan: the Job goes, its runner goes on. (The garbage collector,
			// which envtest lacks, would take the orphan finalizer off the Job; the spec does.)
			Expect(k8sClient.Delete(ctx, job, client.PropagationPolicy(metav1.DeletePropagationOrphan))).To(Succeed())
			Expect(k8sClient.Patch(ctx, job, client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`)))).To(Succeed())
			Eventually(taskStatus(ctx, task)).Should(HaveField("Reason", tasksv1.ReasonWaitingForPreviousAttempt))
			Eventually(func(g Gomega) *metav1.Time {
				g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(pod), pod)).To(Succeed())
				return pod.DeletionTimestamp
			}).ShouldNot(BeNil(), "the operator deletes the orphaned runner")
			Consistently(jobNames(ctx, task)).Should(BeEmpty(), "no second runner while the first one still runs")
			Expect(taskStatus(ctx, task)(Default).Message).To(ContainSubstring(pod.Name))

			// The kubelet stops it: the runner answers SIGTERM with its exit code 143.
			Expect(testutil.SetPodStatus(ctx, k8sClient, pod, testutil.TerminatedStatus(143, "", false))).To(Succeed())
			waitForJob(ctx, task, "orphan-vt-2")
			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(pod), pod)).To(Succeed())
			Expect(pod.Finalizers).NotTo(ContainElement(tasksv1.FinalizerResult), "the old attempt's pod is released")
		})
	})

	Context("whose Job the API server refuses", func() {
		It("fail the task with JobRejected and the API server's words when the Job is invalid", func(ctx context.Context) {
			// Extended resources must request what they limit: the API admits the task, the Job is invalid.
			task := quickVideoTask("gpu").Resources(corev1.ResourceRequirements{
				Requests: corev1.ResourceList{"example.com/gpu": resource.MustParse("2")},
				Limits:   corev1.ResourceList{"example.com/gpu": resource.MustParse("1")},
			}).Obj()
			create(ctx, task)
			Eventually(taskStatus(ctx, task)).Should(And(
				havePhase(tasksv1.TaskFailed, tasksv1.ReasonJobRejected),
				HaveField("Message", And(ContainSubstring("create Job gpu-vt-1"), ContainSubstring("is invalid"), ContainSubstring("example.com/gpu"))),
				HaveField("CompletionTime", Not(BeNil())),
				HaveField("CurrentAttempt", And(HaveField("Reason", tasksv1.ReasonJobRejected), HaveField("JobUID", BeEmpty()))),
				haveCondition(tasksv1.ConditionStalled, "True")))
			Eventually(eventReasons).WithArguments(ctx, task).Should(ContainElement("Warning " + tasksv1.ReasonJobRejected))
			Consistently(jobNames(ctx, task)).Should(BeEmpty())
		})

		It("fail the task with JobNameConflict when a foreign Job holds the attempt's name", func(ctx context.Context) {
			foreign := &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "taken-vt-1", Namespace: ns},
				Spec: batchv1.JobSpec{Suspend: ptr.To(true), Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}},
			}
			create(ctx, foreign)
			task := quickVideoTask("taken").Obj()
			create(ctx, task)
			Eventually(taskStatus(ctx, task)).Should(And(
				havePhase(tasksv1.TaskFailed, tasksv1.ReasonJobNameConflict),
				HaveField("Message", ContainSubstring("Job "+ns+"/taken-vt-1 exists already and is not this task's"))))
			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(foreign), foreign)).To(Succeed())
			Expect(foreign.OwnerReferences).To(BeEmpty(), "the foreign Job is left alone")
		})

		It("adopt the task's own Job when it exists but the cache does not show it", func(ctx context.Context) {
			// Created suspended, so the operator makes no Job yet; the Job of attempt 1 is then created the
			// way an earlier operator would have, but without the label the operator's cache selects on.
			task := quickVideoTask("hidden").Suspend(true).Obj()
			create(ctx, task)
			Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskCancelled, tasksv1.ReasonSuspended))
			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), task)).To(Succeed())
			hidden := &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Name: "hidden-vt-1", Namespace: ns,
					Labels: map[string]string{tasksv1.LabelTask: "hidden", tasksv1.LabelKind: tasksv1.KindVideoTask, tasksv1.LabelAttempt: "1"},
					OwnerReferences: []metav1.OwnerReference{{APIVersion: tasksv1.GroupVersion.String(), Kind: tasksv1.KindVideoTask,
						Name: task.Name, UID: task.UID, Controller: ptr.To(true)}}},
				Spec: batchv1.JobSpec{Suspend: ptr.To(true), Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{tasksv1.LabelTask: "hidden", tasksv1.LabelKind: tasksv1.KindVideoTask,
						tasksv1.LabelAttempt: "1", tasksv1.LabelManagedBy: tasksv1.ManagedByValue}},
					Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "runner", Image: "busybox"}}}}},
			}
			create(ctx, hidden)
			// Its runner already runs: it must be recognised as the attempt's own, not deleted as a leftover.
			pod, err := testutil.CreateScheduledRunnerPod(ctx, k8sClient, hidden, "a", "node-a")
			Expect(err).NotTo(HaveOccurred())
			Expect(testutil.SetPodStatus(ctx, k8sClient, pod, testutil.RunningStatus())).To(Succeed())

			setSuspend(ctx, task, false)
			Eventually(taskStatus(ctx, task)).Should(And(
				HaveField("Phase", Or(Equal(tasksv1.TaskQueued), Equal(tasksv1.TaskRunning))),
				HaveField("CurrentAttempt.JobUID", hidden.UID)))
			Consistently(taskStatus(ctx, task)).Should(And(HaveField("Attempts", int32(1)),
				HaveField("Phase", Or(Equal(tasksv1.TaskQueued), Equal(tasksv1.TaskRunning)))),
				"the adopted Job is not taken for a vanished one")
			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(pod), pod)).To(Succeed())
			Expect(pod.DeletionTimestamp).To(BeNil(), "the adopted Job's runner runs on")
		})

		It("show a policy's denial as JobRejected", func(ctx context.Context) {
			policy := denyJobsPolicy(ctx, "denied")
			DeferCleanup(func(ctx context.Context) { deleteDenyJobsPolicy(ctx, policy) })
			task := quickVideoTask("denied").Obj()
			create(ctx, task)
			Eventually(taskStatus(ctx, task)).Should(And(
				havePhase(tasksv1.TaskFailed, tasksv1.ReasonJobRejected),
				HaveField("Message", ContainSubstring("lessons may not run here"))))
		})
	})

	Context("whose pod does not start", func() {
		It("say why while they wait, and fail the task after the grace when the configuration is missing", func(ctx context.Context) {
			task := quickVideoTask("no-secret").Obj()
			create(ctx, task)
			job := waitForJob(ctx, task, "no-secret-vt-1")
			pod, err := testutil.CreateRunnerPod(ctx, k8sClient, job, "a")
			Expect(err).NotTo(HaveOccurred())
			Expect(testutil.SetPodStatus(ctx, k8sClient, pod, testutil.WaitingStatus("CreateContainerConfigError", `secret "llm" not found`))).To(Succeed())
			Expect(testutil.SetJobStarted(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())

			Eventually(taskStatus(ctx, task)).Should(And(
				HaveField("Phase", tasksv1.TaskQueued), HaveField("Reason", "CreateContainerConfigError"),
				HaveField("Message", ContainSubstring(`secret "llm" not found`))))
			// The suite's grace is 6s (the default 2m); the start limit (10m) is not waited for.
			Eventually(taskStatus(ctx, task)).Should(And(
				havePhase(tasksv1.TaskFailed, tasksv1.ReasonPodConfigurationError),
				HaveField("Message", ContainSubstring(`CreateContainerConfigError: secret "llm" not found`)),
				HaveField("Attempts", int32(1))))
			Eventually(func() error { return k8sClient.Get(ctx, client.ObjectKeyFromObject(job), job) }).Should(Satisfy(apierrors.IsNotFound),
				"the Job of the failed attempt is stopped")
		})

		It("fail the task when the ServiceAccount is missing and the Job controller cannot create the pod", func(ctx context.Context) {
			task := quickVideoTask("no-sa").ServiceAccount("typo").Obj()
			create(ctx, task)
			job := waitForJob(ctx, task, "no-sa-vt-1")
			Expect(testutil.SetJobStarted(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
			Expect(testutil.RecordFailedCreate(ctx, k8sClient, job, `Error creating: pods "no-sa-vt-1-x" is forbidden: error looking up service account `+
				ns+`/typo: serviceaccount "typo" not found`)).To(Succeed())
			Eventually(taskStatus(ctx, task)).Should(And(
				HaveField("Phase", tasksv1.TaskQueued), HaveField("Reason", tasksv1.ReasonFailedCreate),
				HaveField("Message", ContainSubstring(`serviceaccount "typo" not found`))))
			Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskFailed, tasksv1.ReasonPodConfigurationError))
		})

		It("retry an attempt whose pod stays unschedulable past the start limit, and never run two at once", func(ctx context.Context) {
			task := quickVideoTask("crowded").StartLimit(4).Obj()
			create(ctx, task)
			job := waitForJob(ctx, task, "crowded-vt-1")
			pod, err := testutil.CreateRunnerPod(ctx, k8sClient, job, "a")
			Expect(err).NotTo(HaveOccurred())
			Expect(testutil.SetPodStatus(ctx, k8sClient, pod, testutil.UnschedulableStatus("0/1 nodes are available: 1 Insufficient cpu."))).To(Succeed())
			Expect(testutil.SetJobStarted(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())

			Eventually(taskStatus(ctx, task)).Should(And(
				HaveField("Phase", tasksv1.TaskQueued), HaveField("Reason", tasksv1.ReasonUnschedulable),
				HaveField("Message", ContainSubstring("Insufficient cpu"))))
			second := waitForJob(ctx, task, "crowded-vt-2")
			st := taskStatus(ctx, task)(Default)
			Expect(st.PreviousAttempts).To(ConsistOf(HaveField("Reason", tasksv1.ReasonStartTimeLimitExceeded)))
			Expect(st.PreviousAttempts[0].Message).To(ContainSubstring("Insufficient cpu"))
			// Attempt 1's Job was stopped and its pending pod is gone before attempt 2's Job was created.
			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(job), job)).To(Satisfy(apierrors.IsNotFound))
			Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(pod), pod)).To(Satisfy(apierrors.IsNotFound))
			Expect(second.Name).To(Equal("crowded-vt-2"))
		})
	})

	It("release a finished runner pod only once its result is in the status, so a deleted pod loses nothing", func(ctx context.Context) {
		task := quickVideoTask("durable").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "durable-vt-1")
		pod, err := testutil.CreateRunnerPod(ctx, k8sClient, job, "a")
		Expect(err).NotTo(HaveOccurred())
		Expect(testutil.SetPodStatus(ctx, k8sClient, pod, testutil.TerminatedStatus(0, successSummary, false))).To(Succeed())

		// Garbage collection of terminated pods (or a person) deletes the pod before the Job is marked done.
		Expect(k8sClient.Delete(ctx, pod)).To(Succeed())
		Consistently(func(g Gomega) []string {
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(pod), pod)).To(Succeed())
			return pod.Finalizers
		}, 2*time.Second).Should(ConsistOf(tasksv1.FinalizerResult), "the finished runner's pod stays while its result is unread")

		Expect(testutil.SetJobComplete(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskSucceeded, tasksv1.ReasonCompleted),
			HaveField("Result", HaveField("Manifest", "ns/a/manifest.json"))))
		Eventually(func() error { return k8sClient.Get(ctx, client.ObjectKeyFromObject(pod), pod) }).Should(Satisfy(apierrors.IsNotFound),
			"the pod goes once the result is recorded")
	})

	It("release the result finalizer of a runner pod created after its task was deleted", func(ctx context.Context) {
		task := quickVideoTask("late-pod").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "late-pod-vt-1")
		Expect(k8sClient.Delete(ctx, task)).To(Succeed())
		Eventually(func() error { return k8sClient.Get(ctx, client.ObjectKeyFromObject(task), task) }).Should(Satisfy(apierrors.IsNotFound))

		// The Job controller was a moment behind: it creates the attempt's pod after the task's finalizer
		// let the task go. Nobody will read that pod's result; its finalizer must not keep it forever.
		pod, err := testutil.CreateRunnerPod(ctx, k8sClient, job, "late")
		Expect(err).NotTo(HaveOccurred())
		Expect(pod.Finalizers).To(ContainElement(tasksv1.FinalizerResult))
		Eventually(func(g Gomega) []string {
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(pod), pod)).To(Succeed())
			return pod.Finalizers
		}).ShouldNot(ContainElement(tasksv1.FinalizerResult))
		Expect(k8sClient.Delete(ctx, pod)).To(Succeed())
	})

	It("let a pod the Job replaced after a disruption go at once, and spend no retry on it", func(ctx context.Context) {
		task := quickVideoTask("evicted").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "evicted-vt-1")
		first, err := testutil.CreateRunnerPod(ctx, k8sClient, job, "a")
		Expect(err).NotTo(HaveOccurred())
		Expect(testutil.SetPodStatus(ctx, k8sClient, first, testutil.RunningStatus())).To(Succeed())
		Expect(testutil.SetJobRunning(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskRunning, tasksv1.ReasonPodRunning))

		// A drain evicts the pod: DisruptionTarget, and the runner exits 143 on SIGTERM. The Job's Ignore
		// rule starts a new pod; the evicted one's end decides nothing, so the operator lets it go.
		Expect(k8sClient.Delete(ctx, first)).To(Succeed())
		Expect(testutil.SetPodStatus(ctx, k8sClient, first, testutil.TerminatedStatus(143, `{"reason":"Terminated"}`, true))).To(Succeed())
		Eventually(func() error { return k8sClient.Get(ctx, client.ObjectKeyFromObject(first), first) }).Should(Satisfy(apierrors.IsNotFound),
			"a drain waits for the evicted pod to go: the operator does not hold it")

		second, err := testutil.CreateRunnerPod(ctx, k8sClient, job, "b")
		Expect(err).NotTo(HaveOccurred())
		Expect(testutil.SetPodStatus(ctx, k8sClient, second, testutil.TerminatedStatus(0, successSummary, false))).To(Succeed())
		Expect(testutil.SetJobComplete(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskSucceeded, tasksv1.ReasonCompleted), HaveField("Attempts", int32(1))))
	})

	It("tie progress to its attempt: an earlier attempt's progress is removed, also when a stopping runner writes it late", func(ctx context.Context) {
		task := quickVideoTask("progress-attempts").Obj()
		create(ctx, task)
		first := waitForJob(ctx, task, "progress-attempts-vt-1")
		applyProgress(ctx, task, &tasksv1.TaskProgress{Attempt: 1, Current: ptr.To[int64](400), Total: ptr.To[int64](1000), Percent: ptr.To[int32](40), Stage: "clips"})
		Eventually(taskStatus(ctx, task)).Should(HaveField("Progress.Percent", HaveValue(Equal(int32(40)))))

		runAttempt(ctx, first, 1, `{"reason":"Internal","message":"ffmpeg exited with status 1"}`)
		waitForJob(ctx, task, "progress-attempts-vt-2")
		Eventually(taskStatus(ctx, task)).Should(And(HaveField("Attempts", int32(2)), HaveField("Progress", BeNil())),
			"a queued retry shows no percentage of the attempt before")

		current := &tasksv1.TaskProgress{Attempt: 2, Current: ptr.To[int64](100), Total: ptr.To[int64](1000), Percent: ptr.To[int32](10), Stage: "subtitles"}
		applyProgress(ctx, task, current)
		Eventually(taskStatus(ctx, task)).Should(HaveField("Progress.Percent", HaveValue(Equal(int32(10)))))
		// The first attempt's runner, still stopping, writes once more.
		applyProgress(ctx, task, &tasksv1.TaskProgress{Attempt: 1, Current: ptr.To[int64](500), Total: ptr.To[int64](1000), Percent: ptr.To[int32](50), Stage: "clips"})
		Eventually(taskStatus(ctx, task)).Should(HaveField("Progress", BeNil()), "the stale write is removed again")
		applyProgress(ctx, task, current)
		Consistently(taskStatus(ctx, task), 2*time.Second).Should(HaveField("Progress.Attempt", int32(2)))
	})
})

// denyJobsPolicy installs a ValidatingAdmissionPolicy that denies Jobs of the task named taskName, the way
// a cluster's policy would refuse a workload.
func denyJobsPolicy(ctx context.Context, taskName string) string {
	GinkgoHelper()
	name := "deny-" + taskName + "-" + ns
	policy := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: ptr.To(admissionv1.Fail),
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: []admissionv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Create},
					Rule:       admissionv1.Rule{APIGroups: []string{"batch"}, APIVersions: []string{"v1"}, Resources: []string{"jobs"}},
				},
			}}},
			Validations: []admissionv1.Validation{{
				Expression: "!has(object.metadata.labels) || !('tasks.langflix.io/task' in object.metadata.labels) || object.metadata.labels['tasks.langflix.io/task'] != '" + taskName + "'",
				Message:    "lessons may not run here",
			}},
		},
	}
	Expect(k8sClient.Create(ctx, policy)).To(Succeed())
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        name,
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
			MatchResources: &admissionv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
				MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}}},
		},
	}
	Expect(k8sClient.Create(ctx, binding)).To(Succeed())
	// The policy takes effect once the API server has compiled it: probe with a dry-run Job.
	probe := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "probe-", Namespace: ns, Labels: map[string]string{tasksv1.LabelTask: taskName}},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}},
	}
	Eventually(func() error { return k8sClient.Create(ctx, probe.DeepCopy(), client.DryRunAll) }).Should(HaveOccurred(),
		"the policy denies Jobs of task %s", taskName)
	return name
}

func deleteDenyJobsPolicy(ctx context.Context, name string) {
	Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, &admissionv1.ValidatingAdmissionPolicyBinding{ObjectMeta: metav1.ObjectMeta{Name: name}}))).To(Succeed())
	Expect(client.IgnoreNotFound(k8sClient.Delete(ctx, &admissionv1.ValidatingAdmissionPolicy{ObjectMeta: metav1.ObjectMeta{Name: name}}))).To(Succeed())
}
