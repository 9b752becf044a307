package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/failure"
	"github.com/langflix/langflix-operator/runner/manifest"
)

// A SlideTask's Job carries no content: the runner reads it from the task. A field the runner does not
// know yet (added to the API by a newer operator) must not break it.
func TestSlidesReadsContentFromItsTaskAndIgnoresUnknownFields(t *testing.T) {
	task := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": tasksv1.GroupVersion.String(),
		"kind":       tasksv1.KindSlideTask,
		"metadata":   map[string]any{"name": "lesson", "namespace": "films"},
		"spec": map[string]any{
			"slides": []any{
				map[string]any{"expression": "break the ice", "translation": "어색한 분위기를 깨다", "pronunciation": "a field from the future"},
				map[string]any{"expression": "call it a day", "translation": "하루 일을 끝내다"},
			},
			"format":        "png",
			"futureSetting": map[string]any{"enabled": true},
		},
	}}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{tasksv1.GroupVersion.WithResource(tasksv1.ResourceSlideTasks): tasksv1.KindSlideTask + "List"}, task)
	t.Setenv(runnerv1.EnvTaskKind, tasksv1.KindSlideTask)
	t.Setenv(runnerv1.EnvTaskName, "lesson")
	t.Setenv(runnerv1.EnvTaskNamespace, "films")

	dir := t.TempDir()
	out, termLog := filepath.Join(dir, "out"), filepath.Join(dir, "termination-log")
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), runnerv1.SlideOptions{
		TaskOptions: runnerv1.TaskOptions{Out: out, Progress: runnerv1.ProgressNone, TerminationLog: termLog},
		Format:      "png", Width: 640, Height: 360, Duration: 0,
	}.Args(), Env{Stdout: &stdout, Stderr: &stderr, TaskClient: func() (dynamic.Interface, error) { return client, nil }})
	if err != nil {
		t.Fatalf("slides: %v\n%s", err, stderr.String())
	}
	m, err := manifest.Read(filepath.Join(out, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range m.Expressions {
		got = append(got, e.Phrase+"="+e.Translation)
	}
	if want := []string{"break the ice=어색한 분위기를 깨다", "call it a day=하루 일을 끝내다"}; !slices.Equal(got, want) {
		t.Errorf("slides %q, want %q", got, want)
	}
	data, err := os.ReadFile(termLog)
	if err != nil {
		t.Fatal(err)
	}
	term, err := runnerv1.ParseTerminationMessage(string(data))
	if err != nil || term.Reason != runnerv1.ReasonCompleted || term.Outputs == nil || term.Outputs.Slides != 2 {
		t.Errorf("termination %s (%v)", data, err)
	}
}

func TestSlidesWithoutContentOutsideATaskIsInvalidInput(t *testing.T) {
	t.Setenv(runnerv1.EnvTaskName, "")
	dir := t.TempDir()
	_, _, err := run(t, runnerv1.CommandSlides, "--"+runnerv1.FlagOut+"="+filepath.Join(dir, "out"),
		"--"+runnerv1.FlagTerminationLog+"="+filepath.Join(dir, "t"))
	if err == nil || !strings.Contains(err.Error(), "no slide content") {
		t.Fatalf("error %v, want one about missing content", err)
	}
	if code := failure.ExitCode(err); code != runnerv1.ExitInvalidInput {
		t.Errorf("exit %d, want %d", code, runnerv1.ExitInvalidInput)
	}
}
