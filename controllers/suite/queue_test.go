package suite

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/admission"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
	"github.com/langflix/langflix-operator/controllers/manager"
	"github.com/langflix/langflix-operator/test/testutil"
)

// The operator's queue on a real API server: the order in which waiting tasks start (priority, then age,
// the namespaces taking turns), and the limits under parallel reconciles and an operator restart, checked by
// watching the Jobs the API server stores. Each spec runs an operator of its own that serves only the spec's
// namespaces, so that Jobs other specs left behind do not count.
var _ = Describe("Operator queue", Serial, func() {
	// queuedOperator replaces the suite's operator by one with these limits over these namespaces, on a fake
	// clock; the suite's operator comes back after the spec.
	queuedOperator := func(limits admission.Limits, reconciles int, namespaces ...string) (manager.Options, *clocktesting.FakeClock) {
		GinkgoHelper()
		operator.Stop()
		operator = nil
		DeferCleanup(func() {
			if operator != nil {
				operator.Stop()
			}
			operator = startManager(cfg, managerOptions())
		})
		clk := clocktesting.NewFakeClock(time.Now())
		opts := managerOptions()
		opts.Namespaces = namespaces
		opts.Limits = limits
		opts.MaxConcurrentReconciles = reconciles
		opts.Clock = clk
		opts.NamespacePollInterval = 200 * time.Millisecond
		operator = startManager(cfg, opts)
		return opts, clk
	}

	It("admits by priority, then age, the namespaces taking turns, and shows each waiting task its position", func(ctx context.Context) {
		// Namespaces never served take turns by name: a < b < c.
		names := []string{newNamespace(ctx, nil), newNamespace(ctx, nil), newNamespace(ctx, nil)}
		slices.Sort(names)
		a, b, c := names[0], names[1], names[2]
		_, clk := queuedOperator(admission.Limits{Cluster: 1}, 2, a, b, c)

		// The blocker takes the one slot; namespace a was served last.
		blocker := testutil.MakeVideoTask("blocker", a).Obj()
		create(ctx, blocker)
		waitForJob(ctx, blocker, "blocker-vt-1")

		table := []struct {
			ns, name string
			priority int32
		}{
			{a, "a1", 0}, {a, "a2", 0}, {a, "a3", 0}, {a, "a-urgent", 5},
			{b, "b1", 0}, {b, "b-later", -1},
			{c, "c1", 0}, {c, "c2", 0},
		}
		tasks := map[string]*tasksv1.VideoTask{}
		for _, row := range table {
			t := testutil.MakeVideoTask(row.name, row.ns).Obj()
			if row.priority != 0 {
				t.Spec.Priority = ptr.To(row.priority)
			}
			create(ctx, t)
			tasks[row.name] = t
		}
		// Priority first; at priority 0 the namespaces take turns, the one served longest ago first (a was
		// just served, for the blocker and then a-urgent): b, c, a, then c and a again; a's own tasks oldest
		// (here: by name, created in the same second) first.
		want := []string{"a-urgent", "b1", "c1", "a1", "c2", "a2", "a3", "b-later"}

		By("every waiting task shows its place")
		Eventually(func(g Gomega) []int32 {
			clk.Step(time.Minute) // lets the queue ask for rewrites that its refresh interval held back
			var got []int32
			for _, name := range want {
				st := taskStatus(ctx, tasks[name])(g)
				g.Expect(st).To(havePhase(tasksv1.TaskQueued, tasksv1.ReasonWaitingForCapacity), name)
				g.Expect(st.Attempts).To(BeZero(), "%s: no attempt started while it waits", name)
				got = append(got, st.Queue.Position)
			}
			return got
		}).Should(Equal([]int32{1, 2, 3, 4, 5, 6, 7, 8}))
		Expect(taskJobsIn(ctx, a, b, c)).To(ConsistOf("blocker-vt-1"), "no Job beyond the limit")

		By("each freed slot goes to the next task in that order")
		var started []string
		running := blocker
		for range want {
			finishOnlyJob(ctx, running, a, b, c)
			var next string
			Eventually(func(g Gomega) []string {
				unfinished := unfinishedJobsIn(ctx, g, a, b, c)
				if len(unfinished) == 1 {
					next = unfinished[0].Labels[tasksv1.LabelTask]
				}
				return jobNamesOf(unfinished)
			}).Should(HaveLen(1), "exactly one Job runs after %s finished", running.Name)
			Expect(next).NotTo(Equal(running.Name))
			started = append(started, next)
			running = tasks[next]
		}
		Expect(started).To(Equal(want))
	})

	It("never runs more than the limits with 10 parallel reconciles and an operator restart", func(ctx context.Context) {
		a, b := newNamespace(ctx, nil), newNamespace(ctx, nil)
		wide := newNamespace(ctx, map[string]string{tasksv1.AnnotationMaxRunningTasks: "3"})
		limits := admission.Limits{Cluster: 4, PerNamespace: 2}
		opts, _ := queuedOperator(limits, 10, a, b, wide)

		w := watchHoldingJobs(ctx, a, b, wide)
		var all []*tasksv1.VideoTask
		for i := range 8 {
			for _, n := range []string{a, b, wide} {
				t := testutil.MakeVideoTask(fmt.Sprintf("t%d", i), n).Obj()
				create(ctx, t)
				all = append(all, t)
			}
		}
		finishSome := func(n int) {
			GinkgoHelper()
			for range n {
				var holding []batchv1.Job
				Eventually(func(g Gomega) []batchv1.Job {
					holding = unfinishedJobsIn(ctx, g, a, b, wide)
					return holding
				}).ShouldNot(BeEmpty())
				runAttempt(ctx, &holding[0], 0, successSummary)
			}
		}

		finishSome(8)
		By("restarting the operator while Jobs finish")
		operator.Stop()
		operator = nil
		unfinished := unfinishedJobsIn(ctx, Default, a, b, wide)
		Expect(len(unfinished)).To(BeNumerically(">=", 2))
		for _, job := range unfinished[:2] {
			runAttempt(ctx, &job, 0, successSummary)
		}
		operator = startManager(cfg, opts)
		finishSome(len(all) - 10)

		Eventually(func(g Gomega) int {
			done := 0
			for _, t := range all {
				if taskStatus(ctx, t)(g).Phase == tasksv1.TaskSucceeded {
					done++
				}
			}
			return done
		}).WithTimeout(2 * testutil.Timeout).Should(Equal(len(all)))
		peak, peakPerNS := w.Peaks()
		GinkgoWriter.Printf("peak running: %d in the cluster, per namespace %v\n", peak, peakPerNS)
		Expect(peak).To(Equal(limits.Cluster), "the cluster's limit was reached and never passed")
		Expect(peakPerNS[a]).To(BeNumerically("<=", 2))
		Expect(peakPerNS[b]).To(BeNumerically("<=", 2))
		Expect(peakPerNS[wide]).To(BeNumerically("<=", 3), "the namespace annotation's limit holds")
		Expect(peakPerNS[wide]).To(BeNumerically(">", 2), "the namespace annotation raised the limit")
	})

	It("frees a suspended task's slot, and resumes it only when capacity frees again", func(ctx context.Context) {
		n := newNamespace(ctx, nil)
		queuedOperator(admission.Limits{Cluster: 1}, 2, n)
		a, b := testutil.MakeVideoTask("a", n).Obj(), testutil.MakeVideoTask("b", n).Obj()
		create(ctx, a)
		waitForJob(ctx, a, "a-vt-1")
		create(ctx, b)
		Eventually(taskStatus(ctx, b)).Should(havePhase(tasksv1.TaskQueued, tasksv1.ReasonWaitingForCapacity))

		By("suspending a: its Job is suspended and b takes the slot")
		setSuspend(ctx, a, true)
		Eventually(func(g Gomega) *bool { return taskJobs(ctx, g, a)[0].Spec.Suspend }).Should(Equal(ptr.To(true)))
		waitForJob(ctx, b, "b-vt-1")

		By("resuming a while b runs: a waits, its Job stays suspended")
		setSuspend(ctx, a, false)
		Eventually(taskStatus(ctx, a)).Should(havePhase(tasksv1.TaskQueued, tasksv1.ReasonWaitingForCapacity))
		Consistently(func(g Gomega) *bool { return taskJobs(ctx, g, a)[0].Spec.Suspend }).Should(Equal(ptr.To(true)))

		By("b finishes: a's Job is resumed, the same attempt")
		finishOnlyJob(ctx, b, n)
		Eventually(func(g Gomega) *bool { return taskJobs(ctx, g, a)[0].Spec.Suspend }).Should(Equal(ptr.To(false)))
		Eventually(taskStatus(ctx, a)).Should(And(HaveField("Attempts", int32(1)), HaveField("Phase", tasksv1.TaskQueued)))
	})

	It("hands tasks to Kueue by spec.queueName or their namespace's default: suspended, labelled Jobs outside the operator's limit", func(ctx context.Context) {
		teamNS := newNamespace(ctx, map[string]string{tasksv1.AnnotationQueueName: "team-queue"})
		plainNS := newNamespace(ctx, nil)
		queuedOperator(admission.Limits{Cluster: 1}, 2, teamNS, plainNS)

		kueueTasks := []*tasksv1.VideoTask{
			testutil.MakeVideoTask("default-1", teamNS).Obj(),
			testutil.MakeVideoTask("default-2", teamNS).Obj(),
			testutil.MakeVideoTask("explicit", plainNS).Queue("explicit-queue").Obj(),
		}
		own := []*tasksv1.VideoTask{testutil.MakeVideoTask("own-1", plainNS).Obj(), testutil.MakeVideoTask("own-2", plainNS).Obj()}
		for _, t := range append(kueueTasks, own...) {
			create(ctx, t)
		}
		for _, t := range kueueTasks {
			queue := "team-queue"
			if t.Spec.QueueName != "" {
				queue = t.Spec.QueueName
			}
			job := waitForJob(ctx, t, t.Name+"-vt-1")
			Expect(job.Labels).To(HaveKeyWithValue(tasksv1.LabelKueueQueueName, queue), t.Name)
			Expect(job.Spec.Suspend).To(Equal(ptr.To(true)), "%s: created suspended, for Kueue to resume", t.Name)
			Eventually(taskStatus(ctx, t)).Should(And(
				havePhase(tasksv1.TaskQueued, tasksv1.ReasonWaitingForKueue),
				HaveField("Queue", HaveField("LocalQueue", queue))), t.Name)
		}
		By("the operator's limit of 1 counts only its own tasks")
		waitForJob(ctx, own[0], "own-1-vt-1")
		Eventually(taskStatus(ctx, own[1])).Should(havePhase(tasksv1.TaskQueued, tasksv1.ReasonWaitingForCapacity))
		Consistently(jobNames(ctx, own[1])).Should(BeEmpty())
		By("the operator never resumes a Job that Kueue holds")
		Consistently(func(g Gomega) []bool {
			var out []bool
			for _, t := range kueueTasks {
				for _, j := range taskJobs(ctx, g, t) {
					out = append(out, ptr.Deref(j.Spec.Suspend, false))
				}
			}
			return out
		}).Should(Equal([]bool{true, true, true}))
	})
})

