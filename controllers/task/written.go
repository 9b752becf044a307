package task

import (
	"encoding/json"
	"hash/fnv"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// writtenStatuses remembers, per task, the status this process wrote last (progress aside) and the
// version of the task it was planned from. It serves two purposes:
//
//   - a reconcile that runs before the cache caught up with the write (a Job event right after the
//     reconcile that created the Job) plans the same status again from the same old version: that is no
//     change, and writing it again would be a request for nothing;
//   - the write comes back from the watch as an update of the task: that echo is no reason to reconcile
//     unless it records an attempt's end or a later attempt (taskUpdates), while a status that someone
//     else wrote (a stale writer putting an old status back) is.
//
// One small entry per task (a hash, not the status), dropped when the task is gone.
type writtenStatuses struct {
	mu     sync.Mutex
	byTask map[types.NamespacedName]writtenStatus
}

type writtenStatus struct {
	uid     types.UID
	basedOn string
	status  uint64
	at      time.Time
}

// echoWait bounds how long a reconcile waits for the cache to show the status this process wrote: the
// watch delivers it in milliseconds; past this the cache is read as it is.
const echoWait = 5 * time.Second

func keyOf(task tasksv1.Task) types.NamespacedName {
	return types.NamespacedName{Namespace: task.GetNamespace(), Name: task.GetName()}
}

// alreadyWritten reports whether status was written last, planned from the version of the task that the
// cache still holds.
func (w *writtenStatuses) alreadyWritten(task tasksv1.Task, status tasksv1.TaskStatus) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.byTask[keyOf(task)]
	return ok && e.uid == task.GetUID() && e.basedOn == task.GetResourceVersion() && e.status == statusHash(status)
}

// isOwn reports whether status (progress aside) is the one this process wrote last to the task.
func (w *writtenStatuses) isOwn(task tasksv1.Task, status tasksv1.TaskStatus) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.byTask[keyOf(task)]
	return ok && e.uid == task.GetUID() && e.status == statusHash(status)
}

// awaitingEcho reports whether the cache still holds the version of the task that the last status written
// here was planned from, written less than echoWait ago: a plan made from it would start from a status
// that is no longer the task's (with 16 workers, a Job event reconciles the task right after the reconcile
// that created the Job, before the watch brought its status back) and write its first status again.
func (w *writtenStatuses) awaitingEcho(task tasksv1.Task, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.byTask[keyOf(task)]
	return ok && e.uid == task.GetUID() && e.basedOn == task.GetResourceVersion() && now.Sub(e.at) < echoWait
}

// record notes a status written to the task at now, planned from the task's current resourceVersion.
func (w *writtenStatuses) record(task tasksv1.Task, status tasksv1.TaskStatus, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.byTask == nil {
		w.byTask = map[types.NamespacedName]writtenStatus{}
	}
	w.byTask[keyOf(task)] = writtenStatus{uid: task.GetUID(), basedOn: task.GetResourceVersion(), status: statusHash(status), at: now}
}

// forget drops what is known of a task (it is gone).
func (w *writtenStatuses) forget(key types.NamespacedName) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.byTask, key)
}

// statusHash identifies a status by its JSON form, in which times have whole seconds as stored, so a
// status planned here and the same status read back from the API server hash alike.
func statusHash(status tasksv1.TaskStatus) uint64 {
	status.Progress = nil
	data, err := json.Marshal(status)
	if err != nil {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write(data)
	return h.Sum64()
}
