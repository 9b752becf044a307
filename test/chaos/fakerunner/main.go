// Command fakerunner is the chaos harness's stand-in for the langflix runner: a tiny program that speaks
// the runner contract (api/runner/v1alpha1) the way the real runner does, so that hundreds of task
// attempts fit on one small machine. It reads its task (LANGFLIX_TASK_*), applies progress stamped with its
// attempt as field manager langflix-runner, honours --hard-time-limit, leaves the contract's termination
// message and exits with the contract's codes: 0 done, 1 failed, 143 on SIGTERM (the Job replaces the pod),
// 4 at the hard limit.
//
// What a run does is set per task by annotations (chaos.langflix.io/...):
//
//	run-seconds     how long the run takes (default 5)
//	exit-code       the exit code at the end of the run (default 0)
//	fail-attempts   attempts up to this number end with exit code 1 (default 0)
//	runner: real    run the real runner (langflix-runner next to this binary) instead, with the same
//	                arguments and environment
//
// Every run also appends to a ledger in the task's storage (chaos-ledger/<namespace>_<task>.log): a start
// and an end line with the pod, the attempt and the time in nanoseconds, so the harness can prove from the
// processes themselves that no two runners of one task ever overlapped.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/progress"
	"github.com/langflix/langflix-operator/runner/taskapi"
)

// Annotations that steer a run.
const (
	annotationPrefix = "chaos.langflix.io/"
	AnnRunSeconds    = annotationPrefix + "run-seconds"
	AnnExitCode      = annotationPrefix + "exit-code"
	AnnFailAttempts  = annotationPrefix + "fail-attempts"
	AnnRunner        = annotationPrefix + "runner"
)

func main() { os.Exit(run()) }

func run() int {
	ref, ok := runnerv1.TaskRefFromEnv(os.Getenv)
	if !ok {
		fmt.Fprintln(os.Stderr, "fakerunner: no task in the environment")
		return runnerv1.ExitInvalidInput
	}
	storageRoot, hardLimit := parseArgs(os.Args[1:])
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	client, err := taskapi.NewDynamicFromEnv()
	if err != nil {
		return finish(ref, storageRoot, runnerv1.ReasonInternal, err.Error())
	}
	gvr, err := ref.Resource()
	if err != nil {
		return finish(ref, storageRoot, runnerv1.ReasonInvalidInput, err.Error())
	}
	getCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	task, err := client.Resource(gvr).Namespace(ref.Namespace).Get(getCtx, ref.Name, metav1.GetOptions{})
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return finish(ref, storageRoot, runnerv1.ReasonTerminated, "terminated while reading the task")
		}
		return finish(ref, storageRoot, runnerv1.ReasonInternal, err.Error())
	}
	ann := task.GetAnnotations()
	if ann[AnnRunner] == "real" {
		return runReal(ctx, ref, storageRoot)
	}

	ledger(storageRoot, ref, "start", -1)
	duration := time.Duration(floatOr(ann[AnnRunSeconds], 5) * float64(time.Second))
	exitCode := int(floatOr(ann[AnnExitCode], 0))
	if ref.Attempt > 0 && ref.Attempt <= int32(floatOr(ann[AnnFailAttempts], 0)) {
		exitCode = runnerv1.ExitRetryable
	}

	sink, err := progress.NewKube(client, ref, progress.KubeOptions{Interval: time.Second,
		Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakerunner: progress disabled:", err)
		sink = nil
	}
	tracker := progress.NewTracker(progress.Plan{{Name: "work", Weight: 1}}, sinkOrNop(sink), nil)
	tracker.Stage("work", 100)

	start := time.Now()
	var hard <-chan time.Time
	if hardLimit > 0 {
		hard = time.After(hardLimit)
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			tracker.Done(errors.New("terminated"))
			return finish(ref, storageRoot, runnerv1.ReasonTerminated, "terminated by signal")
		case <-hard:
			tracker.Done(errors.New("hard time limit"))
			return finish(ref, storageRoot, runnerv1.ReasonHardTimeLimitExceeded, fmt.Sprintf("hard time limit exceeded (limit %s)", hardLimit))
		case <-tick.C:
			elapsed := time.Since(start)
			if elapsed < duration {
				tracker.Step(int(100*elapsed/duration), "working")
				continue
			}
			if exitCode != 0 {
				tracker.Done(errors.New("failed as told"))
				return finish(ref, storageRoot, runnerv1.ReasonForExitCode(int32(exitCode)), fmt.Sprintf("fakerunner exits %d as told", exitCode))
			}
			tracker.Done(nil)
			return finish(ref, storageRoot, runnerv1.ReasonCompleted, "chaos run completed")
		}
	}
}

