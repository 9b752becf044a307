package security

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/progress"
	"github.com/langflix/langflix-operator/test/testutil"
)

// podOf is a pod name the Job controller could give a Job's pod: "<job>-<5 characters>".
func podOf(job string) string { return job + "-x7k2p" }

// waitForJob waits until the operator started a task's first attempt and recorded its Job in the status.
func waitForJob(ctx context.Context, task client.Object) string {
	GinkgoHelper()
	var job string
	Eventually(func(g Gomega) {
		g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(task), task)).To(Succeed())
		job = task.(tasksv1.Task).GetTaskStatus().JobName
		g.Expect(job).NotTo(BeEmpty())
	}).Should(Succeed(), "the operator starts %s and writes status.jobName", task.GetName())
	return job
}

// statusPatch merge-patches the status subresource, as a runner holding the token would with curl.
func statusPatch(ctx context.Context, c client.Client, task client.Object, status string) error {
	return c.Status().Patch(ctx, task, client.RawPatch(types.MergePatchType, []byte(`{"status":`+status+`}`)))
}

var _ = Describe("a runner", Ordered, ContinueOnFailure, func() {
	var own, other *tasksv1.VideoTask
	var ownJob, otherJob string

	BeforeAll(func(ctx SpecContext) {
		alice := user("alice")
		// Videos of their own: identical tasks of a namespace wait for the oldest to finish (work done once), and
		// nothing finishes here.
		own = testutil.MakeVideoTask("lesson-a", teamA).Video("input/lesson-a.mkv").Obj()
		other = testutil.MakeVideoTask("lesson-b", teamA).Video("input/lesson-b.mkv").Obj()
		Expect(alice.Create(ctx, own)).To(Succeed())
		Expect(alice.Create(ctx, other)).To(Succeed())
		ownJob, otherJob = waitForJob(ctx, own), waitForJob(ctx, other)
		Eventually(func() error {
			return admin.Get(ctx, client.ObjectKey{Namespace: teamA, Name: runnerAccount}, &corev1.ServiceAccount{})
		}).Should(Succeed(), "the operator created the runner ServiceAccount")
	})

	It("writes its own progress through the real progress sink", func(ctx SpecContext) {
		errs := writeProgress(ctx, podOf(ownJob), own.Name, "clips", "cutting clip 3 of 10")
		expectAllowed("runner: its own task's status.progress (server-side apply, as the runner does)", firstError(errs))
		Eventually(func(g Gomega) {
			g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(own), own)).To(Succeed())
			g.Expect(own.Status.Progress).NotTo(BeNil())
			g.Expect(own.Status.Progress.Message).To(Equal("cutting clip 3 of 10"))
		}).Should(Succeed())
		Expect(own.Status.JobName).To(Equal(ownJob), "the operator's part of the status is untouched")
	})

	It("cannot write another task's status", func(ctx SpecContext) {
		r := runner(teamA, podOf(ownJob))
		expectDenied("runner: another task's progress", statusPatch(ctx, r, other, `{"progress":{"message":"hijacked"}}`),
			"may write the progress of its own task only")
		expectDenied("runner: mark another task Succeeded", statusPatch(ctx, r, other, `{"phase":"Succeeded"}`),
			"may write the progress of its own task only")
		errs := writeProgress(ctx, podOf(ownJob), other.Name, "clips", "hijacked through the sink")
		expectDenied("runner: another task's progress through the real progress sink", firstError(errs), "own task only")
	})

	It("cannot change anything of its own status but the progress", func(ctx SpecContext) {
		r := runner(teamA, podOf(ownJob))
		expectDenied("runner: its own phase to Succeeded", statusPatch(ctx, r, own, `{"phase":"Succeeded"}`),
			"may change status.progress only; it tried to change status.phase")
		expectDenied("runner: its own nextRetryTime to 2100", statusPatch(ctx, r, own, `{"nextRetryTime":"2100-01-01T00:00:00Z"}`),
			"status.nextRetryTime")
		expectDenied("runner: its own attempts, so the next failure is final", statusPatch(ctx, r, own, `{"attempts":99}`),
			"status.attempts")
		expectDenied("runner: its own jobName, to adopt another task's pods", statusPatch(ctx, r, own, fmt.Sprintf(`{"jobName":%q}`, otherJob)),
			"status.jobName")
		expectDenied("runner: its own result", statusPatch(ctx, r, own, `{"result":{"expressions":50,"manifest":"../../etc/passwd"}}`),
			"status.result")
		expectDenied("runner: its own conditions", statusPatch(ctx, r, own,
			`{"conditions":[{"type":"Succeeded","status":"True","reason":"Forged","message":"x","lastTransitionTime":"2024-01-01T00:00:00Z"}]}`),
			"status.conditions")
	})

	It("must hold a token bound to the pod of the task's current Job", func(ctx SpecContext) {
		expectDenied("runner token bound to no pod (a long-lived Secret token)",
			statusPatch(ctx, runner(teamA, ""), own, `{"progress":{"message":"unbound"}}`), "token bound to its pod")
		expectDenied("runner pod of another attempt's Job",
			statusPatch(ctx, runner(teamA, podOf(strings.TrimSuffix(ownJob, "-1")+"-2")), own, `{"progress":{"message":"stale"}}`),
			"may write the progress of its own task only")
		expectDenied("runner pod of the current Job stamping its progress with another attempt",
			statusPatch(ctx, runner(teamA, podOf(ownJob)), own, `{"progress":{"attempt":2,"message":"from the future"}}`),
			"may write the progress of attempt 1 of")
		expectDenied("runner pod whose name only starts like the Job's",
			statusPatch(ctx, runner(teamA, ownJob+"-vt-1-x7k2p"), own, `{"progress":{"message":"prefix"}}`),
			"may write the progress of its own task only")
	})

	It("has no rights beyond its own namespace's task status", func(ctx SpecContext) {
		r := runner(teamA, podOf(ownJob))
		expectDenied("runner: change a task's spec (main resource)",
			r.Patch(ctx, own, client.RawPatch(types.MergePatchType, []byte(`{"spec":{"suspend":true}}`))), "forbidden")
		expectDenied("runner: read the LLM key Secret", r.Get(ctx, client.ObjectKey{Namespace: teamA, Name: llmKeySecret}, &corev1.Secret{}), "forbidden")
		expectDenied("runner: create a task", r.Create(ctx, testutil.MakeVideoTask("from-runner", teamA).Obj()), "forbidden")
		expectDenied("runner: create a pod", r.Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "from-runner", Namespace: teamA},
			Spec:       corev1.PodSpec{ServiceAccountName: "ci-deployer", Containers: []corev1.Container{{Name: "c", Image: "busybox"}}},
		}), "forbidden")
		expectDenied("runner of team-b: a team-a task's progress",
			statusPatch(ctx, runner(teamB, podOf(ownJob)), own, `{"progress":{"message":"cross-namespace"}}`), "forbidden")
	})

	It("gets the Redis URL by reference only: no Job holds it", func(ctx SpecContext) {
		var job batchv1.Job
		Expect(admin.Get(ctx, client.ObjectKey{Namespace: teamA, Name: ownJob}, &job)).To(Succeed())
		data, err := json.Marshal(job)
		Expect(err).NotTo(HaveOccurred())
		// A literal URL in the Job would be the escalation: anyone who may read Jobs would read the password.
		attempt := fmt.Errorf("Job %s holds no Redis URL or password", job.Name)
		if strings.Contains(string(data), redisPassword) || strings.Contains(string(data), "unix://") {
			attempt = nil
		}
		expectDenied("reading the Redis URL from a task's Job", attempt, "holds no Redis URL")
		env := job.Spec.Template.Spec.Containers[0].Env
		Expect(env).To(ContainElement(HaveField("Name", "LANGFLIX_REDIS_URL")))
		for _, e := range env {
			if e.Name == "LANGFLIX_REDIS_URL" {
				Expect(e.Value).To(BeEmpty())
				Expect(e.ValueFrom.SecretKeyRef.Name).To(Equal(redisCopy))
			}
			if e.Name == "LANGFLIX_CACHE_SCOPE" {
				Expect(e.Value).To(Equal(teamA))
			}
		}
	})
})

// writeProgress writes one progress snapshot with the runner's real Kubernetes sink, as the runner of pod does
// for task, and returns the errors the sink logged.
func writeProgress(ctx context.Context, pod, task, stage, message string) []error {
	GinkgoHelper()
	cfg := rest.CopyConfig(restCfg)
	cfg.Impersonate = serviceAccountIdentity(teamA, runnerAccount, map[string][]string{podNameExtra: {pod}, podUIDExtra: {"uid-" + pod}})
	dyn, err := dynamic.NewForConfig(cfg)
	Expect(err).NotTo(HaveOccurred())
	var mu sync.Mutex
	var errs []error
	sink, err := progress.NewKube(dyn, progress.TaskRef{Kind: "VideoTask", Name: task, Namespace: teamA}, progress.KubeOptions{
		Interval: time.Millisecond,
		Logf: func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			errs = append(errs, fmt.Errorf(format, args...))
		},
	})
	Expect(err).NotTo(HaveOccurred())
	sink.Update(progress.Snapshot{Stage: stage, Message: message, Current: 3, Total: 10, Percent: 30, Time: time.Now()})
	sink.Close()
	mu.Lock()
	defer mu.Unlock()
	return errs
}

func firstError(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0]
}
