package controllers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

func TestTerminationFromPods(t *testing.T) {
	job := attemptJob(videoTask(), "VideoTask", 1)
	withSidecar := runnerPod(job, 0, successMessage, t0)
	withSidecar.Status.ContainerStatuses = append([]corev1.ContainerStatus{{
		Name:  "istio-proxy",
		State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 9, FinishedAt: metav1.NewTime(t0.Add(time.Hour))}},
	}}, withSidecar.Status.ContainerStatuses...)
	stillRunning := runnerPod(job, 0, "", t0)
	stillRunning.Status.ContainerStatuses[0].State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}

	tests := []struct {
		name string
		pods []corev1.Pod
		want *podTermination
	}{
		{name: "no pods", want: nil},
		{name: "runner still running", pods: []corev1.Pod{stillRunning}, want: nil},
		{
			name: "JSON summary with the manifest made storage-relative",
			pods: []corev1.Pod{runnerPod(job, 0, successMessage+"\n", t0)},
			want: &podTermination{ExitCode: 0, Raw: successMessage, Message: &runnerv1.TerminationMessage{
				Reason: runnerv1.ReasonCompleted, Expressions: 3, Manifest: "lessons/episode-1/manifest.json", Outputs: &runnerv1.Outputs{Videos: 3, Slides: 3},
			}},
		},
		{
			name: "log tail instead of JSON",
			pods: []corev1.Pod{runnerPod(job, 1, "Traceback: boom", t0)},
			want: &podTermination{ExitCode: 1, Raw: "Traceback: boom"},
		},
		{
			name: "the newest finished runner wins",
			pods: []corev1.Pod{runnerPod(job, 1, crashMessage, t0), runnerPod(job, 2, invalidMessage, t0.Add(time.Minute)), runnerPod(job, 1, crashMessage, t0.Add(-time.Minute))},
			want: &podTermination{ExitCode: 2, Raw: invalidMessage, Message: &runnerv1.TerminationMessage{Reason: runnerv1.ReasonInvalidInput, Message: "input/episode.srt: no subtitle cues"}},
		},
		{
			name: "other containers are ignored",
			pods: []corev1.Pod{withSidecar},
			want: &podTermination{ExitCode: 0, Raw: successMessage, Message: &runnerv1.TerminationMessage{
				Reason: runnerv1.ReasonCompleted, Expressions: 3, Manifest: "lessons/episode-1/manifest.json", Outputs: &runnerv1.Outputs{Videos: 3, Slides: 3},
			}},
		},
		{
			name: "cleanup summary",
			pods: []corev1.Pod{runnerPod(job, 0, `{"reason":"Completed","filesDeleted":4,"bytesFreed":100,"errors":1,"dryRun":true}`, t0)},
			want: &podTermination{ExitCode: 0, Raw: `{"reason":"Completed","filesDeleted":4,"bytesFreed":100,"errors":1,"dryRun":true}`,
				Message: &runnerv1.TerminationMessage{Reason: runnerv1.ReasonCompleted,
					CleanupResult: &runnerv1.CleanupResult{FilesDeleted: 4, BytesFreed: 100, Errors: 1, DryRun: true}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, terminationFromPods(tc.pods)); diff != "" {
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
			if c := jobFinished(&batchv1.Job{Status: batchv1.JobStatus{Conditions: tc.conds}}); c != nil {
				got = c.Type
			}
			if got != tc.want {
				t.Errorf("jobFinished = %q, want %q", got, tc.want)
			}
		})
	}
}
