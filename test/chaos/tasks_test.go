//go:build chaos

package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// Annotations the fake runner reads (test/chaos/fakerunner).
const (
	annRunSeconds   = "chaos.langflix.io/run-seconds"
	annFailAttempts = "chaos.langflix.io/fail-attempts"
	annRunner       = "chaos.langflix.io/runner"
)

// fakeTask is a VideoTask the fake runner works on for runSeconds. Its start limit is long: on this small
// machine a pod may queue for minutes behind the others, which is load, not a fault.
func fakeTask(namespace, name string, runSeconds float64, retries, backoffSeconds int32) client.Object {
	task := testutil.MakeVideoTask(name, namespace).PVC(claim).Retries(retries).Backoff(backoffSeconds, 300).StartLimit(1800).Obj()
	task.Annotations = map[string]string{annRunSeconds: strconv.FormatFloat(runSeconds, 'f', 1, 64)}
	return task
}

// realSlideTask is a SlideTask the real runner renders (one PNG slide with ffmpeg).
func realSlideTask(namespace, name string) client.Object {
	task := testutil.MakeSlideTask(name, namespace).PVC(claim).Retries(3).Backoff(5, 300).StartLimit(1800).Obj()
	task.Annotations = map[string]string{annRunner: "real"}
	return task
}

// theOperator is the manager process of the run, watched for crashes while tasks run.
var theOperator *operator

// createAll creates the tasks with a few clients at once, as a burst of users would.
func createAll(ctx context.Context, t *testing.T, e *env, tasks []client.Object) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(tasks))
	work := make(chan client.Object)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for obj := range work {
				if err := e.c.Create(ctx, obj); err != nil {
					errs <- fmt.Errorf("create %s: %w", obj.GetName(), err)
				}
			}
		}()
	}
	for _, obj := range tasks {
		work <- obj
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// waitFinished polls until every task of the namespace is Succeeded or Failed, or the deadline passes, and
// returns the tasks as they are then. Tasks still unfinished at the deadline are the lost ones.
func waitFinished(ctx context.Context, t *testing.T, e *env, namespace string, want int, deadline time.Duration) []taskSummary {
	t.Helper()
	end := time.Now().Add(deadline)
	var last []taskSummary
	lastReport := time.Now()
	for {
		tasks, err := listTasks(ctx, e.c, namespace)
		if err != nil {
			t.Logf("list tasks: %v", err) // the API server may be restarting
		} else {
			last = tasks
			done := 0
			for _, task := range tasks {
				if task.phase.IsFinished() {
					done++
				}
			}
			if done >= want && len(tasks) >= want {
				return tasks
			}
			if time.Since(lastReport) > 30*time.Second {
				t.Logf("%s: %d of %d tasks finished", namespace, done, want)
				lastReport = time.Now()
			}
		}
		if time.Now().After(end) {
			return last
		}
		if theOperator != nil && theOperator.Crashed() {
			t.Errorf("the operator exited on its own; see %s", theOperator.logPath)
			return last
		}
		time.Sleep(time.Second)
	}
}

// count fills the task counts of a result from the tasks as they ended.
func (r *result) count(tasks []taskSummary) {
	r.tasks = len(tasks)
	var lost []string
	for _, task := range tasks {
		switch task.phase {
		case tasksv1.TaskSucceeded:
			r.succeeded++
		case tasksv1.TaskFailed:
			r.failed++
		default:
			r.lost++
			lost = append(lost, fmt.Sprintf("%s (%s %s: %s)", task.name, task.phase, task.reason, task.message))
		}
		if task.attempts > 1 {
			r.retries += int(task.attempts - 1)
		}
	}
	sort.Strings(lost)
	for i, l := range lost {
		if i == 10 {
			r.note("... and %d more lost", len(lost)-10)
			break
		}
		r.note("lost: %s", l)
	}
}

// countDuplicates fills the duplicate counts from the pod watch and the runners' ledgers.
func (r *result) countDuplicates(w *podWatcher, volume string) {
	dups := w.Duplicates()
	r.podDuplicates = len(dups)
	for i, d := range dups {
		if i == 5 {
			break
		}
		r.note("duplicate: %s", d)
	}
	overlaps, unfinished, runs, err := ledgerOverlaps(volume)
	if err != nil {
		r.expect(false, "read the ledgers: %v", err)
		return
	}
	r.processDuplicates, r.unfinished = len(overlaps), len(unfinished)
	for i, o := range overlaps {
		if i == 5 {
			break
		}
		r.note("overlapping runners: %s", o)
	}
	r.note("%d runner processes in the ledgers, %d without an end line (killed with SIGKILL)", runs, len(unfinished))
}

// expectClean requires what every scenario promises: no task lost, no two runners of a task at once.
func (r *result) expectClean() {
	r.expect(r.lost == 0, "%d tasks have no terminal phase by the deadline", r.lost)
	r.expect(r.podDuplicates == 0, "%d times two pods of one task were Running at once", r.podDuplicates)
	r.expect(r.processDuplicates == 0, "%d times two runner processes of one task overlapped", r.processDuplicates)
}

// randomSeconds is a run time from lo to hi seconds.
func randomSeconds(lo, hi float64) float64 { return lo + rand.Float64()*(hi-lo) }

// scale picks the full or the short figure.
func scale(full, shortN int) int {
	if *short {
		return shortN
	}
	return full
}

// scaleDuration picks the full or the short deadline.
func scaleDuration(full, shortD time.Duration) time.Duration {
	if *short {
		return shortD
	}
	return full
}

func taskName(prefix string, i int) string { return fmt.Sprintf("%s-%03d", prefix, i) }
