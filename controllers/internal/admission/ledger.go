package admission

import (
	"k8s.io/apimachinery/pkg/types"
)

// JobState is what the ledger needs of one Job.
type JobState struct {
	// Job is the Job's namespace and name.
	Job types.NamespacedName
	// Task is the task that owns the Job, from its labels.
	Task Key
	// Holds says the Job holds capacity: it is not finished, not suspended, and not Kueue's to admit.
	Holds bool
	// Finished says the Job ended (Complete or Failed).
	Finished bool
}

// ledger counts the tasks that hold capacity: those with a Job that holds it (from the informer cache) and
// those with an assumed slot (admitted, their Job created or resumed but not yet seen holding it). A task
// counts once however many reasons it has.
type ledger struct {
	// jobs are the Jobs seen holding capacity, and their tasks.
	jobs map[types.NamespacedName]Key
	// assumed are the tasks admitted whose Job the cache has not shown holding capacity yet, and that Job.
	assumed map[Key]types.NamespacedName
	// refs counts each task's reasons to hold a slot.
	refs  map[Key]int
	perNS map[string]int
	total int
}

func newLedger() *ledger {
	return &ledger{jobs: map[types.NamespacedName]Key{}, assumed: map[Key]types.NamespacedName{},
		refs: map[Key]int{}, perNS: map[string]int{}}
}

func (l *ledger) ref(k Key) {
	l.refs[k]++
	if l.refs[k] == 1 {
		l.perNS[k.Namespace]++
		l.total++
	}
}

func (l *ledger) unref(k Key) {
	l.refs[k]--
	if l.refs[k] > 0 {
		return
	}
	delete(l.refs, k)
	l.total--
	if l.perNS[k.Namespace]--; l.perNS[k.Namespace] == 0 {
		delete(l.perNS, k.Namespace)
	}
}

// holds reports whether a task holds a slot.
func (l *ledger) holds(k Key) bool { return l.refs[k] > 0 }

// running is how many tasks hold a slot in namespace ns ("" for the whole cluster).
func (l *ledger) running(ns string) int {
	if ns == "" {
		return l.total
	}
	return l.perNS[ns]
}

// assume gives task k a slot for its Job job until the cache shows the Job (or Release takes it back).
func (l *ledger) assume(k Key, job types.NamespacedName) {
	if old, ok := l.assumed[k]; ok {
		if old == job {
			return
		}
		l.unref(k)
	}
	l.assumed[k] = job
	l.ref(k)
}

// release takes an assumed slot back (the Job could not be created or resumed). It reports whether the
// task held one.
func (l *ledger) release(k Key) bool {
	if _, ok := l.assumed[k]; !ok {
		return false
	}
	delete(l.assumed, k)
	l.unref(k)
	return true
}

// observe records a Job's state as the cache shows it; gone is set for a deleted Job. It reports whether
// capacity was freed.
func (l *ledger) observe(s JobState, gone bool) (freed bool) {
	before := l.running("")
	if k, ok := l.jobs[s.Job]; ok && (gone || !s.Holds) {
		delete(l.jobs, s.Job)
		l.unref(k)
	}
	if !gone && s.Holds {
		if _, ok := l.jobs[s.Job]; !ok {
			l.jobs[s.Job] = s.Task
			l.ref(s.Task)
		}
	}
	// An assumed slot ends once the cache shows its Job holding capacity (counted above now), finished, or
	// gone. A Job seen still suspended keeps it: that is a stale view of a Job the operator just resumed.
	if job, ok := l.assumed[s.Task]; ok && job == s.Job && (gone || s.Holds || s.Finished) {
		delete(l.assumed, s.Task)
		l.unref(s.Task)
	}
	return l.running("") < before
}
