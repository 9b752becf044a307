// Package chart checks the Helm chart charts/langflix-operator against a real kube-apiserver: it starts
// envtest, writes a kubeconfig for it and runs hack/check-chart.sh, which lints and renders the chart,
// compares its RBAC with the generated config/rbac, and dry-runs the rendered objects on the server.
package chart

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/langflix/langflix-operator/test/testutil"
)

// kubeconfig is the admin kubeconfig of the API server that TestMain starts; root is the module root.
var kubeconfig, root string

func TestMain(m *testing.M) {
	os.Exit(runWithAPIServer(m))
}

// runWithAPIServer starts etcd and kube-apiserver once for all tests of the package. The CRDs are installed
// as every other suite installs them; the script applies them again itself, as it must on a real cluster.
func runWithAPIServer(m *testing.M) int {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		fmt.Fprintln(os.Stderr, "KUBEBUILDER_ASSETS is not set: run `make test` or export "+
			"KUBEBUILDER_ASSETS=$(hack/build-k8s-binaries.sh path) after `hack/build-k8s-binaries.sh envtest`")
		return 1
	}
	var err error
	if root, err = testutil.ModuleRoot(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: assets,
	}
	if _, err := env.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting envtest:", err)
		return 1
	}
	defer func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping envtest:", err)
		}
	}()

	dir, err := os.MkdirTemp("", "chart-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if kubeconfig, err = writeKubeconfig(env, dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// writeKubeconfig provisions a cluster-admin user (group system:masters) and writes its kubeconfig.
func writeKubeconfig(env *envtest.Environment, dir string) (string, error) {
	user, err := env.AddUser(envtest.User{Name: "check-chart", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return "", fmt.Errorf("add envtest user: %w", err)
	}
	data, err := user.KubeConfig()
	if err != nil {
		return "", fmt.Errorf("kubeconfig: %w", err)
	}
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// checkChart runs hack/check-chart.sh against the envtest API server, with extra environment variables,
// and returns its combined output and whether it exited 0.
func checkChart(t *testing.T, extraEnv ...string) (string, bool) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "bash", filepath.Join(root, "hack", "check-chart.sh"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	// The kubectl built next to kube-apiserver matches its version; HELM and KUBECTL set by the caller win.
	if kubectl := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl"); os.Getenv("KUBECTL") == "" {
		if _, err := os.Stat(kubectl); err == nil {
			cmd.Env = append(cmd.Env, "KUBECTL="+kubectl)
		}
	}
	cmd.Env = append(cmd.Env, extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		if _, exited := err.(*exec.ExitError); !exited {
			t.Fatalf("running hack/check-chart.sh: %v\n%s", err, out.String())
		}
	}
	return out.String(), err == nil
}

// TestCheckChart is the chart's CI check: every part of hack/check-chart.sh passes, including the server-side
// dry run, which must not be skipped.
func TestCheckChart(t *testing.T) {
	out, ok := checkChart(t)
	if !ok {
		t.Fatalf("hack/check-chart.sh failed:\n%s", out)
	}
	t.Logf("hack/check-chart.sh:\n%s", out)
	for _, check := range []string{
		"ok    CRDs from crds/ applied and Established",
		"ok    kubectl apply --dry-run=server (default values): 11 objects accepted",
		"ok    kubectl apply --dry-run=server (all-values): 17 objects accepted",
		"ok    files/admission is identical to the policies in config/admission",
		"ok    all-values: operator Role in langflix-ci-a equals config/rbac/role.yaml",
		"ok    all-values: no operator ClusterRole with watchNamespaces",
		"ok    all-values: the Redis URL is only in its Secret",
		"ok    NOTES example (PVC and VideoTask) accepted by the server",
		", 0 failed",
	} {
		if !strings.Contains(out, check) {
			t.Errorf("output lacks %q", check)
		}
	}
}

// TestCheckChartCatchesBrokenChart breaks a copy of the chart in four ways the check exists for and expects
// each to be reported: a CRD copy that drifted, an operator rule the markers do not grant (in the ClusterRole and
// in every namespaced Role), an admission policy weakened in the chart's copy, and a pod template that the
// restricted Pod Security level refuses (a warning only the API server gives).
func TestCheckChartCatchesBrokenChart(t *testing.T) {
	chart := filepath.Join(t.TempDir(), "langflix-operator")
	if err := os.CopyFS(chart, os.DirFS(filepath.Join(root, "charts", "langflix-operator"))); err != nil {
		t.Fatal(err)
	}
	edit(t, filepath.Join(chart, "crds", "tasks.langflix.io_videotasks.yaml"), "  scope: Namespaced\n", "  scope: Namespaced\n# drift\n")
	edit(t, filepath.Join(chart, "templates", "_helpers.tpl"), "  - namespaces\n  verbs:\n  - get\n", "  - namespaces\n  verbs:\n  - create\n  - get\n")
	edit(t, filepath.Join(chart, "files", "admission", "runner-status-policy.yaml"), "  failurePolicy: Fail\n", "  failurePolicy: Ignore\n")
	edit(t, filepath.Join(chart, "templates", "deployment.yaml"), "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true")

	out, ok := checkChart(t, "CHART="+chart)
	if ok {
		t.Fatalf("hack/check-chart.sh passed a broken chart:\n%s", out)
	}
	t.Logf("hack/check-chart.sh on the broken chart:\n%s", out)
	for _, want := range []string{
		"FAIL  crds/ is identical to config/crd/bases",
		"+# drift",
		"FAIL  operator ClusterRole rules equal config/rbac/role.yaml",
		`+ extra:   group="" resource=namespaces name=<any> verb=create`,
		"FAIL  all-values: operator Role in langflix-ci-a equals config/rbac/role.yaml",
		"FAIL  files/admission is identical to the policies in config/admission",
		"+  failurePolicy: Ignore",
		"would violate PodSecurity",
		"allowPrivilegeEscalation",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// edit replaces the one occurrence of old in the file at path.
func edit(t *testing.T, path, old, replacement string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), old); n != 1 {
		t.Fatalf("%s: %d occurrences of %q, want 1", path, n, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, replacement, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}
