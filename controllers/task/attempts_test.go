package task

import (
	"errors"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
)

// A pod's result finalizer goes once the end of its attempt is in the stored status, or at once when its
// end does not decide the attempt; never while its termination message may still be needed.
func TestReleasablePods(t *testing.T) {
	pod := func(name string, attempt int32, mod func(*corev1.Pod)) corev1.Pod {
		p := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Finalizers: []string{"batch.kubernetes.io/job-tracking", tasksv1.FinalizerResult},
			Labels: map[string]string{tasksv1.LabelAttempt: strconv.Itoa(int(attempt))}}}
		p.Status.Phase = corev1.PodRunning
		if mod != nil {
			mod(&p)
		}
		return p
	}
	failed := func(code int32) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			p.Status.Phase = corev1.PodFailed
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "runner",
				State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}}}}
		}
	}
	evicted := func(p *corev1.Pod) {
		failed(137)(p)
		p.Status.Conditions = []corev1.PodCondition{{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue}}
	}
	released := func(p *corev1.Pod) { p.Finalizers = []string{"batch.kubernetes.io/job-tracking"} }
	pods := []corev1.Pod{
		pod("old-running-orphan", 1, nil),
		pod("current-running", 2, nil),
		pod("current-evicted", 2, evicted),
		pod("current-deleted-exit-143", 2, failed(143)),
		pod("current-failed", 2, failed(1)),
		pod("current-succeeded", 2, func(p *corev1.Pod) { p.Status.Phase = corev1.PodSucceeded }),
		pod("current-already-released", 2, func(p *corev1.Pod) { failed(143)(p); released(p) }),
		pod("next-attempt-not-recorded-yet", 3, nil),
		pod("no-attempt-label", 0, func(p *corev1.Pod) { p.Labels = nil }),
	}
	names := func(ps []corev1.Pod) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	running := &tasksv1.TaskStatus{CurrentAttempt: recorded(2)}
	diffField(t, "while attempt 2 runs", []string{"old-running-orphan", "current-evicted", "current-deleted-exit-143", "no-attempt-label"},
		names(releasablePods(running, pods)))
	ended := &tasksv1.TaskStatus{CurrentAttempt: recorded(2, endedWith(tasksv1.ReasonAttemptFailed, -time.Second))}
	diffField(t, "once attempt 2's end is recorded", []string{"old-running-orphan", "current-running", "current-evicted",
		"current-deleted-exit-143", "current-failed", "current-succeeded", "no-attempt-label"}, names(releasablePods(ended, pods)))
	diffField(t, "a status that knows no attempt keeps every attempt's pod", []string{"no-attempt-label"},
		names(releasablePods(&tasksv1.TaskStatus{}, pods)))
}

func TestStaleProgress(t *testing.T) {
	progress := func(attempt int32, updated time.Duration) *tasksv1.TaskProgress {
		return &tasksv1.TaskProgress{Attempt: attempt, Percent: ptr.To[int32](40), UpdateTime: at(updated)}
	}
	created := func(d time.Duration) func(*tasksv1.AttemptStatus) {
		return func(a *tasksv1.AttemptStatus) { a.CreateTime = at(d) }
	}
	tests := []struct {
		name string
		st   tasksv1.TaskStatus
		want bool
	}{
		{"no progress", tasksv1.TaskStatus{CurrentAttempt: recorded(2)}, false},
		{"the current attempt's", tasksv1.TaskStatus{CurrentAttempt: recorded(2), Progress: progress(2, 0)}, false},
		{"an earlier attempt's", tasksv1.TaskStatus{CurrentAttempt: recorded(2), Progress: progress(1, 0)}, true},
		{"a later attempt's than status knows (its record was lost)", tasksv1.TaskStatus{CurrentAttempt: recorded(2), Progress: progress(3, 0)}, false},
		{"no attempt (an older runner), written before the current attempt's Job", tasksv1.TaskStatus{CurrentAttempt: recorded(2, created(-time.Minute)), Progress: progress(0, -time.Hour)}, true},
		{"no attempt, written after the current attempt's Job", tasksv1.TaskStatus{CurrentAttempt: recorded(2, created(-time.Hour)), Progress: progress(0, -time.Minute)}, false},
		{"no attempt during the first attempt", tasksv1.TaskStatus{CurrentAttempt: recorded(1, created(-time.Minute)), Progress: progress(0, -time.Hour)}, false},
	}
	for _, tc := range tests {
		if got := staleProgress(&tc.st); got != tc.want {
			t.Errorf("%s: staleProgress = %t, want %t", tc.name, got, tc.want)
		}
	}
}

// Each refusal of the API server to create a Job is sorted by what can fix it.
func TestCreateError(t *testing.T) {
	jobs := schema.GroupResource{Group: "batch", Resource: "jobs"}
	webhook := apierrors.NewForbidden(jobs, "a-vt-1", errors.New(`admission webhook "policy.example.com" denied the request: no hostPath`))
	tests := []struct {
		err    error
		reason string
		final  bool
	}{
		{jobInvalid, tasksv1.ReasonJobRejected, true},
		{apierrors.NewBadRequest("bad"), tasksv1.ReasonJobRejected, true},
		{policyDenied, tasksv1.ReasonJobRejected, true},
		{webhook, tasksv1.ReasonJobRejected, true},
		{quotaExceeded, tasksv1.ReasonQuotaExceeded, false},
		{rbacForbidden, tasksv1.ReasonJobCreateFailed, false},
		{unavailable, tasksv1.ReasonJobCreateFailed, false},
		{apierrors.NewTooManyRequests("slow down", 1), tasksv1.ReasonJobCreateFailed, false},
		{apierrors.NewTimeoutError("timeout", 1), tasksv1.ReasonJobCreateFailed, false},
	}
	for _, tc := range tests {
		err := createError(tc.err)
		if got := conditions.StepReason(err); got != tc.reason || conditions.IsFinal(err) != tc.final {
			t.Errorf("%v: reason %s final %t, want %s final %t", tc.err, got, conditions.IsFinal(err), tc.reason, tc.final)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("%v: the API server's error is not kept", tc.err)
		}
	}
}
