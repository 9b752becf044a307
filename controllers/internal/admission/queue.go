package admission

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"

	"github.com/langflix/langflix-operator/controllers/internal/metrics"
	"github.com/langflix/langflix-operator/controllers/internal/namespaces"
)

// Limits are the operator's limits on running tasks; 0 means no limit.
type Limits struct {
	// Cluster bounds the tasks running in the whole cluster (--max-running-tasks).
	Cluster int
	// PerNamespace bounds the tasks running in each namespace (--max-running-tasks-per-namespace), unless
	// the Namespace's annotation says otherwise.
	PerNamespace int
}

// String describes the limits for the log.
func (l Limits) String() string {
	return fmt.Sprintf("cluster %s, per namespace %s", limitString(l.Cluster), limitString(l.PerNamespace))
}

func limitString(n int) string {
	if n <= 0 {
		return "unlimited"
	}
	return fmt.Sprint(n)
}

// Config configures a Queue.
type Config struct {
	Limits Limits
	// Namespaces holds the namespaces' own limits; nil means none.
	Namespaces *namespaces.Store
	// Clock tells the time and runs the dispatcher's timer (a fake clock in tests).
	Clock clock.WithTicker
	// RefreshInterval is the least time between two rewrites of one waiting task's position (default 10s).
	RefreshInterval time.Duration
	// ClaimTimeout is how long a task the queue enqueued to take a slot keeps its precedence without
	// coming back for it (its reconcile fails, say): after it the tasks behind it are admitted past it
	// (default 2m).
	ClaimTimeout time.Duration
}

// Request asks for a slot for one attempt of a task.
type Request struct {
	Task     Key
	Priority int32
	// Created is the task's creation time.
	Created time.Time
	// Job is the Job the attempt creates, or resumes, once admitted: the slot is assumed for it until the
	// cache shows it.
	Job types.NamespacedName
}

// Decision is the queue's answer to a Request.
type Decision struct {
	// Admitted says the attempt may create (or resume) its Job now; its slot is assumed until the cache shows
	// the Job. A caller that then fails to create it must Release the slot.
	Admitted bool
	// Position is the task's place among the waiting tasks to show in its status (see the package doc).
	Position int32
	// Message says what the task waits for.
	Message string
	// RetryAfter, when not zero, asks the caller to come back after it: the queue has not read the
	// cluster's Jobs yet, so it cannot count.
	RetryAfter time.Duration
}

// Queue is the operator's admission point for both task kinds. Its zero value is not usable: see New. A nil
// *Queue admits every attempt at once (a reconciler without limits, as in narrow unit tests).
type Queue struct {
	cfg Config

	mu      sync.Mutex
	ledger  *ledger
	waiting *waitingSet
	// requestedAt is when each waiting task last asked for a slot; refreshedAt when the queue last asked it
	// to rewrite its position.
	requestedAt map[Key]time.Time
	refreshedAt map[Key]time.Time
	// synced are the informer registrations that must have delivered their initial lists before the queue
	// can count.
	synced []func() bool
	// enqueue puts a task of a kind into its controller's work queue (set when the controller starts).
	enqueue map[string]func(types.NamespacedName)

	wake chan struct{}
}

const (
	defaultRefreshInterval = 10 * time.Second
	defaultClaimTimeout    = 2 * time.Minute
	// notSyncedRetry is how soon a caller asks again while the queue has not read the cluster yet.
	notSyncedRetry = time.Second
)

// New returns a queue with cfg's limits.
func New(cfg Config) *Queue {
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.RefreshInterval <= 0 {
		cfg.RefreshInterval = defaultRefreshInterval
	}
	if cfg.ClaimTimeout <= 0 {
		cfg.ClaimTimeout = defaultClaimTimeout
	}
	if cfg.Namespaces == nil {
		cfg.Namespaces = namespaces.NewStore()
	}
	q := &Queue{cfg: cfg, ledger: newLedger(), waiting: newWaitingSet(), requestedAt: map[Key]time.Time{},
		refreshedAt: map[Key]time.Time{}, enqueue: map[string]func(types.NamespacedName){}, wake: make(chan struct{}, 1)}
	cfg.Namespaces.OnChange(func(string) { q.Wake() })
	return q
}

