package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
)

func newTestLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = Run(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
	return out.String(), errOut.String(), err
}

func TestVersion(t *testing.T) {
	stdout, _, err := run(t, "version")
	if err != nil || !strings.HasPrefix(stdout, "langflix-runner "+Version+" (go") {
		t.Fatalf("version: %v %q", err, stdout)
	}
}

func TestUsageErrorsAreInvalidInputWithTerminationMessage(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		message string
	}{
		{"unknown command", []string{"transcode"}, "unknown command"},
		{"unknown flag before the log flag", []string{"slides", "--bogus", "--out", "x"}, "unknown flag"},
		{"missing required flag", []string{"video", "--out", "x"}, `required flag(s) "video" not set`},
		{"bad flag value", []string{"video", "--video", "v", "--out", "x", "--repeat", "many"}, "invalid argument"},
		{"bad progress mode", []string{"slides", "--out", "x", "--content", `{"expression":"a"}`, "--progress", "fancy"}, "--progress"},
		{"bad soft limit", []string{"video", "--video", "v", "--out", "x", "--soft-time-limit", "soon"}, "soft-time-limit"},
		{"llm without endpoint", []string{"video", "--video", "v", "--out", "x", "--extractor", "llm"}, "--llm-endpoint"},
		{"unknown extractor", []string{"video", "--video", "v", "--out", "x", "--extractor", "magic"}, "--extractor"},
		{"bad level", []string{"video", "--video", "v", "--out", "x", "--level", "expert"}, "--level"},
		{"bad subtitle mode", []string{"video", "--video", "v", "--out", "x", "--subtitle-mode", "both"}, `--subtitle-mode "both"`},
		{"bad shorts subtitle mode", []string{"video", "--video", "v", "--out", "x", "--shorts-subtitle-mode", "korean"}, `--shorts-subtitle-mode "korean"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			termLog := filepath.Join(dir, "termination-log")
			args := append(tt.args, "--termination-log", termLog)
			_, stderr, err := run(t, args...)
			if failure.ExitCode(err) != runnerv1.ExitInvalidInput {
				t.Fatalf("error %v (exit %d), want invalid input", err, failure.ExitCode(err))
			}
			data, rerr := os.ReadFile(termLog)
			if rerr != nil {
				t.Fatal(rerr)
			}
			term, err := runnerv1.ParseTerminationMessage(string(data))
			if err != nil {
				t.Fatal(err)
			}
			if term.Reason != runnerv1.ReasonInvalidInput || !strings.Contains(term.Message, tt.message) {
				t.Errorf("termination %s, want a message with %q", data, tt.message)
			}
			if !strings.Contains(stderr, "InvalidInput") {
				t.Errorf("stderr %q", stderr)
			}
		})
	}
}

func TestLLMKeyFromFileIsNeverLogged(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	const secret = "sk-test-do-not-log-1234567890"
	if err := os.WriteFile(keyFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	termLog := filepath.Join(dir, "termination-log")
	// The run fails on the missing video, after the extractor was configured with the key.
	stdout, stderr, err := run(t, "video", "--video", filepath.Join(dir, "absent.mp4"), "--subtitles", keyFile,
		"--out", filepath.Join(dir, "out"), "--extractor", "llm", "--llm-endpoint", "https://llm.invalid/v1",
		"--llm-model", "m", "--llm-api-key-file", keyFile, "--font", "/nonexistent", "--termination-log", termLog)
	if err == nil {
		t.Fatal("run succeeded")
	}
	data, _ := os.ReadFile(termLog)
	for name, s := range map[string]string{"stdout": stdout, "stderr": stderr, "termination log": string(data)} {
		if strings.Contains(s, secret) {
			t.Errorf("%s shows the API key", name)
		}
	}
}
