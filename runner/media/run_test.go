package media

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/langflix/langflix-operator/runner/fsutil"
)

func errorsIsCanceled(err error) bool { return errors.Is(err, context.Canceled) }

// proc is a process as seen in /proc.
type proc struct {
	pid, ppid, pgid int
	state           string
	cmdline         string
}

// processes lists live (non-zombie) processes. Zombies are skipped: in a container without an init that
// reaps orphans, a killed grandchild lingers as a zombie, which runs nothing.
func processes(t *testing.T) []proc {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		// The command name in parentheses may contain spaces; the fields after the last ')' do not.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) < 3 || fields[0] == "Z" {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		pgid, _ := strconv.Atoi(fields[2])
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		out = append(out, proc{pid: pid, ppid: ppid, pgid: pgid, state: fields[0],
			cmdline: strings.ReplaceAll(string(cmdline), "\x00", " ")})
	}
	return out
}

// ffmpegChildren are this test binary's ffmpeg children whose command line mentions match.
func ffmpegChildren(t *testing.T, match string) []proc {
	var out []proc
	for _, p := range processes(t) {
		if p.ppid == os.Getpid() && strings.Contains(p.cmdline, "ffmpeg") && strings.Contains(p.cmdline, match) {
			out = append(out, p)
		}
	}
	return out
}

// groupMembers lists live processes in process group pgid.
func groupMembers(t *testing.T, pgid int) []proc {
	var out []proc
	for _, p := range processes(t) {
		if p.pgid == pgid {
			out = append(out, p)
		}
	}
	return out
}

// watchFFmpegChildren samples /proc until the returned function is called, which returns the largest
// number of ffmpeg children writing into dir seen at once.
func watchFFmpegChildren(t *testing.T, dir string) func() int {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	peak := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		ticker := time.NewTicker(20 * time.Millisecond)
		defer ticker.Stop()
		for {
			peak = max(peak, len(ffmpegChildren(t, dir)))
			select {
			case <-stop:
				return
			case <-ticker.C:
			}
		}
	}()
	return func() int {
		close(stop)
		wg.Wait()
		return peak
	}
}

// waitFor polls cond until it holds; it fails the test after limit, which only guards against hangs.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %s", what, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hangGuard is how long a cancelled call may take before the test calls it hung. It is not a speed
// requirement: stopGrace plus generous scheduling slack on a loaded machine.
const hangGuard = stopGrace + 30*time.Second

func TestCancelStopsCutAndLeavesNothing(t *testing.T) {
	tools := DefaultTools()
	dir := t.TempDir()
	dst := filepath.Join(dir, "long.mp4")
	tmp := fsutil.TempPath(dst)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	result := make(chan error, 1)
	go func() {
		// The whole fixture upscaled to 720p: far longer than it takes to notice ffmpeg started.
		result <- tools.CutClip(ctx, Clip{Src: fixtures.video, Dst: dst, Start: 0, End: fixtureDuration})
	}()

	var ffmpeg proc
	waitFor(t, 60*time.Second, "ffmpeg to start writing "+tmp, func() bool {
		children := ffmpegChildren(t, tmp)
		if len(children) == 0 {
			return false
		}
		ffmpeg = children[0]
		_, err := os.Stat(tmp)
		return err == nil
	})
	if ffmpeg.pgid != ffmpeg.pid {
		t.Errorf("ffmpeg runs in process group %d, not its own (%d)", ffmpeg.pgid, ffmpeg.pid)
	}
	cancel()

	select {
	case err := <-result:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("CutClip after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(hangGuard):
		t.Fatalf("CutClip did not return within %s of cancellation", hangGuard)
	}
	if members := groupMembers(t, ffmpeg.pgid); len(members) != 0 {
		t.Errorf("processes left in ffmpeg's group: %+v", members)
	}
	for _, p := range []string{tmp, dst} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s exists after cancellation", p)
		}
	}
}

// TestCancelKillsStubbornGroup runs a process tree that ignores "q" and SIGINT: after stopGrace the whole
// group must be killed, including the child that would otherwise be orphaned.
func TestCancelKillsStubbornGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pids")
	script := `trap '' INT; sleep 600 & echo "$$ $!" > "$1"; wait`
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() {
		_, err := run(ctx, "/bin/sh", []string{"-c", script, "sh", pidFile})
		result <- err
	}()

	var shell, child int
	waitFor(t, 30*time.Second, "the script to start", func() bool {
		data, err := os.ReadFile(pidFile)
		fields := strings.Fields(string(data))
		if err != nil || len(fields) != 2 {
			return false
		}
		shell, _ = strconv.Atoi(fields[0])
		child, _ = strconv.Atoi(fields[1])
		return true
	})
	cancel()
	select {
	case err := <-result:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("run after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(hangGuard):
		t.Fatalf("run did not return within %s of cancellation", hangGuard)
	}
	for _, p := range processes(t) {
		if p.pid == shell || p.pid == child || p.pgid == shell {
			t.Errorf("process %+v survived cancellation", p)
		}
	}
}

func TestRunErrorCarriesStderrTail(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.mp4")
	_, err := run(testContext(t), "ffmpeg", []string{"-hide_banner", "-i", missing, "-f", "null", "-"})
	var failed *processError
	if !errors.As(err, &failed) {
		t.Fatalf("run = %v, want a processError", err)
	}
	if !strings.Contains(err.Error(), "No such file or directory") || !strings.Contains(err.Error(), missing) {
		t.Fatalf("error %q does not carry ffmpeg's explanation", err)
	}
}

func TestRunNotStartedWhenAlreadyCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	marker := filepath.Join(t.TempDir(), "ran")
	_, err := run(ctx, "/bin/sh", []string{"-c", "touch " + marker})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Fatal("the command ran although the context was already cancelled")
	}
}

func TestTailWriter(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		n      int
		want   string
	}{
		{"keeps last lines", []string{"a\nb\nc\nd\n"}, 2, "c\nd"},
		{"joins split writes", []string{"hel", "lo\nwor", "ld\n"}, 5, "hello\nworld"},
		{"unterminated last line", []string{"one\ntwo"}, 5, "one\ntwo"},
		{"unterminated counts toward n", []string{"one\ntwo\nthree"}, 2, "two\nthree"},
		{"carriage returns split", []string{"frame=1\rframe=2\rerror\n"}, 1, "error"},
		{"blank lines skipped", []string{"\n\n  \nx\n\n"}, 3, "x"},
		{"nothing", nil, 3, "(no output)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTailWriter(tt.n)
			for _, s := range tt.writes {
				if _, err := w.Write([]byte(s)); err != nil {
					t.Fatal(err)
				}
			}
			if got := w.String(); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	long := newTailWriter(1)
	_, _ = long.Write([]byte(strings.Repeat("x", 10*maxLineBytes) + "\n"))
	if got := len(long.String()); got != maxLineBytes {
		t.Fatalf("a long line was kept as %d bytes, want it capped at %d", got, maxLineBytes)
	}
}