// Limits returns the queue's flags' limits.
func (q *Queue) Limits() Limits { return q.cfg.Limits }

// Synced reports whether the queue has read every Job and namespace setting it counts with.
func (q *Queue) Synced() bool {
	q.mu.Lock()
	synced := q.synced
	q.mu.Unlock()
	for _, s := range synced {
		if !s() {
			return false
		}
	}
	return q.cfg.Namespaces.Synced()
}

// Admit is the admission point: it tells whether the task's attempt may start its Job now. Tasks are
// admitted in the queue's order as long as the cluster's and their namespace's limits allow; a task that
// waits learns its position. Admit is safe to call from parallel reconciles: one mutex guards the count.
func (q *Queue) Admit(req Request) Decision {
	if q == nil {
		return Decision{Admitted: true}
	}
	if !q.Synced() {
		return Decision{RetryAfter: notSyncedRetry, Message: "the operator is still reading the cluster's running tasks"}
	}
	now := q.cfg.Clock.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	k := req.Task
	if job, ok := q.ledger.assumed[k]; ok && job == req.Job {
		// Admitted before; the caller tries again (its create failed with AlreadyExists, or was not seen yet).
		return Decision{Admitted: true}
	}
	e, moved := q.waiting.put(&entry{key: k, priority: req.Priority, created: req.Created})
	e.requested = true
	q.requestedAt[k] = now
	if q.fits(e, now) {
		q.admit(e, req.Job)
		q.signal()
		return Decision{Admitted: true}
	}
	pos := q.waiting.position(k)
	if moved {
		q.signal() // a new or moved task shifts the positions of others
	}
	return Decision{Position: q.report(e, pos), Message: q.waitMessage(k.Namespace, pos)}
}

// admit moves a waiting task to the ledger.
func (q *Queue) admit(e *entry, job types.NamespacedName) {
	q.waiting.remove(e.key)
	q.waiting.served(e.key.Namespace)
	delete(q.requestedAt, e.key)
	delete(q.refreshedAt, e.key)
	q.ledger.assume(e.key, job)
	metrics.QueueAdmissions.WithLabelValues(e.key.Kind).Inc()
}

// Release gives back the slot of an admitted attempt whose Job could not be created or resumed.
func (q *Queue) Release(k Key) {
	if q == nil {
		return
	}
	q.mu.Lock()
	released := q.ledger.release(k)
	q.mu.Unlock()
	if released {
		q.Wake()
	}
}

// Forget drops a task from the waiting tasks: it does not need a slot (any more): it runs, finished, was
// suspended or deleted, or Kueue admits it.
func (q *Queue) Forget(k Key) {
	if q == nil {
		return
	}
	q.mu.Lock()
	removed := q.waiting.remove(k)
	delete(q.requestedAt, k)
	delete(q.refreshedAt, k)
	q.mu.Unlock()
	if removed {
		q.Wake()
	}
}

// ObserveJob records a Job as the informer cache shows it; gone is set when it was deleted.
func (q *Queue) ObserveJob(s JobState, gone bool) {
	q.mu.Lock()
	freed := q.ledger.observe(s, gone)
	q.mu.Unlock()
	if freed {
		q.Wake()
	}
}

// Seed adds a task that will ask for a slot (seen in the cache at start, before its reconcile ran), so
// that it holds its place in the order from the start; or updates the priority of a waiting task.
func (q *Queue) Seed(k Key, priority int32, created time.Time) {
	q.mu.Lock()
	e := q.waiting.get(k)
	changed := e == nil || e.priority != priority || !e.created.Equal(created)
	if changed && !q.ledger.holds(k) {
		q.waiting.put(&entry{key: k, priority: priority, created: created})
	} else {
		changed = false
	}
	q.mu.Unlock()
	if changed {
		q.Wake()
	}
}

