package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/langflix/langflix-operator/runner/cleanup"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/manifest"
)

type cleanupFlags struct {
	root           string
	paths          []string
	retentionDays  int
	include        []string
	exclude        []string
	dryRun         bool
	terminationLog string
}

func (a *app) cleanupCommand() *cobra.Command {
	f := &cleanupFlags{}
	cmd := &cobra.Command{
		Use:   "cleanup",
		Short: "Delete old files from the storage volume and print a JSON summary",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.runCleanup(cmd, f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.root, "root", "", "storage root to clean (absolute)")
	fs.StringArrayVar(&f.paths, "path", nil, "folder below --root to clean (repeatable; default: all of it)")
	fs.IntVar(&f.retentionDays, "retention-days", 7, "delete files older than this many days")
	fs.StringArrayVar(&f.include, "include", nil, "only delete files matching this glob (repeatable, ** for any folders)")
	fs.StringArrayVar(&f.exclude, "exclude", nil, "never delete paths matching this glob (repeatable)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "report what would be deleted without deleting")
	fs.StringVar(&f.terminationLog, flagTerminationLog, "", "file for the termination message (env "+envTerminationLog+")")
	return cmd
}

// runCleanup prints the Summary on stdout and writes it, with reason and message, as the termination
// message: even a failed run reports what it did before failing.
func (a *app) runCleanup(cmd *cobra.Command, f *cleanupFlags) error {
	a.begin()
	sum, err := cleanup.Run(cmd.Context(), cleanup.Options{
		Root:          f.root,
		Paths:         f.paths,
		RetentionDays: f.retentionDays,
		Include:       f.include,
		Exclude:       f.exclude,
		DryRun:        f.dryRun,
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
	term := manifest.CleanupTermination{Reason: manifest.ReasonCompleted, Summary: sum}
	if err != nil {
		term.Reason, term.Message = string(failure.ReasonOf(err)), err.Error()
	}
	a.writeTermination(cmd, term.Encode())
	return err
}
