//go:build chaos

package chaos

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// visibleWithin is the bound: a refused or stuck task says why in its status within a minute.
const visibleWithin = time.Minute

// Scenario 5: manifests the API used to accept but that cannot make a valid Job or run, and a quota that
// refuses Jobs. Each is rejected at apply, or ends in a terminal phase with the API server's words within
// a minute; the quota shows as QuotaExceeded and the task runs once the quota goes. None stays empty.
func scenarioInvalidManifests(ctx context.Context, t *testing.T, e *env, _ *operator) result {
	r := result{name: "5 invalid manifests, a quota"}
	ns, _, _ := scenarioSetup(ctx, t, e, "invalid")
	vt := func(name string) *testutil.VideoTaskWrapper {
		return testutil.MakeVideoTask(name, ns).PVC(claim).Retries(0)
	}
	tooMuch := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("4Gi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")},
	}
	gpu := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{"example.com/gpu": resource.MustParse("2")},
		Limits:   corev1.ResourceList{"example.com/gpu": resource.MustParse("1")},
	}
	twoVolumes := testutil.PVCSource(claim)
	twoVolumes.EmptyDir = &corev1.EmptyDirVolumeSource{}
	cases := []struct {
		what string
		obj  client.Object
	}{
		{"a 64-character name", vt(strings.Repeat("n", 64)).Obj()},
		// As a YAML manifest sends it; a Go client cannot (the field is omitzero).
		{"spec.storage: {}", testutil.WithField(vt("empty-storage").Obj(), map[string]any{}, "spec", "storage")},
		{"two volume types in spec.storage", vt("two-volumes").Storage(twoVolumes).Obj()},
		{"an API key Secret key with a space", vt("secret-key").LLM("https://127.0.0.1:1/v1", "m").APIKeySecret("llm", "api key").Obj()},
		{"a memory request above its limit", vt("requests").Resources(tooMuch).Obj()},
		{"a malformed serviceAccountName", vt("bad-sa").ServiceAccount("My_Runner").Obj()},
		{"an extended resource requested above its limit (the Job is invalid)", vt("gpu").Resources(gpu).Obj()},
		{"a Job an admission policy denies", vt("denied").Obj()},
	}
	if err := denyPolicy(ctx, e, ns, "denied"); err != nil {
		r.expect(false, "admission policy: %v", err)
	}
	t.Cleanup(func() { deletePolicies(context.Background(), e) })

	var accepted []client.Object
	for _, c := range cases {
		err := e.c.Create(ctx, c.obj)
		switch {
		case apierrors.IsInvalid(err):
			r.note("%s: rejected at apply: %s", c.what, causeOf(err))
		case err != nil:
			r.expect(false, "%s: create: %v", c.what, err)
		default:
			accepted = append(accepted, c.obj)
			r.note("%s: accepted by the API", c.what)
		}
	}

	// A namespace whose quota allows no Jobs.
	quotaNS, _, _ := scenarioSetup(ctx, t, e, "quota")
	quota := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "no-jobs", Namespace: quotaNS},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"count/jobs.batch": resource.MustParse("0")}}}
	if err := e.c.Create(ctx, quota); err != nil {
		r.expect(false, "quota: %v", err)
	}
	waitQuotaCalculated(ctx, e, quota)
	quotaTask := fakeTask(quotaNS, "under-quota", 2, 0, 5)
	if err := e.c.Create(ctx, quotaTask); err != nil {
		r.expect(false, "create the task under quota: %v", err)
	}

	// Within a minute every accepted task says what happened, in the API server's words.
	for _, obj := range append(accepted, quotaTask) {
		st, took := waitStatus(ctx, e, obj, visibleWithin, func(st tasksv1.TaskStatus) bool {
			return st.Phase == tasksv1.TaskFailed || st.Reason == tasksv1.ReasonQuotaExceeded
		})
		r.note("%s: %s %s after %s: %s", obj.GetName(), st.Phase, st.Reason, took.Round(time.Second), truncate(st.Message, 160))
		switch obj.GetName() {
		case "under-quota":
			r.expect(st.Phase == tasksv1.TaskPending && st.Reason == tasksv1.ReasonQuotaExceeded &&
				strings.Contains(st.Message, "exceeded quota"), "the task under quota is %s %s: %s", st.Phase, st.Reason, st.Message)
		default:
			r.expect(st.Phase == tasksv1.TaskFailed && st.Reason == tasksv1.ReasonJobRejected && st.Message != "",
				"%s is %s %s within a minute, want Failed JobRejected with the API server's message", obj.GetName(), st.Phase, st.Reason)
		}
	}
	// Once the quota goes, the refused Job is created and the task runs.
	if err := e.c.Delete(ctx, quota); err != nil {
		r.expect(false, "delete the quota: %v", err)
	}
	st, took := waitStatus(ctx, e, quotaTask, 3*time.Minute, func(st tasksv1.TaskStatus) bool { return st.Phase.IsFinished() })
	r.note("under-quota after the quota went: %s after %s", st.Phase, took.Round(time.Second))
	r.expect(st.Phase == tasksv1.TaskSucceeded, "the task under quota did not succeed once the quota went: %s %s", st.Phase, st.Reason)

	tasks, _ := listTasks(ctx, e.c, ns)
	quotaTasks, _ := listTasks(ctx, e.c, quotaNS)
	r.count(append(tasks, quotaTasks...))
	empty := 0
	for _, task := range append(tasks, quotaTasks...) {
		if task.phase == "" || task.message == "" {
			empty++
		}
	}
	r.note("manifests: %d, rejected at apply: %d, accepted: %d; tasks with an empty status: %d",
		len(cases), len(cases)-len(accepted), len(accepted), empty)
	r.expect(empty == 0, "%d tasks have an empty status", empty)
	r.expect(r.lost == 0, "%d tasks have no terminal phase", r.lost)
	return r
}

