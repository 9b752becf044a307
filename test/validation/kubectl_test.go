package validation

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/langflix/langflix-operator/test/testutil"
)

// kubectl runs the kubectl binary of KUBEBUILDER_ASSETS as a cluster admin of the test API server.
type kubectl struct {
	path, kubeconfig, cacheDir string
}

// newKubectl provisions an admin user on the test API server and writes its kubeconfig to a folder that
// is removed after the container, next to kubectl's discovery cache (kept out of the developer's ~/.kube).
func newKubectl() *kubectl {
	GinkgoHelper()
	path := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
	Expect(path).To(BeAnExistingFile(), "KUBEBUILDER_ASSETS has no kubectl: run hack/build-k8s-binaries.sh envtest")

	admin, err := testEnv.AddUser(envtest.User{Name: "validation-admin", Groups: []string{"system:masters"}}, nil)
	Expect(err).NotTo(HaveOccurred())
	config, err := admin.KubeConfig()
	Expect(err).NotTo(HaveOccurred())

	dir, err := os.MkdirTemp("", "langflix-kubectl-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	kubeconfig := filepath.Join(dir, "kubeconfig")
	Expect(os.WriteFile(kubeconfig, config, 0o600)).To(Succeed())
	return &kubectl{path: path, kubeconfig: kubeconfig, cacheDir: filepath.Join(dir, "cache")}
}

// run returns kubectl's standard output; a non-zero exit is returned as an error carrying standard error.
func (k *kubectl) run(ctx context.Context, args ...string) (string, error) {
	args = append([]string{"--kubeconfig", k.kubeconfig, "--cache-dir", k.cacheDir}, args...)
	cmd := exec.CommandContext(ctx, k.path, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), &kubectlError{args: args, err: err, stderr: stderr.String()}
	}
	return stdout.String(), nil
}

// mustRun is run for commands that must succeed.
func (k *kubectl) mustRun(ctx context.Context, args ...string) string {
	GinkgoHelper()
	out, err := k.run(ctx, args...)
	Expect(err).NotTo(HaveOccurred())
	return out
}

type kubectlError struct {
	args   []string
	err    error
	stderr string
}

func (e *kubectlError) Error() string {
	return "kubectl " + strings.Join(e.args, " ") + ": " + e.err.Error() + ": " + e.stderr
}

// words joins text on single spaces, so checks of wrapped `kubectl explain` prose do not depend on where
// kubectl breaks its lines.
func words(text string) string { return strings.Join(strings.Fields(text), " ") }

// tableLines splits kubectl's table output into its header and rows, each split on runs of spaces.
func tableLines(out string) (header []string, rows []string) {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return strings.Fields(lines[0]), lines[1:]
}

