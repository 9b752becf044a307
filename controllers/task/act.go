package task

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
	"github.com/langflix/langflix-operator/controllers/internal/kubewrite"
	"github.com/langflix/langflix-operator/controllers/internal/kueue"
	"github.com/langflix/langflix-operator/controllers/internal/metrics"
	"github.com/langflix/langflix-operator/controllers/internal/naming"
)

// act carries out the plan's side effects on child objects, one named step after another; the first step
// that fails ends the reconcile (its reason goes to status). It returns the Job it created, if any, whose
// UID the status then records.
func (r *Reconciler) act(ctx context.Context, task tasksv1.Task, obs taskObservation, plan taskPlan) (*batchv1.Job, error) {
	if plan.suspendJob != nil && obs.job != nil {
		err := kubewrite.Patch(ctx, r.Client, obs.job, fmt.Sprintf("set suspend=%t on Job", *plan.suspendJob), func() {
			obs.job.Spec.Suspend = plan.suspendJob
		})
		if err != nil {
			return nil, conditions.Step(tasksv1.ReasonSuspendJobFailed, err)
		}
	}
	if plan.stopJob != nil {
		if err := r.stopJob(ctx, plan.stopJob); err != nil {
			return nil, err
		}
	}
	if err := r.releasePods(ctx, plan.releasePods); err != nil {
		return nil, err
	}
	if plan.clearProgress {
		if err := r.clearProgress(ctx, task); err != nil {
			return nil, err
		}
	}
	if !plan.createJob {
		return nil, nil
	}
	// The admission queue (gate) decided before: the Job is created only with its slot, or handed to Kueue.
	return r.createJob(ctx, task, plan.status.CurrentAttempt.Number, obs.pods, plan.kueueQueue)
}

// createJob creates the Job of attempt n, after making sure no pod of an earlier attempt still runs, and
// sorts the API server's refusals into those that waiting can fix (retried with backoff, task Pending) and
// those it cannot (the task fails).
func (r *Reconciler) createJob(ctx context.Context, task tasksv1.Task, n int32, cached []corev1.Pod, kueueQueue string) (*batchv1.Job, error) {
	if existing, err := r.waitForEarlierPods(ctx, task, n, cached); existing != nil || err != nil {
		return existing, err
	}
	// Once per namespace (and again after a refused create), not per task.
	provisioner := r.provisioner()
	if err := provisioner.Ensure(ctx, task.GetNamespace(), task.GetTemplate().ServiceAccountName == ""); err != nil {
		return nil, conditions.Step(tasksv1.ReasonRunnerAccessFailed, err)
	}
	job := jobForTask(task, r.Kind, n, r.Runner)
	if kueueQueue != "" {
		kueue.Submit(job, kueueQueue)
	}
	err := r.Client.Create(ctx, job)
	if apierrors.IsAlreadyExists(err) {
		return r.adoptExisting(ctx, task, job.Name)
	}
	if err != nil {
		// The namespace's runner objects may be what is wrong (deleted, or refused by a policy that checks
		// them): the next attempt to create the Job provisions the namespace again.
		provisioner.Forget(task.GetNamespace())
		return nil, createError(fmt.Errorf("create Job %s: %w", job.Name, err))
	}
	klog.FromContext(ctx).V(2).Info("Created Job", "job", klog.KObj(job), "attempt", n)
	// Reported here, where the Job is known to be new. Judging from a status diff instead would report the
	// attempt again whenever a reconcile reads a task status the cache has not updated yet.
	r.Recorder.Eventf(task, nil, corev1.EventTypeNormal, tasksv1.ReasonJobCreated, "CreateJob",
		"Created Job %s for attempt %d", job.Name, n)
	metrics.TaskAttempts.WithLabelValues(r.Kind).Inc()
	return job, nil
}

// createError classifies a refused Job create. Invalid (422) and admission denials (a
// ValidatingAdmissionPolicy or a webhook said no) cannot succeed by retrying the same Job: the task fails
// with JobRejected. A quota may free up, and anything else (timeouts, 5xx, throttling, the operator's own
// RBAC) may pass later: those are retried with backoff.
func createError(err error) error {
	switch {
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err), deniedByAdmission(err):
		return conditions.FinalStep(tasksv1.ReasonJobRejected, err)
	case apierrors.IsForbidden(err) && strings.Contains(err.Error(), "exceeded quota"):
		return conditions.Step(tasksv1.ReasonQuotaExceeded, err)
	}
	return conditions.Step(tasksv1.ReasonJobCreateFailed, err)
}

// deniedByAdmission reports whether an admission plugin of the cluster refused the request: a
// ValidatingAdmissionPolicy ("... denied request: ...") or a webhook ("admission webhook ... denied the
// request"). Both answer 403 by default (a policy may choose 422, which IsInvalid covers), the same code as
// an RBAC refusal of the operator itself, which a fixed Role can heal.
func deniedByAdmission(err error) bool {
	if !apierrors.IsForbidden(err) {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "denied request") || strings.Contains(s, "denied the request")
}

// adoptExisting handles AlreadyExists: the Job of that name exists already. When the task controls it, it
// is this attempt's Job, created by an earlier reconcile whose record was lost or that the cache had not
// shown yet: adopt it. Otherwise a foreign Job holds the name, and this attempt can never have it.
func (r *Reconciler) adoptExisting(ctx context.Context, task tasksv1.Task, name string) (*batchv1.Job, error) {
	var existing batchv1.Job
	if err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: task.GetNamespace(), Name: name}, &existing); err != nil {
		// Not found: gone again between two requests, or never created; the caller decides.
		return nil, conditions.Step(tasksv1.ReasonJobCreateFailed, fmt.Errorf("get existing Job %s: %w", name, err))
	}
	if !metav1.IsControlledBy(&existing, task) {
		owner := "no controller"
		if ref := metav1.GetControllerOf(&existing); ref != nil {
			owner = fmt.Sprintf("controller %s %s", ref.Kind, ref.Name)
		}
		return nil, conditions.FinalStep(tasksv1.ReasonJobNameConflict, fmt.Errorf(
			"the attempt's Job %s/%s exists already and is not this task's (%s): delete it or give the task another name",
			existing.Namespace, existing.Name, owner))
	}
	klog.FromContext(ctx).V(2).Info("Adopted Job created earlier", "job", klog.KObj(&existing))
	return &existing, nil
}

