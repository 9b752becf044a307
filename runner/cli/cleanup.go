package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/cleanup"
	"github.com/langflix/langflix-operator/runner/failure"
)

func (a *app) cleanupCommand() *cobra.Command {
	o := &runnerv1.CleanupOptions{}
	cmd := &cobra.Command{
		Use:   runnerv1.CommandCleanup,
		Short: "Delete old files from the storage volume and print a JSON summary",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.runCleanup(cmd, o) },
	}
	o.Bind(cmd.Flags())
	return cmd
}

// runCleanup prints the Summary on stdout and writes it, with reason and message, as the termination
// message: even a failed run reports what it did before failing.
func (a *app) runCleanup(cmd *cobra.Command, o *runnerv1.CleanupOptions) error {
	a.begin()
	sum, err := cleanup.Run(cmd.Context(), cleanup.Options{
		Root:          o.Root,
		Paths:         o.Paths,
		RetentionDays: o.RetentionDays,
		Include:       o.Include,
		Exclude:       o.Exclude,
		DryRun:        o.DryRun,
		Now:           time.Now(),
		Log:           a.logf,
	})
	if err != nil && cmd.Context().Err() != nil {
		err = failure.Wrap(failure.Terminated, err)
	}
	out, jsonErr := json.Marshal(sum)
	if jsonErr != nil {
		return fmt.Errorf("encode cleanup summary: %w", jsonErr)
	}
	if _, werr := fmt.Fprintln(a.env.Stdout, string(out)); werr != nil && err == nil {
		err = fmt.Errorf("print cleanup summary: %w", werr)
	}
	term := runnerv1.TerminationMessage{Reason: runnerv1.ReasonCompleted, CleanupResult: &sum}
	if err != nil {
		term.Reason, term.Message = failure.ReasonOf(err), err.Error()
	}
	a.writeTermination(cmd, term)
	return err
}
