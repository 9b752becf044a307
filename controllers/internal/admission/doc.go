// Package admission is the operator's own queue: it decides when a task's attempt may start a Job, so that
// at most --max-running-tasks tasks run in the cluster and at most the namespace's limit in each namespace
// (--max-running-tasks-per-namespace, or the Namespace's tasks.langflix.io/max-running-tasks annotation).
//
// The model follows Kueue's: a ledger of what holds capacity, rebuilt from the informer cache (every
// unfinished, unsuspended Job of a task that Kueue does not manage), plus assumed slots for Jobs the operator
// created (or resumed) but has not seen in the cache yet, like Kueue's assumed workloads and the Job
// controller's expectations. Admit is the one admission point of both task kinds, guarded by one mutex, so
// that parallel reconciles can never start more than the limit; after a restart the ledger is the cache's
// Jobs again, so nothing depends on memory that a crash loses.
//
// Tasks that wait are ordered by spec.priority (higher first), then creation time (older first), and at
// equal priority the namespaces take turns (round robin, the namespace served longest ago first), so that one
// namespace's thousand tasks never starve another's one. A namespace at its own limit is passed over without
// holding up the others. When capacity frees (a Job finishes, is suspended or deleted, a limit is raised) the
// queue enqueues the tasks that fit now into their controllers' work queues: no task polls.
//
// The waiting tasks are those whose reconcile asked for a slot and did not get one, plus, seeded from the tasks'
// cache, those that will ask (new, or waiting for capacity by their stored status): after a restart the order
// holds from the first reconcile on, not in whatever order the work queue happens to replay the tasks. A task
// the queue called for a slot keeps its precedence for a claim timeout; one that never comes (its reconcile
// keeps failing) is then passed over, so it cannot hold the capacity idle.
//
// Positions: every waiting task's place is known in memory, but writing it to thousands of statuses at every
// start would cost thousands of API writes per admission. A position is written exactly up to 10 and
// otherwise only when it crosses a bucket bound (20, 50, 100, 200, 500, 1000, ...), and a task is asked to
// rewrite it at most once per refresh interval, so a task's status changes O(10 + log n) times while it waits.
package admission
