package admission

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"

	"github.com/langflix/langflix-operator/controllers/internal/namespaces"
)

// newTestQueue returns a synced queue on a fake clock that records what it enqueues.
func newTestQueue(limits Limits) (*Queue, *clocktesting.FakeClock, *enqueued) {
	clk := clocktesting.NewFakeClock(t0)
	q := New(Config{Limits: limits, Clock: clk})
	rec := &enqueued{}
	for _, kind := range []string{"VideoTask", "SlideTask"} {
		q.SetEnqueuer(kind, rec.add)
	}
	return q, clk, rec
}

type enqueued struct {
	mu    sync.Mutex
	names []string
}

func (e *enqueued) add(n types.NamespacedName) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.names = append(e.names, n.String())
}

func (e *enqueued) take() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.names
	e.names = nil
	return out
}

func req(ns, name string, prio int32, age int) Request {
	return Request{Task: Key{Kind: "VideoTask", Namespace: ns, Name: name}, Priority: prio,
		Created: t0.Add(time.Duration(age) * time.Second), Job: types.NamespacedName{Namespace: ns, Name: name + "-vt-1"}}
}

// runJob records the admitted task's Job as the cache would show it: running, then (finish) complete.
func runJob(q *Queue, r Request, finish bool) {
	q.ObserveJob(JobState{Job: r.Job, Task: r.Task, Holds: !finish, Finished: finish}, false)
}

func TestAdmitRespectsLimits(t *testing.T) {
	q, _, _ := newTestQueue(Limits{Cluster: 3, PerNamespace: 2})
	var admitted []string
	for i, r := range []Request{req("a", "a1", 0, 1), req("a", "a2", 0, 2), req("a", "a3", 0, 3), req("b", "b1", 0, 4),
		req("b", "b2", 0, 5), req("c", "c1", 0, 6)} {
		if d := q.Admit(r); d.Admitted {
			admitted = append(admitted, r.Task.Name)
		} else if d.Position < 1 {
			t.Errorf("request %d waits without a position: %+v", i, d)
		}
	}
	// a3 waits for its namespace (2 per namespace), b2 and c1 for the cluster (3).
	if diff := cmp.Diff([]string{"a1", "a2", "b1"}, admitted); diff != "" {
		t.Fatalf("admitted (-want +got):\n%s", diff)
	}
	if d := q.Admit(req("c", "c1", 0, 6)); d.Admitted || d.Message == "" {
		t.Fatalf("c1 is admitted over the cluster limit: %+v", d)
	}
}

func TestAdmitIsIdempotentForTheSameJob(t *testing.T) {
	q, _, _ := newTestQueue(Limits{Cluster: 1})
	r := req("a", "a1", 0, 1)
	first, again := q.Admit(r), q.Admit(r)
	if !first.Admitted || !again.Admitted {
		t.Fatal("a task admitted once must stay admitted for its Job")
	}
	if q.Admit(req("a", "a2", 0, 2)).Admitted {
		t.Fatal("a2 admitted beside a1 with a limit of 1")
	}
}

func TestFreedCapacityGoesToTheNextInOrder(t *testing.T) {
	q, _, rec := newTestQueue(Limits{Cluster: 1})
	first := req("a", "first", 0, 0)
	if !q.Admit(first).Admitted {
		t.Fatal("first not admitted")
	}
	runJob(q, first, false)
	for _, r := range []Request{req("a", "a-old", 0, 1), req("a", "a-new", 0, 5), req("b", "b-urgent", 3, 9)} {
		if q.Admit(r).Admitted {
			t.Fatalf("%s admitted while first runs", r.Task.Name)
		}
	}
	q.dispatch()
	rec.take()

	runJob(q, first, true) // the Job finished: its slot frees
	q.dispatch()
	if diff := cmp.Diff([]string{"b/b-urgent"}, rec.take()); diff != "" {
		t.Fatalf("enqueued after the slot freed (-want +got):\n%s", diff)
	}
	// Only the task whose turn it is gets the slot, even when another asks first.
	if q.Admit(req("a", "a-old", 0, 1)).Admitted {
		t.Fatal("a-old took the slot that b-urgent was called for")
	}
	if !q.Admit(req("b", "b-urgent", 3, 9)).Admitted {
		t.Fatal("b-urgent, called for the slot, was not admitted")
	}
}

