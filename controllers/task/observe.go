package task

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

// taskObservation is everything the operator saw of a task's children in one reconcile.
type taskObservation struct {
	// job is the current attempt's Job: the one whose UID status.currentAttempt records (read live when the
	// cache does not have it), or, while status knows no UID yet, the Job of the attempt's name that the
	// task controls. Nil when there is none.
	job *batchv1.Job
	// newerJob is a Job of the task for a later attempt than status knows: created by an operator that
	// stopped before it could record it. It becomes the current attempt.
	newerJob *batchv1.Job
	// jobLive is set when job was read from the API server because the cache does not have it (its labels
	// were changed): its changes trigger no reconcile, so the task is looked at again on a timer.
	jobLive bool
	// jobGone is set when status knows the current attempt's Job UID and a live read finds no Job with it:
	// the Job was deleted after it was created (by a person, a TTL controller, a policy).
	jobGone bool
	// termination is the runner's exit, read live from the finished Job's pods, when the attempt's end is
	// not recorded yet.
	termination *jobs.Termination
	// startProblem is why the current Job's runner does not run, when it does not.
	startProblem *jobs.StartProblem
	// pods are the task's runner pods of every attempt, from the cache.
	pods []corev1.Pod
}

// failedCreateAfter is how long a running Job may have no pod before the Job controller's FailedCreate
// events are read: creating a pod normally takes well under a second.
const failedCreateAfter = 5 * time.Second

// observe reads what the plan needs: the task's Jobs and pods from the cache, and, only where the cache
// cannot be trusted to decide, the API server itself (a Job the cache does not have, a finished pod's
// termination message, the Job controller's events).
func (r *Reconciler) observe(ctx context.Context, task tasksv1.Task, now time.Time) (taskObservation, error) {
	var obs taskObservation
	var pods corev1.PodList
	if err := r.Client.List(ctx, &pods, client.InNamespace(task.GetNamespace()), r.childLabels(task)); err != nil {
		return obs, conditions.Step(tasksv1.ReasonListPodsFailed, fmt.Errorf("list pods of %s: %w", klog.KObj(task), err))
	}
	obs.pods = pods.Items

	owned, err := r.ownedJobs(ctx, task)
	if err != nil {
		return obs, err
	}
	st := task.GetTaskStatus()
	cur := currentAttempt(st, task.GetName(), r.Kind)
	if st.Phase.IsFinished() {
		// Only a Job that outlived its attempt's end matters now: it is stopped.
		if cur != nil && cur.JobUID != "" {
			obs.job = findJob(owned, func(j *batchv1.Job) bool { return j.UID == cur.JobUID })
		}
		return obs, nil
	}

	if newest := newestJob(owned); newest != nil && (cur == nil || attemptOf(newest) > cur.Number) {
		obs.newerJob = newest
		obs.job = newest
	} else if cur != nil {
		if obs.job, obs.jobGone, err = r.attemptJob(ctx, task, cur, owned); err != nil {
			return obs, err
		}
		obs.jobLive = obs.job != nil && findJob(owned, func(j *batchv1.Job) bool { return j.UID == obs.job.UID }) == nil
	}
	if obs.job == nil || (cur != nil && cur.FinishTime != nil && obs.newerJob == nil) {
		return obs, nil
	}

	switch {
	case jobs.Finished(obs.job) != nil:
		if obs.termination, err = r.readTermination(ctx, obs.job); err != nil {
			return obs, err
		}
	case !ptr.Deref(obs.job.Spec.Suspend, false) && ptr.Deref(obs.job.Status.Ready, 0) == 0:
		if obs.startProblem, err = r.startProblem(ctx, obs.job, jobs.OfJob(obs.pods, obs.job), now); err != nil {
			return obs, err
		}
	}
	return obs, nil
}

// childLabels selects a task's Jobs and pods by the labels the operator gives them.
func (r *Reconciler) childLabels(task tasksv1.Task) client.MatchingLabels {
	return r.labelsOfTask(task.GetName())
}

// labelsOfTask are the labels of the Jobs and pods of the task of this kind named name, which may be gone.
func (r *Reconciler) labelsOfTask(name string) client.MatchingLabels {
	return client.MatchingLabels{tasksv1.LabelTask: name, tasksv1.LabelKind: r.Kind}
}

// ownedJobs lists the task's Jobs from the cache: those it controls (a Job with the labels but another
// owner is not the task's).
func (r *Reconciler) ownedJobs(ctx context.Context, task tasksv1.Task) ([]batchv1.Job, error) {
	var list batchv1.JobList
	if err := r.Client.List(ctx, &list, client.InNamespace(task.GetNamespace()), r.childLabels(task)); err != nil {
		return nil, conditions.Step(tasksv1.ReasonListJobsFailed, fmt.Errorf("list Jobs of %s: %w", klog.KObj(task), err))
	}
	return slices.DeleteFunc(list.Items, func(j batchv1.Job) bool {
		return !metav1.IsControlledBy(&j, task) || attemptOf(&j) < 1
	}), nil
}

