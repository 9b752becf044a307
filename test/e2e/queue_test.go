//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/test/testutil"
)

// Kueue objects of the queue specs.
const (
	kueueFlavor       = "e2e-flavor"
	kueueClusterQueue = "e2e-cluster-queue"
	kueueLocalQueue   = "e2e-queue"
	// kueueCPUQuota is the ClusterQueue's CPU: two runner pods of the chart's default request (500m).
	kueueCPUQuota = "1"
)

// queueSpecs upgrade the release to a Redis cache (a redis-server on the host) and a limit of one running
// task, then show Kueue admitting tasks that name a LocalQueue past that limit but within its own quota, and
// identical tasks done once.
func queueSpecs() {
	Context("with Kueue, a Redis cache and queue.maxRunningTasks=1", Ordered, func() {
		BeforeAll(func(ctx SpecContext) {
			url := startRedisServer(cfg.redisPort)
			out, err := helm(ctx, "upgrade", releaseName, filepath.Join(cfg.root, "charts", "langflix-operator"),
				"--namespace", releaseNamespace, "--reuse-values", "--wait", "--timeout", "3m",
				"--set", "redis.url="+url, "--set", "queue.maxRunningTasks=1")
			Expect(err).NotTo(HaveOccurred(), out)
			// --wait returns once the new pod is ready; the old one may still hold the leader Lease for a moment.
			Eventually(ctx, func(g Gomega) int {
				var pods []string
				out, err := kubectl(ctx, "get", "pods", "-n", releaseNamespace, "-l", "app.kubernetes.io/instance="+releaseName, "-o", "name")
				g.Expect(err).NotTo(HaveOccurred())
				pods = strings.Fields(out)
				return len(pods)
			}).Should(Equal(1), "one operator pod after the upgrade")
		})

		It("lets Kueue admit tasks that name a LocalQueue: never more than its quota of 2 run, all finish", func(ctx SpecContext) {
			if !cfg.kueue {
				Skip("Kueue does not run beside this cluster (hack/e2e.sh starts it; E2E_KUEUE=1)")
			}
			applyKueueQueues(ctx)
			w := watchRunningJobs(ctx, ns, tasksv1.LabelKueueQueueName)
			reasons := watchReasons(ctx, ns)
			var tasks []*tasksv1.SlideTask
			for i := range 5 {
				t := testutil.MakeSlideTask(fmt.Sprintf("kueue-%d", i), ns).Queue(kueueLocalQueue).
					Format(tasksv1.SlideFormatMP4).Size(640, 360).DurationSeconds(4).Output(fmt.Sprintf("kueue/%d", i)).Obj()
				Expect(k8s.Create(ctx, t)).To(Succeed())
				tasks = append(tasks, t)
			}
			for _, t := range tasks {
				st := waitUntilFinished(ctx, t, taskTimeout)
				Expect(st.Phase).To(Equal(tasksv1.TaskSucceeded), describe(st))
				Expect(st.Attempts).To(Equal(int32(1)))
			}
			peak := w.Peak()
			GinkgoWriter.Printf("Kueue: at most %d Jobs ran at once; task reasons seen: %v\n", peak, reasons.Seen())
			Expect(peak).To(Equal(2), "Kueue ran up to its quota of 2 at once, past the operator's limit of 1, and never more")
			Expect(reasons.Seen()).To(ContainElement(tasksv1.ReasonWaitingForKueue))
			Expect(reasons.Seen()).To(ContainElement("Pending"), "a task showed Kueue's reason while it waited for quota")
			var jobsSeen batchv1.JobList
			Expect(k8s.List(ctx, &jobsSeen, client.InNamespace(ns), client.HasLabels{tasksv1.LabelKueueQueueName})).To(Succeed())
			Expect(jobsSeen.Items).To(HaveLen(5), "one Job per task, each handed to Kueue")

			By("suspending a running task: its Workload is deactivated, Kueue stops the Job; resumed, it finishes")
			long := testutil.MakeSlideTask("kueue-suspended", ns).Queue(kueueLocalQueue).
				Format(tasksv1.SlideFormatMP4).Size(640, 360).DurationSeconds(30).Output("kueue/suspended").Obj()
			Expect(k8s.Create(ctx, long)).To(Succeed())
			key := client.ObjectKeyFromObject(long)
			Eventually(ctx, func(g Gomega) tasksv1.TaskPhase {
				g.Expect(k8s.Get(ctx, key, long)).To(Succeed())
				return long.Status.Phase
			}).WithTimeout(taskTimeout).Should(Equal(tasksv1.TaskRunning))
			Expect(k8s.Patch(ctx, long, client.RawPatch(types.MergePatchType, []byte(`{"spec":{"suspend":true}}`)))).To(Succeed())
			Eventually(ctx, func(g Gomega) {
				g.Expect(k8s.Get(ctx, key, long)).To(Succeed())
				g.Expect(long.Status.Phase).To(Equal(tasksv1.TaskCancelled))
				job := jobsOf(ctx, g, long)
				g.Expect(job).To(HaveLen(1))
				g.Expect(job[0].Spec.Suspend).To(Equal(ptr.To(true)), "Kueue suspended the Job")
				g.Expect(workloadActive(ctx, g, long.Status.JobName)).To(BeFalse(), "the operator deactivated the Workload")
			}).Should(Succeed())
			Consistently(ctx, func(g Gomega) *bool {
				return jobsOf(ctx, g, long)[0].Spec.Suspend
			}).WithTimeout(3*time.Second).Should(Equal(ptr.To(true)), "nobody resumes the Job of a suspended task")
			Expect(k8s.Patch(ctx, long, client.RawPatch(types.MergePatchType, []byte(`{"spec":{"suspend":false}}`)))).To(Succeed())
			st := waitUntilFinished(ctx, long, taskTimeout)
			Expect(st.Phase).To(Equal(tasksv1.TaskSucceeded), describe(st))
			Expect(st.Attempts).To(Equal(int32(1)), "the same attempt resumed")
		})

		It("runs identical VideoTasks once: the second waits and is served from the first's outputs; the limit queues a third task", func(ctx SpecContext) {
			w := watchRunningJobs(ctx, ns, "")
			identical := func(name string) *tasksv1.VideoTask {
				return testutil.MakeVideoTask(name, ns).Video(lessonVideo).Subtitles(lessonSubtitles).MaxCount(1).
					EducationalVideo(tasksv1.EducationalVideoNone).SlideImages(tasksv1.SlideImagesNone).Shorts(tasksv1.ShortsNone).Output("once/" + name).Obj()
			}
			first, second := identical("once-first"), identical("once-second")
			other := testutil.MakeSlideTask("once-other", ns).Output("once/other").Obj()
			for _, t := range []client.Object{first, second} {
				Expect(k8s.Create(ctx, t)).To(Succeed())
			}
			Eventually(ctx, func(g Gomega) tasksv1.QueueStatus {
				g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(second), second)).To(Succeed())
				g.Expect(second.Status.Reason).To(Equal(tasksv1.ReasonWaitingForIdenticalTask), describe(second.Status))
				return second.Status.Queue
			}).Should(HaveField("IdenticalTask", first.Name))
			// The third task is created once the first holds the operator's one slot (its Job exists). Created
			// together, the VideoTask and the SlideTask controllers race for a free slot, and either may win:
			// the queue orders the tasks that wait, not reconciles of two kinds in the same second.
			Eventually(ctx, func(g Gomega) []batchv1.Job {
				var jobs batchv1.JobList
				g.Expect(k8s.List(ctx, &jobs, client.InNamespace(ns), client.MatchingLabels{tasksv1.LabelTask: first.Name})).To(Succeed())
				return jobs.Items
			}).ShouldNot(BeEmpty())
			Expect(k8s.Create(ctx, other)).To(Succeed())
			Eventually(ctx, func(g Gomega) string {
				g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(other), other)).To(Succeed())
				return other.Status.Reason
			}).Should(Equal(tasksv1.ReasonWaitingForCapacity), "the operator's limit of 1 holds the third task back")

			st := waitUntilFinished(ctx, first, taskTimeout)
			Expect(st.Phase).To(Equal(tasksv1.TaskSucceeded), describe(st))
			Expect(st.Reason).To(Equal(tasksv1.ReasonCompleted))
			st2 := waitUntilFinished(ctx, second, taskTimeout)
			Expect(st2.Phase).To(Equal(tasksv1.TaskSucceeded), describe(st2))
			Expect(st2.Reason).To(Equal(tasksv1.ReasonCacheHit), describe(st2))
			Expect(st2.Result.Outputs).To(Equal(st.Result.Outputs))
			st3 := waitUntilFinished(ctx, other, taskTimeout)
			Expect(st3.Phase).To(Equal(tasksv1.TaskSucceeded), describe(st3))

			m, err := manifest.Read(filepath.Join(mediaDir, st2.Result.Manifest))
			Expect(err).NotTo(HaveOccurred())
			Expect(m.ReusedFrom).To(Equal("once/" + first.Name))
			Expect(m.Expressions).NotTo(BeEmpty())
			for _, e := range m.Expressions {
				a, err := os.Stat(filepath.Join(mediaDir, "once", first.Name, e.Files.ContextClip))
				Expect(err).NotTo(HaveOccurred())
				b, err := os.Stat(filepath.Join(mediaDir, "once", second.Name, e.Files.ContextClip))
				Expect(err).NotTo(HaveOccurred())
				Expect(os.SameFile(a, b)).To(BeTrue(), "%s is the first task's file, linked", e.Files.ContextClip)
			}
			Expect(w.Peak()).To(Equal(1), "never more than the operator's limit of 1 task ran")
		})
	})
}