// UpdatePriority moves a waiting task to a new priority; a task that does not wait is left alone.
func (q *Queue) UpdatePriority(k Key, priority int32) {
	q.mu.Lock()
	e := q.waiting.get(k)
	changed := e != nil && e.priority != priority
	if changed {
		q.waiting.put(&entry{key: k, priority: priority, created: e.created})
	}
	q.mu.Unlock()
	if changed {
		q.Wake()
	}
}

// Wake asks the queue to look at its waiting tasks again: capacity may have freed, or positions moved.
// Calls coalesce; it never blocks.
func (q *Queue) Wake() { q.signal() }

func (q *Queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// limit is the limit of namespace ns, or of the cluster for "": math.MaxInt when there is none.
func (q *Queue) limit(ns string) int {
	n := q.cfg.Limits.Cluster
	if ns != "" {
		n = q.cfg.Limits.PerNamespace
		if own := q.cfg.Namespaces.Get(ns).MaxRunningTasks; own != nil {
			n = *own
		}
	}
	if n <= 0 {
		return math.MaxInt
	}
	return n
}

// free is how many more tasks may run in namespace ns ("" for the cluster).
func (q *Queue) free(ns string) int {
	l := q.limit(ns)
	if l == math.MaxInt {
		return l
	}
	return l - q.ledger.running(ns)
}

// pendingClaim reports whether the queue enqueued a task to take its slot and is still waiting for it
// to come; stale, whether it waited longer than the claim timeout.
func (q *Queue) claimState(e *entry, now time.Time) (pending, stale bool) {
	if e.triggeredAt.IsZero() || !e.triggeredAt.After(q.requestedAt[e.key]) {
		return false, false
	}
	if now.Sub(e.triggeredAt) > q.cfg.ClaimTimeout {
		return false, true
	}
	return true, false
}

// walkFitting visits, in order, the waiting tasks that get a slot with the capacity free now: each takes
// one slot of the cluster and of its namespace; a namespace at its limit is passed over, and a task that was
// enqueued to take its slot but did not come for longer than the claim timeout is passed over too.
func (q *Queue) walkFitting(now time.Time, yield func(e *entry) bool) {
	free := q.free("")
	if free <= 0 {
		return
	}
	nsFree := map[string]int{}
	nsFreeOf := func(ns string) int {
		n, ok := nsFree[ns]
		if !ok {
			n = q.free(ns)
			nsFree[ns] = n
		}
		return n
	}
	q.waiting.walk(func(ns string) bool { return nsFreeOf(ns) <= 0 }, func(e *entry) bool {
		if _, stale := q.claimState(e, now); stale {
			return true
		}
		if !yield(e) {
			return false
		}
		free--
		if n := nsFreeOf(e.key.Namespace); n != math.MaxInt {
			nsFree[e.key.Namespace] = n - 1
		}
		return free > 0
	})
}

// fits reports whether target gets a slot now.
func (q *Queue) fits(target *entry, now time.Time) bool {
	got := false
	q.walkFitting(now, func(e *entry) bool {
		if e == target {
			got = true
			return false
		}
		return true
	})
	return got
}

// report returns the position to show for a task at pos: the one it shows already while both are in the
// same bucket, so that a status is not rewritten for every move.
func (q *Queue) report(e *entry, pos int) int32 {
	p := int32(min(pos, math.MaxInt32))
	if e.reported == 0 || bucket(e.reported) != bucket(p) {
		e.reported = p
	}
	return e.reported
}

// waitMessage says what a task of namespace ns at position pos waits for.
func (q *Queue) waitMessage(ns string, pos int) string {
	cluster, own := q.limit(""), q.limit(ns)
	switch {
	case own != math.MaxInt && q.ledger.running(ns) >= own:
		return fmt.Sprintf("waiting for capacity: namespace %s runs %d of its %d tasks at a time; position %d in the operator's queue",
			ns, q.ledger.running(ns), own, pos)
	case cluster != math.MaxInt && q.ledger.running("") >= cluster:
		return fmt.Sprintf("waiting for capacity: the cluster runs %d of %d tasks at a time; position %d in the operator's queue",
			q.ledger.running(""), cluster, pos)
	}
	return fmt.Sprintf("waiting for capacity: position %d in the operator's queue, behind tasks that were admitted first", pos)
}

// bucket maps a position to the bucket whose bound it must cross to be rewritten: itself up to 10, then
// 20, 50, 100, 200, 500, 1000, ...
func bucket(p int32) int32 {
	if p <= 10 {
		return p
	}
	for b := int64(10); ; b *= 10 {
		for _, m := range []int64{2, 5, 10} {
			if int64(p) <= b*m {
				return int32(min(b*m, math.MaxInt32))
			}
		}
	}
}

// Start runs the queue's dispatcher until ctx ends: whenever woken, it enqueues the waiting tasks that fit
// now and those whose position must be rewritten. It runs only in the leader, like the controllers.
func (q *Queue) Start(ctx context.Context) error {
	for {
		next := q.dispatch()
		var timer clock.Timer
		var fired <-chan time.Time
		if next > 0 {
			timer = q.cfg.Clock.NewTimer(next)
			fired = timer.C()
		}
		select {
		case <-ctx.Done():
		case <-q.wake:
		case <-fired:
		}
		if timer != nil {
			timer.Stop()
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// NeedLeaderElection makes the dispatcher run in the leader only.
func (q *Queue) NeedLeaderElection() bool { return true }

// SetEnqueuer registers how tasks of a kind are put into their controller's work queue.
func (q *Queue) SetEnqueuer(kind string, fn func(types.NamespacedName)) {
	q.mu.Lock()
	q.enqueue[kind] = fn
	q.mu.Unlock()
	q.Wake()
}

// dispatch enqueues the tasks that fit now (each once per claim) and the requested ones whose position
// crossed a bucket bound (each at most once per refresh interval). It returns how soon it wants to run
// again for a refresh it held back (0: not needed).
func (q *Queue) dispatch() time.Duration {
	if !q.Synced() {
		return notSyncedRetry
	}
	now := q.cfg.Clock.Now()
	q.mu.Lock()
	var wanted []Key
	called := map[Key]bool{}
	q.walkFitting(now, func(e *entry) bool {
		called[e.key] = true
		if pending, _ := q.claimState(e, now); !pending {
			e.triggeredAt = now
			wanted = append(wanted, e.key)
		}
		return true
	})
	var next time.Duration
	pos := 0
	q.waiting.walk(nil, func(e *entry) bool {
		pos++
		if called[e.key] || !e.requested || e.reported == 0 || bucket(e.reported) == bucket(int32(min(pos, math.MaxInt32))) {
			return true
		}
		if wait := q.cfg.RefreshInterval - now.Sub(q.refreshedAt[e.key]); wait > 0 {
			if next == 0 || wait < next {
				next = wait
			}
			return true
		}
		q.refreshedAt[e.key] = now
		wanted = append(wanted, e.key)
		return true
	})
	enqueue := make(map[string]func(types.NamespacedName), len(q.enqueue))
	for k, fn := range q.enqueue {
		enqueue[k] = fn
	}
	metrics.QueueWaitingTasks.Set(float64(q.waiting.len()))
	metrics.QueueRunningTasks.Set(float64(q.ledger.running("")))
	q.mu.Unlock()

	for _, k := range wanted {
		if fn := enqueue[k.Kind]; fn != nil {
			fn(types.NamespacedName{Namespace: k.Namespace, Name: k.Name})
		}
	}
	return next
}
