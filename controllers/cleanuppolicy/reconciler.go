// Package cleanuppolicy reconciles CleanupPolicies: one CronJob each, running the runner's cleanup command,
// and a status that mirrors the CronJob and its last finished run.
package cleanuppolicy

import (
	"context"
	"errors"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
	"github.com/langflix/langflix-operator/controllers/internal/kubewrite"
	"github.com/langflix/langflix-operator/controllers/internal/metrics"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
)

// Reconciler keeps one CronJob per CleanupPolicy in sync and mirrors its runs into the status.
type Reconciler struct {
	Client    client.Client
	APIReader client.Reader
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
	Runner    runnerpod.Config
}

// Reconcile gets the policy, syncs its CronJob and observes its last run. Once the policy was read, its
// status is written exactly once, at the end, whatever happened (deferred, as cluster-api does): a step
// that failed leaves its reason and the API server's message in the conditions, and its error is returned
// for backoff.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (_ ctrl.Result, retErr error) {
	var policy tasksv1.CleanupPolicy
	if err := r.Client.Get(ctx, req.NamespacedName, &policy); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !policy.DeletionTimestamp.IsZero() {
		// The CronJob and its Jobs are owned by the policy; garbage collection removes them.
		return ctrl.Result{}, nil
	}
	ctx = klog.NewContext(ctx, klog.FromContext(ctx).WithValues("cleanupPolicy", klog.KObj(&policy)))
	now := r.Clock.Now()

	obs := cleanupObservation{}
	defer func() {
		desired := computeCleanupStatus(&policy, obs, now)
		if retErr != nil {
			conditions.SetStepError(&desired.Conditions, policy.Generation, now, retErr)
		}
		if err := r.writeStatus(ctx, &policy, desired, retErr); err != nil {
			retErr = errors.Join(retErr, err)
		}
	}()

	var err error
	obs.cronJob, obs.syncErr, err = r.syncCronJob(ctx, &policy)
	if err != nil {
		return ctrl.Result{}, conditions.Step(tasksv1.ReasonCronJobSyncFailed, err)
	}
	return ctrl.Result{}, r.observeLastRun(ctx, &policy, &obs)
}

// writeStatus writes the desired status when it differs from the current one, then emits the events of
// the change: such an event is only ever sent for a status that was stored.
func (r *Reconciler) writeStatus(ctx context.Context, p *tasksv1.CleanupPolicy, desired tasksv1.CleanupPolicyStatus, stepErr error) error {
	if equality.Semantic.DeepEqual(p.Status, desired) {
		return nil
	}
	if err := kubewrite.ApplyStatus(ctx, r.Client, p, cleanupKind, &desired); err != nil {
		return err
	}
	r.recordTransition(p, desired)
	if stepErr != nil {
		r.Recorder.Eventf(p, nil, corev1.EventTypeWarning, conditions.StepReason(stepErr), "Reconcile", "%s", conditions.Message(stepErr))
	}
	return nil
}

// syncCronJob creates or updates the policy's CronJob. A rejection by the API server for invalid content is
// returned as syncErr (reported in status, not retried: only a spec change can fix it); other errors are
// returned as err and retried with backoff.
func (r *Reconciler) syncCronJob(ctx context.Context, p *tasksv1.CleanupPolicy) (*batchv1.CronJob, error, error) {
	desired := cronJobForPolicy(p, r.Runner)
	var current batchv1.CronJob
	err := r.Client.Get(ctx, client.ObjectKeyFromObject(desired), &current)
	switch {
	case apierrors.IsNotFound(err):
		if err := r.Client.Create(ctx, desired); err != nil {
			if apierrors.IsInvalid(err) {
				return nil, err, nil
			}
			return nil, nil, fmt.Errorf("create CronJob %s: %w", desired.Name, err)
		}
		return desired, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("get CronJob %s: %w", desired.Name, err)
	}
	if cronJobUpToDate(desired, &current) {
		return &current, nil, nil
	}
	err = kubewrite.Patch(ctx, r.Client, &current, "update CronJob", func() {
		current.Spec = desired.Spec
		current.Labels = desired.Labels
	})
	if err != nil {
		if apierrors.IsInvalid(err) {
			return nil, err, nil
		}
		return nil, nil, err
	}
	return &current, nil, nil
}

