package task

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// These tests drive Reconciler against controller-runtime's fake client to pin its decisions (what it
// creates, deletes and writes) with a fake clock. The envtest suite in controllers/suite proves the same
// behaviour against a real API server.

type fakeEnv struct {
	// client is what the reconciler uses, with the test's interceptors; store reads the fake server's state
	// without them.
	client   client.WithWatch
	store    client.WithWatch
	clock    *clocktesting.FakeClock
	recorder *events.FakeRecorder
	r        *Reconciler
	// statusApplies counts status writes.
	statusApplies atomic.Int32
	uids          atomic.Int32
}

func newFakeEnv(t *testing.T, funcs interceptor.Funcs, objs ...client.Object) *fakeEnv {
	t.Helper()
	env := &fakeEnv{clock: clocktesting.NewFakeClock(t0), recorder: events.NewFakeRecorder(100)}
	countApply := funcs.SubResourceApply
	funcs.SubResourceApply = func(ctx context.Context, c client.Client, sub string, obj runtime.ApplyConfiguration, opts ...client.SubResourceApplyOption) error {
		env.statusApplies.Add(1)
		if countApply != nil {
			return countApply(ctx, c, sub, obj, opts...)
		}
		return c.SubResource(sub).Apply(ctx, obj, opts...)
	}
	// The fake client gives created objects no UID; the API server does, and attempts are identified by it.
	create := funcs.Create
	funcs.Create = func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
		if obj.GetUID() == "" {
			obj.SetUID(types.UID(fmt.Sprintf("uid-%s-%d", obj.GetName(), env.uids.Add(1))))
		}
		if create != nil {
			return create(ctx, c, obj, opts...)
		}
		return c.Create(ctx, obj, opts...)
	}
	base := fake.NewClientBuilder().
		WithScheme(testutil.Scheme()).
		WithStatusSubresource(&tasksv1.VideoTask{}, &tasksv1.SlideTask{}, &tasksv1.CleanupPolicy{}, &batchv1.Job{}).
		WithObjects(objs...).
		Build()
	env.store = base
	env.client = interceptor.NewClient(base, funcs)
	env.r = &Reconciler{
		Client: env.client, APIReader: env.client, Recorder: env.recorder,
		Clock: env.clock, Runner: testRunner, Policy: DefaultAttemptPolicy, Kind: tasksv1.KindVideoTask,
		NewTask: func() tasksv1.Task { return &tasksv1.VideoTask{} },
	}
	return env
}

func (e *fakeEnv) reconcile(t *testing.T) ctrl.Result {
	t.Helper()
	res, err := e.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: testNamespace, Name: testTaskName}})
	if err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	return res
}

func (e *fakeEnv) task(t *testing.T) *tasksv1.VideoTask {
	t.Helper()
	var task tasksv1.VideoTask
	if err := e.store.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: testTaskName}, &task); err != nil {
		t.Fatalf("get task: %v", err)
	}
	return &task
}

func (e *fakeEnv) jobNames(t *testing.T) []string {
	t.Helper()
	var jobs batchv1.JobList
	if err := e.store.List(context.Background(), &jobs, client.InNamespace(testNamespace)); err != nil {
		t.Fatalf("list Jobs: %v", err)
	}
	var names []string
	for _, j := range jobs.Items {
		names = append(names, j.Name)
	}
	return names
}

func (e *fakeEnv) events() []string { return drain(e.recorder) }

func TestReconcileStartsTheFirstAttempt(t *testing.T) {
	const apiKey = "sk-live-0123456789abcdef"
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "llm-credentials", Namespace: testNamespace},
		Data:       map[string][]byte{"api-key": []byte(apiKey)},
	}
	task := stored(videoTaskBuilder().LLM("https://llm.example/v1", "m").APIKeySecret("llm-credentials", "api-key").Obj())
	env := newFakeEnv(t, interceptor.Funcs{}, task, secret)

	env.reconcile(t)
	env.reconcile(t) // a second look must not start another attempt

	diffField(t, "Jobs", []string{"episode-1-vt-1"}, env.jobNames(t))
	got := env.task(t)
	diffField(t, "finalizers", []string{taskFinalizer}, got.Finalizers)
	diffField(t, "phase", tasksv1.TaskQueued, got.Status.Phase)
	diffField(t, "attempts", int32(1), got.Status.Attempts)
	diffField(t, "jobName", "episode-1-vt-1", got.Status.JobName)

	var sa corev1.ServiceAccount
	if err := env.client.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: "langflix-runner"}, &sa); err != nil {
		t.Errorf("runner ServiceAccount: %v", err)
	}
	var rb rbacv1.RoleBinding
	if err := env.client.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: "langflix-runner"}, &rb); err != nil {
		t.Fatalf("runner RoleBinding: %v", err)
	}
	diffField(t, "roleRef", rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "langflix-runner"}, rb.RoleRef)
	diffField(t, "subjects", []rbacv1.Subject{{Kind: "ServiceAccount", Name: "langflix-runner", Namespace: testNamespace}}, rb.Subjects)

	var job batchv1.Job
	if err := env.client.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: "episode-1-vt-1"}, &job); err != nil {
		t.Fatal(err)
	}
	for what, obj := range map[string]any{"Job": job, "status": got.Status, "events": env.events()} {
		data, _ := json.Marshal(obj)
		if strings.Contains(string(data), apiKey) {
			t.Errorf("the LLM API key appears in the %s", what)
		}
	}
}

