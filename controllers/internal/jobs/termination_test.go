package jobs

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/fixtures"
)

// Messages as the runner writes them (the contract's Encode).
const (
	successMessage = `{"reason":"Completed","expressions":3,"manifest":"/data/lessons/episode-1/manifest.json","outputs":{"videos":3,"slides":3}}`
	invalidMessage = `{"reason":"InvalidInput","message":"input/episode.srt: no subtitle cues"}`
	crashMessage   = `{"reason":"Internal","message":"ffmpeg exited with status 1"}`
)

func TestTerminationFromPods(t *testing.T) {
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "episode-1-vt-1", Namespace: fixtures.Namespace}}
	withSidecar := fixtures.RunnerPod(job, 0, successMessage, fixtures.T0)
	withSidecar.Status.ContainerStatuses = append([]corev1.ContainerStatus{{
		Name:  "istio-proxy",
		State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 9, FinishedAt: metav1.NewTime(fixtures.T0.Add(time.Hour))}},
	}}, withSidecar.Status.ContainerStatuses...)
	stillRunning := fixtures.RunnerPod(job, 0, "", fixtures.T0)
	stillRunning.Status.ContainerStatuses[0].State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}

	tests := []struct {
		name string
		pods []corev1.Pod
		want *Termination
	}{
		{name: "no pods", want: nil},
		{name: "runner still running", pods: []corev1.Pod{stillRunning}, want: nil},
		{
			name: "JSON summary with the manifest made storage-relative",
			pods: []corev1.Pod{fixtures.RunnerPod(job, 0, successMessage+"\n", fixtures.T0)},
			want: &Termination{ExitCode: 0, Raw: successMessage, Message: &runnerv1.TerminationMessage{
				Reason: runnerv1.ReasonCompleted, Expressions: 3, Manifest: "lessons/episode-1/manifest.json", Outputs: &runnerv1.Outputs{Videos: 3, Slides: 3},
			}},
		},
		{
			name: "log tail instead of JSON",
			pods: []corev1.Pod{fixtures.RunnerPod(job, 1, "Traceback: boom", fixtures.T0)},
			want: &Termination{ExitCode: 1, Raw: "Traceback: boom"},
		},
		{
			name: "the newest finished runner wins",
			pods: []corev1.Pod{fixtures.RunnerPod(job, 1, crashMessage, fixtures.T0), fixtures.RunnerPod(job, 2, invalidMessage, fixtures.T0.Add(time.Minute)), fixtures.RunnerPod(job, 1, crashMessage, fixtures.T0.Add(-time.Minute))},
			want: &Termination{ExitCode: 2, Raw: invalidMessage, Message: &runnerv1.TerminationMessage{Reason: runnerv1.ReasonInvalidInput, Message: "input/episode.srt: no subtitle cues"}},
		},
		{
			name: "other containers are ignored",
			pods: []corev1.Pod{withSidecar},
			want: &Termination{ExitCode: 0, Raw: successMessage, Message: &runnerv1.TerminationMessage{
				Reason: runnerv1.ReasonCompleted, Expressions: 3, Manifest: "lessons/episode-1/manifest.json", Outputs: &runnerv1.Outputs{Videos: 3, Slides: 3},
			}},
		},
		{
			name: "cleanup summary",
			pods: []corev1.Pod{fixtures.RunnerPod(job, 0, `{"reason":"Completed","filesDeleted":4,"bytesFreed":100,"errors":1,"dryRun":true}`, fixtures.T0)},
			want: &Termination{ExitCode: 0, Raw: `{"reason":"Completed","filesDeleted":4,"bytesFreed":100,"errors":1,"dryRun":true}`,
				Message: &runnerv1.TerminationMessage{Reason: runnerv1.ReasonCompleted,
					CleanupResult: &runnerv1.CleanupResult{FilesDeleted: 4, BytesFreed: 100, Errors: 1, DryRun: true}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, TerminationFromPods(tc.pods)); diff != "" {
				t.Errorf("terminationFromPods mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStorageRelative(t *testing.T) {
	for in, want := range map[string]string{
		"/data/lessons/a/manifest.json": "lessons/a/manifest.json",
		"lessons/a/manifest.json":       "lessons/a/manifest.json",
		"s3://bucket/a/manifest.json":   "s3://bucket/a/manifest.json",
		"/database/manifest.json":       "/database/manifest.json",
		"/data":                         "/data",
		"":                              "",
	} {
		if got := storageRelative(in); got != want {
			t.Errorf("storageRelative(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJobFinished(t *testing.T) {
	cond := func(typ batchv1.JobConditionType, status corev1.ConditionStatus) batchv1.JobCondition {
		return batchv1.JobCondition{Type: typ, Status: status}
	}
	tests := []struct {
		name  string
		conds []batchv1.JobCondition
		want  batchv1.JobConditionType
	}{
		{"no conditions", nil, ""},
		{"interim conditions are not the end", []batchv1.JobCondition{cond(batchv1.JobSuccessCriteriaMet, "True"), cond(batchv1.JobFailureTarget, "True")}, ""},
		{"suspended is not the end", []batchv1.JobCondition{cond(batchv1.JobSuspended, "True")}, ""},
		{"complete", []batchv1.JobCondition{cond(batchv1.JobSuccessCriteriaMet, "True"), cond(batchv1.JobComplete, "True")}, batchv1.JobComplete},
		{"failed", []batchv1.JobCondition{cond(batchv1.JobFailureTarget, "True"), cond(batchv1.JobFailed, "True")}, batchv1.JobFailed},
		{"a False final condition does not count", []batchv1.JobCondition{cond(batchv1.JobFailed, "False")}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got batchv1.JobConditionType
			if c := Finished(&batchv1.Job{Status: batchv1.JobStatus{Conditions: tc.conds}}); c != nil {
				got = c.Type
			}
			if got != tc.want {
				t.Errorf("jobFinished = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFailureMessage(t *testing.T) {
	cond := &batchv1.JobCondition{Type: batchv1.JobFailed, Message: "Job has reached the specified backoff limit"}
	long := strings.Repeat("가", 400) // 1200 bytes
	tests := []struct {
		name string
		term *Termination
		want string
	}{
		{"the runner's words", &Termination{ExitCode: 2, Message: &runnerv1.TerminationMessage{Message: "no cues"}, Raw: "x"}, "no cues"},
		{"the kubelet's log tail, cut on a character", &Termination{ExitCode: 1, Raw: long}, strings.Repeat("가", 170) + "…"},
		{"only an exit code", &Termination{ExitCode: 137}, "runner exited with code 137"},
		{"no pod: the Job's words", nil, "Job has reached the specified backoff limit"},
	}
	for _, tc := range tests {
		if got := FailureMessage(cond, tc.term); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
