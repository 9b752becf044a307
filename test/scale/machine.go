package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// machine records what the run ran on: CPUs, memory, and the load average sampled through the run
// (these machines are shared, so the load is part of every figure).
type machine struct {
	cpus     int
	memTotal int64
	started  time.Time

	mu    sync.Mutex
	loads []float64
	done  chan struct{}
	once  sync.Once
}

func startMachine() *machine {
	m := &machine{cpus: runtime.NumCPU(), memTotal: memTotal(), started: time.Now(), done: make(chan struct{})}
	go func() {
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			if l, err := loadAverage(); err == nil {
				m.mu.Lock()
				m.loads = append(m.loads, l)
				m.mu.Unlock()
			}
			select {
			case <-m.done:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *machine) stop() { m.once.Do(func() { close(m.done) }) }

// describe is one line: CPUs, memory, and the 1-minute load average's mean and range over the run.
func (m *machine) describe() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	lo, hi, sum := 0.0, 0.0, 0.0
	for i, l := range m.loads {
		if i == 0 || l < lo {
			lo = l
		}
		hi = max(hi, l)
		sum += l
	}
	mean := 0.0
	if len(m.loads) > 0 {
		mean = sum / float64(len(m.loads))
	}
	return fmt.Sprintf("%d CPUs, %.1f GiB memory; 1-min load average over the run: mean %.1f, min %.1f, max %.1f; run took %s",
		m.cpus, float64(m.memTotal)/(1<<30), mean, lo, hi, time.Since(m.started).Round(time.Second))
}

func loadAverage() (float64, error) {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return 0, fmt.Errorf("empty /proc/loadavg")
	}
	return strconv.ParseFloat(fields[0], 64)
}

func memTotal() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// controlPlaneMemory is the RSS of the local cluster's components, from their pid files.
func controlPlaneMemory(clusterDir string) string {
	if clusterDir == "" {
		return ""
	}
	var parts []string
	for _, name := range []string{"kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler", "kwok"} {
		data, err := os.ReadFile(filepath.Join(clusterDir, "run", name+".pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil {
			continue
		}
		if rss, _, err := procMemory(pid); err == nil {
			parts = append(parts, fmt.Sprintf("%s %s", name, mib(rss)))
		}
	}
	return strings.Join(parts, ", ")
}