// newNamespace creates a namespace with these annotations and returns its name.
func newNamespace(ctx context.Context, annotations map[string]string) string {
	GinkgoHelper()
	n := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "queue-", Annotations: annotations}}
	Expect(k8sClient.Create(ctx, n)).To(Succeed())
	return n.Name
}

// unfinishedJobsIn lists the task Jobs of the namespaces that hold capacity: not finished, not suspended.
func unfinishedJobsIn(ctx context.Context, g Gomega, namespaces ...string) []batchv1.Job {
	var out []batchv1.Job
	for _, n := range namespaces {
		var list batchv1.JobList
		g.Expect(k8sClient.List(ctx, &list, client.InNamespace(n))).To(Succeed())
		for _, j := range list.Items {
			if jobs.Finished(&j) == nil && !ptr.Deref(j.Spec.Suspend, false) {
				out = append(out, j)
			}
		}
	}
	return out
}

func jobNamesOf(list []batchv1.Job) []string {
	var names []string
	for _, j := range list {
		names = append(names, j.Name)
	}
	slices.Sort(names)
	return names
}

// taskJobsIn lists the names of every Job of the namespaces.
func taskJobsIn(ctx context.Context, namespaces ...string) []string {
	GinkgoHelper()
	var names []string
	for _, n := range namespaces {
		var list batchv1.JobList
		Expect(k8sClient.List(ctx, &list, client.InNamespace(n))).To(Succeed())
		names = append(names, jobNamesOf(list.Items)...)
	}
	return names
}

