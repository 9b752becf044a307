// Command kubectl-langflix is the kubectl plugin for langflix-operator tasks (kubectl langflix watch, logs,
// retry). kubectl finds it on PATH by its name; `go install ./cmd/kubectl-langflix` puts it there.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/klog/v2"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/langflix/langflix-operator/internal/kubectlplugin"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The controller-runtime client logs through klog to stderr, like kubectl, instead of warning that no
	// logger was set.
	ctrllog.SetLogger(klog.NewKlogr())

	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	isTerminal := func() bool { return term.IsTerminal(int(os.Stdout.Fd())) }
	cmd := kubectlplugin.NewCommand(kubectlplugin.NewOptions(streams, isTerminal))
	if err := cmd.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		stop()
		os.Exit(1)
	}
}