// runReal runs the real runner with this process's arguments and environment, forwarding SIGTERM, and
// keeps the ledger around it.
func runReal(ctx context.Context, ref runnerv1.TaskRef, storageRoot string) int {
	self, err := os.Executable()
	if err != nil {
		return finish(ref, storageRoot, runnerv1.ReasonInternal, err.Error())
	}
	ledger(storageRoot, ref, "start", -1)
	cmd := exec.Command(filepath.Join(filepath.Dir(self), "langflix-runner"), os.Args[1:]...)
	cmd.Stdout, cmd.Stderr, cmd.Env = os.Stdout, os.Stderr, os.Environ()
	if err := cmd.Start(); err != nil {
		ledger(storageRoot, ref, "end", runnerv1.ExitRetryable)
		return finish(ref, storageRoot, runnerv1.ReasonInternal, err.Error())
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var waitErr error
	select {
	case waitErr = <-done:
	case <-ctx.Done():
		_ = cmd.Process.Signal(syscall.SIGTERM)
		waitErr = <-done
	}
	code := 0
	var exitErr *exec.ExitError
	if errors.As(waitErr, &exitErr) {
		code = exitErr.ExitCode()
		if code < 0 {
			code = runnerv1.ExitTerminated
		}
	}
	ledger(storageRoot, ref, "end", code)
	return code
}

// finish leaves the termination message, closes the ledger entry and returns the reason's exit code.
func finish(ref runnerv1.TaskRef, storageRoot string, reason runnerv1.Reason, message string) int {
	m := runnerv1.TerminationMessage{Reason: reason, Message: message}
	if reason == runnerv1.ReasonCompleted {
		m.Expressions, m.Manifest = 1, runnerv1.StorageRoot+"/"+ref.Namespace+"/"+ref.Name+"/manifest.json"
		m.Outputs = &runnerv1.Outputs{Videos: 1}
	}
	if path := os.Getenv(runnerv1.EnvTerminationLog); path != "" {
		if err := os.WriteFile(path, m.Encode(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "fakerunner: termination message:", err)
		}
	}
	code := reason.ExitCode()
	ledger(storageRoot, ref, "end", code)
	return code
}

// ledger appends one line to the task's ledger: "<event> <pod> <attempt> <unix nanoseconds> [exit code]".
// O_APPEND writes of one short line are atomic, so runners of one task never interleave their lines.
func ledger(storageRoot string, ref runnerv1.TaskRef, event string, code int) {
	if storageRoot == "" {
		return
	}
	dir := filepath.Join(storageRoot, "chaos-ledger")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	f, err := os.OpenFile(filepath.Join(dir, ref.Namespace+"_"+ref.Name+".log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	line := fmt.Sprintf("%s %s %d %d", event, os.Getenv("HOSTNAME"), ref.Attempt, time.Now().UnixNano())
	if code >= 0 {
		line += " " + strconv.Itoa(code)
	}
	_, _ = io.WriteString(f, line+"\n")
}

// parseArgs finds the storage root and the hard time limit among the runner's arguments; the rest of the
// contract's flags mean nothing to a fake run.
func parseArgs(args []string) (storageRoot string, hard time.Duration) {
	fs := flag.NewFlagSet("fakerunner", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	root := fs.String(runnerv1.FlagStorageRoot, "", "")
	hardLimit := fs.String(runnerv1.FlagHardTimeLimit, "", "")
	var rest []string
	for _, a := range args {
		// Keep only the two flags this program reads; the standard flag package stops at unknown ones.
		for _, name := range []string{runnerv1.FlagStorageRoot, runnerv1.FlagHardTimeLimit} {
			if len(a) > len(name)+3 && a[:len(name)+3] == "--"+name+"=" {
				rest = append(rest, a)
			}
		}
	}
	_ = fs.Parse(rest)
	if d, err := runnerv1.ParseTimeLimit(*hardLimit); err == nil {
		hard = d
	}
	return *root, hard
}

func floatOr(s string, def float64) float64 {
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		return v
	}
	return def
}

func sinkOrNop(s progress.Sink) progress.Sink {
	if s == nil {
		return nopSink{}
	}
	return s
}

type nopSink struct{}

func (nopSink) Update(progress.Snapshot) {}
func (nopSink) Close()                   {}
