package testutil

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// envtest runs no kube-controller-manager and no kubelet, so a test plays their part: the functions below
// write Job status and runner pods the way the Job controller and the kubelet would, within the rules the
// API server enforces on Job status (a Complete Job needs SuccessCriteriaMet and a completionTime, a Failed
// one FailureTarget, a finished one no active pods).

// RunnerContainer is the name of the runner container in every task and cleanup pod.
const RunnerContainer = "runner"

// SetJobRunning records that the Job's pod started and passed readiness: active=1, ready=1. A suspended
// Job that was resumed loses its Suspended condition, as the Job controller does it.
func SetJobRunning(ctx context.Context, c client.Client, key client.ObjectKey) error {
	return updateJobStatus(ctx, c, key, func(st *batchv1.JobStatus) {
		if st.StartTime == nil {
			st.StartTime = ptr.To(metav1.Now())
		}
		st.Active, st.Ready = 1, ptr.To[int32](1)
		setJobCondition(st, batchv1.JobSuspended, corev1.ConditionFalse, "JobResumed", "Job resumed")
	})
}

// SetJobSuspended records what the Job controller does once spec.suspend is true: the pod is gone and the
// Job is marked Suspended.
func SetJobSuspended(ctx context.Context, c client.Client, key client.ObjectKey) error {
	return updateJobStatus(ctx, c, key, func(st *batchv1.JobStatus) {
		st.Active, st.Ready = 0, ptr.To[int32](0)
		setJobCondition(st, batchv1.JobSuspended, corev1.ConditionTrue, "JobSuspended", "Job suspended")
	})
}

// setJobCondition updates the condition of type typ in place, or adds it; a False condition is only
// written over an existing one.
func setJobCondition(st *batchv1.JobStatus, typ batchv1.JobConditionType, status corev1.ConditionStatus, reason, message string) {
	now := metav1.Now()
	for i := range st.Conditions {
		if c := &st.Conditions[i]; c.Type == typ {
			if c.Status != status {
				c.Status, c.Reason, c.Message, c.LastProbeTime, c.LastTransitionTime = status, reason, message, now, now
			}
			return
		}
	}
	if status == corev1.ConditionTrue {
		st.Conditions = append(st.Conditions, batchv1.JobCondition{Type: typ, Status: status, Reason: reason, Message: message,
			LastProbeTime: now, LastTransitionTime: now})
	}
}

// SetJobComplete finishes the Job successfully, as the Job controller does once its pod succeeded.
func SetJobComplete(ctx context.Context, c client.Client, key client.ObjectKey) error {
	return updateJobStatus(ctx, c, key, func(st *batchv1.JobStatus) {
		now := metav1.Now()
		if st.StartTime == nil {
			st.StartTime = ptr.To(now)
		}
		st.Active, st.Ready, st.Succeeded = 0, ptr.To[int32](0), 1
		st.CompletionTime = ptr.To(now)
		st.Conditions = append(st.Conditions,
			batchv1.JobCondition{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, Reason: batchv1.JobReasonCompletionsReached,
				Message: "Reached expected number of succeeded pods", LastProbeTime: now, LastTransitionTime: now},
			batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, Reason: batchv1.JobReasonCompletionsReached,
				Message: "Reached expected number of succeeded pods", LastProbeTime: now, LastTransitionTime: now})
	})
}

// SetJobFailed fails the Job with the Job controller's reason, such as batchv1.JobReasonBackoffLimitExceeded
// (the pod failed) or batchv1.JobReasonDeadlineExceeded (activeDeadlineSeconds passed).
func SetJobFailed(ctx context.Context, c client.Client, key client.ObjectKey, reason, message string) error {
	return updateJobStatus(ctx, c, key, func(st *batchv1.JobStatus) {
		now := metav1.Now()
		if st.StartTime == nil {
			st.StartTime = ptr.To(now)
		}
		st.Active, st.Ready, st.Failed = 0, ptr.To[int32](0), 1
		st.Conditions = append(st.Conditions,
			batchv1.JobCondition{Type: batchv1.JobFailureTarget, Status: corev1.ConditionTrue, Reason: reason, Message: message,
				LastProbeTime: now, LastTransitionTime: now},
			batchv1.JobCondition{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: reason, Message: message,
				LastProbeTime: now, LastTransitionTime: now})
	})
}

func updateJobStatus(ctx context.Context, c client.Client, key client.ObjectKey, mutate func(*batchv1.JobStatus)) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		var job batchv1.Job
		if err := c.Get(ctx, key, &job); err != nil {
			return err
		}
		mutate(&job.Status)
		if err := c.Status().Update(ctx, &job); err != nil {
			return fmt.Errorf("update status of Job %s: %w", key, err)
		}
		return nil
	})
}

// CreateFinishedRunnerPod creates the pod a Job would have started, from its template, and reports its
// runner container as terminated with exitCode and the termination message (the runner's JSON summary,
// or a log tail), as the kubelet would.
func CreateFinishedRunnerPod(ctx context.Context, c client.Client, job *batchv1.Job, exitCode int32, message string) (*corev1.Pod, error) {
	tmpl := job.Spec.Template.DeepCopy()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      job.Name + "-runner",
			Namespace: job.Namespace,
			Labels:    tmpl.Labels,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "batch/v1", Kind: "Job", Name: job.Name, UID: job.UID,
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
			}},
		},
		Spec: tmpl.Spec,
	}
	if err := c.Create(ctx, pod); err != nil {
		return nil, fmt.Errorf("create pod of Job %s: %w", job.Name, err)
	}
	phase, reason := corev1.PodSucceeded, "Completed"
	if exitCode != 0 {
		phase, reason = corev1.PodFailed, "Error"
	}
	finished := metav1.NewTime(time.Now().Truncate(time.Second))
	pod.Status = corev1.PodStatus{
		Phase:     phase,
		StartTime: ptr.To(metav1.NewTime(finished.Add(-time.Second))),
		ContainerStatuses: []corev1.ContainerStatus{{
			Name:  RunnerContainer,
			Image: pod.Spec.Containers[0].Image,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode:   exitCode,
				Reason:     reason,
				Message:    message,
				StartedAt:  metav1.NewTime(finished.Add(-time.Second)),
				FinishedAt: finished,
			}},
		}},
	}
	if err := c.Status().Update(ctx, pod); err != nil {
		return nil, fmt.Errorf("report pod %s as finished: %w", pod.Name, err)
	}
	return pod, nil
}
