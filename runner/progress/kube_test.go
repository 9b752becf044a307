package progress

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

// statusWrite is one apply the fake apiserver saw.
type statusWrite struct {
	resource, namespace, name, subresource string
	patchType                              types.PatchType
	fieldManager                           string
	force                                  bool
	body                                   map[string]any
}

// kubeHarness wires a kube sink to a fake dynamic client and a hand-driven clock: the test decides when
// the throttle interval has passed, so nothing depends on the wall clock.
type kubeHarness struct {
	sink   *kubeSink
	writes chan statusWrite
	waits  chan time.Duration
	fire   chan time.Time
	now    time.Time
	mu     sync.Mutex
	logs   []string
	fail   error
}

func newKubeHarness(t *testing.T, kind string) *kubeHarness {
	t.Helper()
	h := &kubeHarness{
		writes: make(chan statusWrite, 16),
		waits:  make(chan time.Duration),
		fire:   make(chan time.Time),
		now:    time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
	}
	client := dynamicfake.NewSimpleDynamicClient(runtime.NewScheme())
	client.PrependReactor("patch", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		p := a.(k8stesting.PatchActionImpl)
		w := statusWrite{resource: p.GetResource().Resource, namespace: p.GetNamespace(), name: p.GetName(),
			subresource: p.GetSubresource(), patchType: p.GetPatchType(), fieldManager: p.PatchOptions.FieldManager}
		if p.PatchOptions.Force != nil {
			w.force = *p.PatchOptions.Force
		}
		if err := yaml.Unmarshal(p.GetPatch(), &w.body); err != nil {
			t.Errorf("apply body is not JSON: %v", err)
		}
		h.writes <- w
		return true, nil, h.fail
	})
	sink, err := newKube(client, TaskRef{Kind: kind, Name: "lesson-1", Namespace: "films"},
		KubeOptions{Logf: func(f string, a ...any) { h.mu.Lock(); h.logs = append(h.logs, fmt.Sprintf(f, a...)); h.mu.Unlock() }},
		func() time.Time { h.mu.Lock(); defer h.mu.Unlock(); return h.now },
		func(d time.Duration) <-chan time.Time { h.waits <- d; return h.fire })
	if err != nil {
		t.Fatal(err)
	}
	h.sink = sink
	return h
}

func (h *kubeHarness) advance(d time.Duration) time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = h.now.Add(d)
	return h.now
}

func snap(stage string, current int, message string, at time.Time) Snapshot {
	return Snapshot{Stage: stage, Current: current, Total: OverallTotal, Percent: current / 10, Message: message, Time: at}
}

func progressOf(t *testing.T, w statusWrite) map[string]any {
	t.Helper()
	status, _ := w.body["status"].(map[string]any)
	p, ok := status["progress"].(map[string]any)
	if !ok {
		t.Fatalf("no status.progress in %v", w.body)
	}
	return p
}

