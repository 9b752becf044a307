package integration

import (
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// envtest has no kubelet, so no log can be read; these specs check that logs finds the right pod and
// explains why there is no log.
var _ = Describe("kubectl langflix logs", func() {
	It("explains a task without an attempt, a Job without pods, and a Job that is gone", func(ctx SpecContext) {
		task := testutil.MakeVideoTask("waiting", ns).Obj()
		Expect(k8sClient.Create(ctx, task)).To(Succeed())
		w := newStatusWriter(task)
		w.set(ctx, func(st *tasksv1alpha1.TaskStatus) {
			st.Phase, st.Reason = tasksv1alpha1.TaskPending, "WaitingForCapacity"
		})
		_, err := runPlugin(ctx, "logs", "waiting", "-n", ns)
		Expect(err).To(MatchError("VideoTask " + ns + "/waiting has not started an attempt yet (phase Pending, WaitingForCapacity)"))

		w.phase(ctx, tasksv1alpha1.TaskQueued, 1, "waiting-vt-1")
		_, err = runPlugin(ctx, "logs", "waiting", "-n", ns)
		Expect(err).To(MatchError(ContainSubstring("Job waiting-vt-1 of attempt 1 is gone")))

		Expect(k8sClient.Create(ctx, runnerJob("waiting-vt-1"))).To(Succeed())
		_, err = runPlugin(ctx, "logs", "waiting", "-n", ns)
		Expect(err).To(MatchError(ContainSubstring("Job waiting-vt-1 (attempt 1) has no pod yet (phase Queued, WaitingForCapacity)")))
	})

	It("reads the newest pod of the current attempt's Job, chosen by the Job's controller-uid", func(ctx SpecContext) {
		task := testutil.MakeVideoTask("sintel", ns).Obj()
		Expect(k8sClient.Create(ctx, task)).To(Succeed())
		newStatusWriter(task).phase(ctx, tasksv1alpha1.TaskRunning, 2, "sintel-vt-2")

		// A pod of an earlier Job of the same name (deleted and created again) carries the same job-name
		// label but another controller-uid; it must not be picked.
		stale := runnerPod("sintel-vt-2-stale", map[string]string{batchv1.JobNameLabel: "sintel-vt-2", batchv1.ControllerUidLabel: "0000-old"})
		Expect(k8sClient.Create(ctx, stale)).To(Succeed())

		job := runnerJob("sintel-vt-2")
		Expect(k8sClient.Create(ctx, job)).To(Succeed())
		// The API server adds the controller-uid label to the Job's selector and pod template.
		Expect(job.Spec.Template.Labels).To(HaveKeyWithValue(batchv1.ControllerUidLabel, string(job.UID)))
		// The older pod's name sorts last, so only creation time can tell the two apart.
		older := runnerPod("sintel-vt-2-zzzzz", job.Spec.Template.Labels)
		Expect(k8sClient.Create(ctx, older)).To(Succeed())
		// creationTimestamp has a resolution of one second: let the next pod be created in a later one.
		Eventually(time.Now).Should(BeTemporally(">", older.CreationTimestamp.Add(time.Second)))
		newer := runnerPod("sintel-vt-2-aaaaa", job.Spec.Template.Labels)
		Expect(k8sClient.Create(ctx, newer)).To(Succeed())

		r := startPlugin(ctx, "logs", "sintel", "-n", ns, "--tail", "5")
		Expect(r.Err()).To(MatchError("pod sintel-vt-2-aaaaa is not scheduled to a node yet, so it has no log; -f waits for it"))
		Expect(string(r.ErrOut.Contents())).To(Equal("pod/sintel-vt-2-aaaaa of Job sintel-vt-2 (attempt 2)\n"))

		// With -f it waits for the pod to start, and says when it gives up.
		r = startPlugin(ctx, "logs", "sintel", "-n", ns, "-f", "--pod-running-timeout", "1s")
		Expect(r.Err()).To(MatchError(ContainSubstring("pod sintel-vt-2-aaaaa did not start within 1s")))
	})
})

// runnerJob is a Job shaped like the operator's: one runner container, no retries of its own.
func runnerJob(name string) *batchv1.Job {
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: batchv1.JobSpec{
			BackoffLimit: ptr.To[int32](0),
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever,
				Containers:    []corev1.Container{{Name: testutil.RunnerContainer, Image: "langflix-runner:envtest"}},
			}},
		},
	}
}

// runnerPod is a pod with the runner container and the given labels, never scheduled (envtest has no node).
func runnerPod(name string, labels map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers:    []corev1.Container{{Name: testutil.RunnerContainer, Image: "langflix-runner:envtest"}},
		},
	}
}
