package launch

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/langflix/langflix-operator/hack/localnode/internal/imagemap"
)

// ProcessInput is everything needed to describe one container as a host process.
type ProcessInput struct {
	Container *corev1.Container
	// Rule is the image map rule that selected the container's image.
	Rule imagemap.Rule
	// Env is the container's resolved environment in the container's view (see ResolveEnv).
	Env []EnvVar
	// Paths maps the container's mount paths and termination message path to host paths.
	Paths PathMap
	// HostEnv holds variables inherited from the node (PATH, HOME, ...); the container's env overrides them.
	HostEnv []EnvVar
	// Defaults are host-side variables localnode provides (HOSTNAME, TMPDIR, KUBECONFIG); they override
	// HostEnv and are overridden by the container's env.
	Defaults []EnvVar
	// DefaultDir is the working directory when the container sets none.
	DefaultDir string
}

// Process is a container translated to a host process.
type Process struct {
	Argv []string
	Env  []string // NAME=value
	Dir  string
}

// BuildProcess expands the container's command and args with its environment (as the kubelet does), swaps
// in the mapped executable, and rewrites mount paths in arguments, environment values and the working
// directory to their host paths.
func BuildProcess(in ProcessInput) (Process, error) {
	c := in.Container
	var env envList
	for _, e := range in.Env {
		env.set(e.Name, e.Value)
	}
	expand := func(list []string) []string {
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = Expand(s, env.lookup)
		}
		return out
	}
	argv, err := in.Rule.Argv(expand(c.Command), expand(c.Args))
	if err != nil {
		return Process{}, &SetupError{Reason: ReasonUnsupported, Permanent: true, Err: fmt.Errorf("container %q: %w", c.Name, err)}
	}
	for i := 1; i < len(argv); i++ {
		argv[i] = in.Paths.Rewrite(argv[i])
	}

	var merged envList
	for _, e := range in.HostEnv {
		merged.set(e.Name, e.Value)
	}
	for _, e := range in.Defaults {
		merged.set(e.Name, e.Value)
	}
	for _, e := range in.Env {
		merged.set(e.Name, in.Paths.Rewrite(e.Value))
	}
	environ := make([]string, len(merged.vars))
	for i, e := range merged.vars {
		environ[i] = e.Name + "=" + e.Value
	}

	dir := in.DefaultDir
	if c.WorkingDir != "" {
		dir = in.Paths.Rewrite(c.WorkingDir)
	}
	return Process{Argv: argv, Env: environ, Dir: dir}, nil
}
