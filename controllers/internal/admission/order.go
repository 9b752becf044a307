package admission

import (
	"cmp"
	"slices"
	"time"
)

// Key identifies a task: its kind, namespace and name.
type Key struct {
	Kind      string
	Namespace string
	Name      string
}

func (k Key) String() string { return k.Kind + " " + k.Namespace + "/" + k.Name }

// entry is a task that waits for a slot.
type entry struct {
	key      Key
	priority int32
	created  time.Time
	// requested is set once the task's own reconcile asked for a slot in this process. Entries seeded from
	// the task cache at start (tasks that will ask) hold their place before they asked.
	requested bool
	// triggeredAt is when the queue last enqueued the task's reconcile, to take a slot or to write its
	// position; zero when it never did.
	triggeredAt time.Time
	// reported is the position the task was last told (and so shows in its status); 0 before that.
	reported int32
}

// before is the order of two tasks of one namespace and one priority: older first, then by kind and name,
// so that tasks created in the same second (creationTimestamp has seconds only) keep a fixed order.
func (e *entry) before(o *entry) bool {
	if c := e.created.Compare(o.created); c != 0 {
		return c < 0
	}
	if e.key.Kind != o.key.Kind {
		return e.key.Kind < o.key.Kind
	}
	return e.key.Name < o.key.Name
}

// waitingSet holds the waiting tasks in admission order: priority levels, highest first; within a level one
// queue per namespace, oldest first; the namespaces of a level take turns, the one served longest ago first.
type waitingSet struct {
	entries map[Key]*entry
	levels  []*level
	// lastServed is the serve sequence number at which each namespace last had a task admitted.
	lastServed map[string]uint64
	serveSeq   uint64
}

// level is the waiting tasks of one priority.
type level struct {
	priority int32
	queues   map[string]*nsQueue
	size     int
}

// nsQueue is the waiting tasks of one namespace at one priority, in order.
type nsQueue struct {
	namespace string
	entries   []*entry
}

func newWaitingSet() *waitingSet {
	return &waitingSet{entries: map[Key]*entry{}, lastServed: map[string]uint64{}}
}

func (w *waitingSet) len() int { return len(w.entries) }

func (w *waitingSet) get(k Key) *entry { return w.entries[k] }

// put adds e, or moves the task to e's priority and creation time when it waits already (its flags stay).
// It returns the entry that is in the set, and whether the order changed (a new task, or one that moved).
func (w *waitingSet) put(e *entry) (*entry, bool) {
	if old := w.entries[e.key]; old != nil {
		if old.priority == e.priority && old.created.Equal(e.created) {
			return old, false
		}
		w.remove(e.key)
		old.priority, old.created = e.priority, e.created
		e = old
	}
	w.entries[e.key] = e
	l := w.level(e.priority, true)
	q := l.queues[e.key.Namespace]
	if q == nil {
		q = &nsQueue{namespace: e.key.Namespace}
		l.queues[e.key.Namespace] = q
	}
	i, _ := slices.BinarySearchFunc(q.entries, e, compareEntries)
	q.entries = slices.Insert(q.entries, i, e)
	l.size++
	return e, true
}

// remove drops a task from the set; it reports whether it was there.
func (w *waitingSet) remove(k Key) bool {
	e := w.entries[k]
	if e == nil {
		return false
	}
	delete(w.entries, k)
	l := w.level(e.priority, false)
	q := l.queues[k.Namespace]
	if i, found := slices.BinarySearchFunc(q.entries, e, compareEntries); found {
		q.entries = slices.Delete(q.entries, i, i+1)
	}
	if len(q.entries) == 0 {
		delete(l.queues, k.Namespace)
	}
	l.size--
	if l.size == 0 {
		w.levels = slices.DeleteFunc(w.levels, func(x *level) bool { return x == l })
	}
	return true
}

func compareEntries(a, b *entry) int {
	switch {
	case a.key == b.key:
		return 0
	case a.before(b):
		return -1
	}
	return 1
}

// level returns the level of priority p, creating it (in place, highest priority first) when asked to.
func (w *waitingSet) level(p int32, create bool) *level {
	i, found := slices.BinarySearchFunc(w.levels, p, func(l *level, p int32) int { return cmp.Compare(p, l.priority) })
	if found {
		return w.levels[i]
	}
	if !create {
		return nil
	}
	l := &level{priority: p, queues: map[string]*nsQueue{}}
	w.levels = slices.Insert(w.levels, i, l)
	return l
}

// served records that a task of namespace ns was admitted: the namespace goes to the end of the turn order.
func (w *waitingSet) served(ns string) {
	w.serveSeq++
	w.lastServed[ns] = w.serveSeq
}

// turnOrder is the order in which the namespaces of a level take turns: served longest ago (or never) first,
// then by name.
func (w *waitingSet) turnOrder(l *level) []*nsQueue {
	order := make([]*nsQueue, 0, len(l.queues))
	for _, q := range l.queues {
		order = append(order, q)
	}
	slices.SortFunc(order, func(a, b *nsQueue) int {
		if c := cmp.Compare(w.lastServed[a.namespace], w.lastServed[b.namespace]); c != 0 {
			return c
		}
		return cmp.Compare(a.namespace, b.namespace)
	})
	return order
}

// walk visits the waiting tasks in admission order until yield returns false. Namespaces for which skip
// returns true are passed over from then on (their tasks are not visited); skip may be nil. A namespace
// skipped once stays skipped for the rest of the walk: skip says a namespace is at its limit, and a walk
// only ever fills namespaces up.
func (w *waitingSet) walk(skip func(ns string) bool, yield func(e *entry) bool) {
	skipped := map[string]bool{}
	isSkipped := func(ns string) bool {
		if skip == nil {
			return false
		}
		if !skipped[ns] && skip(ns) {
			skipped[ns] = true
		}
		return skipped[ns]
	}
	for _, l := range w.levels {
		active := w.turnOrder(l)
		for round := 0; len(active) > 0; round++ {
			next := make([]*nsQueue, 0, len(active))
			for _, q := range active {
				if isSkipped(q.namespace) {
					continue
				}
				if !yield(q.entries[round]) {
					return
				}
				if round+1 < len(q.entries) {
					next = append(next, q)
				}
			}
			active = next
		}
	}
}

// position is the 1-based place of a waiting task in the admission order, computed without walking the
// tasks ahead of it: every task of a higher priority, then at its own priority the tasks of earlier rounds of
// every namespace, and those of its own round in namespaces whose turn comes first.
func (w *waitingSet) position(k Key) int {
	e := w.entries[k]
	if e == nil {
		return 0
	}
	pos := 1
	for _, l := range w.levels {
		if l.priority != e.priority {
			pos += l.size
			continue
		}
		own := l.queues[k.Namespace]
		round, _ := slices.BinarySearchFunc(own.entries, e, compareEntries)
		ownTurnPassed := false
		for _, q := range w.turnOrder(l) {
			pos += min(len(q.entries), round)
			if q == own {
				ownTurnPassed = true
			} else if !ownTurnPassed && len(q.entries) > round {
				pos++
			}
		}
		return pos
	}
	return pos
}
