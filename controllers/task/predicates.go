package task

import (
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// The watches pass only the updates a reconcile can act on. At scale most updates are not: a runner
// writes its progress every few seconds, the operator's own status writes come back as updates, and the
// Job controller rewrites a Job's status counters several times per attempt. Each of them would cost a
// reconcile (a cache list of the namespace's Jobs, a plan) that decides nothing new. Creations and the
// periodic resync always pass (withResyncs); deletions pass but for a runner pod's after its result was read.

// withResyncs passes what p passes and the periodic resync (--sync-period), the safety net for an event
// that was missed or filtered wrongly: the informer replays every cached object as an update to itself,
// with the same resourceVersion, which the filters below would drop as changing nothing.
func withResyncs(p predicate.Predicate) predicate.Predicate {
	return predicate.Or(resyncs, p)
}

// resyncs passes an update whose object kept its resourceVersion (a resync), and nothing else.
var resyncs = predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	DeleteFunc:  func(event.DeleteEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
	UpdateFunc: func(e event.UpdateEvent) bool {
		return e.ObjectOld != nil && e.ObjectNew != nil && e.ObjectOld.GetResourceVersion() == e.ObjectNew.GetResourceVersion()
	},
}

// taskUpdates passes a task's updates that change its spec or metadata, or its status in a way this
// process did not write. Skipped are the runner's progress (status.progress is the runner's, and the
// operator plans from the spec and the task's Jobs, never from progress) and most echoes of the operator's
// own status writes. A status someone else wrote, such as a stale writer putting an old status back,
// passes: the operator corrects it.
//
// An own write passes when it stores an attempt's end or a new attempt (storesAttemptChange): some steps
// are decided from the stored status, never from a planned one, so that a status write that fails loses
// nothing, and they can only run in the reconcile that sees the write. They are stopping the Job of an
// attempt that ended while its Job still runs (stopOutlivingJob) and releasing the result finalizer of the
// ended attempt's pods (releasablePods). Without this the Job of an attempt failed for a missing Secret
// runs on and a finished runner pod is kept forever, unless another event happens to reconcile the task.
func (r *Reconciler) taskUpdates() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		if metadataChanged(e.ObjectOld, e.ObjectNew) {
			return true
		}
		oldTask, ok1 := e.ObjectOld.(tasksv1.Task)
		newTask, ok2 := e.ObjectNew.(tasksv1.Task)
		if !ok1 || !ok2 {
			return true
		}
		if staleProgress(newTask.GetTaskStatus()) {
			// An earlier attempt's runner wrote late: the operator removes that progress.
			return true
		}
		oldStatus, newStatus := withoutProgress(oldTask), withoutProgress(newTask)
		if equality.Semantic.DeepEqual(oldStatus, newStatus) {
			return false
		}
		return !r.written.isOwn(newTask, newStatus) || storesAttemptChange(oldTask.GetTaskStatus(), newTask.GetTaskStatus())
	}}
}

// storesAttemptChange reports whether cur, compared with old, records the end of an attempt, starts an
// attempt after an earlier one, or finishes the task: what the stored-status steps of the next reconcile
// act on. The first attempt's start is not one of them (no earlier attempt has a Job or pods), so a task's
// first status write costs no reconcile.
func storesAttemptChange(old, cur *tasksv1.TaskStatus) bool {
	before, after := attemptState(old), attemptState(cur)
	return (before.number > 0 && before != after) || after.ended != before.ended ||
		old.Phase.IsFinished() != cur.Phase.IsFinished()
}

type attemptStateKey struct {
	number int32
	ended  bool
}

func attemptState(st *tasksv1.TaskStatus) attemptStateKey {
	if st.CurrentAttempt == nil {
		return attemptStateKey{number: st.Attempts}
	}
	return attemptStateKey{number: st.CurrentAttempt.Number, ended: st.CurrentAttempt.FinishTime != nil}
}

func withoutProgress(task tasksv1.Task) tasksv1.TaskStatus {
	st := *task.GetTaskStatus()
	st.Progress = nil
	return st
}

