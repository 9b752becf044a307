package kubectlplugin

import (
	"flag"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/klog/v2"
	"k8s.io/utils/clock"
)

// Version is the plugin's version, set at build time with
// -ldflags "-X github.com/langflix/langflix-operator/internal/kubectlplugin.Version=v1.2.3".
var Version = "dev"

// Options is what every subcommand shares: kubectl's connection flags, the terminal streams and the clock.
type Options struct {
	// ConfigFlags are kubectl's standard flags (--kubeconfig, --context, -n, --server, ...).
	ConfigFlags *genericclioptions.ConfigFlags
	IOStreams   genericiooptions.IOStreams
	// Clock stamps plain watch lines and counts ETAs down; tests pass a fake one.
	Clock clock.PassiveClock
	// IsTerminal reports whether IOStreams.Out is a terminal, which picks live bars over plain lines.
	IsTerminal func() bool
}

// NewOptions returns the options of a real invocation.
func NewOptions(streams genericiooptions.IOStreams, isTerminal func() bool) *Options {
	return &Options{
		ConfigFlags: genericclioptions.NewConfigFlags(true),
		IOStreams:   streams,
		Clock:       clock.RealClock{},
		IsTerminal:  isTerminal,
	}
}

// NewCommand builds `kubectl langflix` and its subcommands.
func NewCommand(o *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kubectl-langflix",
		Short: "Watch, inspect and retry langflix VideoTasks and SlideTasks",
		Long: "kubectl langflix follows the operator's VideoTasks and SlideTasks from the terminal: live progress\n" +
			"bars with an ETA, the runner log of the current attempt, and retries of finished tasks.",
		Annotations: map[string]string{
			// kubectl runs the binary kubectl-langflix as "kubectl langflix"; help and usage say so.
			cobra.CommandDisplayNameAnnotation: "kubectl langflix",
		},
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.SetIn(o.IOStreams.In)
	cmd.SetOut(o.IOStreams.Out)
	cmd.SetErr(o.IOStreams.ErrOut)
	o.ConfigFlags.AddFlags(cmd.PersistentFlags())
	// -v sets the log verbosity as in kubectl (-v=6 shows the API requests), not the version.
	klogFlags := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(klogFlags)
	cmd.PersistentFlags().AddGoFlag(klogFlags.Lookup("v"))
	cmd.Flags().Bool("version", false, "print the version of kubectl-langflix")

	cmd.AddCommand(newWatchCommand(o), newLogsCommand(o), newRetryCommand(o))
	return cmd
}
