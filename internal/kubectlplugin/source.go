package kubectlplugin

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// watchScope says which tasks a watch receives.
type watchScope struct {
	Kinds []taskKind
	// Namespace is "" for all namespaces.
	Namespace string
	// Name selects one task by metadata.name; "" selects every task in scope.
	Name     string
	Selector labels.Selector
}

// sourceEvent is one task change from the API server, or (Synced) the marker that every kind's initial list
// has been delivered.
type sourceEvent struct {
	Snapshot snapshot
	Synced   bool
}

// streamTasks lists and then WATCHES the tasks in scope (one informer per kind: a reflector that lists,
// watches from the list's resourceVersion, reconnects, and re-lists when the watch expires) and sends every
// change to events until ctx ends. After each kind's initial list has been sent it sends one Synced event.
// It returns when ctx ends.
func streamTasks(ctx context.Context, c client.WithWatch, scope watchScope, events chan<- sourceEvent) error {
	send := func(obj any, deleted bool) {
		if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = tomb.Obj
		}
		t, ok := obj.(tasksv1alpha1.Task)
		if !ok {
			return
		}
		s := snapshotOf(t)
		s.Deleted = deleted
		select {
		case events <- sourceEvent{Snapshot: s}:
		case <-ctx.Done():
		}
	}
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { send(obj, false) },
		UpdateFunc: func(_, obj any) { send(obj, false) },
		DeleteFunc: func(obj any) { send(obj, true) },
	}

	synced := make([]cache.InformerSynced, 0, len(scope.Kinds))
	for _, k := range scope.Kinds {
		_, ctrl := cache.NewInformerWithOptions(cache.InformerOptions{
			ListerWatcher: taskListWatch(c, k, scope),
			ObjectType:    k.newObj(),
			Handler:       handler,
		})
		go ctrl.RunWithContext(ctx)
		synced = append(synced, ctrl.HasSynced)
	}
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		return ctx.Err()
	}
	// The informers' handlers ran for every listed task before HasSynced turned true, so this marker
	// follows all of them on the channel.
	select {
	case events <- sourceEvent{Synced: true}:
	case <-ctx.Done():
	}
	<-ctx.Done()
	return nil
}

// taskListWatch lists and watches one task kind in scope through the controller-runtime client.
func taskListWatch(c client.WithWatch, k taskKind, scope watchScope) *cache.ListWatch {
	narrow := func(opts metav1.ListOptions) *client.ListOptions {
		if scope.Name != "" {
			opts.FieldSelector = fields.OneTermEqualSelector("metadata.name", scope.Name).String()
		}
		if scope.Selector != nil && !scope.Selector.Empty() {
			opts.LabelSelector = scope.Selector.String()
		}
		return &client.ListOptions{Namespace: scope.Namespace, Raw: &opts}
	}
	return &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			list := k.newList()
			if err := c.List(ctx, list, narrow(opts)); err != nil {
				return nil, fmt.Errorf("listing %s: %w", k.Resource, err)
			}
			return list, nil
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			w, err := c.Watch(ctx, k.newList(), narrow(opts))
			if err != nil {
				return nil, fmt.Errorf("watching %s: %w", k.Resource, err)
			}
			return w, nil
		},
	}
}
