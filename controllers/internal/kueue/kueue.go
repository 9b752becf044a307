package kueue

import (
	"context"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// OwnerJobIndex indexes Workloads by the UID of the Job that owns them.
const OwnerJobIndex = "kueue.ownerJobUID"

// AnnotationDeactivatedBySuspend marks a Workload the operator deactivated because its task was suspended,
// so that resuming the task activates only Workloads the operator stopped, never one an administrator did.
const AnnotationDeactivatedBySuspend = "tasks.langflix.io/deactivated-by-suspend"

// Available reports whether the cluster serves Kueue's Workload API (Kueue is installed).
func Available(mapper meta.RESTMapper) bool {
	_, err := mapper.RESTMapping(GroupVersion.WithKind("Workload").GroupKind(), GroupVersion.Version)
	return err == nil
}

// OwnerJobUIDs is the index function of OwnerJobIndex.
func OwnerJobUIDs(obj client.Object) []string {
	var uids []string
	for _, ref := range obj.GetOwnerReferences() {
		if ref.Kind == "Job" && ref.APIVersion == batchv1.SchemeGroupVersion.String() {
			uids = append(uids, string(ref.UID))
		}
	}
	return uids
}

// QueueOf is the LocalQueue a Job was submitted to; empty for a Job Kueue does not manage.
func QueueOf(job *batchv1.Job) string { return job.Labels[tasksv1.LabelKueueQueueName] }

// Submit hands a Job to a LocalQueue: Kueue starts a Job by resuming it, so it is created suspended (there
// is no Kueue webhook to suspend it at creation).
func Submit(job *batchv1.Job, queue string) {
	if job.Labels == nil {
		job.Labels = map[string]string{}
	}
	job.Labels[tasksv1.LabelKueueQueueName] = queue
	job.Spec.Suspend = ptr.To(true)
}

// WorkloadOf returns the Workload of a Job, nil when Kueue has not created it (yet).
func WorkloadOf(ctx context.Context, c client.Reader, job *batchv1.Job) (*Workload, error) {
	var list WorkloadList
	if err := c.List(ctx, &list, client.InNamespace(job.Namespace), client.MatchingFields{OwnerJobIndex: string(job.UID)}); err != nil {
		return nil, fmt.Errorf("list Workloads of Job %s: %w", job.Name, err)
	}
	var newest *Workload
	for i := range list.Items {
		w := &list.Items[i]
		if newest == nil || newest.CreationTimestamp.Before(&w.CreationTimestamp) {
			newest = w
		}
	}
	return newest, nil
}

// IsActive reports whether a Workload may be admitted (spec.active unset or true).
func (w *Workload) IsActive() bool { return ptr.Deref(w.Spec.Active, true) }

// SetActive patches spec.active (and the operator's mark) and nothing else.
func SetActive(ctx context.Context, c client.Client, w *Workload, active bool) error {
	mark := `null`
	if !active {
		mark = `"true"`
	}
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:%s}},"spec":{"active":%t}}`, AnnotationDeactivatedBySuspend, mark, active)
	if err := c.Patch(ctx, w, client.RawPatch(types.MergePatchType, []byte(patch))); err != nil {
		return fmt.Errorf("set active=%t on Workload %s/%s: %w", active, w.Namespace, w.Name, err)
	}
	return nil
}

// Verdict is what Kueue says of a Workload that has not started its Job.
type Verdict struct {
	// Reason is the reason of Kueue's latest word: the Evicted, Admitted or QuotaReserved condition's
	// (Pending, Inadmissible, Preempted, Deactivated, ...), or WaitingForKueue when it said nothing yet.
	Reason string
	// Message is Kueue's message with it.
	Message string
}

// VerdictOf reads a Workload's conditions; w may be nil (no Workload yet).
func VerdictOf(w *Workload) Verdict {
	if w == nil {
		return Verdict{Reason: tasksv1.ReasonWaitingForKueue, Message: "Kueue has not created the Job's Workload yet"}
	}
	verdict := func(reason string, c *metav1.Condition) Verdict {
		return Verdict{Reason: reason, Message: fmt.Sprintf("Workload %s: %s", w.Name, c.Message)}
	}
	// Evicted (preempted, deactivated, ...) explains why an admitted Workload stopped; Admitted that its Job
	// is about to be resumed; QuotaReserved, True or False, where the scheduler stands (its False reasons
	// are Pending and Inadmissible, with the quota or queue that is missing).
	if c := meta.FindStatusCondition(w.Status.Conditions, ConditionEvicted); c != nil && c.Status == metav1.ConditionTrue {
		return verdict(c.Reason, c)
	}
	if c := meta.FindStatusCondition(w.Status.Conditions, ConditionAdmitted); c != nil && c.Status == metav1.ConditionTrue {
		return verdict(ConditionAdmitted, c)
	}
	if c := meta.FindStatusCondition(w.Status.Conditions, ConditionQuotaReserved); c != nil {
		if c.Status == metav1.ConditionTrue {
			return verdict(ConditionQuotaReserved, c)
		}
		return verdict(c.Reason, c)
	}
	return Verdict{Reason: tasksv1.ReasonWaitingForKueue, Message: fmt.Sprintf("Workload %s waits for Kueue's scheduler", w.Name)}
}
