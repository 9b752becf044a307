package runnerv1alpha1

import (
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// CleanupOptions are the options of the runner's cleanup command.
type CleanupOptions struct {
	// Root is the storage root to clean (the operator: StorageRoot).
	Root string
	// Paths are folders below Root to clean; empty cleans all of it.
	Paths []string
	// RetentionDays keeps files modified within this many days.
	RetentionDays int
	// Include, when set, limits deletion to files matching one of these globs; Exclude globs are never
	// deleted.
	Include, Exclude []string
	// DryRun reports what would be deleted without deleting.
	DryRun bool
	// TerminationLog (runner-local) is the termination message file.
	TerminationLog string
}

// CleanupOptionsFromPolicy is how the operator runs the runner for a CleanupPolicy's CronJob, from the spec
// as the API server stores it (defaults filled in).
func CleanupOptionsFromPolicy(p *tasksv1.CleanupPolicy) CleanupOptions {
	s := p.Spec
	o := CleanupOptions{
		Root:          StorageRoot,
		RetentionDays: int(s.RetentionDays),
		DryRun:        DryRunFlag(s.Mode),
	}
	for _, path := range s.Paths {
		o.Paths = append(o.Paths, string(path))
	}
	if len(s.Include) > 0 {
		o.Include = append([]string(nil), s.Include...)
	}
	if len(s.Exclude) > 0 {
		o.Exclude = append([]string(nil), s.Exclude...)
	}
	return o
}

// DryRunFlag is the --dry-run value of spec.mode.
func DryRunFlag(m tasksv1.CleanupMode) bool { return m == tasksv1.CleanupDryRun }

// Args are the runner container's arguments: the command and its flags.
func (o CleanupOptions) Args() []string {
	a := argsBuilder{CommandCleanup}
	a.opt(FlagRoot, o.Root)
	a.list(FlagPath, o.Paths)
	a.int(FlagRetentionDays, o.RetentionDays)
	a.list(FlagInclude, o.Include)
	a.list(FlagExclude, o.Exclude)
	a.bool(FlagDryRun, o.DryRun)
	a.opt(FlagTerminationLog, o.TerminationLog)
	return a
}

// Env is the runner container's environment for these options: none.
func (o CleanupOptions) Env() []EnvVar { return nil }

// Bind registers the cleanup command's flags on fs, with the API's defaults as flag defaults.
func (o *CleanupOptions) Bind(fs FlagBinder) {
	fs.StringVar(&o.Root, FlagRoot, "", "storage root to clean (absolute)")
	bindList(fs, &o.Paths, FlagPath, "`folder` below --"+FlagRoot+" to clean (repeatable; default: all of it)")
	fs.IntVar(&o.RetentionDays, FlagRetentionDays, tasksv1.DefaultRetentionDays, "delete files older than this many days")
	bindList(fs, &o.Include, FlagInclude, "only delete files matching this `glob` (repeatable, ** for any folders)")
	bindList(fs, &o.Exclude, FlagExclude, "never delete paths matching this `glob` (repeatable)")
	fs.BoolVar(&o.DryRun, FlagDryRun, DryRunFlag(tasksv1.DefaultCleanupMode), "report what would be deleted without deleting")
	fs.StringVar(&o.TerminationLog, FlagTerminationLog, "", "file for the termination message (env "+EnvTerminationLog+")")
}
