package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/langflix/langflix-operator/runner/childproc"
	"github.com/langflix/langflix-operator/runner/fsutil"
)

// stopGrace is how long ffmpeg may take to stop by itself after "q" and SIGINT before its process group
// is killed. Three seconds is plenty to write a trailer; a hung filter graph gets no more.
const stopGrace = 3 * time.Second

// stderrTailLines is how much of ffmpeg's stderr goes into an error: the cause is almost always in the
// last few lines, and whole logs would bloat task status.
const stderrTailLines = 20

// run executes bin with args and returns its stdout. It is the only way this package starts a process.
//
// The process gets its own process group, so on cancellation the whole group can be stopped without
// touching the runner. Cancellation first asks nicely (ffmpeg's "q" command on stdin and SIGINT, which
// make it stop encoding), then SIGKILLs the group after stopGrace. Whatever happens, run returns only after
// the process has exited and its group has been killed, so nothing it started outlives the call.
func run(ctx context.Context, bin string, args []string) ([]byte, error) {
	name := filepath.Base(bin)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s not started: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	// Local files and pipes only, and none of the runner's secrets in the child's environment.
	childproc.Prepare(cmd)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid: true,
		// If the runner itself dies (SIGKILL, OOM), the kernel kills ffmpeg too. The signal follows the
		// thread that started the process; Go only ends threads whose goroutine exits while locked with
		// runtime.LockOSThread, which nothing here does.
		Pdeathsig: syscall.SIGKILL,
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("%s stdin: %w", name, err)
	}
	var stdout bytes.Buffer
	stderr := newTailWriter(stderrTailLines)
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	pid := cmd.Process.Pid

	exited := make(chan struct{})
	go func() {
		waitExited(pid)
		close(exited)
	}()
	cancelled := false
	select {
	case <-exited:
	case <-ctx.Done():
		cancelled = true
		stopGracefully(stdin, pid)
		select {
		case <-exited:
		case <-time.After(stopGrace):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-exited
		}
	}
	// The leader has exited but is not reaped yet, so its process group id cannot have been reused: kill
	// anything left in the group before Wait releases it.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	waitErr := cmd.Wait()

	if cancelled {
		return nil, fmt.Errorf("%s stopped: %w", name, ctx.Err())
	}
	if waitErr != nil {
		return nil, &processError{name: name, err: waitErr, stderr: stderr.String()}
	}
	return stdout.Bytes(), nil
}

// processError is a process that ran and failed, as opposed to one that could not start or was
// cancelled: only then does its verdict say something about the input.
type processError struct {
	name   string
	err    error
	stderr string // last lines
}

func (e *processError) Error() string {
	return fmt.Sprintf("%s failed (%v): %s", e.name, e.err, e.stderr)
}

func (e *processError) Unwrap() error { return e.err }

// stopGracefully asks ffmpeg to stop: "q" is its interactive quit command, SIGINT its signal for the same.
// Both are sent because either may be missed (stdin interaction disabled, a blocking read).
func stopGracefully(stdin io.Writer, pid int) {
	_, _ = io.WriteString(stdin, "q")
	_ = syscall.Kill(-pid, syscall.SIGINT)
}

// waitExited blocks until pid has exited, without reaping it (WNOWAIT), so the caller can still signal its
// process group safely.
func waitExited(pid int) {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			return
		}
	}
}

// produce runs ffmpeg to create dst: args receives the temporary output path. The temporary file is
// removed on any failure (including cancellation) and renamed to dst on success.
func (t Tools) produce(ctx context.Context, dst string, args func(tmp string) []string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("create folder for %s: %w", dst, err)
	}
	tmp := fsutil.TempPath(dst)
	if _, err := run(ctx, t.ffmpeg(), args(tmp)); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := fsutil.Commit(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// tailWriter keeps the last n lines written to it. It is safe for the concurrent writes exec may make.
type tailWriter struct {
	mu      sync.Mutex
	n       int
	lines   []string
	partial []byte
}

// maxLineBytes bounds one remembered line; ffmpeg can print very long lines (filter graphs, SDP).
const maxLineBytes = 1024

func newTailWriter(n int) *tailWriter { return &tailWriter{n: n} }

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, b := range p {
		if b == '\n' || b == '\r' {
			w.push()
			continue
		}
		if len(w.partial) < maxLineBytes {
			w.partial = append(w.partial, b)
		}
	}
	return len(p), nil
}

// push ends the current line; blank lines are not worth a slot.
func (w *tailWriter) push() {
	line := strings.TrimSpace(string(w.partial))
	w.partial = w.partial[:0]
	if line == "" {
		return
	}
	w.lines = append(w.lines, line)
	if len(w.lines) > w.n {
		w.lines = w.lines[len(w.lines)-w.n:]
	}
}

// String returns the remembered lines, including an unterminated last one.
func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	lines := w.lines
	if last := strings.TrimSpace(string(w.partial)); last != "" {
		lines = append(lines[:len(lines):len(lines)], last)
		if len(lines) > w.n {
			lines = lines[1:]
		}
	}
	if len(lines) == 0 {
		return "(no output)"
	}
	return strings.Join(lines, "\n")
}