// startRedisServer runs redis-server on the host for the rest of the suite (localnode pods share the host's
// network) and returns its URL.
func startRedisServer(port int) string {
	GinkgoHelper()
	bin, err := exec.LookPath("redis-server")
	Expect(err).NotTo(HaveOccurred(), "redis-server is needed (hack/install-deps.sh)")
	// A redis-server left behind by an interrupted run holds the port; say so instead of waiting a minute for a
	// server that exits at once.
	probe, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	Expect(err).NotTo(HaveOccurred(), "port %d for redis-server is taken (a server left by an interrupted run? set E2E_REDIS_PORT)", port)
	Expect(probe.Close()).To(Succeed())
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	// It dies with the suite even when the suite is killed and no cleanup runs.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	Expect(err).NotTo(HaveOccurred())
	Expect(cmd.Start()).To(Succeed())
	DeferCleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Ready to accept connections") {
				close(ready)
				break
			}
		}
		for sc.Scan() {
		}
	}()
	Eventually(ready).WithTimeout(apiTimeout).Should(BeClosed(), "redis-server on port %d", port)
	return fmt.Sprintf("redis://127.0.0.1:%d/0", port)
}

// applyKueueQueues creates the ResourceFlavor, the ClusterQueue with room for two runner pods and the suite
// namespace's LocalQueue.
func applyKueueQueues(ctx context.Context) {
	GinkgoHelper()
	objs := []map[string]any{
		{"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ResourceFlavor", "metadata": map[string]any{"name": kueueFlavor}},
		{"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue", "metadata": map[string]any{"name": kueueClusterQueue},
			"spec": map[string]any{
				"namespaceSelector": map[string]any{},
				"resourceGroups": []any{map[string]any{
					"coveredResources": []any{"cpu", "memory"},
					"flavors": []any{map[string]any{"name": kueueFlavor, "resources": []any{
						map[string]any{"name": "cpu", "nominalQuota": kueueCPUQuota},
						map[string]any{"name": "memory", "nominalQuota": "64Gi"},
					}}},
				}},
			}},
		{"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "LocalQueue", "metadata": map[string]any{"name": kueueLocalQueue, "namespace": ns},
			"spec": map[string]any{"clusterQueue": kueueClusterQueue}},
	}
	for _, o := range objs {
		u := &unstructured.Unstructured{Object: o}
		err := k8s.Create(ctx, u)
		Expect(client.IgnoreAlreadyExists(err)).To(Succeed(), "create %s", u.GetKind())
		DeferCleanup(func(ctx SpecContext) { _ = k8s.Delete(ctx, u) })
	}
	// The ClusterQueue is active once Kueue has seen its flavor.
	Eventually(ctx, func(g Gomega) string {
		cq := &unstructured.Unstructured{}
		cq.SetAPIVersion("kueue.x-k8s.io/v1beta2")
		cq.SetKind("ClusterQueue")
		g.Expect(k8s.Get(ctx, client.ObjectKey{Name: kueueClusterQueue}, cq)).To(Succeed())
		conds, _, _ := unstructured.NestedSlice(cq.Object, "status", "conditions")
		for _, c := range conds {
			if m, ok := c.(map[string]any); ok && m["type"] == "Active" {
				return fmt.Sprint(m["status"])
			}
		}
		return "unknown"
	}).Should(Equal("True"), "ClusterQueue %s is active", kueueClusterQueue)
}

