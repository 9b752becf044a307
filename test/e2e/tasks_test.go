//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// kindOf is the kind label the operator puts on a task's Jobs and pods.
func kindOf(task tasksv1.Task) string {
	if _, ok := task.(*tasksv1.VideoTask); ok {
		return "VideoTask"
	}
	return "SlideTask"
}

// waitUntilFinished waits until the task is Succeeded or Failed and returns its status. The phase it ended
// in is the caller's to check; describe() puts reason and message into that check's failure.
func waitUntilFinished(ctx context.Context, task tasksv1.Task, timeout time.Duration) tasksv1.TaskStatus {
	GinkgoHelper()
	key := client.ObjectKeyFromObject(task)
	Eventually(ctx, func(g Gomega) tasksv1.TaskPhase {
		g.Expect(k8s.Get(ctx, key, task)).To(Succeed())
		return task.GetTaskStatus().Phase
	}).WithTimeout(timeout).Should(Satisfy(tasksv1.TaskPhase.IsFinished), "task %s did not finish", key.Name)
	return *task.GetTaskStatus()
}

// describe summarises a status for failure messages.
func describe(st tasksv1.TaskStatus) string {
	return fmt.Sprintf("phase %s, reason %s, attempts %d: %s", st.Phase, st.Reason, st.Attempts, st.Message)
}

// selectorOf selects a task's Jobs, and through their template labels, its pods.
func selectorOf(task tasksv1.Task) client.MatchingLabels {
	return client.MatchingLabels{tasksv1.LabelTask: task.GetName(), tasksv1.LabelKind: kindOf(task)}
}

func jobsOf(ctx context.Context, g Gomega, task tasksv1.Task) []batchv1.Job {
	var jobs batchv1.JobList
	g.Expect(k8s.List(ctx, &jobs, client.InNamespace(task.GetNamespace()), selectorOf(task))).To(Succeed())
	return jobs.Items
}

func podsOf(ctx context.Context, g Gomega, task tasksv1.Task) []corev1.Pod {
	var pods corev1.PodList
	g.Expect(k8s.List(ctx, &pods, client.InNamespace(task.GetNamespace()), selectorOf(task))).To(Succeed())
	return pods.Items
}

// expectSingleAttempt checks that a finished task made one attempt and keeps it that way: the tasks that
// use it retry after one second, so a wrongly scheduled retry would appear within noRetryWindow.
func expectSingleAttempt(ctx context.Context, task tasksv1.Task) {
	GinkgoHelper()
	key := client.ObjectKeyFromObject(task)
	Consistently(ctx, func(g Gomega) {
		g.Expect(k8s.Get(ctx, key, task)).To(Succeed())
		g.Expect(task.GetTaskStatus().Attempts).To(Equal(int32(1)), "status.attempts")
		g.Expect(jobsOf(ctx, g, task)).To(HaveLen(1), "Jobs of the task")
	}).WithTimeout(noRetryWindow).Should(Succeed())
}

// runningProcesses waits until the task's pod runs the runner and the runner has started ffmpeg, and
// returns the pod's name and its processes at that moment.
func runningProcesses(ctx context.Context, task tasksv1.Task) (string, []hostProcess) {
	GinkgoHelper()
	var pod string
	var procs []hostProcess
	Eventually(ctx, func(g Gomega) []string {
		pods := podsOf(ctx, g, task)
		g.Expect(pods).To(HaveLen(1), "pods of the task")
		pod = pods[0].Name
		procs = podProcesses(pod)
		return names(procs)
	}).WithTimeout(apiTimeout).WithPolling(50*time.Millisecond).
		Should(ContainElements("langflix-runner", "ffmpeg"), "the runner and its ffmpeg should run")
	return pod, procs
}

// expectProcessesGone waits until every process of a pod has ended: those seen while it ran, and any other
// that still carries the pod's name.
func expectProcessesGone(ctx context.Context, pod string, seen []hostProcess) {
	GinkgoHelper()
	Eventually(ctx, func() []string {
		return append(names(stillAlive(seen)), names(podProcesses(pod))...)
	}).Should(BeEmpty(), "processes of pod %s still run", pod)
}

// progressPoint is one progress report as the API shows it.
type progressPoint struct {
	Stage   string
	Percent int32
}