// jobUpdates passes a Job's updates that change what a task's reconcile reads from its Job (jobViewOf):
// observe, the attempt planner, the gate and act. The Job controller's other status writes, such as its
// counts of active and terminating pods or a ready count that stays above zero, change no plan: the pods
// themselves are watched (taskOfPod) for what the planner reads of them.
func jobUpdates() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		oldJob, ok1 := e.ObjectOld.(*batchv1.Job)
		newJob, ok2 := e.ObjectNew.(*batchv1.Job)
		if !ok1 || !ok2 {
			return true
		}
		return !equality.Semantic.DeepEqual(jobViewOf(oldJob), jobViewOf(newJob))
	}}
}

// jobView is what a task's reconcile reads from one of its Jobs. Whoever makes the reconcile read another
// field of a Job adds it here (and to TestJobUpdates), or its changes will not reconcile the task.
type jobView struct {
	// Generation stands for the spec: spec.suspend (the operator's, or Kueue's when it admits the Job),
	// activeDeadlineSeconds (quoted in the hard limit's message).
	Generation int64
	Suspend    bool
	// Deleting: a Job deleted before its attempt ended ends the attempt (JobDeleted).
	Deleting bool
	// Labels (attempt number, task, kind, Kueue's queue), annotations and owners (the task controls it).
	Labels      map[string]string
	Annotations map[string]string
	Owners      []metav1.OwnerReference
	// StartTime: the start limit and the configuration-error grace count from it (reset on resume), and
	// a Job without a pod is looked at for FailedCreate events only some time after it.
	StartTime *metav1.Time
	// CompletionTime comes with the Complete condition; kept for a Job controller that writes it apart.
	CompletionTime *metav1.Time
	// ReadyPod: status.ready > 0 says the runner runs (the count itself is not read).
	ReadyPod bool
	// Succeeded and Failed count the Job's ended pods; UncountedSucceeded and UncountedFailed are the pods
	// that ended and are not counted yet: together they say that a Job whose pod ended is about to finish
	// (jobs.Ending).
	Succeeded, Failed                   int32
	UncountedSucceeded, UncountedFailed int
	// Conditions: Complete and Failed end the attempt (their reason and message classify it),
	// SuccessCriteriaMet and FailureTarget say it is ending, Suspended.
	Conditions []batchv1.JobCondition
}

func jobViewOf(job *batchv1.Job) jobView {
	v := jobView{
		Generation:     job.Generation,
		Suspend:        ptr.Deref(job.Spec.Suspend, false),
		Deleting:       !job.DeletionTimestamp.IsZero(),
		Labels:         job.Labels,
		Annotations:    job.Annotations,
		Owners:         job.OwnerReferences,
		StartTime:      job.Status.StartTime,
		CompletionTime: job.Status.CompletionTime,
		ReadyPod:       ptr.Deref(job.Status.Ready, 0) > 0,
		Succeeded:      job.Status.Succeeded,
		Failed:         job.Status.Failed,
		Conditions:     job.Status.Conditions,
	}
	if u := job.Status.UncountedTerminatedPods; u != nil {
		v.UncountedSucceeded, v.UncountedFailed = len(u.Succeeded), len(u.Failed)
	}
	return v
}

// metadataChanged reports a change of an object's spec (its generation) or of the metadata a reconcile
// may act on: labels, annotations, owners, deletion. Finalizers are left out: the only one the operator
// acts on is its own, whose addition is the echo of its own write, and a deletion shows as a deletion
// timestamp.
func metadataChanged(oldObj, newObj client.Object) bool {
	return oldObj.GetGeneration() != newObj.GetGeneration() ||
		!oldObj.GetDeletionTimestamp().Equal(newObj.GetDeletionTimestamp()) ||
		!equality.Semantic.DeepEqual(oldObj.GetLabels(), newObj.GetLabels()) ||
		!equality.Semantic.DeepEqual(oldObj.GetAnnotations(), newObj.GetAnnotations()) ||
		!equality.Semantic.DeepEqual(oldObj.GetOwnerReferences(), newObj.GetOwnerReferences())
}