// waitForEarlierPods makes sure no pod of an earlier attempt, nor one of an earlier Job of this attempt
// (created, deleted with --cascade=orphan and never recorded), can still run before attempt n's Job is
// created: two runners must never write to one output folder. From the second attempt on it reads the pods
// live (a pod the cache has not seen would slip through); for the first, which has no earlier attempt, the
// cache is enough and a new task costs no extra request. It deletes the pods still alive and holds the
// attempt back until they are terminal or gone.
//
// A pod of attempt n itself may also be the first pod of attempt n's own Job, created by a reconcile whose
// record was lost and not in the cache yet: then that Job is returned, adopted, and nothing is deleted.
func (r *Reconciler) waitForEarlierPods(ctx context.Context, task tasksv1.Task, n int32, cached []corev1.Pod) (*batchv1.Job, error) {
	pods := cached
	if n > 1 {
		var live corev1.PodList
		if err := r.APIReader.List(ctx, &live, client.InNamespace(task.GetNamespace()), r.childLabels(task)); err != nil {
			return nil, conditions.Step(tasksv1.ReasonListPodsFailed, fmt.Errorf("list pods of %s: %w", klog.KObj(task), err))
		}
		pods = live.Items
	}
	alive := alivePodsUpTo(pods, n)
	if len(alive) == 0 {
		return nil, nil
	}
	for i := range alive {
		if attemptOf(&alive[i]) == n {
			job, err := r.adoptExisting(ctx, task, naming.JobName(task.GetName(), r.Kind, n))
			if !apierrors.IsNotFound(err) {
				return job, err
			}
			break
		}
	}
	var names []string
	for i := range alive {
		pod := &alive[i]
		names = append(names, pod.Name)
		if !pod.DeletionTimestamp.IsZero() {
			continue
		}
		err := r.Client.Delete(ctx, pod, client.Preconditions{UID: &pod.UID})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return nil, conditions.Step(tasksv1.ReasonDeletePodFailed, fmt.Errorf("delete pod %s of an earlier attempt: %w", pod.Name, err))
		}
	}
	return nil, conditions.Step(tasksv1.ReasonWaitingForPreviousAttempt, fmt.Errorf(
		"attempt %d waits until no pod of an earlier attempt or Job runs: %s", n, strings.Join(names, ", ")))
}

// stopJob deletes a Job whose attempt's end is recorded while it still runs; its pods go with it.
func (r *Reconciler) stopJob(ctx context.Context, job *batchv1.Job) error {
	err := r.Client.Delete(ctx, job, client.PropagationPolicy(metav1.DeletePropagationBackground),
		client.Preconditions{UID: &job.UID})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return conditions.Step(tasksv1.ReasonDeleteJobFailed, fmt.Errorf("delete Job %s of a finished attempt: %w", job.Name, err))
	}
	return nil
}

// releaseFinalizerPatch removes the result finalizer and nothing else, as the Job controller removes its
// own tracking finalizer: a strategic merge patch directive, so a finalizer another controller adds or
// removes at the same time is left alone.
var releaseFinalizerPatch = client.RawPatch(types.StrategicMergePatchType,
	[]byte(`{"metadata":{"$deleteFromPrimitiveList/finalizers":["`+tasksv1.FinalizerResult+`"]}}`))

// releasePods removes the result finalizer from pods.
func (r *Reconciler) releasePods(ctx context.Context, pods []corev1.Pod) error {
	for i := range pods {
		if err := client.IgnoreNotFound(r.Client.Patch(ctx, &pods[i], releaseFinalizerPatch)); err != nil {
			return conditions.Step(tasksv1.ReasonReleasePodFailed, fmt.Errorf("remove finalizer %s from pod %s: %w",
				tasksv1.FinalizerResult, pods[i].Name, err))
		}
	}
	return nil
}

// clearProgress removes an earlier attempt's progress from the status, so that neither a reader nor the
// printer column takes it for the current attempt's. The patch tests that the progress is still the stale
// one it read: a runner of the current attempt that wrote meanwhile keeps its progress.
func (r *Reconciler) clearProgress(ctx context.Context, task tasksv1.Task) error {
	stale, err := json.Marshal(task.GetTaskStatus().Progress)
	if err != nil {
		return conditions.Step(tasksv1.ReasonClearProgressFailed, fmt.Errorf("encode progress: %w", err))
	}
	patch := fmt.Appendf(nil, `[{"op":"test","path":"/status/progress","value":%s},{"op":"remove","path":"/status/progress"}]`, stale)
	err = r.Client.Status().Patch(ctx, task.DeepCopyObject().(client.Object), client.RawPatch(types.JSONPatchType, patch))
	if err == nil || apierrors.IsNotFound(err) || apierrors.IsInvalid(err) {
		// The API server answers a patch whose test fails (the progress changed meanwhile, or is gone
		// already) with 422: the next reconcile looks at the progress again.
		return nil
	}
	return conditions.Step(tasksv1.ReasonClearProgressFailed, fmt.Errorf("remove progress of an earlier attempt from %s: %w", klog.KObj(task), err))
}
