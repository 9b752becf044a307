package jobs

import (
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

func waiting(reason, message string) corev1.PodStatus {
	return corev1.PodStatus{Phase: corev1.PodPending, ContainerStatuses: []corev1.ContainerStatus{
		{Name: "runner", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}}}}}
}

func unscheduled(message string) corev1.PodStatus {
	return corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{
		{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable, Message: message}}}
}

func TestPodStartProblem(t *testing.T) {
	tests := []struct {
		name   string
		status corev1.PodStatus
		want   *StartProblem
	}{
		{"being created is no problem", waiting("ContainerCreating", ""), nil},
		{"a missing Secret cannot heal by waiting", waiting("CreateContainerConfigError", `secret "llm" not found`),
			&StartProblem{Reason: "CreateContainerConfigError", Message: `secret "llm" not found`, Permanent: true}},
		{"an invalid image name cannot either", waiting("InvalidImageName", `couldn't parse image name "A:B:C"`),
			&StartProblem{Reason: "InvalidImageName", Message: `couldn't parse image name "A:B:C"`, Permanent: true}},
		{"a registry that does not answer may", waiting("ImagePullBackOff", `Back-off pulling image "x"`),
			&StartProblem{Reason: "ImagePullBackOff", Message: `Back-off pulling image "x"`}},
		{"a missing claim is the scheduler's permanent refusal",
			unscheduled(`0/1 nodes are available: persistentvolumeclaim "media" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`),
			&StartProblem{Reason: "Unschedulable", Permanent: true,
				Message: `0/1 nodes are available: persistentvolumeclaim "media" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`}},
		{"too little CPU may free up", unscheduled("0/1 nodes are available: 1 Insufficient cpu."),
			&StartProblem{Reason: "Unschedulable", Message: "0/1 nodes are available: 1 Insufficient cpu."}},
		{"an unbound claim may bind", unscheduled("0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims."),
			&StartProblem{Reason: "Unschedulable", Message: "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims."}},
		{"a running pod has no problem", corev1.PodStatus{Phase: corev1.PodRunning}, nil},
		{"a finished pod has none either", corev1.PodStatus{Phase: corev1.PodFailed}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := PodStartProblem(&corev1.Pod{Status: tc.status})
			if (tc.want != nil) != ok || (ok && got != *tc.want) {
				t.Errorf("PodStartProblem = %+v, %t; want %+v", got, ok, tc.want)
			}
		})
	}
}

func TestFailedCreateProblem(t *testing.T) {
	for msg, permanent := range map[string]bool{
		`Error creating: pods "a-vt-1-x" is forbidden: error looking up service account lessons/typo: serviceaccount "typo" not found`: true,
		`Error creating: pods "a-vt-1-x" is forbidden: violates PodSecurity "restricted:latest": hostPath volumes`:                     true,
		`Error creating: pods "a-vt-1-x" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=10, limited: pods=10`:       false,
	} {
		if got := FailedCreateProblem(msg); got.Permanent != permanent || got.Reason != "FailedCreate" || got.Message != msg {
			t.Errorf("FailedCreateProblem(%q) = %+v, want permanent %t", msg, got, permanent)
		}
	}
}

func TestEndedByDisruption(t *testing.T) {
	exited := func(code int32) corev1.PodStatus {
		return corev1.PodStatus{Phase: corev1.PodFailed, ContainerStatuses: []corev1.ContainerStatus{
			{Name: "runner", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}}}}}
	}
	evicted := exited(137)
	evicted.Conditions = []corev1.PodCondition{{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: "EvictionByEvictionAPI"}}
	stillRunning := evicted
	stillRunning.Phase = corev1.PodRunning
	for name, tc := range map[string]struct {
		status corev1.PodStatus
		want   bool
	}{
		"evicted (DisruptionTarget)":             {evicted, true},
		"deleted: the runner exits 143":          {exited(143), true},
		"a real failure":                         {exited(1), false},
		"invalid input":                          {exited(2), false},
		"not terminal yet, whatever its signals": {stillRunning, false},
	} {
		if got := EndedByDisruption(&corev1.Pod{Status: tc.status}); got != tc.want {
			t.Errorf("%s: EndedByDisruption = %t, want %t", name, got, tc.want)
		}
	}
}

func TestExitCodeFromCondition(t *testing.T) {
	cond := func(reason, message string) *batchv1.JobCondition {
		return &batchv1.JobCondition{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: reason, Message: message}
	}
	code, ok := ExitCodeFromCondition(cond(batchv1.JobReasonPodFailurePolicy,
		"Container runner for pod lessons/a-vt-1-x failed with exit code 3 matching FailJob rule at index 0"))
	if !ok || code != 3 {
		t.Errorf("exit code %d, %t; want 3", code, ok)
	}
	for _, c := range []*batchv1.JobCondition{
		nil,
		cond(batchv1.JobReasonBackoffLimitExceeded, "Job has reached the specified backoff limit"),
		cond(batchv1.JobReasonPodFailurePolicy, "Pod lessons/a-vt-1-x has condition DisruptionTarget matching FailJob rule at index 1"),
	} {
		if code, ok := ExitCodeFromCondition(c); ok {
			t.Errorf("%+v: exit code %d, want none", c, code)
		}
	}
}
