package task

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
	"github.com/langflix/langflix-operator/controllers/internal/naming"
)

// How an attempt ended decides what comes next. Every reason an attempt can end with is in exactly one of
// these sets; classifyAttempt and the plan produce no other.
var (
	// retryableEnds are failures that another attempt may not repeat: the operator retries them after the
	// backoff, while retries are left.
	retryableEnds = map[string]bool{
		tasksv1.ReasonAttemptFailed:          true,
		tasksv1.ReasonJobDeleted:             true,
		tasksv1.ReasonStartTimeLimitExceeded: true,
	}
	// finalEnds are failures that the same input would repeat; the task fails for good.
	finalEnds = map[string]bool{
		tasksv1.ReasonInvalidInput:          true,
		tasksv1.ReasonSoftTimeLimitExceeded: true,
		tasksv1.ReasonHardTimeLimitExceeded: true,
		tasksv1.ReasonPodConfigurationError: true,
		tasksv1.ReasonJobRejected:           true,
		tasksv1.ReasonJobNameConflict:       true,
	}
)

// currentAttempt is status.currentAttempt, or, for a status written before attempts had an identity
// (status.attempts and jobName only), the attempt those describe, without a Job UID yet.
func currentAttempt(st *tasksv1.TaskStatus, taskName, kind string) *tasksv1.AttemptStatus {
	if st.CurrentAttempt != nil {
		return st.CurrentAttempt
	}
	if st.Attempts < 1 {
		return nil
	}
	return &tasksv1.AttemptStatus{Number: st.Attempts, JobName: naming.JobName(taskName, kind, st.Attempts)}
}

// startAttempt makes attempt n the current one; the previous current attempt joins the bounded history.
func startAttempt(st *tasksv1.TaskStatus, taskName, kind string, n int32) *tasksv1.AttemptStatus {
	if st.CurrentAttempt != nil {
		st.PreviousAttempts = append(st.PreviousAttempts, *st.CurrentAttempt)
		if extra := len(st.PreviousAttempts) - tasksv1.MaxPreviousAttempts; extra > 0 {
			st.PreviousAttempts = st.PreviousAttempts[extra:]
		}
	}
	st.CurrentAttempt = &tasksv1.AttemptStatus{Number: n, JobName: naming.JobName(taskName, kind, n)}
	st.Attempts = max(st.Attempts, n)
	st.JobName = st.CurrentAttempt.JobName
	st.NextRetryTime = nil
	return st.CurrentAttempt
}

// adoptJob records job as the current attempt's Job: its UID and creation time identify the attempt from
// now on.
func adoptJob(cur *tasksv1.AttemptStatus, job *batchv1.Job) {
	cur.JobName, cur.JobUID = job.Name, job.UID
	if cur.CreateTime == nil && !job.CreationTimestamp.IsZero() {
		cur.CreateTime = ptr.To(job.CreationTimestamp)
	}
}

// withCreatedJob records the Job the operator just created (or found already created by itself) in the
// status the reconcile writes.
func withCreatedJob(st tasksv1.TaskStatus, job *batchv1.Job) tasksv1.TaskStatus {
	if job == nil || st.CurrentAttempt == nil {
		return st
	}
	st.CurrentAttempt = st.CurrentAttempt.DeepCopy()
	adoptJob(st.CurrentAttempt, job)
	return st
}

// releasablePods are the task's pods whose result finalizer the operator removes now. A pod's termination
// message is needed until the end of its attempt is recorded in the stored status; after that, or when the
// pod's end does not decide the attempt (a disruption the Job absorbs), nothing is lost by letting it go.
// Decided from the stored status, never a planned one, so a status write that fails cannot lose a result.
func releasablePods(stored *tasksv1.TaskStatus, pods []corev1.Pod) []corev1.Pod {
	cur := stored.CurrentAttempt
	var out []corev1.Pod
	for i := range pods {
		pod := &pods[i]
		if !hasFinalizer(pod, tasksv1.FinalizerResult) {
			continue
		}
		n := attemptOf(pod)
		switch {
		case n == 0:
			out = append(out, *pod) // not an attempt's pod: nothing to keep it for
		case cur == nil || n > cur.Number:
			// The status does not know this attempt yet.
		case n < cur.Number, cur.FinishTime != nil:
			out = append(out, *pod)
		case jobs.Terminal(pod) && jobs.EndedByDisruption(pod):
			out = append(out, *pod)
		}
	}
	return out
}

// staleProgress reports whether the stored progress belongs to an earlier attempt than the current one.
// Progress from a runner too old to say its attempt is stale once it predates the current attempt's Job.
func staleProgress(stored *tasksv1.TaskStatus) bool {
	p, cur := stored.Progress, stored.CurrentAttempt
	if p == nil || cur == nil {
		return false
	}
	if p.Attempt > 0 {
		return p.Attempt < cur.Number
	}
	return cur.Number > 1 && cur.CreateTime != nil && p.UpdateTime != nil && p.UpdateTime.Before(cur.CreateTime)
}

// holdingResult are the pods that still hold the result finalizer.
func holdingResult(pods []corev1.Pod) []corev1.Pod {
	var out []corev1.Pod
	for i := range pods {
		if hasFinalizer(&pods[i], tasksv1.FinalizerResult) {
			out = append(out, pods[i])
		}
	}
	return out
}

func hasFinalizer(obj metav1.Object, finalizer string) bool {
	for _, f := range obj.GetFinalizers() {
		if f == finalizer {
			return true
		}
	}
	return false
}

// alivePodsUpTo are the task's pods of attempts up to n that may still run a runner. Called before attempt
// n's Job exists, so a pod of attempt n belongs to an earlier Job of that attempt.
func alivePodsUpTo(pods []corev1.Pod, n int32) []corev1.Pod {
	var out []corev1.Pod
	for i := range pods {
		if a := attemptOf(&pods[i]); a > 0 && a <= n && jobs.Alive(&pods[i]) {
			out = append(out, pods[i])
		}
	}
	return out
}