// finishOnlyJob completes the one unfinished Job of task.
func finishOnlyJob(ctx context.Context, task tasksv1.Task, namespaces ...string) {
	GinkgoHelper()
	for _, j := range unfinishedJobsIn(ctx, Default, namespaces...) {
		if j.Labels[tasksv1.LabelTask] == task.GetName() && j.Namespace == task.GetNamespace() {
			runAttempt(ctx, &j, 0, successSummary)
			return
		}
	}
	Fail("no unfinished Job of " + task.GetName())
}

// holdingJobsWatch follows every task Job of some namespaces through a watch on the API server and keeps
// the largest number that held capacity at once (not finished, not suspended), in all and per namespace.
type holdingJobsWatch struct {
	mu        sync.Mutex
	holding   map[string]string // Job namespace/name -> namespace
	peak      int
	peakPerNS map[string]int
}

func (w *holdingJobsWatch) Peaks() (int, map[string]int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak, maps(w.peakPerNS)
}

func maps(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (w *holdingJobsWatch) observe(job *batchv1.Job, deleted bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	key := job.Namespace + "/" + job.Name
	if !deleted && jobs.Finished(job) == nil && !ptr.Deref(job.Spec.Suspend, false) {
		w.holding[key] = job.Namespace
	} else {
		delete(w.holding, key)
	}
	perNS := map[string]int{}
	for _, n := range w.holding {
		perNS[n]++
	}
	w.peak = max(w.peak, len(w.holding))
	for n, c := range perNS {
		w.peakPerNS[n] = max(w.peakPerNS[n], c)
	}
}

// watchHoldingJobs starts a watch per namespace; it ends with the spec.
func watchHoldingJobs(ctx context.Context, namespaces ...string) *holdingJobsWatch {
	GinkgoHelper()
	w := &holdingJobsWatch{holding: map[string]string{}, peakPerNS: map[string]int{}}
	wc, err := client.NewWithWatch(cfg, client.Options{Scheme: k8sClient.Scheme()})
	Expect(err).NotTo(HaveOccurred())
	for _, n := range namespaces {
		watcher, err := wc.Watch(ctx, &batchv1.JobList{}, client.InNamespace(n))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(watcher.Stop)
		go func() {
			defer GinkgoRecover()
			for ev := range watcher.ResultChan() {
				if job, ok := ev.Object.(*batchv1.Job); ok {
					w.observe(job, ev.Type == watch.Deleted)
				}
			}
		}()
	}
	return w
}
