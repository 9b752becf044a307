package task

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// API server refusals, in its own words.
var (
	quotaExceeded = apierrors.NewForbidden(schema.GroupResource{Group: "batch", Resource: "jobs"}, "episode-1-vt-1",
		errors.New("exceeded quota: no-jobs, requested: count/jobs.batch=1, used: count/jobs.batch=0, limited: count/jobs.batch=0"))
	jobInvalid = apierrors.NewInvalid(schema.GroupKind{Group: "batch", Kind: "Job"}, "episode-1-vt-1", field.ErrorList{
		field.Forbidden(field.NewPath("spec", "template", "spec", "priorityClassName"), "no PriorityClass with name batch-low was found")})
	unavailable  = apierrors.NewServiceUnavailable("etcd is unavailable")
	policyDenied = apierrors.NewForbidden(schema.GroupResource{Group: "batch", Resource: "jobs"}, "episode-1-vt-1",
		errors.New("ValidatingAdmissionPolicy 'no-gpu-for-lessons' with binding 'lessons' denied request: lessons run without GPUs"))
	rbacForbidden = apierrors.NewForbidden(schema.GroupResource{Group: "batch", Resource: "jobs"}, "",
		errors.New(`user "system:serviceaccount:langflix-system:langflix-operator" cannot create resource "jobs" in API group "batch" in the namespace "lessons"`))
)

// Every step that fails leaves its reason and the API server's message in the status before Reconcile
// returns the error for backoff, the same way whatever the step.
func TestReconcileWritesAFailedStepToStatus(t *testing.T) {
	fresh := func() *tasksv1.VideoTask { return stored(videoTaskBuilder().Obj()) }
	withFinalizer := func() *tasksv1.VideoTask {
		task := fresh()
		task.Finalizers = []string{taskFinalizer}
		return task
	}
	failCreate := func(of client.Object, err error) interceptor.Funcs {
		return interceptor.Funcs{Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			if sameKind(obj, of) {
				return err
			}
			return c.Create(ctx, obj, opts...)
		}}
	}
	tests := []struct {
		name      string
		task      *tasksv1.VideoTask
		objs      []client.Object
		funcs     interceptor.Funcs
		reason    string
		message   string
		phase     tasksv1.TaskPhase
		stalled   bool
		wantError error
	}{
		{
			name: "Job refused by a quota: pending, retried", task: withFinalizer(), funcs: failCreate(&batchv1.Job{}, quotaExceeded),
			reason: tasksv1.ReasonQuotaExceeded, message: "create Job episode-1-vt-1: jobs.batch \"episode-1-vt-1\" is forbidden: exceeded quota",
			phase: tasksv1.TaskPending, wantError: quotaExceeded,
		},
		{
			name: "Job rejected as invalid: the task fails for good, no retry", task: withFinalizer(), funcs: failCreate(&batchv1.Job{}, jobInvalid),
			reason: tasksv1.ReasonJobRejected, message: "no PriorityClass with name batch-low was found",
			phase: tasksv1.TaskFailed, stalled: true,
		},
		{
			name: "Job denied by an admission policy: the task fails for good", task: withFinalizer(), funcs: failCreate(&batchv1.Job{}, policyDenied),
			reason: tasksv1.ReasonJobRejected, message: "ValidatingAdmissionPolicy 'no-gpu-for-lessons' with binding 'lessons' denied request",
			phase: tasksv1.TaskFailed, stalled: true,
		},
		{
			name: "the operator may not create Jobs (RBAC): pending, retried until its Role is fixed", task: withFinalizer(), funcs: failCreate(&batchv1.Job{}, rbacForbidden),
			reason: tasksv1.ReasonJobCreateFailed, message: "cannot create resource \"jobs\"",
			phase: tasksv1.TaskPending, wantError: rbacForbidden,
		},
		{
			name: "the API server times out: pending, retried", task: withFinalizer(), funcs: failCreate(&batchv1.Job{}, unavailable),
			reason: tasksv1.ReasonJobCreateFailed, message: "etcd is unavailable", phase: tasksv1.TaskPending, wantError: unavailable,
		},
		{
			name: "a foreign Job holds the attempt's name: the task fails for good", task: withFinalizer(),
			objs:   []client.Object{&batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "episode-1-vt-1", Namespace: testNamespace, UID: "someone-elses"}}},
			reason: tasksv1.ReasonJobNameConflict, message: "Job lessons/episode-1-vt-1 exists already and is not this task's (no controller)",
			phase: tasksv1.TaskFailed, stalled: true,
		},
		{
			name: "runner ServiceAccount refused", task: withFinalizer(), funcs: failCreate(&corev1.ServiceAccount{}, unavailable),
			reason: tasksv1.ReasonRunnerAccessFailed, message: "create runner ServiceAccount lessons/langflix-runner: etcd is unavailable",
			phase: tasksv1.TaskPending, wantError: unavailable,
		},
		{
			name: "Jobs cannot be listed", task: withFinalizer(),
			funcs: interceptor.Funcs{List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
				if _, ok := list.(*batchv1.JobList); ok {
					return unavailable
				}
				return c.List(ctx, list, opts...)
			}},
			reason: tasksv1.ReasonListJobsFailed, message: "list Jobs of lessons/episode-1: etcd is unavailable", wantError: unavailable,
		},
		{
			name: "finalizer cannot be added", task: fresh(),
			funcs: interceptor.Funcs{Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, p client.Patch, opts ...client.PatchOption) error {
				return unavailable
			}},
			reason: tasksv1.ReasonFinalizerFailed, message: "add finalizer to lessons/episode-1: etcd is unavailable", wantError: unavailable,
		},
		{
			name: "Job cannot be suspended",
			task: func() *tasksv1.VideoTask {
				task := withFinalizer()
				task.Spec.Suspend = ptr.To(true)
				task.Status = tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 1, StartTime: at(-1)}
				return task
			}(),
			objs: []client.Object{attemptJob(fresh(), tasksv1.KindVideoTask, 1, jobReady)},
			funcs: interceptor.Funcs{Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, p client.Patch, opts ...client.PatchOption) error {
				if _, ok := obj.(*batchv1.Job); ok {
					return unavailable
				}
				return c.Patch(ctx, obj, p, opts...)
			}},
			reason: tasksv1.ReasonSuspendJobFailed, message: "set suspend=true on Job lessons/episode-1-vt-1: etcd is unavailable",
			phase: tasksv1.TaskCancelled, wantError: unavailable,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newFakeEnv(t, tc.funcs, append([]client.Object{tc.task}, tc.objs...)...)
			_, err := env.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(tc.task)})
			if !errors.Is(err, tc.wantError) {
				t.Fatalf("Reconcile error %v, want %v for backoff", err, tc.wantError)
			}
			st := env.task(t).Status
			if env.statusApplies.Load() != 1 {
				t.Errorf("%d status writes, want exactly one", env.statusApplies.Load())
			}
			diffField(t, "observedGeneration", tc.task.Generation, st.ObservedGeneration)
			if tc.phase != "" {
				diffField(t, "phase", tc.phase, st.Phase)
			}
			diffField(t, "reason", tc.reason, st.Reason)
			if tc.phase == tasksv1.TaskFailed {
				if st.CurrentAttempt == nil || st.CurrentAttempt.FinishTime == nil || st.CurrentAttempt.Reason != tc.reason || st.CompletionTime == nil {
					t.Errorf("a task failed by a step ends its attempt with the step's reason: %+v, completion %v", st.CurrentAttempt, st.CompletionTime)
				}
			}
			if !strings.Contains(st.Message, tc.message) {
				t.Errorf("message %q, want the API server's words %q", st.Message, tc.message)
			}
			ready := meta.FindStatusCondition(st.Conditions, tasksv1.ConditionReady)
			if ready == nil || ready.Status != metav1.ConditionFalse || ready.Reason != tc.reason || ready.Message != st.Message {
				t.Errorf("Ready = %+v, want False/%s with the message", ready, tc.reason)
			}
			wantReconciling, wantStalled := metav1.ConditionTrue, metav1.ConditionFalse
			if tc.stalled {
				wantReconciling, wantStalled = metav1.ConditionFalse, metav1.ConditionTrue
			}
			if tc.phase == tasksv1.TaskFailed {
				diffField(t, "Failed", metav1.ConditionTrue, meta.FindStatusCondition(st.Conditions, tasksv1.ConditionFailed).Status)
			}
			diffField(t, "Reconciling", wantReconciling, meta.FindStatusCondition(st.Conditions, tasksv1.ConditionReconciling).Status)
			diffField(t, "Stalled", wantStalled, meta.FindStatusCondition(st.Conditions, tasksv1.ConditionStalled).Status)
			if events := env.events(); !containsPrefix(events, "Warning "+tc.reason+" ") {
				t.Errorf("events %q, want a warning with reason %s", events, tc.reason)
			}
		})
	}
}

