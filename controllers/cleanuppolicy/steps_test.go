package cleanuppolicy

import (
	"context"
	"errors"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// Every step that fails leaves its reason and the API server's message in the status before Reconcile
// returns the error for backoff, as the task controllers do.
func TestCleanupPolicyWritesAFailedStepToStatus(t *testing.T) {
	quota := apierrors.NewForbidden(schema.GroupResource{Group: "batch", Resource: "cronjobs"}, "nightly-cleanup",
		errors.New("exceeded quota: no-cronjobs, requested: count/cronjobs.batch=1, used: count/cronjobs.batch=0, limited: count/cronjobs.batch=0"))
	unavailable := apierrors.NewServiceUnavailable("etcd is unavailable")
	tests := []struct {
		name    string
		funcs   interceptor.Funcs
		reason  string
		message string
		err     error
	}{
		{
			name: "CronJob refused by a quota",
			funcs: interceptor.Funcs{Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
				if _, ok := obj.(*batchv1.CronJob); ok {
					return quota
				}
				return c.Create(ctx, obj, opts...)
			}},
			reason: tasksv1.ReasonCronJobSyncFailed, message: "create CronJob nightly-cleanup: cronjobs.batch \"nightly-cleanup\" is forbidden: exceeded quota", err: quota,
		},
		{
			name: "cleanup Jobs cannot be listed",
			funcs: interceptor.Funcs{List: func(ctx context.Context, c client.WithWatch, list client.ObjectList, opts ...client.ListOption) error {
				if _, ok := list.(*batchv1.JobList); ok {
					return unavailable
				}
				return c.List(ctx, list, opts...)
			}},
			reason: tasksv1.ReasonListJobsFailed, message: "list cleanup Jobs: etcd is unavailable", err: unavailable,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := newFakeCleanupEnv(tc.funcs, cleanupPolicy())
			_, err := env.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: testNamespace, Name: "nightly"}})
			if !errors.Is(err, tc.err) {
				t.Fatalf("Reconcile error %v, want %v for backoff", err, tc.err)
			}
			st := env.policy(t).Status
			ready := meta.FindStatusCondition(st.Conditions, tasksv1.ConditionReady)
			if ready == nil || ready.Status != metav1.ConditionFalse || ready.Reason != tc.reason || !strings.Contains(ready.Message, tc.message) {
				t.Errorf("Ready = %+v, want False/%s with %q", ready, tc.reason, tc.message)
			}
			diffField(t, "Reconciling", metav1.ConditionTrue, meta.FindStatusCondition(st.Conditions, tasksv1.ConditionReconciling).Status)
			diffField(t, "observedGeneration", int64(1), st.ObservedGeneration)
			if events := drain(env.recorder); len(events) == 0 || !strings.HasPrefix(events[len(events)-1], "Warning "+tc.reason+" ") {
				t.Errorf("events %q, want a warning with reason %s", events, tc.reason)
			}
		})
	}
}