// runningJobsWatch follows the task Jobs of a namespace through a watch and keeps the largest number that ran
// at once: neither finished nor suspended.
type runningJobsWatch struct {
	mu      sync.Mutex
	running map[string]bool
	peak    int
}

func (w *runningJobsWatch) Peak() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak
}

// watchRunningJobs watches the namespace's task Jobs (those with label, when it is not empty) until the spec
// ends.
func watchRunningJobs(ctx context.Context, namespace, label string) *runningJobsWatch {
	GinkgoHelper()
	w := &runningJobsWatch{running: map[string]bool{}}
	opts := []client.ListOption{client.InNamespace(namespace), client.HasLabels{tasksv1.LabelTask}}
	if label != "" {
		opts = append(opts, client.HasLabels{label})
	}
	var list batchv1.JobList
	Expect(k8s.List(ctx, &list, opts...)).To(Succeed())
	watcher, err := k8s.Watch(ctx, &batchv1.JobList{}, append(opts, &client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: list.ResourceVersion}})...)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(watcher.Stop)
	go func() {
		defer GinkgoRecover()
		for ev := range watcher.ResultChan() {
			job, ok := ev.Object.(*batchv1.Job)
			if !ok {
				continue
			}
			w.mu.Lock()
			if ev.Type != watch.Deleted && !jobFinished(job) && !ptr.Deref(job.Spec.Suspend, false) {
				w.running[job.Name] = true
			} else {
				delete(w.running, job.Name)
			}
			w.peak = max(w.peak, len(w.running))
			w.mu.Unlock()
		}
	}()
	return w
}

