package jobs

import (
	"slices"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
)

// Terminal reports whether a pod ended: no container of it runs any more, or ever will.
func Terminal(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// Alive reports whether a pod may still run a runner: it is not terminal. A pod being deleted is alive
// until the kubelet reports it terminal (its process may still be stopping).
func Alive(pod *corev1.Pod) bool { return !Terminal(pod) }

// OfJob returns the pods the Job controller created for job: those labelled with its UID
// (batch.kubernetes.io/controller-uid), so a pod of an earlier Job of the same name never counts.
func OfJob(pods []corev1.Pod, job *batchv1.Job) []corev1.Pod {
	var out []corev1.Pod
	for _, p := range pods {
		if job != nil && p.Labels[batchv1.ControllerUidLabel] == string(job.UID) {
			out = append(out, p)
		}
	}
	return out
}

// EndedByDisruption reports whether a terminal pod ended because it was taken away from its runner, the
// way the Job's podFailurePolicy Ignore rules read it: the DisruptionTarget condition (eviction, preemption,
// node drain, taint) or the runner's exit code for SIGTERM (a plain pod deletion). The Job replaces such a
// pod without counting a failure, so its end does not decide the attempt.
func EndedByDisruption(pod *corev1.Pod) bool {
	if pod.Status.Phase != corev1.PodFailed {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.DisruptionTarget && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.Name == runnerpod.ContainerName && cs.State.Terminated != nil {
			return slices.Contains(runnerv1.DisruptionExitCodes, cs.State.Terminated.ExitCode)
		}
	}
	return false
}

// Running reports whether the pod's runner container runs.
func Running(pod *corev1.Pod) bool {
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.Name == runnerpod.ContainerName && cs.State.Running != nil {
			return true
		}
	}
	return false
}
