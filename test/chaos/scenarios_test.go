//go:build chaos

package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// scenarioSetup creates a scenario's namespace and starts watching its pods.
func scenarioSetup(ctx context.Context, t *testing.T, e *env, name string) (namespace, volume string, w *podWatcher) {
	t.Helper()
	namespace = fmt.Sprintf("chaos-%s-%d", name, time.Now().Unix()%100000)
	volume, err := e.newNamespace(ctx, namespace)
	if err != nil {
		t.Fatal(err)
	}
	if w, err = watchPods(ctx, e.c, namespace); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		w.Stop()
		if !t.Failed() {
			e.deleteNamespace(context.Background(), namespace)
		} else {
			t.Logf("namespace %s kept for a look (volume %s)", namespace, volume)
		}
	})
	return namespace, volume, w
}

// Scenario 1: many tasks; the operator is killed with SIGKILL at random moments and started again. Every
// task ends, none twice at once, and no attempt is spent without a fault of the runner.
func scenarioOperatorKills(ctx context.Context, t *testing.T, e *env, op *operator) result {
	r := result{name: "1 kill -9 the operator"}
	ns, volume, w := scenarioSetup(ctx, t, e, "kills")
	n, real, kills := scale(200, 20), scale(4, 1), scale(10, 1)
	var tasks []client.Object
	for i := range n {
		tasks = append(tasks, fakeTask(ns, taskName("fake", i), randomSeconds(2, 8), 3, 5))
	}
	for i := range real {
		tasks = append(tasks, realSlideTask(ns, taskName("real", i)))
	}
	createAll(ctx, t, e, tasks)

	done := make(chan struct{})
	killed := make(chan int)
	go func() {
		k := 0
		defer func() { killed <- k }()
		for k < kills {
			select {
			case <-done:
				return
			case <-time.After(time.Duration(randomSeconds(2, 10) * float64(time.Second))):
			}
			op.Kill()
			k++
			time.Sleep(time.Duration(rand.IntN(1000)) * time.Millisecond)
			if err := op.Start(); err != nil {
				t.Errorf("restart the operator: %v", err)
				return
			}
		}
	}()
	ended := waitFinished(ctx, t, e, ns, len(tasks), scaleDuration(20*time.Minute, 5*time.Minute))
	close(done)
	k := <-killed
	r.count(ended)
	r.countDuplicates(w, volume)
	r.note("%d kills with SIGKILL, each followed by a new operator process (leader election: it waits for the dead one's lease)", k)
	r.expect(k == kills, "only %d of %d kills happened before the tasks finished", k, kills)
	r.expectClean()
	r.expect(r.succeeded == r.tasks, "%d of %d tasks succeeded", r.succeeded, r.tasks)
	r.expect(r.retries == 0, "%d retries consumed without a fault of any runner", r.retries)
	return r
}

