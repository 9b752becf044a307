package kueue

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

func TestVerdictOf(t *testing.T) {
	cond := func(typ string, status metav1.ConditionStatus, reason, message string) metav1.Condition {
		return metav1.Condition{Type: typ, Status: status, Reason: reason, Message: message}
	}
	wl := func(conds ...metav1.Condition) *Workload {
		return &Workload{ObjectMeta: metav1.ObjectMeta{Name: "job-a-vt-1-1a2b3"}, Status: WorkloadStatus{Conditions: conds}}
	}
	tests := []struct {
		name   string
		w      *Workload
		reason string
	}{
		{"no Workload yet", nil, tasksv1.ReasonWaitingForKueue},
		{"no verdict yet", wl(), tasksv1.ReasonWaitingForKueue},
		{"pending for quota", wl(cond(ConditionQuotaReserved, metav1.ConditionFalse, "Pending", "insufficient unused quota for cpu in flavor default")), "Pending"},
		{"no such queue", wl(cond(ConditionQuotaReserved, metav1.ConditionFalse, "Inadmissible", "LocalQueue x doesn't exist")), "Inadmissible"},
		{"quota reserved, checks pending", wl(cond(ConditionQuotaReserved, metav1.ConditionTrue, "QuotaReserved", "Quota reserved in ClusterQueue cq")), ConditionQuotaReserved},
		{"admitted", wl(cond(ConditionQuotaReserved, metav1.ConditionTrue, "QuotaReserved", ""), cond(ConditionAdmitted, metav1.ConditionTrue, "Admitted", "The workload is admitted")), ConditionAdmitted},
		{"Admitted False says less than QuotaReserved", wl(cond(ConditionAdmitted, metav1.ConditionFalse, "NoReservation", ""), cond(ConditionQuotaReserved, metav1.ConditionFalse, "Pending", "quota")), "Pending"},
		{"evicted", wl(cond(ConditionAdmitted, metav1.ConditionTrue, "Admitted", ""), cond(ConditionEvicted, metav1.ConditionTrue, "Preempted", "Preempted to accommodate a higher priority Workload")), "Preempted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := VerdictOf(tc.w)
			if v.Reason != tc.reason || v.Message == "" {
				t.Errorf("VerdictOf = %+v, want reason %s and a message", v, tc.reason)
			}
		})
	}
}
