package taskapi_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/cli"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/taskapi"
	"github.com/langflix/langflix-operator/test/testutil"
)

// This suite runs the runner's side of a SlideTask against a real kube-apiserver, as the runner's own
// ServiceAccount with the runner ClusterRole the chart installs (config/rbac/runner_role.yaml): the Job
// carries no slide content, so reading the task is the only way the content reaches the runner.

var (
	env       *envtest.Environment
	cfg       *rest.Config
	k8sClient client.Client
	// runnerRole is the ClusterRole from config/rbac.
	runnerRole rbacv1.ClusterRole
)

func TestRunnerReadsItsTask(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "the runner reads its task from a real apiserver")
}

var _ = BeforeSuite(func(ctx context.Context) {
	env, cfg, k8sClient = testutil.StartEnv()
	root, err := testutil.ModuleRoot()
	Expect(err).NotTo(HaveOccurred())
	data, err := os.ReadFile(filepath.Join(root, "config", "rbac", "runner_role.yaml"))
	Expect(err).NotTo(HaveOccurred())
	Expect(yaml.Unmarshal(data, &runnerRole)).To(Succeed())
	Expect(k8sClient.Create(ctx, runnerRole.DeepCopy())).To(Succeed())
})

var _ = AfterSuite(func() {
	if env != nil {
		Expect(env.Stop()).To(Succeed())
	}
})

// runnerNamespace creates a namespace with the runner's ServiceAccount bound to the runner ClusterRole, as
// the operator does, and returns a client that acts as that ServiceAccount.
func runnerNamespace(ctx context.Context) (string, dynamic.Interface) {
	GinkgoHelper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "runner-"}}
	Expect(k8sClient.Create(ctx, ns)).To(Succeed())
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "langflix-runner", Namespace: ns.Name}}
	Expect(k8sClient.Create(ctx, sa)).To(Succeed())
	Expect(k8sClient.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: sa.Name, Namespace: ns.Name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: runnerRole.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa.Name, Namespace: ns.Name}},
	})).To(Succeed())
	asRunner := rest.CopyConfig(cfg)
	asRunner.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:" + ns.Name + ":" + sa.Name}
	dyn, err := dynamic.NewForConfig(asRunner)
	Expect(err).NotTo(HaveOccurred())
	return ns.Name, dyn
}

func setTaskEnv(ref runnerv1.TaskRef) {
	for _, e := range ref.Env() {
		GinkgoT().Setenv(e.Name, e.Value)
	}
}

var _ = Describe("A SlideTask's runner", func() {
	It("renders the slides it reads from its task, as its own ServiceAccount", func(ctx context.Context) {
		ns, asRunner := runnerNamespace(ctx)
		second := tasksv1.SlideContent{Expression: "call it a day", Translation: "하루 일을 끝내다", Examples: []string{"Let's call it a day."}}
		task := testutil.MakeSlideTask("lesson", ns).Content(nil).Slides(testutil.BreakTheIce(), second).Obj()
		Expect(k8sClient.Create(ctx, task)).To(Succeed())
		var stored tasksv1.SlideTask
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &stored)).To(Succeed())

		// The runner runs with exactly what the operator renders for the task, and its environment.
		ref := runnerv1.TaskRef{Kind: tasksv1.KindSlideTask, Name: task.Name, Namespace: ns}
		setTaskEnv(ref)
		dir := GinkgoT().TempDir()
		opts := runnerv1.SlideOptionsFromSpec(&stored)
		opts.StorageRoot, opts.Progress, opts.TerminationLog = dir, runnerv1.ProgressNone, filepath.Join(dir, "termination-log")
		var stdout, stderr bytes.Buffer
		err := cli.Run(ctx, opts.Args(), cli.Env{Stdout: &stdout, Stderr: &stderr,
			TaskClient: func() (dynamic.Interface, error) { return asRunner, nil }})
		Expect(err).NotTo(HaveOccurred(), "runner log:\n%s", stderr.String())

		m, err := manifest.Read(filepath.Join(dir, opts.Out, manifest.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Expressions).To(HaveLen(2))
		Expect(m.Expressions[0].Translation).To(Equal("어색한 분위기를 깨다"))
		Expect(m.Expressions[1].Examples).To(Equal(second.Examples))
		for _, e := range m.Expressions {
			Expect(filepath.Join(dir, opts.Out, e.Files.Slide)).To(BeAnExistingFile())
		}
	})

	It("reads the largest SlideTask the API admits", func(ctx context.Context) {
		ns, asRunner := runnerNamespace(ctx)
		slides := make([]tasksv1.SlideContent, 100)
		for i := range slides {
			// 1000 characters a slide: the whole budget of MaxSlidesCharacters.
			slides[i] = tasksv1.SlideContent{Expression: repeat("깨", 200), Translation: repeat("<", 200),
				Dialogue: repeat("\"", 300), Notes: repeat("é", 300)}
		}
		task := testutil.MakeSlideTask("largest", ns).Content(nil).Slides(slides...).Obj()
		Expect(k8sClient.Create(ctx, task)).To(Succeed())

		ref := runnerv1.TaskRef{Kind: tasksv1.KindSlideTask, Name: task.Name, Namespace: ns}
		got, err := taskapi.GetSlideTask(ctx, asRunner, ref)
		Expect(err).NotTo(HaveOccurred())
		Expect(runnerv1.SlideContents(got)).To(Equal(slides))
		Expect(cli.ValidateSlides(runnerv1.SlideOptionsFromSpec(got), runnerv1.SlideContents(got))).To(Succeed())
	})

	It("may not read a task of another namespace, and says so as a retryable failure", func(ctx context.Context) {
		_, asRunner := runnerNamespace(ctx)
		other, _ := runnerNamespace(ctx)
		task := testutil.MakeSlideTask("elsewhere", other).Obj()
		Expect(k8sClient.Create(ctx, task)).To(Succeed())

		_, err := taskapi.GetSlideTask(ctx, asRunner, runnerv1.TaskRef{Kind: tasksv1.KindSlideTask, Name: task.Name, Namespace: other})
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)
		Expect(failure.IsInvalid(err)).To(BeFalse(), "an API error is not the input's fault")
	})
})

func repeat(s string, n int) string {
	out := make([]byte, 0, len(s)*n)
	for range n {
		out = append(out, s...)
	}
	return string(out)
}
