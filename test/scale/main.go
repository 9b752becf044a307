// Command scale measures what the operator costs a cluster at the size of a real catalogue: thousands of
// VideoTasks on nodes simulated by kwok, against a real kube-apiserver, controller-manager and scheduler.
// Every figure is measured side by side in one run and printed with its target (issue 11):
//
//  1. dispatch: N tasks created from one file until N Jobs exist, against N equivalent bare Jobs created
//     from one file by the same kubectl on the same API server; and both until all are terminal;
//  2. API writes: the operator's writes per task (the audit log, by its ServiceAccount, beside the API
//     server's apiserver_request_total), progress writes per running task-minute from runners reporting
//     every 100 ms, and writes per minute while nothing changes;
//  3. memory: the manager's RSS from /proc with N tasks and their Jobs in its caches, and across a restart;
//  4. reconciles per task, during progress writes, while idle and after a restart;
//  6. the runner against bare ffmpeg (make bench), from the file bench-scale.sh passes.
//
// hack/bench-scale.sh brings the cluster up and runs this program; see docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// Namespaces of the phases. The operator's namespace is the chart's release namespace; the audit policy
// names it and the progress phase's namespace.
const (
	operatorNamespace   = "langflix-system"
	probeNamespace      = "scale-probe"
	bareNamespace       = "scale-bare"
	createOnlyNamespace = "scale-create-only"
	tasksNamespace      = "scale-tasks"
	progressNamespace   = "scale-progress"
)

type config struct {
	kubeconfig, kubectl, chart, managerBin, workDir, root, clusterDir string
	auditLog, ffmpegBench, reportPath, podGCThreshold                 string
	n                                                                 int
	idle                                                              time.Duration
	progressTasks                                                     int
	progressInterval, progressChange, progressSteady                  time.Duration
	metricsPort, probePort                                            int
	timeout                                                           time.Duration
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "audit-policy" {
		fmt.Print(auditPolicy)
		return
	}
	var cfg config
	fs := flag.NewFlagSet("scale", flag.ExitOnError)
	fs.StringVar(&cfg.kubeconfig, "kubeconfig", "", "admin kubeconfig of the cluster under test")
	fs.StringVar(&cfg.kubectl, "kubectl", "kubectl", "kubectl binary (the bare client and the task author)")
	fs.StringVar(&cfg.chart, "chart", "", "the chart rendered with default values: helm template --include-crds")
	fs.StringVar(&cfg.managerBin, "manager", "bin/manager", "manager binary")
	fs.StringVar(&cfg.workDir, "work-dir", "", "folder for manifests, the manager's kubeconfig and log")
	fs.StringVar(&cfg.root, "root", ".", "project root (hack/kwok.sh restarts kwok for the progress phase)")
	fs.StringVar(&cfg.clusterDir, "cluster-dir", "", "the local cluster's folder (pid files: the control plane's memory)")
	fs.StringVar(&cfg.auditLog, "audit-log", "", "the API server's audit log (policy: `scale audit-policy`)")
	fs.StringVar(&cfg.ffmpegBench, "ffmpeg-bench", "", "output of `make bench` from the same run (optional)")
	fs.StringVar(&cfg.podGCThreshold, "pod-gc-threshold", "", "the kube-controller-manager's --terminated-pod-gc-threshold (for the report)")
	fs.StringVar(&cfg.reportPath, "report", "", "also write the report as Markdown to this file")
	fs.IntVar(&cfg.n, "n", 1000, "tasks (and bare Jobs)")
	fs.DurationVar(&cfg.idle, "idle", 10*time.Minute, "idle time with N finished tasks")
	fs.IntVar(&cfg.progressTasks, "progress-tasks", 20, "running tasks with a fake runner reporting progress")
	fs.DurationVar(&cfg.progressInterval, "progress-interval", 100*time.Millisecond, "how often a fake runner reports")
	fs.DurationVar(&cfg.progressChange, "progress-change", time.Minute, "how long the fake runners report changing progress")
	fs.DurationVar(&cfg.progressSteady, "progress-steady", 30*time.Second, "then how long they report the same progress")
	fs.IntVar(&cfg.metricsPort, "metrics-port", 45480, "loopback port of the manager's metrics")
	fs.IntVar(&cfg.probePort, "probe-port", 45481, "loopback port of the manager's health probes")
	fs.DurationVar(&cfg.timeout, "phase-timeout", 90*time.Minute, "give up on a phase after this long")
	_ = fs.Parse(os.Args[1:])
	if cfg.kubeconfig == "" || cfg.chart == "" || cfg.workDir == "" || cfg.auditLog == "" {
		fmt.Fprintln(os.Stderr, "scale: --kubeconfig, --chart, --work-dir and --audit-log are required (run it through hack/bench-scale.sh)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, cfg)
	if rep != nil {
		rep.print(os.Stdout)
		if cfg.reportPath != "" {
			if werr := rep.writeMarkdown(cfg.reportPath); werr != nil {
				logf("%v", werr)
			}
		}
	}
	if err != nil {
		logf("error: %v", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[scale %s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// run runs the phases in order and returns the report, complete or as far as it got.
func run(ctx context.Context, cfg config) (*report, error) {
	if err := os.MkdirAll(cfg.workDir, 0o755); err != nil {
		return nil, err
	}
	c, err := newCluster(cfg.kubeconfig, cfg.kubectl)
	if err != nil {
		return nil, err
	}
	ch, err := loadChart(cfg.chart)
	if err != nil {
		return nil, err
	}
	b := &bench{cfg: cfg, c: c, chart: ch, audit: auditLog{path: cfg.auditLog}, machine: startMachine()}
	defer b.machine.stop()
	b.rep = &report{title: fmt.Sprintf("bench-scale N=%d", cfg.n)}
	defer b.stopManager()

	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"install the chart and start the manager", b.setup},
		{"probe: the operator's Job for one task", b.probe},
		{"bare Jobs", b.barePhase},
		{"tasks with the operator stopped (kubectl create only)", b.createOnlyPhase},
		{"tasks", b.taskPhase},
		{"idle", b.idlePhase},
		{"manager restart", b.restartPhase},
		{"progress", b.progressPhase},
	}
	for _, s := range steps {
		logf("== %s", s.name)
		if err := s.fn(ctx); err != nil {
			b.finish()
			return b.rep, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	b.finish()
	return b.rep, nil
}

// path is a file in the work folder.
func (b *bench) path(name string) string { return filepath.Join(b.cfg.workDir, name) }
