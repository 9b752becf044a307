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

// CreateRunnerPod creates a pod of the Job from its template, the way the Job controller does: the
// template's labels and finalizers, the Job's name and UID as labels, the Job as controller. name tells
// apart several pods of one Job (a pod the Job replaced); the pod is Pending until a status is set. The Job
// controller's own tracking finalizer is left out: no Job controller runs here to remove it.
func CreateRunnerPod(ctx context.Context, c client.Client, job *batchv1.Job, name string) (*corev1.Pod, error) {
	tmpl := job.Spec.Template.DeepCopy()
	labels := map[string]string{batchv1.JobNameLabel: job.Name, batchv1.ControllerUidLabel: string(job.UID)}
	for k, v := range tmpl.Labels {
		labels[k] = v
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:       job.Name + "-" + name,
			Namespace:  job.Namespace,
			Labels:     labels,
			Finalizers: tmpl.Finalizers,
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
	return pod, nil
}

// CreateScheduledRunnerPod is CreateRunnerPod for a pod the scheduler already bound to node: deleting it
// is graceful (it keeps running until its kubelet stops it), unlike an unscheduled pod, which the API
// server removes at once.
func CreateScheduledRunnerPod(ctx context.Context, c client.Client, job *batchv1.Job, name, node string) (*corev1.Pod, error) {
	scheduled := job.DeepCopy()
	scheduled.Spec.Template.Spec.NodeName = node
	return CreateRunnerPod(ctx, c, scheduled, name)
}

// SetPodStatus reports a pod's status as the kubelet (or the scheduler, for PodScheduled) would.
func SetPodStatus(ctx context.Context, c client.Client, pod *corev1.Pod, status corev1.PodStatus) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := c.Get(ctx, client.ObjectKeyFromObject(pod), pod); err != nil {
			return err
		}
		pod.Status = status
		if err := c.Status().Update(ctx, pod); err != nil {
			return fmt.Errorf("update status of pod %s: %w", pod.Name, err)
		}
		return nil
	})
}

// RunningStatus is a pod whose runner container runs.
func RunningStatus() corev1.PodStatus {
	started := metav1.NewTime(time.Now().Truncate(time.Second))
	return corev1.PodStatus{Phase: corev1.PodRunning, StartTime: &started, ContainerStatuses: []corev1.ContainerStatus{{
		Name: RunnerContainer, Ready: true, Started: ptr.To(true),
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: started}},
	}}}
}

// WaitingStatus is a pod whose runner container waits to start, for the kubelet's reason
// (CreateContainerConfigError, ImagePullBackOff, ...).
func WaitingStatus(reason, message string) corev1.PodStatus {
	return corev1.PodStatus{Phase: corev1.PodPending, ContainerStatuses: []corev1.ContainerStatus{{
		Name: RunnerContainer, State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}},
	}}}
}

// UnschedulableStatus is a pod the scheduler cannot place, with its message.
func UnschedulableStatus(message string) corev1.PodStatus {
	return corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{
		Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable, Message: message,
		LastTransitionTime: metav1.Now(),
	}}}
}

// TerminatedStatus is a pod whose runner ended with exitCode and the termination message (the runner's
// JSON summary, or a log tail). disrupted adds the DisruptionTarget condition an eviction, a preemption
// or a node drain gives a pod.
func TerminatedStatus(exitCode int32, message string, disrupted bool) corev1.PodStatus {
	phase, reason := corev1.PodSucceeded, "Completed"
	if exitCode != 0 {
		phase, reason = corev1.PodFailed, "Error"
	}
	finished := metav1.NewTime(time.Now().Truncate(time.Second))
	st := corev1.PodStatus{
		Phase:     phase,
		StartTime: ptr.To(metav1.NewTime(finished.Add(-time.Second))),
		ContainerStatuses: []corev1.ContainerStatus{{
			Name: RunnerContainer,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode:   exitCode,
				Reason:     reason,
				Message:    message,
				StartedAt:  metav1.NewTime(finished.Add(-time.Second)),
				FinishedAt: finished,
			}},
		}},
	}
	if disrupted {
		st.Conditions = []corev1.PodCondition{{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue,
			Reason: "EvictionByEvictionAPI", Message: "Eviction API: evicting", LastTransitionTime: finished}}
	}
	return st
}

// CreateFinishedRunnerPod creates the pod a Job would have started, from its template, and reports its
// runner container as terminated with exitCode and the termination message (the runner's JSON summary,
// or a log tail), as the kubelet would.
func CreateFinishedRunnerPod(ctx context.Context, c client.Client, job *batchv1.Job, exitCode int32, message string) (*corev1.Pod, error) {
	pod, err := CreateRunnerPod(ctx, c, job, "runner")
	if err != nil {
		return nil, err
	}
	if err := SetPodStatus(ctx, c, pod, TerminatedStatus(exitCode, message, false)); err != nil {
		return nil, fmt.Errorf("report pod %s as finished: %w", pod.Name, err)
	}
	return pod, nil
}

// SetJobStarted records that the Job controller started an unsuspended Job (status.startTime) whose pod
// does not run yet.
func SetJobStarted(ctx context.Context, c client.Client, key client.ObjectKey) error {
	return updateJobStatus(ctx, c, key, func(st *batchv1.JobStatus) {
		if st.StartTime == nil {
			st.StartTime = ptr.To(metav1.Now())
		}
		st.Active, st.Ready = 1, ptr.To[int32](0)
	})
}

// RecordFailedCreate records the Job controller's event for a pod the API server refused to create.
func RecordFailedCreate(ctx context.Context, c client.Client, job *batchv1.Job, message string) error {
	now := metav1.Now()
	ev := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{GenerateName: job.Name + ".", Namespace: job.Namespace},
		InvolvedObject: corev1.ObjectReference{APIVersion: "batch/v1", Kind: "Job", Namespace: job.Namespace, Name: job.Name,
			UID: job.UID},
		Reason: "FailedCreate", Message: message, Type: corev1.EventTypeWarning, Count: 1,
		FirstTimestamp: now, LastTimestamp: now, Source: corev1.EventSource{Component: "job-controller"},
	}
	if err := c.Create(ctx, ev); err != nil {
		return fmt.Errorf("record FailedCreate of Job %s: %w", job.Name, err)
	}
	return nil
}