// Scenario 6: pods that cannot start. Each says why in its status within a minute (the kubelet's waiting
// reason, the scheduler's message, the Job controller's FailedCreate); a missing PVC, Secret or
// ServiceAccount fails the task after the operator's grace (30s here, 2m by default) instead of waiting out
// the hard limit; an unschedulable pod fails its attempt at spec.timeLimits.startSeconds.
func scenarioPodsThatCannotStart(ctx context.Context, t *testing.T, e *env, _ *operator) result {
	r := result{name: "6 pods that cannot start"}
	ns, _, _ := scenarioSetup(ctx, t, e, "nostart")
	vt := func(name string) *testutil.VideoTaskWrapper {
		return testutil.MakeVideoTask(name, ns).PVC(claim).Retries(0)
	}
	cases := []struct {
		obj          client.Object
		waiting      string
		finalReason  string
		permanent    bool
		messageHolds string
	}{
		{vt("missing-pvc").PVC("no-such-claim").Obj(), tasksv1.ReasonUnschedulable, tasksv1.ReasonPodConfigurationError, true, `persistentvolumeclaim "no-such-claim" not found`},
		{vt("missing-secret").LLM("https://127.0.0.1:1/v1", "m").APIKeySecret("no-such-secret", "api-key").Obj(),
			"CreateContainerConfigError", tasksv1.ReasonPodConfigurationError, true, "no-such-secret"},
		{vt("missing-sa").ServiceAccount("no-such-runner").Obj(), tasksv1.ReasonFailedCreate, tasksv1.ReasonPodConfigurationError, true, "no-such-runner"},
		{vt("unschedulable").StartLimit(45).Resources(corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1000")}}).Obj(),
			tasksv1.ReasonUnschedulable, tasksv1.ReasonBackoffLimitExceeded, false, "Insufficient cpu"},
	}
	for _, c := range cases {
		if err := e.c.Create(ctx, c.obj); err != nil {
			r.expect(false, "create %s: %v", c.obj.GetName(), err)
		}
	}
	// Watch all of them at once: when each first says why it waits, and how it ends.
	type seen struct {
		waitingAfter, endedAfter time.Duration
		waiting, ended           *tasksv1.TaskStatus
	}
	obs := make([]seen, len(cases))
	deadline := time.Now().Add(4 * time.Minute)
	for time.Now().Before(deadline) {
		open := 0
		for i, c := range cases {
			if obs[i].ended != nil {
				continue
			}
			open++
			task := c.obj.DeepCopyObject().(tasksv1.Task)
			if err := e.c.Get(ctx, client.ObjectKeyFromObject(c.obj), task.(client.Object)); err != nil {
				continue
			}
			st := *task.GetTaskStatus()
			age := time.Since(task.GetCreationTimestamp().Time)
			if obs[i].waiting == nil && st.Reason == c.waiting && strings.Contains(st.Message, c.messageHolds) {
				obs[i].waiting, obs[i].waitingAfter = &st, age
			}
			if st.Phase.IsFinished() {
				obs[i].ended, obs[i].endedAfter = &st, age
			}
		}
		if open == 0 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	for i, c := range cases {
		name, o := c.obj.GetName(), obs[i]
		if o.waiting == nil {
			r.expect(false, "%s never said %s naming %q", name, c.waiting, c.messageHolds)
		} else {
			r.note("%s: %s %s after %s: %s", name, o.waiting.Phase, o.waiting.Reason, o.waitingAfter.Round(time.Second), truncate(o.waiting.Message, 200))
			r.expect(o.waitingAfter <= visibleWithin, "%s said why only after %s", name, o.waitingAfter.Round(time.Second))
		}
		if o.ended == nil {
			r.expect(false, "%s did not end within 4 minutes (its hard limit is 30m)", name)
			continue
		}
		st := o.ended
		r.note("%s: %s %s %s after creation (the hard limit is 30m): %s", name, st.Phase, st.Reason,
			o.endedAfter.Round(time.Second), truncate(st.Message, 200))
		r.expect(st.Phase == tasksv1.TaskFailed && st.Reason == c.finalReason, "%s ended %s %s, want Failed %s",
			name, st.Phase, st.Reason, c.finalReason)
		if !c.permanent {
			r.expect(st.CurrentAttempt != nil && st.CurrentAttempt.Reason == tasksv1.ReasonStartTimeLimitExceeded,
				"%s: its attempt did not end at the start limit: %+v", name, st.CurrentAttempt)
		}
	}
	tasks, _ := listTasks(ctx, e.c, ns)
	r.count(tasks)
	r.expect(r.lost == 0, "%d tasks have no terminal phase", r.lost)
	return r
}

// waitStatus polls a task's status until done holds or the time is up, and says how long after the
// task's creation that was.
func waitStatus(ctx context.Context, e *env, obj client.Object, within time.Duration, done func(tasksv1.TaskStatus) bool) (tasksv1.TaskStatus, time.Duration) {
	task := obj.DeepCopyObject().(tasksv1.Task)
	key := client.ObjectKeyFromObject(obj)
	end := time.Now().Add(within)
	for {
		if err := e.c.Get(ctx, key, task.(client.Object)); err == nil {
			st := *task.GetTaskStatus()
			if done(st) || time.Now().After(end) {
				return st, time.Since(task.GetCreationTimestamp().Time)
			}
		} else if time.Now().After(end) {
			return tasksv1.TaskStatus{}, within
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func waitQuotaCalculated(ctx context.Context, e *env, quota *corev1.ResourceQuota) {
	end := time.Now().Add(time.Minute)
	for time.Now().Before(end) {
		if err := e.c.Get(ctx, client.ObjectKeyFromObject(quota), quota); err == nil && len(quota.Status.Hard) > 0 {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// denyPolicy installs a ValidatingAdmissionPolicy that denies the Jobs of one task in ns, as a cluster's
// policy engine could, and waits until it is in force.
func denyPolicy(ctx context.Context, e *env, ns, task string) error {
	name := "chaos-deny-" + ns
	policy := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"langflix.dev/chaos": "true"}},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: ptr.To(admissionv1.Fail),
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: []admissionv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionv1.RuleWithOperations{Operations: []admissionv1.OperationType{admissionv1.Create},
					Rule: admissionv1.Rule{APIGroups: []string{"batch"}, APIVersions: []string{"v1"}, Resources: []string{"jobs"}}},
			}}},
			Validations: []admissionv1.Validation{{
				Expression: fmt.Sprintf("!has(object.metadata.labels) || !('%s' in object.metadata.labels) || object.metadata.labels['%s'] != '%s'",
					tasksv1.LabelTask, tasksv1.LabelTask, task),
				Message: "this cluster's policy allows no lesson Jobs named " + task,
			}},
		},
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"langflix.dev/chaos": "true"}},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{PolicyName: name,
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
			MatchResources: &admissionv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
				MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}}}},
	}
	for _, obj := range []client.Object{policy, binding} {
		if err := e.c.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
	}
	// The API server compiles a new policy within a few seconds: probe with a dry-run Job until it denies.
	probe := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "probe-", Namespace: ns, Labels: map[string]string{tasksv1.LabelTask: task}},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}},
	}
	end := time.Now().Add(time.Minute)
	for time.Now().Before(end) {
		if err := e.c.Create(ctx, probe.DeepCopy(), client.DryRunAll); err != nil {
			return nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("policy %s denies nothing after a minute", name)
}

func deletePolicies(ctx context.Context, e *env) {
	sel := client.MatchingLabels{"langflix.dev/chaos": "true"}
	_ = e.c.DeleteAllOf(ctx, &admissionv1.ValidatingAdmissionPolicyBinding{}, sel)
	_ = e.c.DeleteAllOf(ctx, &admissionv1.ValidatingAdmissionPolicy{}, sel)
}

func causeOf(err error) string {
	if status, ok := err.(apierrors.APIStatus); ok && status.Status().Details != nil && len(status.Status().Details.Causes) > 0 {
		c := status.Status().Details.Causes[0]
		return c.Field + ": " + c.Message
	}
	return err.Error()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