// attemptJob finds the current attempt's Job. With its UID known, a Job the cache does not have is looked
// up on the API server before it is declared gone: the cache may simply not have seen it yet (the UID was
// recorded from the create response), or its labels were changed and it dropped out of the label-filtered
// cache. Without a UID (its creation failed or was not recorded), the task's Job of the attempt's name is it.
func (r *Reconciler) attemptJob(ctx context.Context, task tasksv1.Task, cur *tasksv1.AttemptStatus, owned []batchv1.Job) (*batchv1.Job, bool, error) {
	if cur.JobUID == "" {
		return findJob(owned, func(j *batchv1.Job) bool { return j.Name == cur.JobName }), false, nil
	}
	if job := findJob(owned, func(j *batchv1.Job) bool { return j.UID == cur.JobUID }); job != nil {
		// A Job being deleted before it finished is as good as gone: its pods are being stopped.
		return job, deletedUnfinished(job, cur), nil
	}
	if cur.FinishTime != nil {
		// The attempt's end is recorded: its Job may go, nothing depends on it any more.
		return nil, false, nil
	}
	var live batchv1.Job
	err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: task.GetNamespace(), Name: cur.JobName}, &live)
	switch {
	case apierrors.IsNotFound(err):
		return nil, true, nil
	case err != nil:
		return nil, false, conditions.Step(tasksv1.ReasonListJobsFailed, fmt.Errorf("get Job %s: %w", cur.JobName, err))
	case live.UID != cur.JobUID:
		// Deleted, and another Job took the name since.
		return nil, true, nil
	}
	return &live, deletedUnfinished(&live, cur), nil
}

// deletedUnfinished reports whether someone deletes the unfinished attempt's Job (the operator itself
// deletes a Job only after its attempt's end is recorded).
func deletedUnfinished(job *batchv1.Job, cur *tasksv1.AttemptStatus) bool {
	return cur.FinishTime == nil && !job.DeletionTimestamp.IsZero() && jobs.Finished(job) == nil
}

// readTermination reads the runner's exit from the finished Job's pods on the API server: the cache may
// still hold a pod from before its runner ended, which would lose the termination message.
func (r *Reconciler) readTermination(ctx context.Context, job *batchv1.Job) (*jobs.Termination, error) {
	var pods corev1.PodList
	if err := r.APIReader.List(ctx, &pods, client.InNamespace(job.Namespace),
		client.MatchingLabels{batchv1.ControllerUidLabel: string(job.UID)}); err != nil {
		return nil, conditions.Step(tasksv1.ReasonListPodsFailed, fmt.Errorf("list pods of Job %s: %w", job.Name, err))
	}
	return jobs.TerminationFromPods(pods.Items), nil
}

// startProblem says why a running Job's runner does not run: from its pods when it has some, else from the
// Job controller's FailedCreate events, which are the only trace of a pod the API server refused (a missing
// ServiceAccount, a pod quota).
func (r *Reconciler) startProblem(ctx context.Context, job *batchv1.Job, pods []corev1.Pod, now time.Time) (*jobs.StartProblem, error) {
	for i := range pods {
		if p, ok := jobs.PodStartProblem(&pods[i]); ok {
			return &p, nil
		}
	}
	if len(pods) > 0 || job.Status.StartTime == nil || now.Sub(job.Status.StartTime.Time) < failedCreateAfter {
		return nil, nil
	}
	var events corev1.EventList
	if err := r.APIReader.List(ctx, &events, client.InNamespace(job.Namespace),
		client.MatchingFields{"involvedObject.uid": string(job.UID), "reason": tasksv1.ReasonFailedCreate}); err != nil {
		return nil, conditions.Step(tasksv1.ReasonListEventsFailed, fmt.Errorf("list events of Job %s: %w", job.Name, err))
	}
	var newest *corev1.Event
	for i := range events.Items {
		if e := &events.Items[i]; newest == nil || eventTime(e).After(eventTime(newest)) {
			newest = e
		}
	}
	if newest == nil {
		return nil, nil
	}
	p := jobs.FailedCreateProblem(newest.Message)
	return &p, nil
}

func eventTime(e *corev1.Event) time.Time {
	if !e.LastTimestamp.IsZero() {
		return e.LastTimestamp.Time
	}
	return e.EventTime.Time
}

// attemptOf is the attempt number a Job or pod carries in its label; 0 when it has none.
func attemptOf(obj metav1.Object) int32 {
	n, err := strconv.ParseInt(obj.GetLabels()[tasksv1.LabelAttempt], 10, 32)
	if err != nil || n < 1 {
		return 0
	}
	return int32(n)
}

// newestJob is the Job of the highest attempt.
func newestJob(owned []batchv1.Job) *batchv1.Job {
	var newest *batchv1.Job
	for i := range owned {
		if newest == nil || attemptOf(&owned[i]) > attemptOf(newest) {
			newest = &owned[i]
		}
	}
	return newest
}

func findJob(owned []batchv1.Job, match func(*batchv1.Job) bool) *batchv1.Job {
	for i := range owned {
		if match(&owned[i]) {
			return &owned[i]
		}
	}
	return nil
}
