package provider

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/langflix/langflix-operator/hack/localnode/internal/launch"
)

// process is one running instance of a container. It leads its own process group so that signals reach
// every program it started (a shell's children included), as they would inside a container.
type process struct {
	pid       int
	startedAt time.Time
	done      chan struct{} // closed once the process has exited and its group was cleared

	// Valid after done is closed.
	exitCode   int
	finishedAt time.Time
}

// startProcess starts spec with stdout and stderr appended to logPath. The child dies with SIGKILL if
// localnode itself dies without a clean shutdown (Pdeathsig), so a crashed node does not leak work.
func startProcess(spec launch.Process, logPath string) (*process, error) {
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open container log: %w", err)
	}
	defer logFile.Close() // the child holds its own descriptor

	cmd := exec.Command(spec.Argv[0], spec.Argv[1:]...)
	cmd.Env = spec.Env
	cmd.Dir = spec.Dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{pid: cmd.Process.Pid, startedAt: time.Now(), done: make(chan struct{})}
	go p.wait(cmd)
	return p, nil
}

func (p *process) wait(cmd *exec.Cmd) {
	err := cmd.Wait()
	p.finishedAt = time.Now()
	p.exitCode = exitCodeOf(cmd.ProcessState, err)
	// A container ends when its main process ends: whatever it left behind in its group goes too, and the
	// container counts as terminated only once they are gone, as with a container's cgroup.
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	deadline := time.Now().Add(groupExitTimeout)
	for groupAlive(p.pid) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	close(p.done)
}

// groupExitTimeout bounds the wait for killed group members to exit (one stuck in uninterruptible I/O may
// take long; it is reported as gone anyway).
const groupExitTimeout = 5 * time.Second

// groupAlive reports whether a process of group pgid still runs. Zombies do not count: they have exited and
// wait to be reaped by their new parent, which localnode is not.
func groupAlive(pgid int) bool {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return false
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		state, group, ok := parseStat(stat)
		if ok && group == pgid && state != 'Z' && state != 'X' && pid > 0 {
			return true
		}
	}
	return false
}

// parseStat extracts the state and process group from /proc/<pid>/stat. The command name in parentheses
// may contain spaces and parentheses, so parsing starts after the last ')'.
func parseStat(stat []byte) (state byte, pgid int, ok bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, 0, false
	}
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < 3 || len(fields[0]) != 1 {
		return 0, 0, false
	}
	pgid, err := strconv.Atoi(fields[2]) // state, ppid, pgrp
	if err != nil {
		return 0, 0, false
	}
	return fields[0][0], pgid, true
}

// exitCodeOf reports the exit code the way container runtimes do: 128+N for a process killed by signal N.
func exitCodeOf(state *os.ProcessState, err error) int {
	if state == nil {
		return 128
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return 128
	}
	return state.ExitCode()
}

// signal sends sig to the whole process group, unless the process already finished.
func (p *process) signal(sig syscall.Signal) {
	select {
	case <-p.done:
	default:
		_ = syscall.Kill(-p.pid, sig)
	}
}

// stop sends SIGTERM, then SIGKILL once grace has passed or kill is closed, and waits for the exit.
func (p *process) stop(grace time.Duration, kill <-chan struct{}) {
	p.signal(syscall.SIGTERM)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-p.done:
		return
	case <-timer.C:
	case <-kill:
	}
	p.signal(syscall.SIGKILL)
	<-p.done
}