func TestReconcileWithOwnServiceAccountCreatesNoRunnerAccess(t *testing.T) {
	env := newFakeEnv(t, interceptor.Funcs{}, stored(videoTaskBuilder().ServiceAccount("team-runner").Obj()))
	env.reconcile(t)
	diffField(t, "Jobs", []string{"episode-1-vt-1"}, env.jobNames(t))
	var sa corev1.ServiceAccount
	if err := env.client.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: "langflix-runner"}, &sa); !apierrors.IsNotFound(err) {
		t.Errorf("get runner ServiceAccount: err = %v, want NotFound: the task brings its own", err)
	}
}

// TestReconcileWithStaleCacheCreatesNoSecondJob plays a restarted operator whose cache has not seen the Job
// of attempt 1 yet, with or without the status write that recorded it: the deterministic Job name turns the
// repeated create into AlreadyExists, so there is still exactly one Job.
func TestReconcileWithStaleCacheCreatesNoSecondJob(t *testing.T) {
	for _, attempts := range []int32{0, 1} {
		t.Run(fmt.Sprintf("status.attempts=%d", attempts), func(t *testing.T) {
			task := stored(videoTaskBuilder().Obj())
			task.Finalizers = []string{taskFinalizer}
			task.Status = tasksv1.TaskStatus{Attempts: attempts}
			existing := attemptJob(task, tasksv1.KindVideoTask, 1)
			var creates atomic.Int32
			env := newFakeEnv(t, interceptor.Funcs{
				List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
					if _, ok := list.(*batchv1.JobList); ok {
						return nil // the cache has not caught up
					}
					return c.List(ctx, list, opts...)
				},
				Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
					if _, ok := obj.(*batchv1.Job); ok {
						creates.Add(1)
					}
					return c.Create(ctx, obj, opts...)
				},
			}, task, existing)

			env.reconcile(t)

			if creates.Load() != 1 {
				t.Errorf("%d Job creates, want the one that met AlreadyExists", creates.Load())
			}
			diffField(t, "Jobs", []string{"episode-1-vt-1"}, env.jobNames(t))
			diffField(t, "attempts", int32(1), env.task(t).Status.Attempts)
		})
	}
}

func TestReconcileRetriesAfterTheBackoff(t *testing.T) {
	task := stored(videoTaskBuilder().Retries(3).Backoff(60, 600).Obj())
	task.Finalizers = []string{taskFinalizer}
	task.Status = tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 1, JobName: "episode-1-vt-1", StartTime: at(-time.Minute)}
	failed := attemptJob(task, tasksv1.KindVideoTask, 1, jobFailed(t0, batchv1.JobReasonBackoffLimitExceeded, "Job has reached the specified backoff limit"))
	failed.UID = "uid-job-1"
	pod := runnerPod(failed, 1, crashMessage, t0)
	env := newFakeEnv(t, interceptor.Funcs{}, task, failed, &pod)

	res := env.reconcile(t)
	diffField(t, "requeueAfter", 60*time.Second, res.RequeueAfter)
	st := env.task(t).Status
	diffField(t, "phase", tasksv1.TaskPending, st.Phase)
	diffField(t, "reason", tasksv1.ReasonRetryScheduled, st.Reason)
	diffField(t, "nextRetryTime", at(time.Minute), st.NextRetryTime)

	env.clock.Step(59 * time.Second)
	diffField(t, "requeueAfter one second before", time.Second, env.reconcile(t).RequeueAfter)
	diffField(t, "Jobs before the backoff", []string{"episode-1-vt-1"}, env.jobNames(t))

	env.clock.Step(time.Second)
	env.reconcile(t)
	diffField(t, "Jobs after the backoff", []string{"episode-1-vt-1", "episode-1-vt-2"}, env.jobNames(t))
	st = env.task(t).Status
	diffField(t, "phase", tasksv1.TaskQueued, st.Phase)
	diffField(t, "attempts", int32(2), st.Attempts)
	if st.NextRetryTime != nil {
		t.Errorf("nextRetryTime = %v after the retry started", st.NextRetryTime)
	}
	diffField(t, "events", []string{
		"Warning RetryScheduled attempt 1 failed: ffmpeg exited with status 1; attempt 2 starts at 2025-03-01T10:01:00Z",
		"Normal JobCreated Created Job episode-1-vt-2 for attempt 2",
	}, env.events())
}

