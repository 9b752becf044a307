package pipeline_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/cli"
)

// cliRun is one in-process run of the runner's command line.
type cliRun struct {
	err         error
	stdout      string
	stderr      string
	termination runnerv1.TerminationMessage
	termRaw     []byte
}

// runCLI runs the runner in-process, exactly as the binary would, with the termination log in a temp
// file. Kubernetes progress is off unless the test sets LANGFLIX_TASK_* itself.
func runCLI(t *testing.T, stdin string, args ...string) cliRun {
	t.Helper()
	termPath := filepath.Join(t.TempDir(), "termination-log")
	args = append(args, "--termination-log", termPath)
	var stdout, stderr bytes.Buffer
	err := cli.Run(context.Background(), args, cli.Env{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr})
	r := cliRun{err: err, stdout: stdout.String(), stderr: stderr.String()}
	readJSONBytes(t, termPath, &r.termination, &r.termRaw)
	return r
}

func readJSONBytes(t *testing.T, path string, v any, raw *[]byte) {
	t.Helper()
	readJSON(t, path, v)
	*raw = mustRead(t, path)
}
