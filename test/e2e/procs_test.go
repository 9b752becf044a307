//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// hostProcess is a process on this machine. localnode runs pods as local processes, so the suite can check
// on them directly in /proc.
type hostProcess struct {
	pid int
	// comm is the program name (the kernel's comm, at most 15 characters).
	comm string
	// started is the start time in clock ticks since boot: with pid it names one process for good, even if
	// the pid is reused later.
	started uint64
}

func (p hostProcess) String() string { return fmt.Sprintf("%s[%d]", p.comm, p.pid) }

// alive reports whether the process still runs: its pid exists, was started at the same time, and is not
// a zombie waiting to be reaped.
func (p hostProcess) alive() bool {
	now, state, ok := readStat(p.pid)
	return ok && now.started == p.started && state != 'Z'
}

// podProcesses lists the processes of a pod: localnode sets HOSTNAME to the pod's name in the environment of
// every container process, and the programs those start (the runner's ffmpeg) inherit it.
func podProcesses(pod string) []hostProcess {
	want := []byte("HOSTNAME=" + pod)
	entries, _ := os.ReadDir("/proc")
	var procs []hostProcess
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// Processes come and go while this runs; one that is gone simply is not listed.
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !hasEnvEntry(env, want) {
			continue
		}
		if p, state, ok := readStat(pid); ok && state != 'Z' {
			procs = append(procs, p)
		}
	}
	return procs
}

func hasEnvEntry(environ, entry []byte) bool {
	for _, kv := range bytes.Split(environ, []byte{0}) {
		if bytes.Equal(kv, entry) {
			return true
		}
	}
	return false
}

// readStat reads a process's name, state and start time from /proc/<pid>/stat.
func readStat(pid int) (hostProcess, byte, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return hostProcess{}, 0, false
	}
	// "pid (comm) state ppid ... starttime ...": comm may hold spaces and parentheses, so split at the last ')'.
	s := string(data)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return hostProcess{}, 0, false
	}
	fields := strings.Fields(s[end+1:])
	// fields[0] is the state (field 3 of stat); starttime is field 22, so fields[19].
	if len(fields) < 20 {
		return hostProcess{}, 0, false
	}
	started, err := strconv.ParseUint(fields[19], 10, 64)
	if err != nil {
		return hostProcess{}, 0, false
	}
	return hostProcess{pid: pid, comm: s[open+1 : end], started: started}, fields[0][0], true
}

// startTime is when the process started: its start ticks (USER_HZ, 100 on every architecture Go supports)
// against the uptime in /proc/uptime, both counted from boot with 10 ms resolution.
func (p hostProcess) startTime() (time.Time, error) {
	now := time.Now()
	data, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return time.Time{}, err
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return time.Time{}, fmt.Errorf("/proc/uptime: %q", data)
	}
	uptime, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("/proc/uptime: %w", err)
	}
	const userHZ = 100
	age := time.Duration((uptime - float64(p.started)/userHZ) * float64(time.Second))
	return now.Add(-age), nil
}

// names returns the program names of procs, for assertions and messages.
func names(procs []hostProcess) []string {
	out := make([]string, len(procs))
	for i, p := range procs {
		out[i] = p.comm
	}
	return out
}

// stillAlive returns those of procs that still run.
func stillAlive(procs []hostProcess) []hostProcess {
	var out []hostProcess
	for _, p := range procs {
		if p.alive() {
			out = append(out, p)
		}
	}
	return out
}
