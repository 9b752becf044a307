package manifest

import (
	"fmt"
	"os"
	"path/filepath"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

// ResolveTerminationLog picks the termination log path: the explicit flag value, else env value, else the
// Kubernetes default when its folder exists (so local runs do not fail for lack of /dev/termination-log).
// An empty result means no termination log is written.
func ResolveTerminationLog(flag, env string) string {
	switch {
	case flag != "":
		return flag
	case env != "":
		return env
	}
	if info, err := os.Stat(filepath.Dir(runnerv1.DefaultTerminationLog)); err == nil && info.IsDir() {
		return runnerv1.DefaultTerminationLog
	}
	return ""
}

// WriteTermination writes the termination message m (encoded by the contract, under the kubelet's limit)
// to path in place. It does not rename a temporary file: Kubernetes bind-mounts the termination log, and a
// rename onto a mount point fails. An empty path writes nothing.
func WriteTermination(path string, m runnerv1.TerminationMessage) error {
	if path == "" {
		return nil
	}
	if err := os.WriteFile(path, m.Encode(), 0o644); err != nil {
		return fmt.Errorf("write termination log: %w", err)
	}
	return nil
}
