// Package task reconciles the task kinds, VideoTask and SlideTask, into one Job per attempt: it observes
// the task's Jobs and their runner's exit, plans the next step and the status (plan.go, pure), carries
// the plan out, and writes the status once.
package task

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/admission"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
	"github.com/langflix/langflix-operator/controllers/internal/kubewrite"
	"github.com/langflix/langflix-operator/controllers/internal/kueue"
	"github.com/langflix/langflix-operator/controllers/internal/metrics"
	"github.com/langflix/langflix-operator/controllers/internal/namespaces"
	"github.com/langflix/langflix-operator/controllers/internal/naming"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
)

// taskFinalizer lets the operator delete a task's Jobs explicitly before the task goes, so no Job (and no
// running runner) outlives it even where garbage collection lags.
const taskFinalizer = "tasks.langflix.io/jobs"

// echoRetry is how soon a reconcile that found the cache behind the operator's own status write runs again.
const echoRetry = 250 * time.Millisecond

// Reconciler reconciles one task kind (VideoTask or SlideTask) into one Job per attempt.
type Reconciler struct {
	Client client.Client
	// APIReader reads pods directly from the API server: the operator needs a finished attempt's pod only
	// once, so caching every runner pod would cost memory for nothing.
	APIReader client.Reader
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
	Runner    runnerpod.Config
	// Provisioner gives a namespace the runner's ServiceAccount, RoleBinding and cache Secret before its
	// first Job. The task kinds share one, so a namespace is provisioned once whatever kinds run in it; nil
	// makes the reconciler use its own.
	Provisioner *runnerpod.Provisioner
	// Kind is "VideoTask" or "SlideTask"; NewTask returns an empty object of that kind.
	Kind    string
	NewTask func() tasksv1.Task
	// MaxConcurrentReconciles bounds parallel reconciles of this kind.
	MaxConcurrentReconciles int
	// Queue is the operator's admission point, shared by both task kinds: its limits on running tasks.
	Queue *admission.Queue
	// Namespaces holds the namespaces' settings (their default Kueue LocalQueue); nil means none.
	Namespaces *namespaces.Store
	// KueueAvailable says the cluster served Kueue's Workload API when the operator started: the operator
	// then reads each Kueue-admitted Job's Workload.
	KueueAvailable bool

	ownProvisioner sync.Once
	written        writtenStatuses
}

