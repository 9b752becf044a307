package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The API server, etcd, the cluster's controllers, kwok and the manager share the machine's cores. CPU
// time per process over a phase says who the API server's time went to, and how much of the machine the
// operator itself took; it explains a dispatch ratio that the operator's lag alone does not.

// clockTicks is the kernel's USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on every Linux
// architecture this runs on.
const clockTicks = 100

var cpuProcesses = []string{"kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler", "kwok"}

// cpuTimes is the CPU time (user and system) each control plane process and the manager used so far.
func (b *bench) cpuTimes() map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, name := range cpuProcesses {
		data, err := os.ReadFile(filepath.Join(b.cfg.clusterDir, "run", name+".pid"))
		if err != nil {
			continue
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			if d, err := processCPU(pid); err == nil {
				out[name] = d
			}
		}
	}
	if b.mgr != nil && b.mgr.cmd != nil && b.mgr.cmd.Process != nil {
		if d, err := processCPU(b.mgr.cmd.Process.Pid); err == nil {
			out["manager"] = d
		}
	}
	return out
}

// processCPU reads utime + stime of a process from /proc/<pid>/stat.
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; the fields after it start after its closing parenthesis.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(s[i+1:])
	// fields[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(fields))
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime/stime not numbers", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// cpuDelta is the CPU time used between two readings, per process.
func cpuDelta(before, after map[string]time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	for name, d := range after {
		if d0, ok := before[name]; ok {
			out[name] = d - d0
		}
	}
	return out
}

// cpuTable puts the CPU time of the bare phase and the task phase side by side.
func cpuTable(bare, tasks map[string]time.Duration, bareWall, tasksWall time.Duration) table {
	t := table{title: "CPU time by process, from the phase's kubectl create until all objects are terminal (/proc/<pid>/stat)",
		header: []string{"process", "bare Jobs", "tasks", "tasks / bare"}}
	var bareSum, tasksSum time.Duration
	for _, name := range append(append([]string{}, cpuProcesses...), "manager") {
		bd, td := bare[name], tasks[name]
		bareSum += bd
		tasksSum += td
		ratio := "-"
		if bd > 0 {
			ratio = fmt.Sprintf("%.2fx", td.Seconds()/bd.Seconds())
		}
		t.rows = append(t.rows, []string{name, seconds(bd), seconds(td), ratio})
	}
	t.rows = append(t.rows, []string{"all", seconds(bareSum), seconds(tasksSum), fmt.Sprintf("%.2fx", tasksSum.Seconds()/max(bareSum.Seconds(), 0.001))},
		[]string{"wall time of the phase", seconds(bareWall), seconds(tasksWall), fmt.Sprintf("%.2fx", tasksWall.Seconds()/max(bareWall.Seconds(), 0.001))})
	return t
}