func TestKubeSinkThrottlesAndWritesOnlyChanges(t *testing.T) {
	h := newKubeHarness(t, "VideoTask")

	// The first snapshot is written at once.
	h.sink.Update(snap("probe", 0, "", h.now))
	first := <-h.writes
	if first.resource != "videotasks" || first.namespace != "films" || first.name != "lesson-1" || first.subresource != "status" ||
		first.patchType != types.ApplyPatchType || first.fieldManager != runnerv1.FieldManagerRunner || !first.force {
		t.Fatalf("first write %+v", first)
	}
	if first.body["apiVersion"] != "tasks.langflix.io/v1alpha1" || first.body["kind"] != "VideoTask" {
		t.Fatalf("object identity %v", first.body)
	}
	meta := first.body["metadata"].(map[string]any)
	if meta["name"] != "lesson-1" || meta["namespace"] != "films" {
		t.Fatalf("metadata %v", meta)
	}
	if p := progressOf(t, first); p["stage"] != "probe" || p["updateTime"] != "2025-06-01T12:00:00Z" || p["total"] != float64(1000) {
		t.Fatalf("progress %v", p)
	}

	// A change right after a write waits out the whole interval; a newer change supersedes it meanwhile.
	h.sink.Update(snap("clips", 100, "cut 01", h.now))
	if d := <-h.waits; d != DefaultKubeInterval {
		t.Fatalf("waited %v, want %v", d, DefaultKubeInterval)
	}
	later := h.advance(DefaultKubeInterval)
	h.sink.Update(snap("clips", 200, "cut 02", later))
	h.fire <- later
	second := <-h.writes
	if p := progressOf(t, second); p["current"] != float64(200) || p["percent"] != float64(20) || p["message"] != "cut 02" {
		t.Fatalf("second write carries %v, want the newest snapshot", p)
	}

	// Part of the interval has passed: only the rest is waited; the same state again is not written.
	h.advance(500 * time.Millisecond)
	h.sink.Update(snap("clips", 200, "cut 02", h.now))
	if d := <-h.waits; d != 1500*time.Millisecond {
		t.Fatalf("waited %v, want 1.5s", d)
	}
	h.fire <- h.advance(1500 * time.Millisecond)

	// The interval has passed exactly, so the final state goes out without another wait, and Close
	// (which also flushes) does not write it twice.
	h.sink.Update(Snapshot{Stage: "done", Current: OverallTotal, Total: OverallTotal, Percent: 100, Message: "finished", Done: true, Time: h.now})
	h.sink.Close()
	h.sink.Close() // idempotent
	close(h.writes)
	var rest []statusWrite
	for w := range h.writes {
		rest = append(rest, w)
	}
	if len(rest) != 1 {
		t.Fatalf("after the second write got %d writes, want exactly the final one", len(rest))
	}
	if p := progressOf(t, rest[0]); p["stage"] != "done" || p["percent"] != float64(100) {
		t.Fatalf("final write %v", p)
	}
}

func TestKubeSinkWriteErrorsAreLoggedNotFatal(t *testing.T) {
	h := newKubeHarness(t, "SlideTask")
	h.fail = errors.New("slidetasks.tasks.langflix.io \"lesson-1\" not found")
	h.sink.Update(snap("render", 0, "", h.now))
	w := <-h.writes
	if w.resource != "slidetasks" {
		t.Fatalf("resource %q", w.resource)
	}
	h.sink.Close()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.logs) != 1 || !strings.Contains(h.logs[0], "not found") || !strings.Contains(h.logs[0], "SlideTask films/lesson-1") {
		t.Fatalf("logs %q", h.logs)
	}
}

func TestNewKubeRejectsBadTaskRefs(t *testing.T) {
	client := dynamicfake.NewSimpleDynamicClient(runtime.NewScheme())
	tests := []TaskRef{
		{Kind: "CleanupTask", Name: "a", Namespace: "b"},
		{Kind: "VideoTask", Name: "", Namespace: "b"},
		{Kind: "VideoTask", Name: "a", Namespace: ""},
	}
	for _, ref := range tests {
		if _, err := NewKube(client, ref, KubeOptions{}); err == nil {
			t.Errorf("NewKube(%+v) succeeded", ref)
		}
	}
}

func TestKubeSinkCloseCutsTheWaitShort(t *testing.T) {
	h := newKubeHarness(t, "VideoTask")
	h.sink.Update(snap("probe", 0, "", h.now))
	<-h.writes
	h.sink.Update(snap("clips", 300, "cut 01", h.now))
	<-h.waits // the loop now waits for the interval, which the test never lets pass
	h.sink.Close()
	close(h.writes)
	var got []statusWrite
	for w := range h.writes {
		got = append(got, w)
	}
	if len(got) != 1 || progressOf(t, got[0])["message"] != "cut 01" {
		t.Fatalf("Close wrote %d times, want the pending snapshot once", len(got))
	}
}
