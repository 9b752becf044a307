package cleanuppolicy

import (
	"context"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

type fakeCleanupEnv struct {
	store    client.WithWatch
	recorder *events.FakeRecorder
	r        *Reconciler
}

func newFakeCleanupEnv(funcs interceptor.Funcs, objs ...client.Object) *fakeCleanupEnv {
	store := fake.NewClientBuilder().
		WithScheme(testutil.Scheme()).
		WithStatusSubresource(&tasksv1.CleanupPolicy{}, &batchv1.Job{}, &batchv1.CronJob{}).
		WithObjects(objs...).
		Build()
	c := interceptor.NewClient(store, funcs)
	env := &fakeCleanupEnv{store: store, recorder: events.NewFakeRecorder(100)}
	env.r = &Reconciler{Client: c, APIReader: c, Recorder: env.recorder, Clock: clock.RealClock{}, Runner: testRunner}
	return env
}

func (e *fakeCleanupEnv) reconcile(t *testing.T) {
	t.Helper()
	res, err := e.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: testNamespace, Name: "nightly"}})
	if err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if res != (ctrl.Result{}) {
		t.Errorf("Reconcile result = %+v, want none: only changes trigger a CleanupPolicy", res)
	}
}

func (e *fakeCleanupEnv) policy(t *testing.T) *tasksv1.CleanupPolicy {
	t.Helper()
	var p tasksv1.CleanupPolicy
	if err := e.store.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: "nightly"}, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func (e *fakeCleanupEnv) cronJob(t *testing.T) *batchv1.CronJob {
	t.Helper()
	var cj batchv1.CronJob
	if err := e.store.Get(context.Background(), client.ObjectKey{Namespace: testNamespace, Name: "nightly-cleanup"}, &cj); err != nil {
		t.Fatal(err)
	}
	return &cj
}

// TestCleanupPolicyEditsReachTheCronJob edits every field a user may change, including edits that only
// remove something (a flag, a path): those must reach the CronJob as much as additions.
func TestCleanupPolicyEditsReachTheCronJob(t *testing.T) {
	p := cleanupPolicy()
	p.Spec.Mode = tasksv1.CleanupDryRun
	p.Spec.Paths = []tasksv1.RelativePath{"lessons", "tmp"}
	env := newFakeCleanupEnv(interceptor.Funcs{}, p)
	env.reconcile(t)
	args := func() []string { return env.cronJob(t).Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args }
	// What the runner must get is the contract's rendering of the policy as it is now.
	wantArgs := func() []string { return runnerv1.CleanupOptionsFromPolicy(env.policy(t)).Args() }
	diffField(t, "args", wantArgs(), args())
	assertHasArg(t, args(), flag(runnerv1.FlagDryRun, "true"))
	assertHasArg(t, args(), flag(runnerv1.FlagPath, "tmp"))

	edits := []struct {
		name  string
		edit  func(*tasksv1.CleanupPolicy)
		check func(t *testing.T, cj *batchv1.CronJob)
	}{
		{"dry run off", func(p *tasksv1.CleanupPolicy) { p.Spec.Mode = tasksv1.CleanupDelete }, func(t *testing.T, cj *batchv1.CronJob) {
			diffField(t, "args", wantArgs(), args())
			assertHasArg(t, args(), flag(runnerv1.FlagDryRun, "false"))
		}},
		{"a path removed", func(p *tasksv1.CleanupPolicy) { p.Spec.Paths = p.Spec.Paths[:1] }, func(t *testing.T, cj *batchv1.CronJob) {
			diffField(t, "args", wantArgs(), args())
			assertNoArg(t, args(), flag(runnerv1.FlagPath, "tmp"))
		}},
		{"retention", func(p *tasksv1.CleanupPolicy) { p.Spec.RetentionDays = 30 }, func(t *testing.T, cj *batchv1.CronJob) {
			diffField(t, "args", wantArgs(), args())
			assertHasArg(t, args(), flag(runnerv1.FlagRetentionDays, "30"))
		}},
		{"schedule", func(p *tasksv1.CleanupPolicy) { p.Spec.Schedule = "30 4 * * 1" }, func(t *testing.T, cj *batchv1.CronJob) {
			diffField(t, "schedule", "30 4 * * 1", cj.Spec.Schedule)
		}},
		{"suspend", func(p *tasksv1.CleanupPolicy) { p.Spec.Suspend = ptr.To(true) }, func(t *testing.T, cj *batchv1.CronJob) {
			diffField(t, "suspend", true, *cj.Spec.Suspend)
		}},
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			cur := env.policy(t)
			e.edit(cur)
			if err := env.store.Update(context.Background(), cur); err != nil {
				t.Fatal(err)
			}
			env.reconcile(t)
			e.check(t, env.cronJob(t))
		})
	}
}

func TestCleanupPolicyInvalidCronJobIsReportedNotRetried(t *testing.T) {
	invalid := apierrors.NewInvalid(schema.GroupKind{Group: "batch", Kind: "CronJob"}, "nightly-cleanup", field.ErrorList{
		field.Invalid(field.NewPath("spec", "timeZone"), "Mars/Olympus", "unknown time zone Mars/Olympus"),
	})
	env := newFakeCleanupEnv(interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			if _, ok := obj.(*batchv1.CronJob); ok {
				return invalid
			}
			return c.Create(ctx, obj, opts...)
		},
	}, cleanupPolicy())

	env.reconcile(t) // no error: retrying cannot help, only a spec change can
	ready := meta.FindStatusCondition(env.policy(t).Status.Conditions, tasksv1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionFalse || ready.Reason != tasksv1.ReasonCronJobInvalid {
		t.Fatalf("Ready = %+v, want False/CronJobInvalid", ready)
	}
	diffField(t, "message", invalid.Error(), ready.Message)

	env.reconcile(t) // the same rejection again: the status is unchanged, so no second event
	diffField(t, "events", []string{"Warning CronJobInvalid " + invalid.Error()}, drain(env.recorder))
}

func TestCleanupPolicyRecordsTheLastRun(t *testing.T) {
	p := cleanupPolicy()
	cj := cronJobForPolicy(p, testRunner)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "nightly-cleanup-29100000", Namespace: testNamespace, Labels: cj.Spec.JobTemplate.Labels},
		Spec:       cj.Spec.JobTemplate.Spec,
	}
	jobComplete(t0.Add(-time.Minute))(job)
	pod := runnerPod(job, 0, `{"filesDeleted":4,"bytesFreed":100,"errors":0}`, t0.Add(-time.Minute))
	env := newFakeCleanupEnv(interceptor.Funcs{}, p, job, &pod)

	env.reconcile(t)
	diffField(t, "lastRun", &tasksv1.CleanupRun{
		JobName: "nightly-cleanup-29100000", CompletionTime: at(-time.Minute), Outcome: tasksv1.CleanupSucceeded,
		Mode: tasksv1.CleanupDelete, FilesDeleted: ptr.To[int64](4), BytesFreed: ptr.To[int64](100), Errors: ptr.To[int64](0),
	}, env.policy(t).Status.LastRun)
	diffField(t, "events", []string{"Normal Completed Job nightly-cleanup-29100000 deleted 4 files (100 bytes), 0 errors, mode Delete"}, drain(env.recorder))
}