// Scenario 2: the running pods of a fifth of the tasks are deleted, and the node is drained once (cordon,
// every running pod evicted through the Eviction API, uncordon). Disruptions are the Job's to absorb: every
// task succeeds without spending a retry.
func scenarioDisruptions(ctx context.Context, t *testing.T, e *env, _ *operator) result {
	r := result{name: "2 delete pods, drain the node"}
	ns, volume, w := scenarioSetup(ctx, t, e, "disrupt")
	n, real := scale(200, 20), scale(4, 1)
	var tasks []client.Object
	for i := range n {
		tasks = append(tasks, fakeTask(ns, taskName("fake", i), randomSeconds(8, 16), 3, 5))
	}
	for i := range real {
		tasks = append(tasks, realSlideTask(ns, taskName("real", i)))
	}
	createAll(ctx, t, e, tasks)

	// Delete the running pod of a fifth of the tasks (short: one), as `kubectl delete pod` does. A pod is
	// taken only while its runner runs by the ledger: a pod's status still says Running for a moment after
	// its runner exited, and deleting a finished pod proves nothing.
	toDelete := scale(n/5, 1)
	deleted := map[string]bool{}
	disrupted := map[string]time.Time{} // pod: when the API server accepted its deletion or eviction
	deadline := time.Now().Add(5 * time.Minute)
	for len(deleted) < toDelete && time.Now().Before(deadline) {
		for task, pods := range w.RunningPods() {
			if deleted[task] || len(deleted) >= toDelete || !runnerRunning(volume, ns, task, pods[0]) {
				continue
			}
			err := e.c.Delete(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: pods[0], Namespace: ns}})
			if err == nil {
				deleted[task] = true
				disrupted[pods[0]] = time.Now()
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	r.note("deleted the running pod of %d tasks", len(deleted))
	r.expect(len(deleted) == toDelete, "only %d of %d pod deletions found a running pod", len(deleted), toDelete)

	// Drain: cordon, evict every running runner (short: one), wait, uncordon.
	evictedAt, err := drain(ctx, e, ns, scale(0, 1))
	if err != nil {
		r.expect(false, "drain: %v", err)
	}
	evicted := len(evictedAt)
	for pod, at := range evictedAt {
		disrupted[pod] = at
	}
	r.note("drained the node once: %d pods evicted through the Eviction API", evicted)
	r.expect(evicted > 0, "the drain found no running pod to evict")

	ended := waitFinished(ctx, t, e, ns, len(tasks), scaleDuration(20*time.Minute, 5*time.Minute))
	r.count(ended)
	r.countDuplicates(w, volume)
	extra := 0
	for _, pods := range w.PodsPerTask() {
		extra += pods - 1
	}
	r.note("%d pods the Jobs started again; %d pods marked DisruptionTarget", extra, w.Disrupted())
	runs, err := ledgerRuns(volume)
	if err != nil {
		r.expect(false, "read the ledgers: %v", err)
	}
	d := countDisruptions(runs, disrupted)
	r.note("%s", d)
	r.expectClean()
	r.expect(r.succeeded == r.tasks, "%d of %d tasks succeeded", r.succeeded, r.tasks)
	r.expect(r.retries == 0, "%d retries consumed by disruptions", r.retries)
	// The check of the harness itself: the faults reached running runners, and the node stopped each one.
	r.expect(d.stopped > 0, "no disruption stopped a running runner")
	r.expect(len(d.missed) == 0, "%d runners went on after their pod was deleted or evicted: %s", len(d.missed), strings.Join(d.missed, "; "))
	return r
}

// drain cordons the node, evicts the scenario's running pods (limit 0: all) at once, as `kubectl drain` does,
// and uncordons the node after a pause, as `kubectl uncordon` would. It returns when the API server accepted
// each eviction, by pod.
func drain(ctx context.Context, e *env, ns string, limit int) (map[string]time.Time, error) {
	var nodes corev1.NodeList
	if err := e.c.List(ctx, &nodes); err != nil || len(nodes.Items) == 0 {
		return nil, fmt.Errorf("list nodes: %v", err)
	}
	node := nodes.Items[0].Name
	cordon := func(on bool) error {
		return e.c.Patch(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: node}},
			client.RawPatch(types.MergePatchType, fmt.Appendf(nil, `{"spec":{"unschedulable":%t}}`, on)))
	}
	if err := cordon(true); err != nil {
		return nil, err
	}
	defer func() { _ = cordon(false) }()
	var pods corev1.PodList
	if err := e.c.List(ctx, &pods, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		evicted  = map[string]time.Time{}
		firstErr error
	)
	chosen := 0
	for _, p := range pods.Items {
		if p.Status.Phase != corev1.PodRunning || !p.DeletionTimestamp.IsZero() {
			continue
		}
		if limit > 0 && chosen >= limit {
			break
		}
		chosen++
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			err := e.cs.PolicyV1().Evictions(ns).Evict(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				evicted[name] = time.Now()
			case !apierrors.IsNotFound(err) && firstErr == nil:
				firstErr = fmt.Errorf("evict %s: %w", name, err)
			}
		}(p.Name)
	}
	wg.Wait()
	time.Sleep(10 * time.Second) // the node stays cordoned a while: replacements wait, Unschedulable
	return evicted, firstErr
}

