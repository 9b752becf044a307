//go:build chaos

package chaos

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// podWatcher follows every pod of a namespace from one watch and records, per task, when each of its pods
// was Running: from the first event that shows it Running to the first that shows it terminal or deleted.
// One watch delivers a namespace's pod events in resourceVersion order, the order in which the API server
// accepted them, so "pod B was Running before pod A stopped" is decided by the API server's own sequence,
// not by the harness's clock.
type podWatcher struct {
	mu sync.Mutex
	// seq numbers events in watch order.
	seq  int
	pods map[string]*podRun
	// running are the pods Running right now, by task.
	running map[string]map[string]bool
	// overlaps are the moments a task had two pods Running at once.
	overlaps []string
	cancel   context.CancelFunc
	stopped  chan struct{}
}

type podRun struct {
	task, pod   string
	attempt     string
	first       time.Time
	running     bool
	ended       bool
	disrupted   bool
	everRunning bool
}

func watchPods(ctx context.Context, c client.WithWatch, namespace string) (*podWatcher, error) {
	ctx, cancel := context.WithCancel(ctx)
	w := &podWatcher{pods: map[string]*podRun{}, running: map[string]map[string]bool{}, cancel: cancel, stopped: make(chan struct{})}
	wi, err := w.resync(ctx, c, namespace)
	if err != nil {
		cancel()
		return nil, err
	}
	go func() {
		defer close(w.stopped)
		defer wi.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-wi.ResultChan():
				if !ok {
					// A watch can end (an API server restart): list, settle what changed in the gap, and
					// watch on from the list.
					next, err := w.resync(ctx, c, namespace)
					if err != nil {
						if ctx.Err() != nil {
							return
						}
						time.Sleep(time.Second)
						continue
					}
					wi.Stop()
					wi = next
					continue
				}
				if pod, ok := ev.Object.(*corev1.Pod); ok {
					w.observe(ev.Type, pod)
				}
			}
		}
	}()
	return w, nil
}

// resync lists the namespace's pods, ends the runs of pods that went away or ended unseen, records the
// rest, and starts a watch from the list's resourceVersion.
func (w *podWatcher) resync(ctx context.Context, c client.WithWatch, namespace string) (watch.Interface, error) {
	var list corev1.PodList
	if err := c.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return nil, err
	}
	present := map[string]bool{}
	for i := range list.Items {
		present[list.Items[i].Name+"/"+string(list.Items[i].UID)] = true
	}
	w.mu.Lock()
	for key, r := range w.pods {
		if !present[key] && !r.ended {
			r.ended, r.running = true, false
			delete(w.running[r.task], r.pod)
		}
	}
	w.mu.Unlock()
	for i := range list.Items {
		w.observe(watch.Modified, &list.Items[i])
	}
	return c.Watch(ctx, &corev1.PodList{}, client.InNamespace(namespace),
		&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: list.ResourceVersion}})
}

func (w *podWatcher) observe(typ watch.EventType, pod *corev1.Pod) {
	task := pod.Labels[tasksv1.LabelTask]
	if task == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seq++
	r := w.pods[pod.Name+"/"+string(pod.UID)]
	if r == nil {
		r = &podRun{task: task, pod: pod.Name, attempt: pod.Labels[tasksv1.LabelAttempt], first: time.Now()}
		w.pods[pod.Name+"/"+string(pod.UID)] = r
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.DisruptionTarget && c.Status == corev1.ConditionTrue {
			r.disrupted = true
		}
	}
	terminal := pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed || typ == watch.Deleted
	switch {
	case r.ended:
	case terminal:
		r.ended, r.running = true, false
		delete(w.running[task], pod.Name)
	case pod.Status.Phase == corev1.PodRunning && !r.running:
		r.running, r.everRunning = true, true
		if w.running[task] == nil {
			w.running[task] = map[string]bool{}
		}
		for other := range w.running[task] {
			w.overlaps = append(w.overlaps, fmt.Sprintf("task %s: pod %s Running while pod %s still Running (event %d)", task, pod.Name, other, w.seq))
		}
		w.running[task][pod.Name] = true
	}
}

