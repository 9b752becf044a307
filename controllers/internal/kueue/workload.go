// Package kueue is the operator's side of Kueue (sigs.k8s.io/kueue): how a task's Job is handed to a
// LocalQueue, and what the operator reads from, and changes on, the Workload that Kueue makes of it.
//
// The operator does not import Kueue's Go module, which would pull Kueue's whole dependency tree (its
// scheduler, its integrations for a dozen frameworks) into go.mod for three fields. Workload here is a
// read-only partial type of kueue.x-k8s.io/v1beta2 Workload: JSON decoding keeps the fields below and drops
// the rest, so the informer cache holds a few hundred bytes per Workload instead of its full copy of the pod
// template. The operator never writes a Workload whole: it changes spec.active with a merge patch of that
// one field.
package kueue

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupVersion is the Kueue API version the operator reads (served and stored by Kueue v0.15 and later).
var GroupVersion = schema.GroupVersion{Group: "kueue.x-k8s.io", Version: "v1beta2"}

// Workload condition types the operator reads (Kueue's constants of the same names).
const (
	ConditionQuotaReserved = "QuotaReserved"
	ConditionAdmitted      = "Admitted"
	ConditionEvicted       = "Evicted"
	ConditionFinished      = "Finished"
)

// Workload is the part of a Kueue Workload that the operator reads.
type Workload struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              WorkloadSpec   `json:"spec,omitempty"`
	Status            WorkloadStatus `json:"status,omitempty"`
}

// WorkloadSpec is the part of a Workload's spec that the operator reads.
type WorkloadSpec struct {
	// QueueName is the LocalQueue the Workload waits in.
	QueueName string `json:"queueName,omitempty"`
	// Active false keeps the Workload from being admitted and evicts it when it was (Kueue's way of
	// stopping a workload; it would resume a Job suspended behind its back).
	Active *bool `json:"active,omitempty"`
}

// WorkloadStatus is the part of a Workload's status that the operator reads.
type WorkloadStatus struct {
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// WorkloadList is a list of Workloads.
type WorkloadList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Workload `json:"items"`
}

// AddToScheme registers the partial Workload types.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion, &Workload{}, &WorkloadList{})
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}

// DeepCopyInto copies w into out.
func (w *Workload) DeepCopyInto(out *Workload) {
	*out = *w
	out.TypeMeta = w.TypeMeta
	w.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	if w.Spec.Active != nil {
		active := *w.Spec.Active
		out.Spec.Active = &active
	}
	if w.Status.Conditions != nil {
		out.Status.Conditions = make([]metav1.Condition, len(w.Status.Conditions))
		for i := range w.Status.Conditions {
			w.Status.Conditions[i].DeepCopyInto(&out.Status.Conditions[i])
		}
	}
}

// DeepCopy returns a copy of w.
func (w *Workload) DeepCopy() *Workload {
	if w == nil {
		return nil
	}
	out := &Workload{}
	w.DeepCopyInto(out)
	return out
}

// DeepCopyObject implements runtime.Object.
func (w *Workload) DeepCopyObject() runtime.Object { return w.DeepCopy() }

// DeepCopyObject implements runtime.Object.
func (l *WorkloadList) DeepCopyObject() runtime.Object {
	if l == nil {
		return nil
	}
	out := &WorkloadList{TypeMeta: l.TypeMeta}
	l.ListMeta.DeepCopyInto(&out.ListMeta)
	if l.Items != nil {
		out.Items = make([]Workload, len(l.Items))
		for i := range l.Items {
			l.Items[i].DeepCopyInto(&out.Items[i])
		}
	}
	return out
}