func TestParallelAdmissionsNeverExceedTheLimit(t *testing.T) {
	const limit, tasks, workers = 4, 200, 10
	q, _, _ := newTestQueue(Limits{Cluster: limit, PerNamespace: 3})
	var mu sync.Mutex
	running, peak, done := 0, 0, 0
	work := make(chan Request, tasks)
	for i := range tasks {
		work <- req(fmt.Sprintf("ns%d", i%7), fmt.Sprintf("t%d", i), int32(i%3), i)
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				if !q.Admit(r).Admitted {
					work <- r // asked again later, like a requeued reconcile
					continue
				}
				mu.Lock()
				running++
				peak = max(peak, running)
				mu.Unlock()
				runJob(q, r, false)
				mu.Lock()
				running--
				done++
				finished := done == tasks
				mu.Unlock()
				runJob(q, r, true)
				if finished {
					close(work)
				}
			}
		}()
	}
	wg.Wait()
	if peak > limit {
		t.Fatalf("%d tasks ran at once, limit %d", peak, limit)
	}
	if done != tasks {
		t.Fatalf("%d of %d tasks ran", done, tasks)
	}
	if n := q.ledger.running(""); n != 0 {
		t.Fatalf("ledger still counts %d running tasks", n)
	}
}

func TestAssumedSlotsCountUntilTheJobIsSeen(t *testing.T) {
	q, _, _ := newTestQueue(Limits{Cluster: 1})
	r := req("a", "a1", 0, 1)
	q.Admit(r)
	// A stale view of the Job, still suspended, does not end the assumed slot.
	q.ObserveJob(JobState{Job: r.Job, Task: r.Task}, false)
	if q.Admit(req("a", "a2", 0, 2)).Admitted {
		t.Fatal("a2 admitted while a1's Job was assumed")
	}
	runJob(q, r, false)
	if n := q.ledger.running(""); n != 1 {
		t.Fatalf("running = %d once the Job is seen, want 1 (assumed and seen count once)", n)
	}
	q.Release(r.Task) // nothing assumed any more: a no-op
	if n := q.ledger.running(""); n != 1 {
		t.Fatalf("running = %d after a stray Release, want 1", n)
	}
}

func TestReleaseFreesTheSlot(t *testing.T) {
	q, _, _ := newTestQueue(Limits{Cluster: 1})
	a1 := req("a", "a1", 0, 1)
	q.Admit(a1)
	q.Release(a1.Task) // its Job could not be created
	if !q.Admit(req("a", "a2", 0, 2)).Admitted {
		t.Fatal("a2 not admitted after a1 released its slot")
	}
}

func TestForgottenTasksDoNotHoldTheirPlace(t *testing.T) {
	q, _, rec := newTestQueue(Limits{Cluster: 1})
	runJob(q, req("a", "running", 0, 0), false)
	q.Admit(req("a", "a1", 0, 1))
	q.Admit(req("a", "a2", 0, 2))
	q.Forget(Key{Kind: "VideoTask", Namespace: "a", Name: "a1"}) // suspended
	runJob(q, req("a", "running", 0, 0), true)
	q.dispatch()
	if diff := cmp.Diff([]string{"a/a2"}, rec.take()); diff != "" {
		t.Fatalf("enqueued (-want +got):\n%s", diff)
	}
}

func TestNamespaceAnnotationOverridesTheLimit(t *testing.T) {
	store := namespaces.NewStore()
	q := New(Config{Limits: Limits{PerNamespace: 1}, Namespaces: store, Clock: clocktesting.NewFakeClock(t0)})
	store.Set("big", namespaces.Settings{MaxRunningTasks: ptr.To(3)})
	store.Set("open", namespaces.Settings{MaxRunningTasks: ptr.To(0)})
	count := func(ns string, n int) int {
		admitted := 0
		for i := range n {
			if q.Admit(req(ns, fmt.Sprint(i), 0, i)).Admitted {
				admitted++
			}
		}
		return admitted
	}
	if got := count("small", 5); got != 1 {
		t.Errorf("namespace without annotation: %d admitted, want 1", got)
	}
	if got := count("big", 5); got != 3 {
		t.Errorf("annotated 3: %d admitted, want 3", got)
	}
	if got := count("open", 5); got != 5 {
		t.Errorf("annotated 0 (no limit): %d admitted, want 5", got)
	}
}

