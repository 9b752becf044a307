// Package jobs reads what the operator needs from its Jobs: whether one finished, and how its runner
// ended (the contract's termination message, or the kubelet's words when there is none).
package jobs

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
)

// Termination is what the operator learned from a finished runner container.
type Termination struct {
	ExitCode int32
	// StartedAt is when the runner container started, as the kubelet reports it.
	StartedAt time.Time
	// Message is the parsed termination message (the runner contract's); nil when the runner wrote none
	// or it was not JSON.
	Message *runnerv1.TerminationMessage
	// Raw is the termination message as the kubelet reported it (possibly the log tail), for failure
	// messages when it was not JSON.
	Raw string
}

// TerminationFromPods finds the runner container's terminated state among a Job's pods, preferring the
// most recently finished one.
func TerminationFromPods(pods []corev1.Pod) *Termination {
	var best *corev1.ContainerStateTerminated
	for i := range pods {
		for _, cs := range pods[i].Status.ContainerStatuses {
			if cs.Name != runnerpod.ContainerName || cs.State.Terminated == nil {
				continue
			}
			t := cs.State.Terminated
			if best == nil || t.FinishedAt.After(best.FinishedAt.Time) {
				best = t
			}
		}
	}
	if best == nil {
		return nil
	}
	out := &Termination{ExitCode: best.ExitCode, Raw: strings.TrimSpace(best.Message),
		StartedAt: best.StartedAt.Time}
	if msg, err := runnerv1.ParseTerminationMessage(out.Raw); err == nil {
		msg.Manifest = storageRelative(msg.Manifest)
		out.Message = msg
	}
	return out
}

// storageRelative turns a path inside the runner's storage mount into a path relative to the storage root,
// which is what users see in their volume.
func storageRelative(p string) string {
	if rest, ok := strings.CutPrefix(p, runnerpod.StorageMountPath+"/"); ok {
		return rest
	}
	return p
}

// Finished returns the Job's final condition (Complete or Failed), or nil while it runs. The Job
// controller's interim conditions (SuccessCriteriaMet, FailureTarget) are ignored: pods may still run.
func Finished(job *batchv1.Job) *batchv1.JobCondition {
	for i := range job.Status.Conditions {
		c := &job.Status.Conditions[i]
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return c
		}
	}
	return nil
}

// Ending reports whether a Job that has not finished is about to: its runner ended and the Job controller
// counted the pod (an uncounted succeeded pod, the completions reached, SuccessCriteriaMet or
// FailureTarget), but has not written Complete or Failed yet. Between those status updates the Job has no
// ready pod, which must not read as an attempt waiting for its pod again.
func Ending(job *batchv1.Job) bool {
	if Finished(job) != nil {
		return false
	}
	if u := job.Status.UncountedTerminatedPods; u != nil && len(u.Succeeded) > 0 {
		return true
	}
	if job.Status.Succeeded > 0 && job.Status.Succeeded >= ptr.Deref(job.Spec.Completions, 1) {
		return true
	}
	for _, c := range job.Status.Conditions {
		if (c.Type == batchv1.JobSuccessCriteriaMet || c.Type == batchv1.JobFailureTarget) && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// failJobMessage is how the Job controller words a FailJob rule of a podFailurePolicy that matched an exit
// code (pkg/controller/job/pod_failure_policy.go): "Container runner for pod ns/name failed with exit code
// 2 matching FailJob rule at index 0".
var failJobMessage = regexp.MustCompile(`failed with exit code (\d+) matching FailJob rule`)

// ExitCodeFromCondition reads the runner's exit code from a Job that failed by its podFailurePolicy, for an
// attempt whose pod is gone and took its termination message with it.
func ExitCodeFromCondition(cond *batchv1.JobCondition) (int32, bool) {
	if cond == nil || cond.Reason != batchv1.JobReasonPodFailurePolicy {
		return 0, false
	}
	m := failJobMessage.FindStringSubmatch(cond.Message)
	if m == nil {
		return 0, false
	}
	code, err := strconv.ParseInt(m[1], 10, 32)
	if err != nil {
		return 0, false
	}
	return int32(code), true
}
