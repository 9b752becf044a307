package cli

import (
	"fmt"
	"os"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/progress"
)

// The commands' flags, their names and defaults are the runner contract's (api/runner/v1alpha1): each
// command binds its options there, so the runner parses exactly what the operator renders.

// applyEnv completes options from the process environment; a bad value there is the caller's input error.
func applyEnv(apply func(func(string) string) error) error {
	if err := apply(os.Getenv); err != nil {
		return failure.Invalid("%v", err)
	}
	return nil
}

// newReporter builds the progress reporter for mode. A Kubernetes sink that cannot be set up is logged
// and skipped: progress is a convenience, never a reason to fail a task.
func (a *app) newReporter(mode string, plan progress.Plan) (progress.Reporter, error) {
	_, inTask := runnerv1.TaskRefFromEnv(os.Getenv)
	if mode == runnerv1.ProgressAuto {
		switch {
		case inTask:
			mode = runnerv1.ProgressKubernetes
		case a.env.StdoutIsTTY:
			mode = runnerv1.ProgressTTY
		default:
			mode = runnerv1.ProgressPlain
		}
	}
	var sink progress.Sink
	switch mode {
	case runnerv1.ProgressNone:
		return progress.Nop(), nil
	case runnerv1.ProgressTTY:
		sink = progress.NewTerminal(a.env.Stdout, true)
	case runnerv1.ProgressPlain:
		sink = progress.NewTerminal(a.env.Stdout, false)
	case runnerv1.ProgressKubernetes:
		// Plain lines too: they end up in the pod log, which outlives the task's status.
		sink = progress.NewTerminal(a.env.Stdout, false)
		kube, err := progress.NewKubeFromEnv(progress.KubeOptions{Logf: a.logf})
		if err != nil {
			a.log.Warn("kubernetes progress disabled", "error", err)
		} else {
			sink = progress.Multi(kube, sink)
		}
	default:
		return nil, failure.Invalid("--%s=%q: want %s, %s, %s, %s or %s", runnerv1.FlagProgress, mode, runnerv1.ProgressAuto,
			runnerv1.ProgressTTY, runnerv1.ProgressPlain, runnerv1.ProgressKubernetes, runnerv1.ProgressNone)
	}
	return progress.NewTracker(plan, sink, nil), nil
}

// logf adapts the structured logger for packages that take a printf-style logger.
func (a *app) logf(format string, args ...any) {
	a.log.Info(fmt.Sprintf(format, args...))
}

// workDir returns a fresh folder for this run's intermediate files and a func that removes it.
func workDir(base string) (string, func(), error) {
	dir, err := os.MkdirTemp(base, "langflix-run-")
	if err != nil {
		return "", nil, fmt.Errorf("create work folder: %w", err)
	}
	return dir, func() { _ = os.RemoveAll(dir) }, nil
}