func TestReconcileWritesStatusOnlyWhenItChanged(t *testing.T) {
	task := stored(videoTaskBuilder().Obj())
	env := newFakeEnv(t, interceptor.Funcs{}, task)
	env.reconcile(t)
	var job batchv1.Job
	if err := env.client.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: "episode-1-vt-1"}, &job); err != nil {
		t.Fatal(err)
	}
	jobReady(&job)
	if err := env.client.Status().Update(context.Background(), &job); err != nil {
		t.Fatal(err)
	}
	env.reconcile(t)
	diffField(t, "phase", tasksv1.TaskRunning, env.task(t).Status.Phase)

	before := env.statusApplies.Load()
	for range 3 {
		env.clock.Step(time.Minute)
		env.reconcile(t)
	}
	if n := env.statusApplies.Load() - before; n != 0 {
		t.Errorf("%d status writes in a steady state, want 0", n)
	}
}

func TestReconcileDeletesJobsBeforeLettingTheTaskGo(t *testing.T) {
	task := stored(videoTaskBuilder().Obj())
	task.Finalizers = []string{taskFinalizer}
	other := stored(videoTaskBuilder().Obj())
	other.Name, other.UID = "episode-2", "uid-episode-2"
	env := newFakeEnv(t, interceptor.Funcs{}, task,
		attemptJob(task, tasksv1.KindVideoTask, 1, jobFailed(t0, batchv1.JobReasonBackoffLimitExceeded, "")),
		attemptJob(task, tasksv1.KindVideoTask, 2, jobReady),
		attemptJob(other, tasksv1.KindVideoTask, 1, jobReady))

	if err := env.client.Delete(context.Background(), task); err != nil {
		t.Fatal(err)
	}
	env.reconcile(t)

	diffField(t, "Jobs left", []string{"episode-2-vt-1"}, env.jobNames(t))
	err := env.client.Get(context.Background(), client.ObjectKeyFromObject(task), &tasksv1.VideoTask{})
	if !apierrors.IsNotFound(err) {
		t.Errorf("get task after finalizing: err = %v, want NotFound", err)
	}
}

func TestReconcileDeletesFinishedTaskAfterTTL(t *testing.T) {
	task := stored(videoTaskBuilder().TTL(3600).Obj())
	task.Finalizers = []string{taskFinalizer}
	task.Status = tasksv1.TaskStatus{Phase: tasksv1.TaskSucceeded, Attempts: 1, CompletionTime: at(-30 * time.Minute)}
	env := newFakeEnv(t, interceptor.Funcs{}, task, attemptJob(task, tasksv1.KindVideoTask, 1, jobComplete(t0.Add(-30*time.Minute))))

	diffField(t, "requeueAfter", 30*time.Minute, env.reconcile(t).RequeueAfter)
	diffField(t, "Jobs before the TTL", []string{"episode-1-vt-1"}, env.jobNames(t))

	env.clock.Step(30 * time.Minute)
	env.reconcile(t) // deletes the task: the finalizer holds it
	env.reconcile(t) // finalizes it
	diffField(t, "Jobs after the TTL", []string(nil), env.jobNames(t))
	if err := env.client.Get(context.Background(), client.ObjectKeyFromObject(task), &tasksv1.VideoTask{}); !apierrors.IsNotFound(err) {
		t.Errorf("get task after its TTL: err = %v, want NotFound", err)
	}
}

func TestReconcileSuspendsAndResumesTheJob(t *testing.T) {
	task := stored(videoTaskBuilder().Obj())
	task.Finalizers = []string{taskFinalizer}
	task.Status = tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 1, StartTime: at(-time.Minute)}
	env := newFakeEnv(t, interceptor.Funcs{}, task, attemptJob(task, tasksv1.KindVideoTask, 1, jobReady))
	jobSuspend := func() *bool {
		var job batchv1.Job
		if err := env.client.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: "episode-1-vt-1"}, &job); err != nil {
			t.Fatal(err)
		}
		return job.Spec.Suspend
	}

	setSuspend := func(on bool) {
		cur := env.task(t)
		cur.Spec.Suspend = ptr.To(on)
		if err := env.client.Update(context.Background(), cur); err != nil {
			t.Fatal(err)
		}
	}
	setSuspend(true)
	env.reconcile(t)
	diffField(t, "Job suspend", ptr.To(true), jobSuspend())
	diffField(t, "phase", tasksv1.TaskCancelled, env.task(t).Status.Phase)

	setSuspend(false)
	env.reconcile(t)
	diffField(t, "Job suspend", ptr.To(false), jobSuspend())
	diffField(t, "Jobs", []string{"episode-1-vt-1"}, env.jobNames(t))
}
