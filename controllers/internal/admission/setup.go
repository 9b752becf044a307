package admission

import (
	"context"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

// TaskKind is a task kind the queue admits: its name and an empty object of it.
type TaskKind struct {
	Kind string
	New  func() tasksv1.Task
}

// Setup connects the queue to mgr: the ledger follows the operator's Jobs in the manager's cache, waiting
// tasks are seeded from the tasks' caches (so that the order holds from the first reconcile after a start),
// and the dispatcher runs in the leader. Call it before the manager starts.
func Setup(ctx context.Context, mgr manager.Manager, q *Queue, kinds []TaskKind) error {
	jobInformer, err := mgr.GetCache().GetInformer(ctx, &batchv1.Job{})
	if err != nil {
		return fmt.Errorf("informer of Jobs: %w", err)
	}
	reg, err := jobInformer.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { q.observeJobObject(obj, false) },
		UpdateFunc: func(_, obj any) { q.observeJobObject(obj, false) },
		DeleteFunc: func(obj any) { q.observeJobObject(obj, true) },
	})
	if err != nil {
		return fmt.Errorf("handler on the informer of Jobs: %w", err)
	}
	q.addSynced(reg.HasSynced)
	for _, k := range kinds {
		informer, err := mgr.GetCache().GetInformer(ctx, k.New())
		if err != nil {
			return fmt.Errorf("%s informer: %w", k.Kind, err)
		}
		kind := k.Kind
		reg, err := informer.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
			AddFunc:    func(obj any) { q.observeTaskObject(kind, obj, false) },
			UpdateFunc: func(_, obj any) { q.observeTaskObject(kind, obj, false) },
			DeleteFunc: func(obj any) { q.observeTaskObject(kind, obj, true) },
		})
		if err != nil {
			return fmt.Errorf("%s informer handler: %w", k.Kind, err)
		}
		q.addSynced(reg.HasSynced)
	}
	return mgr.Add(q)
}

func (q *Queue) addSynced(fn func() bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.synced = append(q.synced, fn)
}

// Source is how the queue puts tasks of kind into that kind's controller's work queue: add it to the
// controller with WatchesRawSource.
func (q *Queue) Source(kind string) source.Source {
	return source.Func(func(_ context.Context, wq workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
		q.SetEnqueuer(kind, func(n types.NamespacedName) { wq.Add(reconcile.Request{NamespacedName: n}) })
		return nil
	})
}

// unwrap returns the object of an informer event, also of a deletion the informer missed.
func unwrap(obj any) any {
	if d, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		return d.Obj
	}
	return obj
}

func (q *Queue) observeJobObject(obj any, gone bool) {
	job, ok := unwrap(obj).(*batchv1.Job)
	if !ok {
		return
	}
	if s, ok := JobStateOf(job); ok {
		q.ObserveJob(s, gone)
	}
}

// JobStateOf reads what the ledger needs from a Job; false for a Job that is not a task's.
func JobStateOf(job *batchv1.Job) (JobState, bool) {
	l := job.Labels
	kind, name := l[tasksv1.LabelKind], l[tasksv1.LabelTask]
	if l[tasksv1.LabelManagedBy] != tasksv1.ManagedByValue || name == "" ||
		(kind != tasksv1.KindVideoTask && kind != tasksv1.KindSlideTask) {
		return JobState{}, false
	}
	finished := jobs.Finished(job) != nil
	return JobState{
		Job:      types.NamespacedName{Namespace: job.Namespace, Name: job.Name},
		Task:     Key{Kind: kind, Namespace: job.Namespace, Name: name},
		Finished: finished,
		// A Job Kueue admits counts against Kueue's quota, not the operator's limits; a suspended Job runs no
		// pod (resuming it needs admission again).
		Holds: !finished && !ptr.Deref(job.Spec.Suspend, false) && l[tasksv1.LabelKueueQueueName] == "",
	}, true
}

func (q *Queue) observeTaskObject(kind string, obj any, deleted bool) {
	task, ok := unwrap(obj).(tasksv1.Task)
	if !ok {
		return
	}
	k := Key{Kind: kind, Namespace: task.GetNamespace(), Name: task.GetName()}
	tmpl, st := task.GetTemplate(), task.GetTaskStatus()
	switch {
	case deleted || !task.GetDeletionTimestamp().IsZero() || st.Phase.IsFinished():
		q.Forget(k)
		q.Release(k)
	case tmpl.IsSuspended():
		q.Forget(k)
	case q.seedable(task):
		q.Seed(k, tmpl.PriorityOrDefault(), task.GetCreationTimestamp().Time)
	default:
		q.UpdatePriority(k, tmpl.PriorityOrDefault())
	}
}

// seedable reports whether a task seen in the cache is known to want a slot before its reconcile ran: it is
// new (no status yet) or its status says it waits for capacity, and no Kueue queue admits it.
func (q *Queue) seedable(task tasksv1.Task) bool {
	st := task.GetTaskStatus()
	if task.GetTemplate().QueueName != "" || q.cfg.Namespaces.Get(task.GetNamespace()).QueueName != "" {
		return false
	}
	return st.Phase == "" || st.Reason == tasksv1.ReasonWaitingForCapacity
}

// TaskKey is the queue's key of a task of a kind.
func TaskKey(kind string, obj client.Object) Key {
	return Key{Kind: kind, Namespace: obj.GetNamespace(), Name: obj.GetName()}
}
