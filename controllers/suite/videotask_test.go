package suite

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

const successSummary = `{"reason":"Completed","expressions":3,"manifest":"/data/ns/a/manifest.json","outputs":{"videos":3}}`

var _ = Describe("VideoTask", func() {
	It("runs one Job per attempt with the runner's spec and gives the runner access to the API", func(ctx context.Context) {
		task := quickVideoTask("episode").Obj()
		create(ctx, task)

		job := waitForJob(ctx, task, "episode-vt-1")
		Expect(job.OwnerReferences).To(ConsistOf(And(
			HaveField("Kind", tasksv1.KindVideoTask), HaveField("Name", "episode"), HaveField("UID", task.UID),
			HaveField("Controller", ptr.To(true)))))
		Expect(job.Labels).To(Equal(map[string]string{
			tasksv1.LabelTask: "episode", tasksv1.LabelKind: tasksv1.KindVideoTask, tasksv1.LabelAttempt: "1",
			tasksv1.LabelManagedBy: tasksv1.ManagedByValue,
		}))
		Expect(job.Spec.ActiveDeadlineSeconds).To(Equal(ptr.To[int64]((10+30)*60)), "timeLimits.startSeconds + timeLimits.hardSeconds")
		Expect(job.Spec.PodFailurePolicy).NotTo(BeNil())
		Expect(job.Spec.PodReplacementPolicy).To(Equal(ptr.To(batchv1.Failed)))
		Expect(job.Spec.Template.Finalizers).To(ConsistOf(tasksv1.FinalizerResult))
		Expect(job.Spec.BackoffLimit).To(Equal(ptr.To[int32](0)))
		Expect(job.Spec.Suspend).To(Equal(ptr.To(false)))
		pod := job.Spec.Template.Spec
		Expect(pod.RestartPolicy).To(Equal(corev1.RestartPolicyNever))
		Expect(pod.ServiceAccountName).To(Equal("langflix-runner"))
		Expect(pod.SecurityContext.RunAsNonRoot).To(Equal(ptr.To(true)))
		Expect(pod.Containers).To(HaveLen(1))
		Expect(pod.Containers[0].Image).To(Equal(runnerConfig.Image))
		Expect(pod.Containers[0].ImagePullPolicy).To(Equal(runnerConfig.PullPolicy))
		arg := func(name, value string) string { return "--" + name + "=" + value }
		Expect(pod.Containers[0].Args).To(ContainElements(runnerv1.CommandVideo, arg(runnerv1.FlagVideo, "input/episode.mkv"),
			arg(runnerv1.FlagSubtitles, "input/episode.srt"), arg(runnerv1.FlagOut, ns+"/episode/"),
			arg(runnerv1.FlagTargetLanguage, "ko"), arg(runnerv1.FlagMaxExpressions, "5")))
		Expect(pod.Containers[0].SecurityContext.ReadOnlyRootFilesystem).To(Equal(ptr.To(true)))
		Expect(pod.Containers[0].VolumeMounts).To(ContainElements(
			corev1.VolumeMount{Name: "storage", MountPath: "/data"}, corev1.VolumeMount{Name: "tmp", MountPath: "/tmp"}))
		Expect(pod.Volumes[0].PersistentVolumeClaim).To(Equal(&corev1.PersistentVolumeClaimVolumeSource{ClaimName: "media"}))

		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskQueued, tasksv1.ReasonJobCreated),
			HaveField("Attempts", int32(1)), HaveField("JobName", "episode-vt-1"), HaveField("StartTime", Not(BeNil()))))
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), task)).To(Succeed())
		Expect(task.Finalizers).To(ContainElement("tasks.langflix.io/jobs"))

		var sa corev1.ServiceAccount
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: "langflix-runner"}, &sa)).To(Succeed())
		var rb rbacv1.RoleBinding
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: "langflix-runner"}, &rb)).To(Succeed())
		Expect(rb.RoleRef).To(Equal(rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "langflix-runner"}))
		Expect(rb.Subjects).To(ConsistOf(rbacv1.Subject{Kind: "ServiceAccount", Name: "langflix-runner", Namespace: ns}))

		Consistently(jobNames(ctx, task)).Should(Equal([]string{"episode-vt-1"}))
		Expect(mgrLog.EventsEmitted(task, tasksv1.ReasonJobCreated)).To(Equal(1), "one JobCreated event per attempt")
	})

	It("follows a successful attempt from queued to running to succeeded", func(ctx context.Context) {
		task := quickVideoTask("success").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "success-vt-1")

		Expect(testutil.SetJobRunning(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskRunning, tasksv1.ReasonPodRunning), haveCondition(tasksv1.ConditionRunning, "True")))

		runAttempt(ctx, job, 0, successSummary)
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskSucceeded, tasksv1.ReasonCompleted),
			haveCondition(tasksv1.ConditionSucceeded, "True"),
			haveCondition(tasksv1.ConditionRunning, "False"),
			HaveField("CompletionTime", Not(BeNil())),
			HaveField("Result", Equal(&tasksv1.TaskResult{Expressions: ptr.To[int32](3), Manifest: "ns/a/manifest.json",
				Outputs:      []tasksv1.OutputCount{{Kind: tasksv1.OutputVideos, Count: 3}},
				Completeness: tasksv1.ResultComplete}))))
		Eventually(eventReasons).WithArguments(ctx, task).Should(ContainElements(
			"Normal JobCreated", "Normal PodRunning", "Normal Completed"))
		Consistently(jobNames(ctx, task)).Should(Equal([]string{"success-vt-1"}))
	})

	It("fails for good when the hard time limit passes", func(ctx context.Context) {
		task := quickVideoTask("deadline").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "deadline-vt-1")
		Expect(testutil.SetJobRunning(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())

		Expect(testutil.SetJobFailed(ctx, k8sClient, client.ObjectKeyFromObject(job), batchv1.JobReasonDeadlineExceeded,
			"Job was active longer than specified deadline")).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskFailed, tasksv1.ReasonHardTimeLimitExceeded),
			haveCondition(tasksv1.ConditionFailed, "True"),
			HaveField("Attempts", int32(1))))
		Consistently(jobNames(ctx, task)).Should(Equal([]string{"deadline-vt-1"}), "no retry after the hard limit")
		Eventually(eventReasons).WithArguments(ctx, task).Should(ContainElement("Warning HardTimeLimitExceeded"))
	})

	It("fails for good on invalid input (exit 2)", func(ctx context.Context) {
		task := quickVideoTask("invalid").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "invalid-vt-1")

		runAttempt(ctx, job, 2, `{"reason":"InvalidInput","message":"input/episode.srt: no subtitle cues"}`)
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskFailed, tasksv1.ReasonInvalidInput),
			HaveField("Message", "input/episode.srt: no subtitle cues"),
			HaveField("Attempts", int32(1))))
		Consistently(jobNames(ctx, task)).Should(Equal([]string{"invalid-vt-1"}), "invalid input is never retried")
	})

	It("retries a failed attempt after the backoff and fails once the retries are used up", func(ctx context.Context) {
		task := quickVideoTask("flaky").Obj()
		create(ctx, task)
		first := waitForJob(ctx, task, "flaky-vt-1")

		runAttempt(ctx, first, 1, `{"reason":"AttemptFailed","message":"ffmpeg exited with status 1"}`)
		Eventually(taskStatus(ctx, task)).Should(Or(
			// The 1s backoff may pass before the poll sees the retry being scheduled.
			And(havePhase(tasksv1.TaskPending, tasksv1.ReasonRetryScheduled), HaveField("NextRetryTime", Not(BeNil()))),
			HaveField("Attempts", int32(2))))
		second := waitForJob(ctx, task, "flaky-vt-2")
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskQueued, tasksv1.ReasonJobCreated), HaveField("Attempts", int32(2)), HaveField("JobName", "flaky-vt-2")))
		Eventually(eventReasons).WithArguments(ctx, task).Should(ContainElement("Warning RetryScheduled"))

		runAttempt(ctx, second, 1, `{"reason":"AttemptFailed","message":"ffmpeg exited with status 1"}`)
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskFailed, tasksv1.ReasonBackoffLimitExceeded),
			HaveField("Attempts", int32(2)),
			HaveField("Message", "2 attempts failed; the last: ffmpeg exited with status 1"),
			HaveField("NextRetryTime", BeNil())))
		Consistently(jobNames(ctx, task)).Should(Equal([]string{"flaky-vt-1", "flaky-vt-2"}))
	})

	It("stops and resumes the Job with spec.suspend", func(ctx context.Context) {
		task := quickVideoTask("pausable").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "pausable-vt-1")
		jobKey := client.ObjectKeyFromObject(job)
		Expect(testutil.SetJobRunning(ctx, k8sClient, jobKey)).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskRunning, tasksv1.ReasonPodRunning))

		setSuspend(ctx, task, true)
		Eventually(func(g Gomega) *bool {
			g.Expect(k8sClient.Get(ctx, jobKey, job)).To(Succeed())
			return job.Spec.Suspend
		}).Should(Equal(ptr.To(true)))
		Expect(testutil.SetJobSuspended(ctx, k8sClient, jobKey)).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskCancelled, tasksv1.ReasonSuspended),
			haveCondition(tasksv1.ConditionSuspended, "True"), haveCondition(tasksv1.ConditionRunning, "False")))

		setSuspend(ctx, task, false)
		Eventually(func(g Gomega) *bool {
			g.Expect(k8sClient.Get(ctx, jobKey, job)).To(Succeed())
			return job.Spec.Suspend
		}).Should(Equal(ptr.To(false)))
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskQueued, tasksv1.ReasonJobCreated), haveCondition(tasksv1.ConditionSuspended, "False")))
		Expect(testutil.SetJobRunning(ctx, k8sClient, jobKey)).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskRunning, tasksv1.ReasonPodRunning))
		Consistently(jobNames(ctx, task)).Should(Equal([]string{"pausable-vt-1"}), "resuming continues the same attempt")
	})

	It("deletes its Jobs before it goes away", func(ctx context.Context) {
		task := quickVideoTask("doomed").Obj()
		create(ctx, task)
		job := waitForJob(ctx, task, "doomed-vt-1")
		Expect(testutil.SetJobRunning(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
		Eventually(taskStatus(ctx, task)).Should(havePhase(tasksv1.TaskRunning, tasksv1.ReasonPodRunning))

		Expect(k8sClient.Delete(ctx, task)).To(Succeed())
		Eventually(func() error {
			return k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &tasksv1.VideoTask{})
		}).Should(Satisfy(apierrors.IsNotFound), "the task is gone")
		// envtest has no garbage collector: only the operator's finalizer can have removed the Job.
		Expect(jobNames(ctx, task)(Default)).To(BeEmpty())
	})

	It("deletes a finished task once ttlSecondsAfterFinished passed", func(ctx context.Context) {
		task := quickVideoTask("short-lived").TTL(1).Obj()
		create(ctx, task)
		runAttempt(ctx, waitForJob(ctx, task, "short-lived-vt-1"), 0, successSummary)
		Eventually(func() error {
			return k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &tasksv1.VideoTask{})
		}).Should(Satisfy(apierrors.IsNotFound))
		Expect(jobNames(ctx, task)(Default)).To(BeEmpty())
	})
})

// setSuspend sets spec.suspend, one of the two spec fields that may change after creation.
func setSuspend(ctx context.Context, task tasksv1.Task, on bool) {
	GinkgoHelper()
	patch := client.RawPatch(types.MergePatchType, fmt.Appendf(nil, `{"spec":{"suspend":%t}}`, on))
	Expect(k8sClient.Patch(ctx, task.DeepCopyObject().(client.Object), patch)).To(Succeed())
}