// Once the step succeeds again, the status tells so: the error is gone from reason, message and Ready.
func TestReconcileClearsAFailedStepWhenItSucceeds(t *testing.T) {
	task := stored(videoTaskBuilder().Obj())
	task.Finalizers = []string{taskFinalizer}
	refuse := true
	env := newFakeEnv(t, interceptor.Funcs{Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
		if _, ok := obj.(*batchv1.Job); ok && refuse {
			return quotaExceeded
		}
		return c.Create(ctx, obj, opts...)
	}}, task)
	if _, err := env.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(task)}); err == nil {
		t.Fatal("Reconcile succeeded although the Job was refused")
	}
	diffField(t, "reason while refused", tasksv1.ReasonQuotaExceeded, env.task(t).Status.Reason)

	refuse = false
	env.reconcile(t)
	st := env.task(t).Status
	diffField(t, "phase", tasksv1.TaskQueued, st.Phase)
	diffField(t, "reason", tasksv1.ReasonJobCreated, st.Reason)
	diffField(t, "Ready reason", tasksv1.ReasonJobCreated, meta.FindStatusCondition(st.Conditions, tasksv1.ConditionReady).Reason)
	diffField(t, "Jobs", []string{"episode-1-vt-1"}, env.jobNames(t))
}

// A status write that fails is returned too, so the reconcile is retried; nothing panics.
func TestReconcileReturnsAFailedStatusWrite(t *testing.T) {
	task := stored(videoTaskBuilder().Obj())
	env := newFakeEnv(t, interceptor.Funcs{SubResourceApply: func(context.Context, client.Client, string, runtime.ApplyConfiguration, ...client.SubResourceApplyOption) error {
		return unavailable
	}}, task)
	_, err := env.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKeyFromObject(task)})
	if !errors.Is(err, unavailable) {
		t.Fatalf("Reconcile error %v, want the failed status write", err)
	}
}

func sameKind(a, b client.Object) bool { return reflect.TypeOf(a) == reflect.TypeOf(b) }

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
