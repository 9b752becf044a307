package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/progress"
)

// Flag names shared by several commands; the operator passes exactly these.
const (
	flagStorageRoot    = "storage-root"
	flagOut            = "out"
	flagFont           = "font"
	flagSoftTimeLimit  = "soft-time-limit"
	flagProgress       = "progress"
	flagTerminationLog = "termination-log"
	flagWorkDir        = "work-dir"
)

// Environment variables the operator may set instead of flags. A flag given explicitly wins.
const (
	envTerminationLog = "LANGFLIX_TERMINATION_LOG"
	envSoftTimeLimit  = "LANGFLIX_SOFT_TIME_LIMIT"
	envRedisURL       = "LANGFLIX_REDIS_URL"
	envLLMAPIKey      = "LANGFLIX_LLM_API_KEY"
	envSlideContent   = "LANGFLIX_SLIDE_CONTENT"
)

// Progress modes of --progress.
const (
	progressAuto       = "auto"
	progressTTY        = "tty"
	progressPlain      = "plain"
	progressKubernetes = "kubernetes"
	progressNone       = "none"
)

// commonFlags are the flags of the commands that produce outputs (video, slides).
type commonFlags struct {
	storageRoot    string
	out            string
	font           string
	softTimeLimit  string
	progress       string
	terminationLog string
	workDir        string
}

func (c *commonFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.storageRoot, flagStorageRoot, "", "storage root that input and output paths are relative to (empty: paths as given, relative to the working folder)")
	fs.StringVar(&c.out, flagOut, "", "output folder (relative to --storage-root) or bucket URL")
	fs.StringVar(&c.font, flagFont, "", "font file that can draw Korean (default: found with fontconfig)")
	fs.StringVar(&c.softTimeLimit, flagSoftTimeLimit, "", "stop starting new work this long after process start and keep partial results (e.g. 50m; env "+envSoftTimeLimit+"; 0 = none)")
	fs.StringVar(&c.progress, flagProgress, progressAuto, "progress output: auto, tty, plain, kubernetes or none")
	fs.StringVar(&c.terminationLog, flagTerminationLog, "", "file for the termination message (env "+envTerminationLog+", default /dev/termination-log when /dev exists)")
	fs.StringVar(&c.workDir, flagWorkDir, "", "folder for downloads and intermediate files (default: the system temporary folder)")
}

// softLimit returns the soft time limit from the flag, else the environment. Plain numbers are seconds,
// because that is how Celery configured it.
func (c *commonFlags) softLimit(cmd *cobra.Command) (time.Duration, error) {
	value, source := c.softTimeLimit, "--"+flagSoftTimeLimit
	if !cmd.Flags().Changed(flagSoftTimeLimit) {
		value, source = os.Getenv(envSoftTimeLimit), envSoftTimeLimit
	}
	return parseLimit(value, source)
}

func parseLimit(value, source string) (time.Duration, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, nil
	}
	if secs, err := strconv.ParseFloat(value, 64); err == nil {
		if secs < 0 {
			return 0, failure.Invalid("%s=%q: must not be negative", source, value)
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(value)
	if err != nil {
		return 0, failure.Invalid("%s=%q: not a duration (use e.g. 45m or 2700)", source, value)
	}
	if d < 0 {
		return 0, failure.Invalid("%s=%q: must not be negative", source, value)
	}
	return d, nil
}

// envDefault fills a string flag from the environment when the flag was not given.
func envDefault(cmd *cobra.Command, flag, env string, dst *string) {
	if !cmd.Flags().Changed(flag) {
		if v := os.Getenv(env); v != "" {
			*dst = v
		}
	}
}

// newReporter builds the progress reporter for mode. A Kubernetes sink that cannot be set up is logged
// and skipped: progress is a convenience, never a reason to fail a task.
func (a *app) newReporter(mode string, plan progress.Plan) (progress.Reporter, error) {
	_, inTask := progress.TaskRefFromEnv()
	if mode == progressAuto {
		switch {
		case inTask:
			mode = progressKubernetes
		case a.env.StdoutIsTTY:
			mode = progressTTY
		default:
			mode = progressPlain
		}
	}
	var sink progress.Sink
	switch mode {
	case progressNone:
		return progress.Nop(), nil
	case progressTTY:
		sink = progress.NewTerminal(a.env.Stdout, true)
	case progressPlain:
		sink = progress.NewTerminal(a.env.Stdout, false)
	case progressKubernetes:
		// Plain lines too: they end up in the pod log, which outlives the task's status.
		sink = progress.NewTerminal(a.env.Stdout, false)
		kube, err := progress.NewKubeFromEnv(progress.KubeOptions{Logf: a.logf})
		if err != nil {
			a.log.Warn("kubernetes progress disabled", "error", err)
		} else {
			sink = progress.Multi(kube, sink)
		}
	default:
		return nil, failure.Invalid("--%s=%q: want auto, tty, plain, kubernetes or none", flagProgress, mode)
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
