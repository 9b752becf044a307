package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/progress"
)

func TestParseContents(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string // expressions
		invalid bool
	}{
		{"one object", `{"expression":"break the ice","translation":"어색한 분위기를 깨다"}`, []string{"break the ice"}, false},
		{"list", ` [{"expression":"a"},{"expression":"b","similarExpressions":["c"]}] `, []string{"a", "b"}, false},
		{"every field", `{"title":"t","expression":"e","translation":"tr","dialogue":"d","dialogueTranslation":"dt","similarExpressions":["s"],"examples":["x"],"notes":"n"}`, []string{"e"}, false},
		{"empty", "  ", nil, true},
		{"empty list", "[]", nil, true},
		{"typo in a field", `{"expresion":"a"}`, nil, true},
		{"trailing data", `{"expression":"a"} {"expression":"b"}`, nil, true},
		{"not JSON", `expression: a`, nil, true},
		{"wrong type", `{"expression": 3}`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseContents([]byte(tt.in), "test")
			if tt.invalid {
				if !failure.IsInvalid(err) {
					t.Fatalf("error %v, want invalid input", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var exprs []string
			for _, c := range got {
				exprs = append(exprs, c.Expression)
			}
			if fmt.Sprint(exprs) != fmt.Sprint(tt.want) {
				t.Fatalf("expressions %v, want %v", exprs, tt.want)
			}
		})
	}
}

func TestScanFlag(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"video", "--bogus", "--termination-log", "/tmp/t"}, "/tmp/t"},
		{[]string{"video", "--termination-log=/tmp/u", "--bogus"}, "/tmp/u"},
		{[]string{"video", "--termination-log"}, ""},
		{[]string{"video", "--", "--termination-log", "/tmp/v"}, ""},
	}
	for _, tt := range tests {
		if got := scanFlag(tt.args, runnerv1.FlagTerminationLog); got != tt.want {
			t.Errorf("scanFlag(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestNewReporterModes(t *testing.T) {
	plan := progress.Plan{{Name: "work", Weight: 1}}
	tests := []struct {
		name     string
		mode     string
		tty      bool
		taskName string
		wantOut  string // what a stage start prints on stdout
		invalid  bool
	}{
		{"auto on a terminal draws a bar", "auto", true, "", "\r\x1b[Kwork", false},
		{"auto in a pipe prints lines", "auto", false, "", "progress   0% work 0/1\n", false},
		{"auto in a task adds kubernetes and keeps lines", "auto", true, "lesson", "progress   0% work 0/1\n", false},
		{"plain", "plain", true, "", "progress   0% work 0/1\n", false},
		{"none", "none", true, "", "", false},
		{"unknown", "fancy", false, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(runnerv1.EnvTaskName, tt.taskName)
			t.Setenv(runnerv1.EnvTaskKind, tasksv1.KindVideoTask)
			t.Setenv(runnerv1.EnvTaskNamespace, "films")
			// No cluster here: the Kubernetes sink cannot be built and is skipped with a warning.
			t.Setenv("KUBECONFIG", "/nonexistent/kubeconfig")
			var stdout, stderr bytes.Buffer
			a := &app{env: Env{Stdout: &stdout, StdoutIsTTY: tt.tty}, log: newTestLogger(&stderr)}
			rep, err := a.newReporter(tt.mode, plan)
			if tt.invalid {
				if !failure.IsInvalid(err) {
					t.Fatalf("error %v, want invalid input", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rep.Stage("work", 1)
			if !strings.HasPrefix(stdout.String(), tt.wantOut) {
				t.Fatalf("stdout %q, want prefix %q", stdout.String(), tt.wantOut)
			}
			rep.Done(nil)
			if tt.taskName != "" && !strings.Contains(stderr.String(), "kubernetes progress disabled") {
				t.Errorf("no warning about the missing cluster: %s", stderr.String())
			}
		})
	}
}

func TestExitErrorTreatsCancellationAsTermination(t *testing.T) {
	tests := []struct {
		err  error
		want failure.Reason
	}{
		{fmt.Errorf("cut clip: %w", context.Canceled), failure.Terminated},
		{failure.Invalid("bad"), failure.InvalidInput},
		{errors.New("disk full"), failure.Internal},
	}
	for _, tt := range tests {
		if got := failure.ReasonOf(exitError(tt.err)); got != tt.want {
			t.Errorf("exitError(%v) reason %s, want %s", tt.err, got, tt.want)
		}
	}
	if exitError(nil) != nil {
		t.Error("exitError(nil) != nil")
	}
}
