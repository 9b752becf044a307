package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// managerProcess is bin/manager running as a local process with the chart's flags and environment, as
// the chart's ServiceAccount (a token in its kubeconfig).
type managerProcess struct {
	bin        string
	args       []string
	env        []string
	logPath    string
	metricsURL string
	readyURL   string

	cmd    *exec.Cmd
	exited chan struct{}
	rss    *rssSampler
}

func (m *managerProcess) start() error {
	logFile, err := os.OpenFile(m.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("manager log: %w", err)
	}
	fmt.Fprintf(logFile, "\n==== %s starting %s %s\n", time.Now().Format(time.RFC3339), m.bin, strings.Join(m.args, " "))
	cmd := exec.Command(m.bin, m.args...)
	cmd.Env = append(os.Environ(), m.env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return fmt.Errorf("start manager: %w", err)
	}
	m.cmd = cmd
	m.exited = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = logFile.Close()
		close(m.exited)
	}()
	m.rss = newRSSSampler(cmd.Process.Pid)
	return nil
}

// waitReady waits for /readyz and the leader's first reconcile worker: the metric
// controller_runtime_active_workers appears once the controllers run.
func (m *managerProcess) waitReady(ctx context.Context, leaderElect bool) error {
	return waitFor(ctx, 120*time.Second, "manager ready and leading", func() (bool, error) {
		select {
		case <-m.exited:
			return false, fmt.Errorf("manager exited (log: %s)", m.logPath)
		default:
		}
		resp, err := http.Get(m.readyURL)
		if err != nil {
			return false, nil
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return false, nil
		}
		s, err := m.metrics()
		if err != nil {
			return false, nil
		}
		return len(s["controller_runtime_active_workers"]) > 0 && (!leaderElect || s.sum("leader_election_master_status", nil) > 0), nil
	})
}

// stop sends SIGTERM and waits for the process to end (SIGKILL after 30 s).
func (m *managerProcess) stop() {
	if m.cmd == nil {
		return
	}
	m.rss.stop()
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.exited:
	case <-time.After(30 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.exited
	}
	m.cmd = nil
}

func (m *managerProcess) metrics() (samples, error) {
	resp, err := http.Get(m.metricsURL)
	if err != nil {
		return nil, fmt.Errorf("manager metrics: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("manager metrics: %s", resp.Status)
	}
	return parseMetrics(resp.Body)
}

// rssSampler reads a process's resident set size from /proc every 250 ms and keeps the largest value
// seen since the last reset (the kernel's VmHWM cannot be reset without privileges).
type rssSampler struct {
	pid  int
	done chan struct{}
	once sync.Once

	mu      sync.Mutex
	last    int64
	peak    int64
	hwmRead int64
}

func newRSSSampler(pid int) *rssSampler {
	s := &rssSampler{pid: pid, done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *rssSampler) loop() {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		s.sample()
		select {
		case <-s.done:
			return
		case <-t.C:
		}
	}
}

func (s *rssSampler) sample() {
	rss, hwm, err := procMemory(s.pid)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last, s.hwmRead = rss, hwm
	s.peak = max(s.peak, rss)
}

func (s *rssSampler) stop() { s.once.Do(func() { close(s.done) }) }

// now samples at once and returns the current RSS and the peak since the last resetPeak.
func (s *rssSampler) now() (rss, peak int64) {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.peak
}

// highWater is the kernel's VmHWM: the process's peak RSS over its whole life.
func (s *rssSampler) highWater() int64 {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hwmRead
}

func (s *rssSampler) resetPeak() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peak = s.last
}

// procMemory reads VmRSS and VmHWM (bytes) from /proc/PID/status.
func procMemory(pid int) (rss, hwm int64, err error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, perr := strconv.ParseInt(fields[1], 10, 64)
		if perr != nil {
			continue
		}
		switch fields[0] {
		case "VmRSS:":
			rss = kb * 1024
		case "VmHWM:":
			hwm = kb * 1024
		}
	}
	return rss, hwm, sc.Err()
}
