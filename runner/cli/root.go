// Package cli is the runner's command line: `langflix-runner video|slides|cleanup|version`. It turns
// flags and environment into pipeline configurations, wires progress reporting, deadlines and signals,
// and makes sure every exit path leaves a termination message for the operator.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/client-go/dynamic"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/runner/redact"
)

// Version is the runner's version, set at build time with
// -ldflags "-X github.com/langflix/langflix-operator/runner/cli.Version=v1.2.3".
var Version = "dev"

// processStart approximates the process start: the soft time limit counts from here, so time spent
// before the pipeline starts (downloads, probing) is not free.
var processStart = time.Now()

// Env is what a command run gets from its process. Execute fills it from the real process; tests fill it
// with buffers.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// StdoutIsTTY selects the progress bar in --progress auto.
	StdoutIsTTY bool
	// Start is when the process started; the soft time limit counts from it.
	Start time.Time
	// TaskClient connects to the API server to read the run's task (a SlideTask's content). Nil means
	// taskapi.NewDynamicFromEnv: in-cluster, else KUBECONFIG.
	TaskClient func() (dynamic.Interface, error)
}

// Execute runs the command named by os.Args. SIGTERM and SIGINT cancel the run. The returned error
// carries the failure reason; pass it to failure.ExitCode.
func Execute() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return Run(ctx, os.Args[1:], Env{
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		StdoutIsTTY: term.IsTerminal(int(os.Stdout.Fd())),
		Start:       processStart,
	})
}

// Run runs the command given by args in env. Every outcome, including a usage error, ends with a
// termination message (when a termination log is configured) and an error that carries its reason.
func Run(ctx context.Context, args []string, env Env) error {
	if env.Start.IsZero() {
		env.Start = time.Now()
	}
	// URLs in logs lose their credentials (presigned queries, passwords): the log outlives the run.
	a := &app{env: env, args: args, log: slog.New(redact.NewHandler(slog.NewTextHandler(env.Stderr, nil)))}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return nil
	}
	if !a.started && failure.ReasonOf(err) == failure.Internal {
		// Cobra rejected the command line before any command ran: unknown command or flag, missing
		// required flag. Retrying cannot fix that.
		err = failure.Invalid("%v (see %s --help)", err, cmd.CommandPath())
	}
	a.log.Error("runner failed", "reason", failure.ReasonOf(err), "error", err)
	if !a.reported {
		a.writeTermination(cmd, runnerv1.TerminationMessage{Reason: failure.ReasonOf(err), Message: err.Error()})
	}
	return err
}

// app is one invocation's state shared by the commands.
type app struct {
	env  Env
	args []string
	log  *slog.Logger
	// started is set when a command's RunE begins; errors before that are usage errors.
	started bool
	// reported is set once a termination message was written.
	reported bool
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "langflix-runner",
		Short: "Turns a video and its subtitles into language lessons (runs inside LangFlix task Jobs)",
		Long: fmt.Sprintf("langflix-runner does the work of one LangFlix task: it finds expressions worth learning in the\n"+
			"dialogue of a video, cuts clips around them, renders slides and builds educational videos and\n"+
			"shorts with ffmpeg. Exit codes: %d done, %d retryable failure, %d invalid input, %d soft time limit\n"+
			"exceeded (partial results kept), %d hard time limit exceeded, %d terminated by SIGTERM or SIGINT.",
			runnerv1.ExitOK, runnerv1.ExitRetryable, runnerv1.ExitInvalidInput, runnerv1.ExitSoftTimeLimit,
			runnerv1.ExitHardTimeLimit, runnerv1.ExitTerminated),
		SilenceUsage:  true,
		SilenceErrors: true, // Run logs the error once, with its reason
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return failure.Invalid("%v", err) })
	root.AddCommand(a.videoCommand(), a.slidesCommand(), a.cleanupCommand(), a.versionCommand())
	return root
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   runnerv1.CommandVersion,
		Short: "Print the runner version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.started, a.reported = true, true
			_, err := fmt.Fprintf(a.env.Stdout, "langflix-runner %s (%s %s/%s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

// begin marks the start of a command's own work.
func (a *app) begin() { a.started = true }

// writeTermination writes the termination message m to the termination log chosen by cmd's
// --termination-log flag (when it has one and it was parsed), the contract's environment variable or the
// Kubernetes default. Failing to write it is logged: the exit code still tells the operator the outcome.
func (a *app) writeTermination(cmd *cobra.Command, m runnerv1.TerminationMessage) {
	a.reported = true
	flag := ""
	if cmd != nil {
		if f := cmd.Flags().Lookup(runnerv1.FlagTerminationLog); f != nil {
			flag = f.Value.String()
		}
	}
	if flag == "" {
		// Flag parsing stops at the first bad flag, so a --termination-log after it was never parsed.
		flag = scanFlag(a.args, runnerv1.FlagTerminationLog)
	}
	path := manifest.ResolveTerminationLog(flag, os.Getenv(runnerv1.EnvTerminationLog))
	if err := manifest.WriteTermination(path, redactTermination(m)); err != nil {
		a.log.Warn("termination message not written", "path", path, "error", err)
	}
}

// scanFlag finds the value of --name in args ("--name value" or "--name=value") without a flag parser.
func scanFlag(args []string, name string) string {
	for i, arg := range args {
		if arg == "--" {
			break
		}
		if value, ok := strings.CutPrefix(arg, "--"+name+"="); ok {
			return value
		}
		if arg == "--"+name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// exitError classifies the error a pipeline returned for the termination message and exit code: a
// context error that escaped classification is still a termination, not an internal failure.
func exitError(err error) error {
	if err != nil && failure.ReasonOf(err) == failure.Internal && errors.Is(err, context.Canceled) {
		return failure.Wrap(failure.Terminated, err)
	}
	return err
}
