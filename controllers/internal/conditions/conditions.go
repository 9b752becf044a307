// Package conditions sets the status conditions both reconcilers write.
package conditions

import (
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Set sets a condition with meta.SetStatusCondition, which keeps lastTransitionTime while the status
// does not change. A transition is stamped with now, passed in from the reconciler's clock, so the code
// that computes a status stays pure.
func Set(conds *[]metav1.Condition, generation int64, now time.Time, condType string, status bool, reason, message string) {
	s := metav1.ConditionFalse
	if status {
		s = metav1.ConditionTrue
	}
	meta.SetStatusCondition(conds, metav1.Condition{
		Type: condType, Status: s, Reason: reason, Message: message, ObservedGeneration: generation,
		LastTransitionTime: metav1.NewTime(now),
	})
}
