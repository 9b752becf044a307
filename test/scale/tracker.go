package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	toolscache "k8s.io/client-go/tools/cache"
)

var (
	jobsResource       = schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}
	videoTasksResource = schema.GroupVersionResource{Group: "tasks.langflix.io", Version: "v1alpha1", Resource: "videotasks"}
)

// outcome is how far an object has come: seen at all, terminal, and whether it failed.
// outcome is what a tracker reads of one object; noResult marks a Succeeded task without status.result.
type outcome struct{ terminal, failed, noResult bool }

// tracker watches the objects of one resource in one namespace and notes when the target count first
// existed and first was terminal. Its informer keeps only what outcome needs, so watching 10,000 objects
// costs this program little memory.
type tracker struct {
	what    string
	target  int
	outcome func(*unstructured.Unstructured) outcome

	mu            sync.Mutex
	state         map[string]outcome
	terminal      int
	failed        int
	noResult      int
	allExistAt    time.Time
	allTerminalAt time.Time
	changed       chan struct{}
}

// startTracker starts a tracker of resource in namespace; it stops with ctx.
func startTracker(ctx context.Context, dyn dynamic.Interface, gvr schema.GroupVersionResource, namespace string,
	target int, what string, oc func(*unstructured.Unstructured) outcome) (*tracker, error) {
	t := &tracker{what: what, target: target, outcome: oc, state: map[string]outcome{}, changed: make(chan struct{}, 1)}
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(dyn, 0, namespace, nil)
	informer := factory.ForResource(gvr).Informer()
	// Keep the name and what the outcome reads (status), nothing else.
	if err := informer.SetTransform(func(obj any) (any, error) {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return obj, nil
		}
		slim := &unstructured.Unstructured{Object: map[string]any{}}
		slim.SetName(u.GetName())
		slim.SetNamespace(u.GetNamespace())
		slim.SetResourceVersion(u.GetResourceVersion())
		if st, ok := u.Object["status"]; ok {
			slim.Object["status"] = st
		}
		return slim, nil
	}); err != nil {
		return nil, fmt.Errorf("tracker %s: %w", what, err)
	}
	if _, err := informer.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { t.observe(obj) },
		UpdateFunc: func(_, obj any) { t.observe(obj) },
	}); err != nil {
		return nil, fmt.Errorf("tracker %s: %w", what, err)
	}
	factory.Start(ctx.Done())
	for _, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return nil, fmt.Errorf("tracker %s: cache did not sync", what)
		}
	}
	return t, nil
}

func (t *tracker) observe(obj any) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return
	}
	oc := t.outcome(u)
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	prev, seen := t.state[u.GetName()]
	if prev.terminal {
		return
	}
	t.state[u.GetName()] = oc
	if !seen && len(t.state) == t.target {
		t.allExistAt = now
	}
	if oc.terminal {
		t.terminal++
		if oc.failed {
			t.failed++
		}
		if oc.noResult {
			t.noResult++
		}
		if t.terminal == t.target {
			t.allTerminalAt = now
		}
	}
	select {
	case t.changed <- struct{}{}:
	default:
	}
}

// counts returns how many objects exist and how many are terminal (and failed).
func (t *tracker) counts() (exist, terminal, failed int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.state), t.terminal, t.failed
}

// withoutResult is how many objects ended Succeeded without a result.
func (t *tracker) withoutResult() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.noResult
}

// wait blocks until all target objects exist (terminal false) or are terminal, printing progress every
// 15 s; it returns the time that happened.
func (t *tracker) wait(ctx context.Context, terminal bool, timeout time.Duration) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		t.mu.Lock()
		at := t.allExistAt
		if terminal {
			at = t.allTerminalAt
		}
		t.mu.Unlock()
		if !at.IsZero() {
			return at, nil
		}
		select {
		case <-ctx.Done():
			exist, done, failed := t.counts()
			return time.Time{}, fmt.Errorf("%s: %d of %d exist, %d terminal (%d failed) after %s", t.what, exist, t.target, done, failed, timeout)
		case <-tick.C:
			exist, done, failed := t.counts()
			logf("  %s: %d/%d exist, %d terminal (%d failed)", t.what, exist, t.target, done, failed)
		case <-t.changed:
		}
	}
}

// jobOutcome reads a Job's Complete or Failed condition.
func jobOutcome(u *unstructured.Unstructured) outcome {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["status"] != "True" {
			continue
		}
		switch m["type"] {
		case "Complete":
			return outcome{terminal: true}
		case "Failed":
			return outcome{terminal: true, failed: true}
		}
	}
	return outcome{}
}

// taskOutcome reads a task's phase.
func taskOutcome(u *unstructured.Unstructured) outcome {
	phase, _, _ := unstructured.NestedString(u.Object, "status", "phase")
	switch phase {
	case "Succeeded":
		return outcome{terminal: true, noResult: !hasResult(u)}
	case "Failed", "Cancelled":
		return outcome{terminal: true, failed: true}
	}
	return outcome{}
}