var _ = Describe("kubectl", Ordered, func() {
	var (
		k         *kubectl
		namespace string
	)

	BeforeAll(func(ctx context.Context) {
		k = newKubectl()
		namespace = newNamespace(ctx, "kubectl-")

		video := testutil.MakeVideoTask("kubectl-video", namespace).Obj()
		Expect(k8sClient.Create(ctx, video)).To(Succeed())
		video.Status = runningStatus()
		Expect(k8sClient.Status().Update(ctx, video)).To(Succeed())

		Expect(k8sClient.Create(ctx, testutil.MakeSlideTask("kubectl-slides", namespace).Obj())).To(Succeed())
		Expect(k8sClient.Create(ctx, testutil.MakeCleanupPolicy("kubectl-cleanup", namespace).Obj())).To(Succeed())
	})

	It("lists all three kinds under the langflix category", func(ctx context.Context) {
		out := k.mustRun(ctx, "get", "langflix", "-A")
		Expect(out).To(ContainSubstring("videotask.tasks.langflix.io/kubectl-video"))
		Expect(out).To(ContainSubstring("slidetask.tasks.langflix.io/kubectl-slides"))
		Expect(out).To(ContainSubstring("cleanuppolicy.tasks.langflix.io/kubectl-cleanup"))
		Expect(out).To(ContainSubstring(namespace), "-A prints the namespace column")
	})

	It("knows the short names vt, st and clp", func(ctx context.Context) {
		out := k.mustRun(ctx, "get", "vt,st,clp", "-n", namespace, "-o", "name")
		Expect(strings.Fields(out)).To(ConsistOf(
			"videotask.tasks.langflix.io/kubectl-video",
			"slidetask.tasks.langflix.io/kubectl-slides",
			"cleanuppolicy.tasks.langflix.io/kubectl-cleanup",
		))
	})

	It("shows the printer columns, and MESSAGE only with -o wide", func(ctx context.Context) {
		header, rows := tableLines(k.mustRun(ctx, "get", "videotasks", "-n", namespace))
		Expect(header).To(Equal([]string{"NAME", "PHASE", "PROGRESS", "STAGE", "ATTEMPTS", "AGE"}))
		Expect(rows).To(HaveLen(1))

		header, rows = tableLines(k.mustRun(ctx, "get", "videotasks", "-n", namespace, "-o", "wide"))
		Expect(header).To(Equal([]string{"NAME", "PHASE", "PROGRESS", "STAGE", "ATTEMPTS", "AGE", "MESSAGE"}))
		Expect(rows).To(HaveLen(1))
		row := strings.Fields(rows[0])
		Expect(row[:5]).To(Equal([]string{"kubectl-video", "Running", "42", "clips", "1"}))
		Expect(rows[0]).To(HaveSuffix("cutting clip 3 of 7"))
	})

	It("shows the CleanupPolicy columns", func(ctx context.Context) {
		header, rows := tableLines(k.mustRun(ctx, "get", "cleanuppolicies", "-n", namespace))
		Expect(header).To(Equal([]string{"NAME", "SCHEDULE", "RETENTION", "SUSPEND", "LAST", "SCHEDULE", "DELETED", "AGE"}))
		Expect(rows).To(HaveLen(1))
		Expect(rows[0]).To(ContainSubstring("0 2 * * *"))
	})

	// The API server publishes a CRD's OpenAPI a moment after the CRD is established, so explain may need
	// to be asked again.
	explain := func(ctx context.Context, field string) func(Gomega) string {
		return func(g Gomega) string {
			out, err := k.run(ctx, "explain", field)
			g.Expect(err).NotTo(HaveOccurred())
			return words(out)
		}
	}

	It("explains spec.timeLimits with softSeconds and hardSeconds", func(ctx context.Context) {
		Eventually(ctx, explain(ctx, "videotask.spec.timeLimits")).WithTimeout(testutil.Timeout).
			WithPolling(testutil.Interval).Should(SatisfyAll(
			ContainSubstring("timeLimits are the soft and hard time limits of one attempt"),
			ContainSubstring("softSeconds <integer>"),
			ContainSubstring("(reason SoftTimeLimitExceeded)"),
			ContainSubstring("hardSeconds <integer>"),
			ContainSubstring("activeDeadlineSeconds"),
			ContainSubstring("At most 86400 (24 hours)"),
		))
	})

	It("explains cleanuppolicy.spec.schedule", func(ctx context.Context) {
		Eventually(ctx, explain(ctx, "cleanuppolicy.spec.schedule")).WithTimeout(testutil.Timeout).
			WithPolling(testutil.Interval).Should(SatisfyAll(
			ContainSubstring("schedule <string>"),
			ContainSubstring("cron expression of exactly five fields"),
			ContainSubstring("minute hour day-of-month month day-of-week"),
		))
	})

	It("applies config/samples with kustomize", func(ctx context.Context) {
		samples := newNamespace(ctx, "kubectl-samples-")
		k.mustRun(ctx, "apply", "-k", samplesDir(), "-n", samples)

		out := k.mustRun(ctx, "get", "langflix", "-n", samples, "-o", "name")
		Expect(strings.Fields(out)).To(ConsistOf(
			"videotask.tasks.langflix.io/sintel-lessons",
			"videotask.tasks.langflix.io/sintel-lessons-llm",
			"slidetask.tasks.langflix.io/break-the-ice",
			"cleanuppolicy.tasks.langflix.io/langflix-media-cleanup",
		))
	})
})
