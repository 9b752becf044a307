package task

import (
	"encoding/json"
	"hash/fnv"
	"sync"

	"k8s.io/apimachinery/pkg/types"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// pendingWrites remembers the status this process wrote to a task until the manager's cache shows a newer
// version of the task. A reconcile that runs before the cache caught up (a Job event right after the
// reconcile that created the Job) reads the status from before that write; planning the same status again
// is then no change, and writing it again would be a request for nothing.
type pendingWrites struct {
	mu sync.Mutex
	// byTask holds, per task, the resourceVersion the write was planned from and the status written. An
	// entry lasts until the task's next reconcile after the cache caught up, or until the task is gone.
	byTask map[types.NamespacedName]pendingWrite
}

type pendingWrite struct {
	uid     types.UID
	basedOn string
	status  uint64
}

// alreadyWritten reports whether status was written from the version of the task that the cache still
// holds. Once the cache holds another version, the entry goes: the cache is the reference again.
func (p *pendingWrites) alreadyWritten(task tasksv1.Task, status tasksv1.TaskStatus) bool {
	key := types.NamespacedName{Namespace: task.GetNamespace(), Name: task.GetName()}
	p.mu.Lock()
	defer p.mu.Unlock()
	w, ok := p.byTask[key]
	if !ok {
		return false
	}
	if w.uid != task.GetUID() || w.basedOn != task.GetResourceVersion() {
		delete(p.byTask, key)
		return false
	}
	return w.status == statusHash(status)
}

// record notes a status written from the task's resourceVersion.
func (p *pendingWrites) record(task tasksv1.Task, status tasksv1.TaskStatus) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byTask == nil {
		p.byTask = map[types.NamespacedName]pendingWrite{}
	}
	p.byTask[types.NamespacedName{Namespace: task.GetNamespace(), Name: task.GetName()}] = pendingWrite{
		uid: task.GetUID(), basedOn: task.GetResourceVersion(), status: statusHash(status)}
}

// forget drops what is known of a task (it is gone).
func (p *pendingWrites) forget(key types.NamespacedName) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.byTask, key)
}

// statusHash identifies a status by its JSON form.
func statusHash(status tasksv1.TaskStatus) uint64 {
	data, err := json.Marshal(status)
	if err != nil {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write(data)
	return h.Sum64()
}