func (w *podWatcher) Stop() {
	w.cancel()
	<-w.stopped
}

// Duplicates returns every moment two pods of one task were Running at once.
func (w *podWatcher) Duplicates() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.overlaps...)
}

// RunningPods returns the pods Running now, by task.
func (w *podWatcher) RunningPods() map[string][]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string][]string{}
	for task, pods := range w.running {
		for p := range pods {
			out[task] = append(out[task], p)
		}
	}
	return out
}

// PodsPerTask counts the pods that ever ran, by task: more than one in an attempt is a disruption the Job
// absorbed.
func (w *podWatcher) PodsPerTask() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]int{}
	for _, r := range w.pods {
		if r.everRunning {
			out[r.task]++
		}
	}
	return out
}

// Disrupted counts the pods that carried the DisruptionTarget condition.
func (w *podWatcher) Disrupted() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, r := range w.pods {
		if r.disrupted {
			n++
		}
	}
	return n
}

// ledgerOverlaps reads the runners' own ledgers (chaos-ledger/ in the scenario's volume) and returns every
// pair of runner processes of one task whose lifetimes overlapped, by their nanosecond clocks. A process
// killed before it wrote its end line (SIGKILL) is reported as unfinished rather than guessed at.
func ledgerOverlaps(volume string) (overlaps, unfinished []string, runs int, err error) {
	files, err := filepath.Glob(filepath.Join(volume, "chaos-ledger", "*.log"))
	if err != nil {
		return nil, nil, 0, err
	}
	type span struct {
		pod        string
		start, end int64
	}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			return nil, nil, 0, err
		}
		spans := map[string]*span{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 {
				continue
			}
			ns, err := strconv.ParseInt(fields[3], 10, 64)
			if err != nil {
				continue
			}
			key := fields[1]
			switch fields[0] {
			case "start":
				spans[key] = &span{pod: key, start: ns}
			case "end":
				if s := spans[key]; s != nil {
					s.end = ns
				}
			}
		}
		f.Close()
		var list []span
		for _, s := range spans {
			list = append(list, *s)
			if s.end == 0 {
				unfinished = append(unfinished, filepath.Base(file)+": "+s.pod)
			}
		}
		runs += len(list)
		sort.Slice(list, func(i, j int) bool { return list[i].start < list[j].start })
		for i := 1; i < len(list); i++ {
			prev := list[i-1]
			if prev.end == 0 || list[i].start < prev.end {
				if prev.end != 0 {
					overlaps = append(overlaps, fmt.Sprintf("%s: %s started %s before %s ended", filepath.Base(file),
						list[i].pod, time.Duration(prev.end-list[i].start), prev.pod))
				}
			}
		}
	}
	return overlaps, unfinished, runs, nil
}

// taskSummary is what a scenario's counts are made of.
type taskSummary struct {
	name     string
	phase    tasksv1.TaskPhase
	reason   string
	message  string
	attempts int32
	status   tasksv1.TaskStatus
	created  metav1.Time
}

func listTasks(ctx context.Context, c client.Client, namespace string) ([]taskSummary, error) {
	var vts tasksv1.VideoTaskList
	if err := c.List(ctx, &vts, client.InNamespace(namespace)); err != nil {
		return nil, err
	}
	var sts tasksv1.SlideTaskList
	if err := c.List(ctx, &sts, client.InNamespace(namespace)); err != nil {
		return nil, err
	}
	var out []taskSummary
	for _, t := range vts.Items {
		out = append(out, taskSummary{name: t.Name, phase: t.Status.Phase, reason: t.Status.Reason, message: t.Status.Message,
			attempts: t.Status.Attempts, status: t.Status, created: t.CreationTimestamp})
	}
	for _, t := range sts.Items {
		out = append(out, taskSummary{name: t.Name, phase: t.Status.Phase, reason: t.Status.Reason, message: t.Status.Message,
			attempts: t.Status.Attempts, status: t.Status, created: t.CreationTimestamp})
	}
	return out, nil
}
