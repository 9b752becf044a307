// Package task reconciles the task kinds, VideoTask and SlideTask, into one Job per attempt: it observes
// the task's Jobs and their runner's exit, plans the next step and the status (plan.go, pure), carries
// the plan out, and writes the status once.
package task

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/admission"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
	"github.com/langflix/langflix-operator/controllers/internal/kubewrite"
	"github.com/langflix/langflix-operator/controllers/internal/kueue"
	"github.com/langflix/langflix-operator/controllers/internal/namespaces"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
)

// taskFinalizer lets the operator delete a task's Jobs explicitly before the task goes, so no Job (and no
// running runner) outlives it even where garbage collection lags.
const taskFinalizer = "tasks.langflix.io/jobs"

// echoRetry is how soon a reconcile that found the cache behind the operator's own status write runs again.
const echoRetry = 250 * time.Millisecond

// Reconciler reconciles one task kind (VideoTask or SlideTask) into one Job per attempt.
type Reconciler struct {
	// Client reads from the manager's cache: tasks, the operator's Jobs, and runner pods (all filtered by
	// the operator's labels), and writes to the API server.
	Client client.Client
	// APIReader reads directly from the API server where the cache cannot decide: a Job the cache does not
	// have, a finished pod's termination message, the pods that must be gone before a new attempt, and the
	// Job controller's events.
	APIReader client.Reader
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
	Runner    runnerpod.Config
	// Provisioner gives a namespace the runner's ServiceAccount, RoleBinding and cache Secret before its
	// first Job. The task kinds share one, so a namespace is provisioned once whatever kinds run in it; nil
	// makes the reconciler use its own.
	Provisioner *runnerpod.Provisioner
	// Policy tunes how attempts whose pod does not start are judged.
	Policy AttemptPolicy
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

// Reconcile follows the task's life: get it, handle deletion, observe its Jobs and pods, plan, act. Once
// the task was read, its status is written exactly once, at the end, whatever happened (deferred, as
// cluster-api does): the planned status, or the current one when no plan was made, with the failed step's
// reason and the API server's message when a step failed. The step's error is returned too, for backoff,
// unless it ended the task (a Job the API server rejects for good): then the status says all there is.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (_ ctrl.Result, retErr error) {
	task := r.NewTask()
	if err := r.Client.Get(ctx, req.NamespacedName, task); err != nil {
		if apierrors.IsNotFound(err) {
			r.written.forget(req.NamespacedName)
			return ctrl.Result{}, r.releaseOrphanPods(ctx, req.NamespacedName)
		}
		return ctrl.Result{}, err
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
			return
		}
		if conditions.IsFinal(retErr) {
			retErr = nil
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
	obs, err := r.observe(ctx, task, now)
	if err != nil {
		return ctrl.Result{}, err
	}
	plan := planTask(task, r.Kind, obs, now, r.Policy)
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
	created, err := r.act(ctx, task, obs, plan)
	status = withCreatedJob(status, created)
	if err != nil {
		if slot != nil && created == nil {
			// No Job was created or resumed: the slot the queue gave this attempt goes to the next task.
			r.Queue.Release(*slot)
		}
		return ctrl.Result{}, err
	}
	return ctrl.Result{RequeueAfter: plan.requeueAfter}, nil
}

// withStepError puts a failed step into the status the reconcile writes. A step that ended the task (a Job
// the API server rejects, a foreign Job holding the attempt's name) fails the attempt and the task for
// good. Otherwise a task that still works shows the step in its reason and message (an attempt whose Job
// could not be created yet is Pending, not Queued), and in Ready/Reconciling, or Stalled when the API server
// rejected the request as invalid. A finished task keeps its outcome; Reconciling says what the operator
// still tries (deleting it after its TTL).
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
	if conditions.IsFinal(err) {
		return withFinalStep(st, now, reason, message)
	}
	switch reason {
	case tasksv1.ReasonJobCreateFailed, tasksv1.ReasonQuotaExceeded, tasksv1.ReasonRunnerAccessFailed,
		tasksv1.ReasonWaitingForPreviousAttempt, tasksv1.ReasonDeletePodFailed:
		st.Phase = tasksv1.TaskPending
	}
	st.Reason, st.Message = reason, message
	conditions.SetStepError(&st.Conditions, generation, now, err)
	return st
}

