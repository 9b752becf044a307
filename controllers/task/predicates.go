package task

import (
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

// The watches pass only the updates a reconcile can act on. At scale most updates are not: a runner
// writes its progress every few seconds, the operator's own status writes come back as updates, and the
// Job controller rewrites a Job's status counters several times per attempt. Each of them would cost a
// reconcile (a cache list of the namespace's Jobs, a plan) that decides nothing new. Creations, deletions
// and the periodic resync always pass.

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

// jobUpdates passes a Job's updates that change what planning reads from a Job (jobSignals) or its
// metadata. Counters the operator does not read (active, terminating, uncounted pods) change nothing.
func jobUpdates() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		if metadataChanged(e.ObjectOld, e.ObjectNew) {
			return true
		}
		oldJob, ok1 := e.ObjectOld.(*batchv1.Job)
		newJob, ok2 := e.ObjectNew.(*batchv1.Job)
		if !ok1 || !ok2 {
			return true
		}
		return signalsOf(oldJob) != signalsOf(newJob) ||
			!equality.Semantic.DeepEqual(oldJob.Status.Conditions, newJob.Status.Conditions)
	}}
}

// jobSignals is what planning reads from a Job besides its metadata and conditions. A plan that starts to
// read another field of a Job must add it here, or changes of that field will not trigger a reconcile.
type jobSignals struct {
	suspended, ready, ending, started, completed bool
	succeeded, failed                            int32
}

func signalsOf(job *batchv1.Job) jobSignals {
	return jobSignals{
		suspended: ptr.Deref(job.Spec.Suspend, false),
		ready:     ptr.Deref(job.Status.Ready, 0) > 0,
		ending:    jobs.Ending(job),
		started:   job.Status.StartTime != nil,
		completed: job.Status.CompletionTime != nil,
		succeeded: job.Status.Succeeded,
		failed:    job.Status.Failed,
	}
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