// reasonWatch collects every status.reason the namespace's SlideTasks showed.
type reasonWatch struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (r *reasonWatch) Seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k := range r.seen {
		out = append(out, k)
	}
	return out
}

func watchReasons(ctx context.Context, namespace string) *reasonWatch {
	GinkgoHelper()
	r := &reasonWatch{seen: map[string]bool{}}
	watcher, err := k8s.Watch(ctx, &tasksv1.SlideTaskList{}, client.InNamespace(namespace))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(watcher.Stop)
	go func() {
		defer GinkgoRecover()
		deadline := time.Now().Add(taskTimeout)
		for ev := range watcher.ResultChan() {
			if t, ok := ev.Object.(*tasksv1.SlideTask); ok && t.Status.Reason != "" {
				r.mu.Lock()
				r.seen[t.Status.Reason] = true
				r.mu.Unlock()
			}
			if time.Now().After(deadline) {
				return
			}
		}
	}()
	return r
}

// jobFinished reports whether a Job has its final condition (Complete or Failed).
func jobFinished(job *batchv1.Job) bool {
	for _, c := range job.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == "True" {
			return true
		}
	}
	return false
}

// workloadActive reads spec.active of the Kueue Workload of a Job.
func workloadActive(ctx context.Context, g Gomega, jobName string) bool {
	var list unstructured.UnstructuredList
	list.SetAPIVersion("kueue.x-k8s.io/v1beta2")
	list.SetKind("WorkloadList")
	g.Expect(k8s.List(ctx, &list, client.InNamespace(ns))).To(Succeed())
	for _, w := range list.Items {
		for _, ref := range w.GetOwnerReferences() {
			if ref.Kind == "Job" && ref.Name == jobName {
				active, found, _ := unstructured.NestedBool(w.Object, "spec", "active")
				return !found || active
			}
		}
	}
	g.Expect(jobName).To(BeEmpty(), "no Workload of Job %s", jobName)
	return false
}
