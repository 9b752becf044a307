package task

import (
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
)

// The watches pass only the updates a reconcile can act on. At scale most updates are not: a runner
// writes its progress every few seconds, the operator's own status writes come back as updates, and the
// Job controller rewrites a Job's status counters several times per attempt. Each of them would cost a
// reconcile (a cache list of the namespace's Jobs, a plan) that decides nothing new. Creations, deletions
// and the periodic resync always pass.

// taskUpdates passes a task's updates that change its spec or metadata. Status-only updates are skipped:
// status.progress belongs to the runner and the rest of the status to the operator, which derives it from
// the spec and the task's Jobs, so a status change is never a reason to look again (the operator's own
// write is the result of a reconcile, not an input to the next).
func taskUpdates() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return metadataChanged(e.ObjectOld, e.ObjectNew)
	}}
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
	suspended, ready, started, completed bool
	succeeded, failed                    int32
}

func signalsOf(job *batchv1.Job) jobSignals {
	return jobSignals{
		suspended: ptr.Deref(job.Spec.Suspend, false),
		ready:     ptr.Deref(job.Status.Ready, 0) > 0,
		started:   job.Status.StartTime != nil,
		completed: job.Status.CompletionTime != nil,
		succeeded: job.Status.Succeeded,
		failed:    job.Status.Failed,
	}
}

// metadataChanged reports a change of an object's spec (its generation) or of the metadata a reconcile
// may act on: labels, annotations, owners, finalizers, deletion.
func metadataChanged(oldObj, newObj client.Object) bool {
	return oldObj.GetGeneration() != newObj.GetGeneration() ||
		!oldObj.GetDeletionTimestamp().Equal(newObj.GetDeletionTimestamp()) ||
		!equality.Semantic.DeepEqual(oldObj.GetLabels(), newObj.GetLabels()) ||
		!equality.Semantic.DeepEqual(oldObj.GetAnnotations(), newObj.GetAnnotations()) ||
		!equality.Semantic.DeepEqual(oldObj.GetFinalizers(), newObj.GetFinalizers()) ||
		!equality.Semantic.DeepEqual(oldObj.GetOwnerReferences(), newObj.GetOwnerReferences())
}