// withFinalStep fails the current attempt and the task with a step's reason.
func withFinalStep(st tasksv1.TaskStatus, now time.Time, reason, message string) tasksv1.TaskStatus {
	at := metav1.NewTime(now)
	if cur := st.CurrentAttempt; cur != nil {
		cur = cur.DeepCopy()
		cur.FinishTime, cur.Reason, cur.Message = &at, reason, truncate(message)
		st.CurrentAttempt = cur
	}
	st.Phase, st.Reason, st.Message = tasksv1.TaskFailed, reason, message
	st.CompletionTime, st.NextRetryTime = &at, nil
	conditions.Set(&st.Conditions, st.ObservedGeneration, now, tasksv1.ConditionRunning, false, reason, "")
	conditions.Set(&st.Conditions, st.ObservedGeneration, now, tasksv1.ConditionFailed, true, reason, message)
	setSummary(&st, now)
	return st
}

// errorf wraps err with a description of the step; a nil err stays nil.
func errorf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
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
	err := r.Client.DeleteAllOf(ctx, &batchv1.Job{}, client.InNamespace(task.GetNamespace()), r.childLabels(task),
		client.PropagationPolicy("Background"))
	if err != nil {
		return conditions.Step(tasksv1.ReasonFinalizerFailed, fmt.Errorf("delete Jobs of %s: %w", klog.KObj(task), err))
	}
	// Nothing of a deleted task's attempts is recorded any more: its pods may go.
	var pods corev1.PodList
	if err := r.APIReader.List(ctx, &pods, client.InNamespace(task.GetNamespace()), r.childLabels(task)); err != nil {
		return conditions.Step(tasksv1.ReasonFinalizerFailed, fmt.Errorf("list pods of %s: %w", klog.KObj(task), err))
	}
	if err := r.releasePods(ctx, holdingResult(pods.Items)); err != nil {
		return err
	}
	err = kubewrite.Patch(ctx, r.Client, task, "remove finalizer from", func() { controllerutil.RemoveFinalizer(task, taskFinalizer) })
	return conditions.Step(tasksv1.ReasonFinalizerFailed, client.IgnoreNotFound(err))
}

// releaseOrphanPods lets the runner pods of a task that is gone go: nothing will record their results
// any more. The task's finalizer releases the pods it finds, but a pod the Job controller creates after
// that (its Job deleted a moment later) would keep its result finalizer, and itself and its namespace,
// forever. Such a pod reaches this through the pod watch: its creation, or its deletion by the garbage
// collector, maps to the task's name.
func (r *Reconciler) releaseOrphanPods(ctx context.Context, key types.NamespacedName) error {
	var pods corev1.PodList
	if err := r.Client.List(ctx, &pods, client.InNamespace(key.Namespace), r.labelsOfTask(key.Name)); err != nil {
		return fmt.Errorf("list pods of deleted %s %s: %w", r.Kind, key, err)
	}
	held := holdingResult(pods.Items)
	if len(held) > 0 {
		klog.FromContext(ctx).V(2).Info("Releasing the runner pods of a deleted task", "task", klog.KRef(key.Namespace, key.Name), "pods", len(held))
	}
	return r.releasePods(ctx, held)
}

// SetupWithManager watches tasks of this kind, the Jobs they own, their runner pods (through the task labels
// the pods carry from the Job's template: a pod that cannot start, or ends, is seen at once), the queue's
// calls (a slot freed, a position to rewrite), identical tasks that finished, and, when Kueue is installed,
// the Workloads of the Jobs Kueue admits.
func (r *Reconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager) error {
	if err := mgr.GetFieldIndexer().IndexField(ctx, r.NewTask(), identityIndex, indexIdentity); err != nil {
		return fmt.Errorf("index %s by work identity: %w", r.Kind, err)
	}
	b := ctrl.NewControllerManagedBy(mgr).
		Named(r.Kind).
		For(r.NewTask(), builder.WithPredicates(withResyncs(r.taskUpdates()))).
		Owns(&batchv1.Job{}, builder.WithPredicates(withResyncs(jobUpdates()))).
		Watches(&corev1.Pod{}, handler.EnqueueRequestsFromMapFunc(r.taskOfPod), builder.WithPredicates(withResyncs(podEvents()))).
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

// taskOfPod maps a runner pod to its task, by the labels the operator put on the Job's pod template.
func (r *Reconciler) taskOfPod(_ context.Context, obj client.Object) []reconcile.Request {
	labels := obj.GetLabels()
	if labels[tasksv1.LabelKind] != r.Kind || labels[tasksv1.LabelTask] == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: labels[tasksv1.LabelTask]}}}
}