// Scenario 3: a fifth of the Jobs are deleted: running ones (one of them with --cascade=orphan, its runner
// going on) and failed ones whose retry waits for its backoff. A deleted running Job costs exactly one
// attempt, a deleted failed Job none, the backoff is honoured, and two runners of a task never overlap.
func scenarioJobDeletes(ctx context.Context, t *testing.T, e *env, _ *operator) result {
	r := result{name: "3 delete Jobs (running, failed, orphan)"}
	ns, volume, w := scenarioSetup(ctx, t, e, "jobs")
	n := scale(100, 10)
	failFirst := scale(n/10, 1) // their first attempt fails; their Job is deleted while the retry waits
	const backoff = 10 * time.Second
	var tasks []client.Object
	for i := range n {
		task := fakeTask(ns, taskName("fake", i), randomSeconds(10, 20), 3, int32(backoff/time.Second))
		if i < failFirst {
			task.GetAnnotations()[annFailAttempts] = "1"
			task.GetAnnotations()[annRunSeconds] = "2"
		}
		tasks = append(tasks, task)
	}
	createAll(ctx, t, e, tasks)

	// Failed Jobs waiting for their retry: delete each as soon as it failed.
	deletedFailed := map[string]bool{}
	// Running Jobs: delete a tenth (short: one) of the others while they run, the first with orphan.
	runningToDelete := scale(n/10, 1)
	deletedRunning := map[string]bool{}
	orphaned := ""
	deadline := time.Now().Add(5 * time.Minute)
	for (len(deletedFailed) < failFirst || len(deletedRunning) < runningToDelete) && time.Now().Before(deadline) {
		var jobs batchv1.JobList
		if err := e.c.List(ctx, &jobs, client.InNamespace(ns)); err != nil {
			time.Sleep(time.Second)
			continue
		}
		running := w.RunningPods()
		for i := range jobs.Items {
			job := &jobs.Items[i]
			task := job.Labels[tasksv1.LabelTask]
			isFailFirst := taskIndex(task) < failFirst
			switch {
			case isFailFirst && !deletedFailed[task] && jobFailed(job):
				if deleteJob(ctx, e, job, metav1.DeletePropagationBackground) {
					deletedFailed[task] = true
				}
			case !isFailFirst && !deletedRunning[task] && len(deletedRunning) < runningToDelete && len(running[task]) > 0 &&
				job.Labels[tasksv1.LabelAttempt] == "1":
				policy := metav1.DeletePropagationBackground
				if orphaned == "" {
					policy, orphaned = metav1.DeletePropagationOrphan, task
				}
				if deleteJob(ctx, e, job, policy) {
					deletedRunning[task] = true
				}
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	r.note("deleted %d running Jobs (%s with --cascade=orphan) and %d failed Jobs waiting for their retry",
		len(deletedRunning), orphaned, len(deletedFailed))
	r.expect(len(deletedRunning) == runningToDelete && len(deletedFailed) == failFirst, "not every planned Job deletion happened")

	ended := waitFinished(ctx, t, e, ns, len(tasks), scaleDuration(20*time.Minute, 5*time.Minute))
	r.count(ended)
	r.countDuplicates(w, volume)
	r.expectClean()
	r.expect(r.succeeded == r.tasks, "%d of %d tasks succeeded", r.succeeded, r.tasks)
	violations, wrongCounts := 0, 0
	for _, task := range ended {
		want := int32(1)
		if deletedRunning[task.name] || taskIndex(task.name) < failFirst {
			want = 2
		}
		if task.attempts != want {
			wrongCounts++
			r.note("%s: %d attempts, want %d", task.name, task.attempts, want)
		}
		violations += backoffViolations(&r, task, backoff)
	}
	r.note("retries consumed %d = %d deleted running Jobs + %d failed first attempts; deleted failed Jobs cost none",
		r.retries, len(deletedRunning), failFirst)
	r.expect(wrongCounts == 0, "%d tasks with another number of attempts than their faults explain", wrongCounts)
	r.expect(violations == 0, "%d retries started before their backoff", violations)
	r.note("backoff violations: %d", violations)
	return r
}

func taskIndex(name string) int {
	var i int
	if _, err := fmt.Sscanf(name[strings.LastIndexByte(name, '-')+1:], "%d", &i); err != nil {
		return 1 << 30
	}
	return i
}

func jobFailed(job *batchv1.Job) bool {
	for _, c := range job.Status.Conditions {
		if c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

func deleteJob(ctx context.Context, e *env, job *batchv1.Job, policy metav1.DeletionPropagation) bool {
	return e.c.Delete(ctx, job, client.PropagationPolicy(policy), client.Preconditions{UID: &job.UID}) == nil
}

// backoffViolations counts the attempts of a task that started before the backoff after the previous one
// ended (the API server's timestamps have whole seconds: a second of slack).
func backoffViolations(r *result, task taskSummary, base time.Duration) int {
	attempts := append(append([]tasksv1.AttemptStatus(nil), task.status.PreviousAttempts...), derefAttempt(task.status.CurrentAttempt)...)
	n := 0
	for i := 1; i < len(attempts); i++ {
		prev, next := attempts[i-1], attempts[i]
		if prev.FinishTime == nil || next.CreateTime == nil {
			continue
		}
		delay := base << (prev.Number - 1)
		if next.CreateTime.Time.Before(prev.FinishTime.Add(delay - time.Second)) {
			n++
			r.note("%s: attempt %d created %s after attempt %d ended (%s), backoff %s", task.name, next.Number,
				next.CreateTime.Sub(prev.FinishTime.Time), prev.Number, prev.Reason, delay)
		}
	}
	return n
}

func derefAttempt(a *tasksv1.AttemptStatus) []tasksv1.AttemptStatus {
	if a == nil {
		return nil
	}
	return []tasksv1.AttemptStatus{*a}
}

// Scenario 4: the API server restarts once mid-run. The operator rides it out on its own: the same process
// is alive afterwards, and every task ends.
func scenarioAPIServerRestart(ctx context.Context, t *testing.T, e *env, op *operator) result {
	r := result{name: "4 restart the API server"}
	ns, volume, w := scenarioSetup(ctx, t, e, "apiserver")
	n := scale(40, 10)
	var tasks []client.Object
	for i := range n {
		tasks = append(tasks, fakeTask(ns, taskName("fake", i), randomSeconds(5, 15), 3, 5))
	}
	createAll(ctx, t, e, tasks)
	pid, alive := op.Alive()
	r.expect(alive, "the operator is not running before the restart")
	time.Sleep(5 * time.Second)
	started := time.Now()
	cmd := exec.CommandContext(ctx, e.clusterScript, "restart", "kube-apiserver")
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	r.expect(err == nil, "restart kube-apiserver: %v\n%s", err, out)
	r.note("kube-apiserver restarted in %s", time.Since(started).Round(time.Second))

	ended := waitFinished(ctx, t, e, ns, len(tasks), scaleDuration(10*time.Minute, 5*time.Minute))
	r.count(ended)
	r.countDuplicates(w, volume)
	after, stillAlive := op.Alive()
	r.expect(stillAlive && after == pid, "the operator process did not survive the restart (pid %d before, %d alive=%t after)", pid, after, stillAlive)
	r.note("operator pid %d before and %d after the restart, alive: %t", pid, after, stillAlive)
	r.expectClean()
	r.expect(r.succeeded == r.tasks, "%d of %d tasks succeeded", r.succeeded, r.tasks)
	return r
}
