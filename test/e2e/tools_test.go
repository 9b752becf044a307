//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// kubectl runs the real kubectl against the cluster and returns its standard output.
func kubectl(ctx context.Context, args ...string) (string, error) {
	return run(ctx, cfg.kubectl, args...)
}

// helm runs the real helm against the cluster and returns its standard output.
func helm(ctx context.Context, args ...string) (string, error) {
	return run(ctx, cfg.helm, args...)
}

func run(ctx context.Context, bin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+cfg.kubeconfig)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// installOperator installs the chart as a user would, with the images mapped to the binaries under test and
// host ports that nothing else on the machine uses (localnode pods share the host network).
func installOperator(ctx SpecContext) {
	out, err := helm(ctx, "upgrade", "--install", releaseName, filepath.Join(cfg.root, "charts", "langflix-operator"),
		"--namespace", releaseNamespace, "--create-namespace", "--wait", "--timeout", "3m",
		"--set", "image.repository=langflix-operator",
		"--set", "image.tag="+imageTag,
		"--set", "runner.image.repository=langflix-runner",
		"--set", "runner.image.tag="+imageTag,
		"--set", fmt.Sprintf("metrics.port=%d", cfg.metricsPort),
		"--set", fmt.Sprintf("healthProbe.port=%d", cfg.probePort),
		"--set", "logVerbosity=2",
	)
	Expect(err).NotTo(HaveOccurred(), out)
	GinkgoWriter.Printf("helm: release %s installed in %s\n", releaseName, releaseNamespace)
}

// tail returns the last n lines of a file, or why it could not be read.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d earlier lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// dumpDiagnostics prints what explains a failure: the operator's log, the process logs of every pod of the
// test namespace (localnode keeps them after the pods are gone), the objects and the events.
func dumpDiagnostics(ctx context.Context) {
	w := GinkgoWriter
	section := func(title string) { w.Printf("\n===== %s =====\n", title) }

	section("operator log (" + releaseNamespace + ")")
	if f := newestFile(filepath.Join(cfg.clusterDir, "node", "pods", releaseNamespace+"_*", "manager.log")); f != "" {
		w.Printf("--- %s\n%s\n", f, tail(f, 150))
	}
	section("process logs of namespace " + ns)
	logs, _ := filepath.Glob(filepath.Join(cfg.clusterDir, "node", "pods", ns+"_*", "*.log"))
	for _, f := range logs {
		w.Printf("--- %s\n%s\n", f, tail(f, 60))
	}
	for _, c := range [][]string{
		{"get", "langflix,jobs,cronjobs,pods", "-n", ns, "-o", "wide"},
		{"get", "videotasks,slidetasks,cleanuppolicies", "-n", ns, "-o", "yaml"},
		{"get", "events", "-n", ns, "--sort-by=.lastTimestamp"},
		{"get", "all", "-n", releaseNamespace, "-o", "wide"},
		{"get", "events", "-n", releaseNamespace, "--sort-by=.lastTimestamp"},
	} {
		section("kubectl " + strings.Join(c, " "))
		out, err := kubectl(ctx, c...)
		if err != nil {
			out += err.Error()
		}
		w.Println(out)
	}
}

// newestFile returns the most recently written file that matches pattern: the log of the operator pod that
// runs now, not those of pods an earlier install or upgrade replaced.
func newestFile(pattern string) string {
	matches, _ := filepath.Glob(pattern)
	newest, newestTime := "", time.Time{}
	for _, m := range matches {
		if info, err := os.Stat(m); err == nil && info.ModTime().After(newestTime) {
			newest, newestTime = m, info.ModTime()
		}
	}
	return newest
}
