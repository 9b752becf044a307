package pipeline_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/manifest"
)

// buildRunner compiles cmd/runner once per test binary.
func buildRunner(t *testing.T) string {
	t.Helper()
	return fixture(t, "langflix-runner", func(p string) error {
		cmd := exec.Command("go", "build", "-ldflags", "-X github.com/langflix/langflix-operator/runner/cli.Version=v0.0.0-e2e", "-o", p, "./cmd/runner")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			return errors.New(string(out))
		}
		return nil
	})
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	}
	t.Fatalf("runner did not run: %v", err)
	return -1
}

func TestBinaryExitCodesAndTerminationLog(t *testing.T) {
	bin := buildRunner(t)
	english, _ := idiomSubtitles(t)

	version, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.HasPrefix(string(version), "langflix-runner v0.0.0-e2e ") {
		t.Fatalf("version: %q, %v", version, err)
	}

	tests := []struct {
		name   string
		args   []string
		code   int
		reason string
	}{
		{"usage error", []string{"video", "--out", "x"}, 2, "InvalidInput"},
		{"not a media file", []string{"video", "--video", english, "--subtitles", english, "--out", "out"}, 2, "InvalidInput"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			termLog := filepath.Join(dir, "termination-log")
			cmd := exec.Command(bin, tt.args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "LANGFLIX_TERMINATION_LOG="+termLog, "LANGFLIX_TASK_NAME=")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if code := exitCode(t, cmd.Run()); code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", code, tt.code, stderr.String())
			}
			var term runnerv1.TerminationMessage
			readJSON(t, termLog, &term)
			if string(term.Reason) != tt.reason || term.Message == "" {
				t.Errorf("termination %+v", term)
			}
		})
	}
}

// TestBinarySIGTERMStopsEverything sends SIGTERM while clips are being cut (right after the first clip
// is done, while the others are encoding): the runner exits 143 (ExitTerminated) with reason Terminated, and no ffmpeg it
// started is left running.
func TestBinarySIGTERMStopsEverything(t *testing.T) {
	bin := buildRunner(t)
	video := testVideo(t, 2*time.Minute, 640, 360, 25)
	english, _ := idiomSubtitles(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "terminated-out")
	termLog := filepath.Join(dir, "termination-log")

	cmd := exec.Command(bin, "video", "--video", video, "--subtitles", english, "--out", out,
		"--progress", "plain", "--termination-log", termLog)
	cmd.Env = append(os.Environ(), "LANGFLIX_TASK_NAME=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The first finished clip is reported as "clips 1/N: cut ..."; the other clips are being cut then.
	lines := bufio.NewScanner(stdout)
	sawCut := false
	for lines.Scan() {
		if strings.Contains(lines.Text(), " clips 1/") && strings.Contains(lines.Text(), ": cut ") {
			sawCut = true
			break
		}
	}
	if !sawCut {
		_ = cmd.Process.Kill()
		t.Fatalf("no finished clip in progress output; stderr:\n%s", stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	go func() { // drain the rest so the runner never blocks on a full pipe
		for lines.Scan() {
		}
	}()
	code := exitCode(t, cmd.Wait())
	if code != runnerv1.ExitTerminated {
		t.Fatalf("exit %d, want %d\n%s", code, runnerv1.ExitTerminated, stderr.String())
	}
	var term runnerv1.TerminationMessage
	readJSON(t, termLog, &term)
	if term.Reason != runnerv1.ReasonTerminated || !term.Partial {
		t.Errorf("termination %+v", term)
	}
	m, err := manifest.Read(filepath.Join(out, manifest.FileName))
	if err != nil || m.Status != manifest.Partial || m.Reason != "Terminated" || len(m.Expressions) != 0 {
		t.Errorf("manifest %+v, %v; want a partial one without unfinished expressions", m, err)
	}
	if procs := processesMentioning(t, out); len(procs) > 0 {
		t.Errorf("processes outlived the runner: %v", procs)
	}
	assertNoLeftovers(t, out)
}

// processesMentioning lists running processes whose command line contains s.
func processesMentioning(t *testing.T, s string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc")
	}
	var found []string
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte(s)) {
			found = append(found, e.Name()+": "+strings.ReplaceAll(string(cmdline), "\x00", " "))
		}
	}
	return found
}
