package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/langflix/langflix-operator/runner/childproc"
)

// stopGrace is how long a tool may take to exit after SIGINT before it is killed; ffmpeg needs a moment
// to finish its output, nothing needs longer.
const stopGrace = 3 * time.Second

// runTool runs a short external command (ffmpeg for slide videos, espeak-ng). On ctx's end the tool gets
// SIGINT, then SIGKILL after stopGrace; it never outlives the runner (Pdeathsig), and runTool returns
// only after it exited.
func runTool(ctx context.Context, bin string, args ...string) error {
	name := filepath.Base(bin)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s not started: %w", name, err)
	}
	cmd := childproc.Command(ctx, bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = stopGrace
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s stopped: %w", name, ctx.Err())
	case err != nil:
		return fmt.Errorf("%s failed (%v): %s", name, err, tail(stderr.String(), 10))
	}
	return nil
}

// tail keeps the last n lines of s, where tools put the cause of a failure.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return "(no output)"
	}
	return strings.Join(lines, "\n")
}