func TestPositionsAreRewrittenPerBucketAndThrottled(t *testing.T) {
	q, clk, rec := newTestQueue(Limits{Cluster: 1})
	runJob(q, req("a", "running", 0, 0), false)
	for i := range 30 {
		if d := q.Admit(req("a", fmt.Sprintf("t%02d", i), 0, i+1)); d.Position != int32(i+1) {
			t.Fatalf("t%02d got position %d, want %d", i, d.Position, i+1)
		}
	}
	q.dispatch()
	rec.take()

	// A task of higher priority arrives: everyone moves back by one.
	q.Admit(req("a", "urgent", 9, 100))
	q.dispatch()
	got := rec.take()
	// Positions 1..10 are exact, so t00..t09 (now 2..11) are asked to rewrite theirs; of the others only
	// t19, who crossed from 20 to 21 and so into the next bucket, is.
	want := []string{"a/t00", "a/t01", "a/t02", "a/t03", "a/t04", "a/t05", "a/t06", "a/t07", "a/t08", "a/t09", "a/t19"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("enqueued for a position rewrite (-want +got):\n%s", diff)
	}
	// They have not rewritten it yet; after a second move within the refresh interval they are not asked
	// again before the interval passed. Only t18, who now crossed 20, is.
	q.Admit(req("a", "urgent2", 9, 101))
	next := q.dispatch()
	if diff := cmp.Diff([]string{"a/t18"}, rec.take()); diff != "" || next <= 0 {
		t.Fatalf("enqueued within the refresh interval (next %s; -want +got):\n%s", next, diff)
	}
	clk.Step(next)
	q.dispatch()
	// Whoever was asked and has not rewritten its position yet is asked again.
	if diff := cmp.Diff(append(want[:10:10], "a/t18", "a/t19"), rec.take()); diff != "" {
		t.Fatalf("enqueued once the interval passed (-want +got):\n%s", diff)
	}
	// What a task is told is stable within its bucket: t25 (27th now) keeps showing 26.
	if d := q.Admit(req("a", "t25", 0, 26)); d.Position != 26 {
		t.Fatalf("t25 shows %d, want its bucket-stable 26", d.Position)
	}
}

func TestAnUnclaimedSlotIsPassedOnAfterTheClaimTimeout(t *testing.T) {
	q, clk, rec := newTestQueue(Limits{Cluster: 1})
	first := req("a", "first", 0, 0)
	q.Admit(first)
	runJob(q, first, false)
	q.Seed(Key{Kind: "VideoTask", Namespace: "a", Name: "seeded"}, 0, t0.Add(time.Second))
	q.Admit(req("a", "later", 0, 2))
	runJob(q, first, true)
	q.dispatch()
	if diff := cmp.Diff([]string{"a/seeded"}, rec.take()); diff != "" {
		t.Fatalf("enqueued (-want +got):\n%s", diff)
	}
	if q.Admit(req("a", "later", 0, 2)).Admitted {
		t.Fatal("later took the slot the seeded task was called for")
	}
	clk.Step(defaultClaimTimeout + time.Second)
	if !q.Admit(req("a", "later", 0, 2)).Admitted {
		t.Fatal("the slot of a task that never came for it was not passed on")
	}
}

func TestNotSyncedQueueAdmitsNothing(t *testing.T) {
	q, _, _ := newTestQueue(Limits{})
	synced := false
	q.addSynced(func() bool { return synced })
	if d := q.Admit(req("a", "a1", 0, 1)); d.Admitted || d.RetryAfter == 0 {
		t.Fatalf("admitted before the Jobs were read: %+v", d)
	}
	synced = true
	if !q.Admit(req("a", "a1", 0, 1)).Admitted {
		t.Fatal("not admitted once synced, without limits")
	}
}

// TestPositionRewritesStayFewWhileTheQueueDrains is the write amplification the position buckets save: 1,000
// tasks wait behind a limit of 1 and, after every start, each asks again (the worst case: every waiting task
// reconciled after every admission). A task whose shown position stays the same writes no status, so the
// number of changes is the number of status writes.
func TestPositionRewritesStayFewWhileTheQueueDrains(t *testing.T) {
	const n = 1000
	q, _, _ := newTestQueue(Limits{Cluster: 1})
	var reqs []Request
	for i := range n {
		reqs = append(reqs, req(fmt.Sprintf("ns%d", i%5), fmt.Sprintf("t%04d", i), 0, i))
	}
	shown := map[Key]int32{}
	changes := map[Key]int{}
	running := (*Request)(nil)
	for len(reqs) > 0 {
		var waiting []Request
		for _, r := range reqs {
			d := q.Admit(r)
			if d.Admitted {
				if running != nil {
					t.Fatalf("%s admitted while %s runs", r.Task, running.Task)
				}
				running = &r
				continue
			}
			if shown[r.Task] != d.Position {
				changes[r.Task]++
				shown[r.Task] = d.Position
			}
			waiting = append(waiting, r)
		}
		reqs = waiting
		if running != nil {
			runJob(q, *running, false)
			runJob(q, *running, true)
			running = nil
		}
	}
	total, most := 0, 0
	for _, c := range changes {
		total += c
		most = max(most, c)
	}
	t.Logf("%d tasks drained one at a time: %d position writes in all (exact positions: %d), at most %d for one task",
		n, total, n*(n-1)/2, most)
	// Exact up to 10 (10 writes), one per bucket crossed beyond (20, 50, 100, 200, 500, 1000), and the first.
	if most > 17 {
		t.Errorf("a task's position was rewritten %d times", most)
	}
}
