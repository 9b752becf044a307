package suite

import (
	"context"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// quickVideoTask is a VideoTask in the spec's namespace that retries once after 1s, so retry specs take
// seconds.
func quickVideoTask(name string) *testutil.VideoTaskWrapper {
	return testutil.MakeVideoTask(name, ns).Retries(1).Backoff(1, 1)
}

// taskStatus returns a poller of a task's status, for Eventually and Consistently.
func taskStatus(ctx context.Context, task tasksv1.Task) func(g Gomega) tasksv1.TaskStatus {
	key := client.ObjectKeyFromObject(task)
	fresh := task.DeepCopyObject().(tasksv1.Task)
	return func(g Gomega) tasksv1.TaskStatus {
		g.Expect(k8sClient.Get(ctx, key, fresh)).To(Succeed())
		return *fresh.GetTaskStatus()
	}
}

// jobNames returns a poller of the names of a task's Jobs, sorted.
func jobNames(ctx context.Context, task tasksv1.Task) func(g Gomega) []string {
	return func(g Gomega) []string {
		var names []string
		for _, j := range taskJobs(ctx, g, task) {
			names = append(names, j.Name)
		}
		slices.Sort(names)
		return names
	}
}

// taskJobs lists a task's Jobs by the labels the operator gives them.
func taskJobs(ctx context.Context, g Gomega, task tasksv1.Task) []batchv1.Job {
	var jobs batchv1.JobList
	g.Expect(k8sClient.List(ctx, &jobs, client.InNamespace(task.GetNamespace()),
		client.MatchingLabels{tasksv1.LabelTask: task.GetName(), tasksv1.LabelKind: kindOf(task)})).To(Succeed())
	return jobs.Items
}

// waitForJob waits until the Job of a task's attempt exists and returns it.
func waitForJob(ctx context.Context, task tasksv1.Task, name string) *batchv1.Job {
	GinkgoHelper()
	var job batchv1.Job
	Eventually(func() error {
		return k8sClient.Get(ctx, client.ObjectKey{Namespace: task.GetNamespace(), Name: name}, &job)
	}).Should(Succeed(), "Job %s is created", name)
	return &job
}

// haveCondition matches a TaskStatus with a condition of that type and status.
func haveCondition(condType string, status string) OmegaMatcher {
	return WithTransform(func(st tasksv1.TaskStatus) string {
		if c := meta.FindStatusCondition(st.Conditions, condType); c != nil {
			return string(c.Status)
		}
		return "absent"
	}, Equal(status))
}

// havePhase matches a TaskStatus in that phase with that reason.
func havePhase(phase tasksv1.TaskPhase, reason string) OmegaMatcher {
	return And(
		HaveField("Phase", phase),
		HaveField("Reason", reason),
	)
}

// runAttempt plays the Job controller and the kubelet for one attempt that ends with exitCode: the finished
// pod comes first, the Job's final status after it, in that order as in a cluster.
func runAttempt(ctx context.Context, job *batchv1.Job, exitCode int32, terminationMessage string) {
	GinkgoHelper()
	_, err := testutil.CreateFinishedRunnerPod(ctx, k8sClient, job, exitCode, terminationMessage)
	Expect(err).NotTo(HaveOccurred())
	if exitCode == 0 {
		Expect(testutil.SetJobComplete(ctx, k8sClient, client.ObjectKeyFromObject(job))).To(Succeed())
		return
	}
	Expect(testutil.SetJobFailed(ctx, k8sClient, client.ObjectKeyFromObject(job), batchv1.JobReasonBackoffLimitExceeded,
		"Job has reached the specified backoff limit")).To(Succeed())
}

// create creates obj; the builders put it in the spec's namespace.
func create(ctx context.Context, obj client.Object) {
	GinkgoHelper()
	Expect(k8sClient.Create(ctx, obj)).To(Succeed())
}

// kindOf is obj's kind from the scheme: typed objects read from the API server carry none.
func kindOf(obj client.Object) string {
	GinkgoHelper()
	gvk, err := apiutil.GVKForObject(obj, k8sClient.Scheme())
	Expect(err).NotTo(HaveOccurred())
	return gvk.Kind
}
