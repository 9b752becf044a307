package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"

	"github.com/langflix/langflix-operator/runner/failure"
)

// forbiddenFileRoots are where a container keeps its process state and credentials: /proc/self/environ holds
// the runner's secrets (the LLM API key, the Redis URL), /var/run/secrets the ServiceAccount token, /dev and
// /sys the kernel's interfaces. No task input or output lives there, and a file:// reference into them would
// copy those secrets into the task's outputs or its error message, where the task's author reads them.
var forbiddenFileRoots = []string{"/proc", "/sys", "/dev", "/run", "/var/run"}

// safeFilePath checks the absolute path of a file:// reference, after following its symbolic links, and
// returns the resolved path: the caller reads that one, so a link swapped after the check changes nothing.
func safeFilePath(kind string, u *url.URL, p string) (string, error) {
	real, err := resolveExisting(p)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", kind, redact(u), err)
	}
	for _, root := range forbiddenFileRoots {
		if within(root, p) || within(root, real) {
			return "", failure.Invalid("%s %s: file URLs may not read or write below %s (the runner's process state and credentials)",
				kind, redact(u), root)
		}
	}
	return real, nil
}

// resolveExisting follows the symbolic links of the longest existing part of p and appends the rest.
func resolveExisting(p string) (string, error) {
	rest := ""
	for {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(p, rest), nil
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}
