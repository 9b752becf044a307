package progress_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/progress"
	"github.com/langflix/langflix-operator/test/testutil"
)

// This suite proves the Kubernetes sink against a real kube-apiserver: the runner's server-side apply of
// status.progress and the operator's apply of the rest of the status never overwrite each other.

var (
	env       *envtest.Environment
	cfg       *rest.Config
	k8sClient client.Client
)

func TestKubeSinkAgainstAPIServer(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "progress sink on a real apiserver")
}

var _ = BeforeSuite(func() {
	env, cfg, k8sClient = testutil.StartEnv()
})

var _ = AfterSuite(func() {
	if env != nil {
		Expect(env.Stop()).To(Succeed())
	}
})

// operatorApply server-side applies a status phase as the operator does, without progress.
func operatorApply(ctx context.Context, task *tasksv1.VideoTask, phase tasksv1.TaskPhase) {
	GinkgoHelper()
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": tasksv1.GroupVersion.String(),
		"kind":       tasksv1.KindVideoTask,
		"metadata":   map[string]any{"name": task.Name, "namespace": task.Namespace},
		"status":     map[string]any{"phase": string(phase), "attempts": int64(1)},
	}}
	Expect(k8sClient.Status().Apply(ctx, client.ApplyConfigurationFromUnstructured(u),
		client.FieldOwner(runnerv1.FieldManagerOperator), client.ForceOwnership)).To(Succeed())
}

var _ = Describe("the Kubernetes progress sink", func() {
	It("writes status.progress as langflix-runner and keeps it across operator writes", func(ctx context.Context) {
		task := testutil.MakeVideoTask("progress", "default").Obj()
		Expect(k8sClient.Create(ctx, task)).To(Succeed())
		DeferCleanup(k8sClient.Delete, task)
		operatorApply(ctx, task, tasksv1.TaskRunning)

		dyn, err := dynamic.NewForConfig(cfg)
		Expect(err).NotTo(HaveOccurred())
		var writeErrors []string
		sink, err := progress.NewKube(dyn, runnerv1.TaskRef{Kind: tasksv1.KindVideoTask, Name: task.Name, Namespace: task.Namespace},
			progress.KubeOptions{Interval: 10 * time.Millisecond, Logf: func(f string, a ...any) {
				writeErrors = append(writeErrors, f)
			}})
		Expect(err).NotTo(HaveOccurred())

		tracker := progress.NewTracker(progress.Plan{{Name: "clips", Weight: 1}}, sink, nil)
		tracker.Stage("clips", 4)
		tracker.Step(2, "cut clip 2 of 4")
		Eventually(func(g Gomega) {
			var got tasksv1.VideoTask
			g.Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &got)).To(Succeed())
			g.Expect(got.Status.Progress).NotTo(BeNil())
			g.Expect(got.Status.Progress.Stage).To(Equal("clips"))
			g.Expect(got.Status.Progress.Message).To(Equal("cut clip 2 of 4"))
			g.Expect(got.Status.Progress.Percent).To(HaveValue(BeEquivalentTo(50)))
		}).WithTimeout(testutil.Timeout).WithPolling(testutil.Interval).Should(Succeed())

		// The operator writes its part again; the runner's progress must survive it.
		operatorApply(ctx, task, tasksv1.TaskSucceeded)
		tracker.Step(4, "cut clip 4 of 4")
		tracker.Done(nil)

		var got tasksv1.VideoTask
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &got)).To(Succeed())
		Expect(got.Status.Phase).To(Equal(tasksv1.TaskSucceeded))
		Expect(got.Status.Progress).NotTo(BeNil())
		Expect(got.Status.Progress.Percent).To(HaveValue(BeEquivalentTo(100)), "Done flushes the final progress")
		Expect(got.Status.Progress.UpdateTime).NotTo(BeNil())
		Expect(writeErrors).To(BeEmpty())

		owners := map[string]bool{}
		for _, mf := range got.ManagedFields {
			if mf.Subresource == "status" && mf.Operation == metav1.ManagedFieldsOperationApply {
				owners[mf.Manager] = true
			}
		}
		Expect(owners).To(HaveKey(runnerv1.FieldManagerRunner))
		Expect(owners).To(HaveKey(runnerv1.FieldManagerOperator))
	})
})