// cronJobUpToDate reports whether current already runs what desired describes. DeepDerivative tolerates
// the fields the API server defaulted, but it also ignores whatever desired leaves out, so a list that only
// shrank (the cleanup arguments when --dry-run or a path is dropped) would never reach the CronJob: the
// containers' arguments and resources, which the policy's spec alone decides, are compared exactly.
func cronJobUpToDate(desired, current *batchv1.CronJob) bool {
	if !equality.Semantic.DeepDerivative(desired.Spec, current.Spec) || !equality.Semantic.DeepEqual(desired.Labels, current.Labels) {
		return false
	}
	want, have := desired.Spec.JobTemplate.Spec.Template.Spec.Containers, current.Spec.JobTemplate.Spec.Template.Spec.Containers
	if len(want) != len(have) {
		return false
	}
	for i := range want {
		if !equality.Semantic.DeepEqual(want[i].Args, have[i].Args) || !equality.Semantic.DeepEqual(want[i].Resources, have[i].Resources) {
			return false
		}
	}
	return true
}

// observeLastRun finds the newest finished cleanup Job and, when it is new to the status, reads its
// runner's summary from the pod.
func (r *Reconciler) observeLastRun(ctx context.Context, p *tasksv1.CleanupPolicy, obs *cleanupObservation) error {
	var list batchv1.JobList
	if err := r.Client.List(ctx, &list, client.InNamespace(p.Namespace),
		client.MatchingLabels{tasksv1.LabelTask: p.Name, tasksv1.LabelKind: cleanupKind}); err != nil {
		return conditions.Step(tasksv1.ReasonListJobsFailed, fmt.Errorf("list cleanup Jobs: %w", err))
	}
	for i := range list.Items {
		job := &list.Items[i]
		cond := jobs.Finished(job)
		if cond == nil {
			continue
		}
		if obs.lastJob == nil || cond.LastTransitionTime.After(jobs.Finished(obs.lastJob).LastTransitionTime.Time) {
			obs.lastJob = job
		}
	}
	if obs.lastJob == nil || (p.Status.LastRun != nil && p.Status.LastRun.JobName == obs.lastJob.Name) {
		return nil
	}
	var pods corev1.PodList
	if err := r.APIReader.List(ctx, &pods, client.InNamespace(p.Namespace),
		client.MatchingLabels{batchv1.JobNameLabel: obs.lastJob.Name}); err != nil {
		return conditions.Step(tasksv1.ReasonListPodsFailed, fmt.Errorf("list pods of Job %s: %w", obs.lastJob.Name, err))
	}
	obs.lastTermination = jobs.TerminationFromPods(pods.Items)
	return nil
}

func (r *Reconciler) recordTransition(p *tasksv1.CleanupPolicy, cur tasksv1.CleanupPolicyStatus) {
	if run := cur.LastRun; run != nil && (p.Status.LastRun == nil || p.Status.LastRun.JobName != run.JobName) {
		if run.Outcome == tasksv1.CleanupSucceeded {
			deleted := ptr.Deref(run.FilesDeleted, 0)
			metrics.CleanupRuns.WithLabelValues("succeeded").Inc()
			if run.Mode != tasksv1.CleanupDryRun {
				metrics.CleanupFilesDeleted.Add(float64(deleted))
			}
			r.Recorder.Eventf(p, nil, corev1.EventTypeNormal, tasksv1.ReasonCompleted, "Cleanup",
				"Job %s deleted %d files (%d bytes), %d errors, mode %s", run.JobName, deleted,
				ptr.Deref(run.BytesFreed, 0), ptr.Deref(run.Errors, 0), run.Mode)
		} else {
			metrics.CleanupRuns.WithLabelValues("failed").Inc()
			r.Recorder.Eventf(p, nil, corev1.EventTypeWarning, tasksv1.ReasonAttemptFailed, "Cleanup", "Job %s failed: %s", run.JobName, run.Message)
		}
	}
	for _, c := range cur.Conditions {
		if c.Type == tasksv1.ConditionReady && c.Reason == tasksv1.ReasonCronJobInvalid {
			r.Recorder.Eventf(p, nil, corev1.EventTypeWarning, c.Reason, "Sync", "%s", c.Message)
		}
	}
}

// SetupWithManager watches CleanupPolicies, their CronJobs, and the Jobs those CronJobs start (which the
// policy does not own directly, so they are mapped back by label).
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&tasksv1.CleanupPolicy{}).
		Owns(&batchv1.CronJob{}).
		Watches(&batchv1.Job{}, handler.EnqueueRequestsFromMapFunc(policyForJob)).
		Complete(r)
}

func policyForJob(_ context.Context, obj client.Object) []reconcile.Request {
	labels := obj.GetLabels()
	if labels[tasksv1.LabelKind] != cleanupKind || labels[tasksv1.LabelTask] == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: labels[tasksv1.LabelTask]}}}
}
