package task

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// identityIndex indexes tasks by the identity of the work they ask for (workIdentity).
const identityIndex = "tasks.langflix.io/work-identity"

// workIdentity is the identity of the work a task asks for: tasks of one kind with the same storage, the same
// inputs and the same options that shape the outputs have the same identity; where the outputs go, time
// limits, retries, resources, priority and queue do not count. It is what the operator can know before
// anything runs (paths, not bytes): the runner's cache key, over the inputs' SHA-256, is the proof, so a file
// changed between two tasks only costs the second one a wait. Empty for a kind whose runner cannot serve a
// task from an earlier run's result (SlideTask: slides render in seconds and have no result cache).
func workIdentity(task tasksv1.Task) string {
	t, ok := task.(*tasksv1.VideoTask)
	if !ok {
		return ""
	}
	work := struct {
		Kind           string
		Storage        corev1.VolumeSource
		Source         tasksv1.VideoSource
		TargetLanguage tasksv1.LanguageCode
		Expressions    tasksv1.ExpressionsSpec
		Render         tasksv1.RenderSpec
	}{tasksv1.KindVideoTask, t.Spec.Storage, t.Spec.Source, t.Spec.TargetLanguage, t.Spec.Expressions, t.Spec.Render}
	data, err := json.Marshal(work)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:20])
}

// indexIdentity is the index function of identityIndex.
func indexIdentity(obj client.Object) []string {
	task, ok := obj.(tasksv1.Task)
	if !ok {
		return nil
	}
	if id := workIdentity(task); id != "" {
		return []string{id}
	}
	return nil
}

// listIdentical lists the tasks of the namespace that ask for the same work as task (task included).
func listIdentical(ctx context.Context, c client.Reader, task tasksv1.Task, id string) ([]tasksv1.Task, error) {
	if _, ok := task.(*tasksv1.VideoTask); !ok {
		return nil, nil
	}
	var list tasksv1.VideoTaskList
	if err := c.List(ctx, &list, client.InNamespace(task.GetNamespace()), client.MatchingFields{identityIndex: id}); err != nil {
		return nil, fmt.Errorf("list tasks identical to %s/%s: %w", task.GetNamespace(), task.GetName(), err)
	}
	out := make([]tasksv1.Task, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, &list.Items[i])
	}
	return out, nil
}

// identicalLeader returns the task this one must wait for, nil when it may start: an older identical task
// that is unfinished, not suspended and not being deleted (the oldest of them), unless an identical task has
// succeeded already, whose result the runner will find.
func identicalLeader(task tasksv1.Task, identical []tasksv1.Task) tasksv1.Task {
	var leader tasksv1.Task
	for _, o := range identical {
		if o.GetUID() == task.GetUID() {
			continue
		}
		st := o.GetTaskStatus()
		if st.Phase == tasksv1.TaskSucceeded && st.Result != nil && st.Result.Completeness != tasksv1.ResultPartial {
			return nil
		}
		if st.Phase.IsFinished() || o.GetTemplate().IsSuspended() || !o.GetDeletionTimestamp().IsZero() {
			continue
		}
		if olderTask(o, task) && (leader == nil || olderTask(o, leader)) {
			leader = o
		}
	}
	return leader
}

// olderTask orders tasks by creation time, then name (creation times have whole seconds).
func olderTask(a, b tasksv1.Task) bool {
	ta, tb := a.GetCreationTimestamp(), b.GetCreationTimestamp()
	if !ta.Equal(&tb) {
		return ta.Before(&tb)
	}
	return a.GetName() < b.GetName()
}

// identicalWaiters enqueues the tasks that may wait for a task that just finished, was suspended or
// deleted, so that they go on at once.
type identicalWaiters struct {
	reader client.Reader
}

func (h identicalWaiters) changed(old, cur tasksv1.Task) bool {
	return old.GetTaskStatus().Phase.IsFinished() != cur.GetTaskStatus().Phase.IsFinished() ||
		old.GetTemplate().IsSuspended() != cur.GetTemplate().IsSuspended() ||
		old.GetDeletionTimestamp().IsZero() != cur.GetDeletionTimestamp().IsZero()
}

func (h identicalWaiters) enqueue(ctx context.Context, task tasksv1.Task, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
	id := workIdentity(task)
	if id == "" {
		return
	}
	identical, err := listIdentical(ctx, h.reader, task, id)
	if err != nil {
		return
	}
	for _, o := range identical {
		if o.GetUID() != task.GetUID() && !o.GetTaskStatus().Phase.IsFinished() {
			q.Add(reconcile.Request{NamespacedName: types.NamespacedName{Namespace: o.GetNamespace(), Name: o.GetName()}})
		}
	}
}

// handler is the event handler of the task kind that wakes waiting identical tasks.
func (h identicalWaiters) handler() handler.EventHandler {
	return handler.Funcs{
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			old, ok1 := e.ObjectOld.(tasksv1.Task)
			cur, ok2 := e.ObjectNew.(tasksv1.Task)
			if ok1 && ok2 && h.changed(old, cur) {
				h.enqueue(ctx, cur, q)
			}
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			if t, ok := e.Object.(tasksv1.Task); ok {
				h.enqueue(ctx, t, q)
			}
		},
	}
}
