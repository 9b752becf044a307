package runnerv1alpha1

import (
	"fmt"
	"time"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// TaskOptions are the options the video and slides commands share.
type TaskOptions struct {
	// StorageRoot is the folder input and output paths are relative to (the operator: StorageRoot).
	StorageRoot string
	// Out is the output folder, relative to StorageRoot, or a bucket URL.
	Out string
	// Progress is where progress goes: ProgressAuto, ProgressTTY, ProgressPlain, ProgressKubernetes or
	// ProgressNone.
	Progress string
	// SoftTimeLimit stops new work this long after the process started and keeps partial results; 0 is
	// none (then EnvSoftTimeLimit applies).
	SoftTimeLimit time.Duration
	// HardTimeLimit stops the run at once this long after the process started (reason
	// HardTimeLimitExceeded, exit code ExitHardTimeLimit); 0 is none (then EnvHardTimeLimit applies). The
	// operator passes the task's spec.timeLimits.hardSeconds, so the hard limit measures the runner's own time and not
	// the time its pod waited to be scheduled.
	HardTimeLimit time.Duration

	// Runner-local options, never set by the operator.

	// Font is a font file that can draw Korean (default: found with fontconfig).
	Font string
	// WorkDir is the folder for downloads and intermediate files (default: the system temporary folder).
	WorkDir string
	// TerminationLog is the termination message file (default: EnvTerminationLog, else
	// DefaultTerminationLog when /dev exists).
	TerminationLog string
}

// taskOptionsFor is what every task kind's Job passes: the storage mount, the output folder, Kubernetes
// progress and the soft time limit.
func taskOptionsFor(task tasksv1.Task) TaskOptions {
	tmpl := task.GetTemplate()
	return TaskOptions{
		StorageRoot:   StorageRoot,
		Out:           OutputOf(task),
		Progress:      ProgressKubernetes,
		SoftTimeLimit: softTimeLimit(tmpl.TimeLimits),
		HardTimeLimit: time.Duration(tmpl.TimeLimits.HardSeconds) * time.Second,
	}
}

// softTimeLimit is the runner's soft time limit for spec.timeLimits: none when it is not below the hard
// limit, which the API allows to turn the graceful stop off.
func softTimeLimit(l tasksv1.TimeLimits) time.Duration {
	if l.SoftSeconds >= l.HardSeconds {
		return 0
	}
	return time.Duration(l.SoftSeconds) * time.Second
}

// OutputOf is where a task's results go: spec.output, or "<namespace>/<name>/" when it is unset. That
// default depends on the object's name, which a schema default cannot express, so it lives here.
func OutputOf(task tasksv1.Task) string {
	if out := task.GetTemplate().Output; out != "" {
		return string(out)
	}
	return task.GetNamespace() + "/" + task.GetName() + "/"
}

func (o *TaskOptions) bind(fs FlagBinder) {
	fs.StringVar(&o.StorageRoot, FlagStorageRoot, "", "storage root that input and output paths are relative to (empty: paths as given, relative to the working folder)")
	fs.StringVar(&o.Out, FlagOut, "", "output folder (relative to --"+FlagStorageRoot+") or bucket URL")
	fs.StringVar(&o.Progress, FlagProgress, ProgressAuto, "progress output: auto, tty, plain, kubernetes or none")
	bindTimeLimit(fs, &o.SoftTimeLimit, FlagSoftTimeLimit, "stop starting new work this long after process start and keep partial results (`duration` such as 50m, or seconds; env "+EnvSoftTimeLimit+"; 0 = none)")
	bindTimeLimit(fs, &o.HardTimeLimit, FlagHardTimeLimit, "stop at once this long after process start, keeping nothing unfinished (`duration` such as 1h, or seconds; env "+EnvHardTimeLimit+"; 0 = none)")
	fs.StringVar(&o.Font, FlagFont, "", "font file that can draw Korean (default: found with fontconfig)")
	fs.StringVar(&o.WorkDir, FlagWorkDir, "", "folder for downloads and intermediate files (default: the system temporary folder)")
	fs.StringVar(&o.TerminationLog, FlagTerminationLog, "", "file for the termination message (env "+EnvTerminationLog+", default "+DefaultTerminationLog+" when /dev exists)")
}

func (o TaskOptions) args(a *argsBuilder) {
	a.opt(FlagStorageRoot, o.StorageRoot)
	a.opt(FlagOut, o.Out)
	a.str(FlagProgress, o.Progress)
	a.optDuration(FlagSoftTimeLimit, o.SoftTimeLimit)
	a.optDuration(FlagHardTimeLimit, o.HardTimeLimit)
	a.opt(FlagFont, o.Font)
	a.opt(FlagWorkDir, o.WorkDir)
	a.opt(FlagTerminationLog, o.TerminationLog)
}

// applyEnv fills the time limits from the environment when no flag set them.
func (o *TaskOptions) applyEnv(getenv func(string) string) error {
	for _, l := range []struct {
		env   string
		value *time.Duration
	}{{EnvSoftTimeLimit, &o.SoftTimeLimit}, {EnvHardTimeLimit, &o.HardTimeLimit}} {
		if *l.value != 0 {
			continue
		}
		d, err := ParseTimeLimit(getenv(l.env))
		if err != nil {
			return fmt.Errorf("%s: %w", l.env, err)
		}
		*l.value = d
	}
	return nil
}