// Reconcile follows the task's life: get it, handle deletion, observe its Jobs, plan, act. Once the task
// was read, its status is written exactly once, at the end, whatever happened (deferred, as cluster-api
// does): the planned status, or the current one when no plan was made, with the failed step's reason and
// the API server's message when a step failed. The step's error is returned too, for backoff.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (_ ctrl.Result, retErr error) {
	task := r.NewTask()
	if err := r.Client.Get(ctx, req.NamespacedName, task); err != nil {
		if apierrors.IsNotFound(err) {
			r.written.forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	log := klog.FromContext(ctx).WithValues(r.Kind, klog.KObj(task))
	ctx = klog.NewContext(ctx, log)
	now := r.Clock.Now()

	if task.GetDeletionTimestamp().IsZero() && r.written.awaitingEcho(task, now) {
		// Planned from this version, the status written last would be planned and written again: wait for
		// the watch to bring it (its echo does not reconcile, so the wait is a requeue).
		log.V(3).Info("Waiting for the cache to show the status written last")
		return ctrl.Result{RequeueAfter: echoRetry}, nil
	}

	// status is what the deferred write stores; a plan replaces it. gone is set once the task is deleted or
	// released to deletion, when there is nothing left to write to.
	status := *task.GetTaskStatus().DeepCopy()
	status.Progress = nil
	gone := false
	defer func() {
		if gone {
			return
		}
		desired := withStepError(status, task.GetGeneration(), now, retErr)
		if err := r.writeStatus(ctx, task, desired, retErr); err != nil {
			retErr = errors.Join(retErr, err)
		}
	}()

	if !task.GetDeletionTimestamp().IsZero() {
		err := r.finalize(ctx, task)
		gone = err == nil
		return ctrl.Result{}, err
	}
	if err := r.ensureFinalizer(ctx, task); err != nil {
		return ctrl.Result{}, err
	}
	obs, err := r.observe(ctx, task)
	if err != nil {
		return ctrl.Result{}, err
	}
	plan := planTask(task, obs, now)
	slot, err := r.gate(ctx, task, obs, &plan, now)
	status = plan.status
	if err != nil {
		return ctrl.Result{}, err
	}

	if plan.deleteTask {
		log.V(2).Info("Deleting task: ttlSecondsAfterFinished passed")
		err := client.IgnoreNotFound(r.Client.Delete(ctx, task, client.PropagationPolicy("Background")))
		gone = err == nil
		return ctrl.Result{}, conditions.Step(tasksv1.ReasonDeleteExpiredFailed,
			errorf(err, "delete %s after ttlSecondsAfterFinished", klog.KObj(task)))
	}
	if err := r.act(ctx, task, obs, plan); err != nil {
		if slot != nil {
			// No Job was created or resumed: the slot the queue gave this attempt goes to the next task.
			r.Queue.Release(*slot)
		}
		return ctrl.Result{}, err
	}
	if plan.createJob {
		// The Job exists now: the status that queues the attempt names it, so the Job's first appearance in
		// the cache changes nothing to write.
		status.JobName = naming.JobName(task.GetName(), r.Kind, status.Attempts)
	}
	return ctrl.Result{RequeueAfter: plan.requeueAfter}, nil
}

// withStepError puts a failed step into the status the reconcile writes. A task that still works shows
// the step in its reason and message (an attempt whose Job could not be created is Pending, not Queued),
// and in Ready/Reconciling, or Stalled when the API server rejected the request as invalid. A finished
// task keeps its outcome; Reconciling says what the operator still tries (deleting it after its TTL).
func withStepError(st tasksv1.TaskStatus, generation int64, now time.Time, err error) tasksv1.TaskStatus {
	if err == nil {
		return st
	}
	st.ObservedGeneration = generation
	reason, message := conditions.StepReason(err), conditions.Message(err)
	if st.Phase.IsFinished() {
		conditions.Set(&st.Conditions, generation, now, tasksv1.ConditionReconciling, true, reason, message)
		return st
	}
	switch reason {
	case tasksv1.ReasonCreateJobFailed, tasksv1.ReasonRunnerAccessFailed:
		st.Phase = tasksv1.TaskPending
	}
	st.Reason, st.Message = reason, message
	conditions.SetStepError(&st.Conditions, generation, now, err)
	return st
}

// errorf wraps err with a description of the step; a nil err stays nil.
func errorf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// observe lists the task's Jobs and, when the current attempt finished, reads its runner's exit.
func (r *Reconciler) observe(ctx context.Context, task tasksv1.Task) (taskObservation, error) {
	var list batchv1.JobList
	if err := r.Client.List(ctx, &list, client.InNamespace(task.GetNamespace()),
		client.MatchingLabels{tasksv1.LabelTask: task.GetName(), tasksv1.LabelKind: r.Kind}); err != nil {
		return taskObservation{}, conditions.Step(tasksv1.ReasonListJobsFailed, fmt.Errorf("list Jobs of %s: %w", klog.KObj(task), err))
	}
	obs := taskObservation{attempt: task.GetTaskStatus().Attempts}
	byAttempt := map[int32]*batchv1.Job{}
	for i := range list.Items {
		job := &list.Items[i]
		if !metav1.IsControlledBy(job, task) {
			continue
		}
		n, err := strconv.ParseInt(job.Labels[tasksv1.LabelAttempt], 10, 32)
		if err != nil || n < 1 {
			continue
		}
		byAttempt[int32(n)] = job
		obs.attempt = max(obs.attempt, int32(n))
	}
	obs.job = byAttempt[obs.attempt]
	if obs.job != nil && jobs.Finished(obs.job) != nil && !task.GetTaskStatus().Phase.IsFinished() {
		var pods corev1.PodList
		if err := r.APIReader.List(ctx, &pods, client.InNamespace(task.GetNamespace()),
			client.MatchingLabels{batchv1.JobNameLabel: obs.job.Name}); err != nil {
			return taskObservation{}, conditions.Step(tasksv1.ReasonListPodsFailed, fmt.Errorf("list pods of Job %s: %w", obs.job.Name, err))
		}
		obs.termination = jobs.TerminationFromPods(pods.Items)
	}
	return obs, nil
}

// act carries out the plan's side effects on child objects.
func (r *Reconciler) act(ctx context.Context, task tasksv1.Task, obs taskObservation, plan taskPlan) error {
	if plan.suspendJob != nil && obs.job != nil {
		err := kubewrite.Patch(ctx, r.Client, obs.job, fmt.Sprintf("set suspend=%t on Job", *plan.suspendJob), func() {
			obs.job.Spec.Suspend = plan.suspendJob
		})
		if err != nil {
			return conditions.Step(tasksv1.ReasonSuspendJobFailed, err)
		}
	}
	if !plan.createJob {
		return nil
	}
	provisioner := r.provisioner()
	if err := provisioner.Ensure(ctx, task.GetNamespace(), task.GetTemplate().ServiceAccountName == ""); err != nil {
		return conditions.Step(tasksv1.ReasonRunnerAccessFailed, err)
	}
	job := jobForTask(task, r.Kind, plan.status.Attempts, r.Runner)
	if plan.kueueQueue != "" {
		kueue.Submit(job, plan.kueueQueue)
	}
	if err := r.Client.Create(ctx, job); err != nil {
		if apierrors.IsAlreadyExists(err) {
			// Created before a restart or not yet in the cache: the deterministic name makes this a no-op.
			return nil
		}
		// The namespace's runner objects may be what is wrong (deleted, or refused by a policy that checks
		// them): the next attempt to create the Job provisions the namespace again.
		provisioner.Forget(task.GetNamespace())
		return conditions.Step(tasksv1.ReasonCreateJobFailed, fmt.Errorf("create Job %s: %w", job.Name, err))
	}
	klog.FromContext(ctx).V(2).Info("Created Job", "job", klog.KObj(job), "attempt", plan.status.Attempts)
	// Reported here, where the Job is known to be new. Judging from a status diff instead would report the
	// attempt again whenever a reconcile reads a task status the cache has not updated yet.
	r.Recorder.Eventf(task, nil, corev1.EventTypeNormal, tasksv1.ReasonJobCreated, "CreateJob",
		"Created Job %s for attempt %d", job.Name, plan.status.Attempts)
	metrics.TaskAttempts.WithLabelValues(r.Kind).Inc()
	return nil
}

// provisioner is the shared Provisioner, or the reconciler's own when none was given.
func (r *Reconciler) provisioner() *runnerpod.Provisioner {
	r.ownProvisioner.Do(func() {
		if r.Provisioner == nil {
			r.Provisioner = &runnerpod.Provisioner{Client: r.Client, Reader: r.APIReader, Config: r.Runner, Clock: r.Clock}
		}
	})
	return r.Provisioner
}

func (r *Reconciler) ensureFinalizer(ctx context.Context, task tasksv1.Task) error {
	if controllerutil.ContainsFinalizer(task, taskFinalizer) {
		return nil
	}
	return conditions.Step(tasksv1.ReasonFinalizerFailed,
		kubewrite.Patch(ctx, r.Client, task, "add finalizer to", func() { controllerutil.AddFinalizer(task, taskFinalizer) }))
}

// finalize deletes the task's Jobs (their pods follow through garbage collection, which stops the runner)
// and then lets the task go.
func (r *Reconciler) finalize(ctx context.Context, task tasksv1.Task) error {
	if !controllerutil.ContainsFinalizer(task, taskFinalizer) {
		return nil
	}
	err := r.Client.DeleteAllOf(ctx, &batchv1.Job{}, client.InNamespace(task.GetNamespace()),
		client.MatchingLabels{tasksv1.LabelTask: task.GetName(), tasksv1.LabelKind: r.Kind},
		client.PropagationPolicy("Background"))
	if err != nil {
		return conditions.Step(tasksv1.ReasonFinalizerFailed, fmt.Errorf("delete Jobs of %s: %w", klog.KObj(task), err))
	}
	err = kubewrite.Patch(ctx, r.Client, task, "remove finalizer from", func() { controllerutil.RemoveFinalizer(task, taskFinalizer) })
	return conditions.Step(tasksv1.ReasonFinalizerFailed, client.IgnoreNotFound(err))
}

// SetupWithManager watches tasks of this kind, the Jobs they own, the queue's calls (a slot freed, a
// position to rewrite), identical tasks that finished, and, when Kueue is installed, the Workloads of the
// Jobs Kueue admits.
func (r *Reconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager) error {
	if err := mgr.GetFieldIndexer().IndexField(ctx, r.NewTask(), identityIndex, indexIdentity); err != nil {
		return fmt.Errorf("index %s by work identity: %w", r.Kind, err)
	}
	b := ctrl.NewControllerManagedBy(mgr).
		Named(r.Kind).
		For(r.NewTask(), builder.WithPredicates(r.taskUpdates())).
		Owns(&batchv1.Job{}, builder.WithPredicates(jobUpdates())).
		Watches(r.NewTask(), identicalWaiters{reader: mgr.GetClient()}.handler()).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(1, r.MaxConcurrentReconciles)})
	if r.Queue != nil {
		b = b.WatchesRawSource(r.Queue.Source(r.Kind))
	}
	if r.KueueAvailable {
		b = b.Watches(&kueue.Workload{}, handler.EnqueueRequestsFromMapFunc(r.taskOfWorkload))
	}
	return b.Complete(r)
}