// progressWatch records every distinct (stage, percent) a VideoTask's status shows, from a watch on the
// object, in the order seen.
type progressWatch struct {
	mu     sync.Mutex
	points []progressPoint
	seen   map[progressPoint]bool
	cancel context.CancelFunc
	done   chan struct{}
}

// watchProgress starts watching the named VideoTask; start it before creating the task so that no report
// is missed. A watch the server closes (they time out) is opened again.
func watchProgress(ctx context.Context, namespace, name string) *progressWatch {
	ctx, cancel := context.WithCancel(ctx)
	pw := &progressWatch{seen: map[progressPoint]bool{}, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer GinkgoRecover()
		defer close(pw.done)
		for ctx.Err() == nil {
			w, err := k8s.Watch(ctx, &tasksv1.VideoTaskList{}, client.InNamespace(namespace),
				client.MatchingFields{"metadata.name": name})
			if err != nil {
				if ctx.Err() == nil {
					GinkgoWriter.Printf("progress watch: %v\n", err)
				}
				return
			}
			for ev := range w.ResultChan() {
				if t, ok := ev.Object.(*tasksv1.VideoTask); ok && ev.Type != watch.Deleted {
					pw.record(t.Status.Progress)
				}
			}
			w.Stop()
		}
	}()
	return pw
}

func (pw *progressWatch) record(p *tasksv1.TaskProgress) {
	if p == nil {
		return
	}
	point := progressPoint{Stage: p.Stage, Percent: ptr.Deref(p.Percent, 0)}
	pw.mu.Lock()
	defer pw.mu.Unlock()
	if !pw.seen[point] {
		pw.seen[point] = true
		pw.points = append(pw.points, point)
	}
}

// stop ends the watch and returns what it saw.
func (pw *progressWatch) stop() []progressPoint {
	pw.cancel()
	<-pw.done
	pw.mu.Lock()
	defer pw.mu.Unlock()
	return append([]progressPoint(nil), pw.points...)
}

// deleteAllTasks deletes every task and policy of the namespace and waits until they are gone, which
// needs the operator: it removes the finalizer once the task's Jobs are deleted.
func deleteAllTasks(ctx context.Context, namespace string) {
	GinkgoHelper()
	for _, obj := range []client.Object{&tasksv1.VideoTask{}, &tasksv1.SlideTask{}, &tasksv1.CleanupPolicy{}} {
		Expect(k8s.DeleteAllOf(ctx, obj, client.InNamespace(namespace))).To(Succeed())
	}
	Eventually(ctx, func(g Gomega) int {
		var vts tasksv1.VideoTaskList
		var sts tasksv1.SlideTaskList
		var cps tasksv1.CleanupPolicyList
		g.Expect(k8s.List(ctx, &vts, client.InNamespace(namespace))).To(Succeed())
		g.Expect(k8s.List(ctx, &sts, client.InNamespace(namespace))).To(Succeed())
		g.Expect(k8s.List(ctx, &cps, client.InNamespace(namespace))).To(Succeed())
		return len(vts.Items) + len(sts.Items) + len(cps.Items)
	}).Should(BeZero(), "tasks left in %s", namespace)
}

// removeTaskFinalizers lets tasks go without the operator (after a failed run that left some behind).
func removeTaskFinalizers(ctx context.Context, namespace string) {
	var vts tasksv1.VideoTaskList
	var sts tasksv1.SlideTaskList
	var tasks []client.Object
	if k8s.List(ctx, &vts, client.InNamespace(namespace)) == nil {
		for i := range vts.Items {
			tasks = append(tasks, &vts.Items[i])
		}
	}
	if k8s.List(ctx, &sts, client.InNamespace(namespace)) == nil {
		for i := range sts.Items {
			tasks = append(tasks, &sts.Items[i])
		}
	}
	for _, t := range tasks {
		if len(t.GetFinalizers()) == 0 {
			continue
		}
		patch := client.MergeFrom(t.DeepCopyObject().(client.Object))
		t.SetFinalizers(nil)
		if err := k8s.Patch(ctx, t, patch); err != nil {
			GinkgoWriter.Printf("remove finalizers of %s: %v\n", t.GetName(), err)
		}
	}
}
