package conditions

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// State is an object's summary for GitOps tools, written as the Ready, Reconciling and Stalled conditions
// that kstatus (sigs.k8s.io/cli-utils/pkg/kstatus, used by Flux and kpt) and Argo CD read. kstatus looks at
// observedGeneration (behind: InProgress), then Reconciling=True (InProgress), Stalled=True (Failed), and
// last Ready (True: Current, False: InProgress). Every state below sets all three conditions.
type State int

const (
	// Reconciling: the operator is still working towards the desired state (an attempt queued or running,
	// a retry waiting, a failed step being retried). Ready=False, Reconciling=True, Stalled=False.
	Reconciling State = iota
	// Ready: the desired state is reached (a task succeeded, a policy's CronJob is in place).
	// Ready=True, Reconciling=False, Stalled=False.
	Ready
	// Stalled: nothing changes without the user (a task failed for good, the API server rejects what the
	// operator must create). Ready=False, Reconciling=False, Stalled=True.
	Stalled
	// Idle: deliberately not working and not done (spec.suspend). Ready=False, Reconciling=False,
	// Stalled=False: kstatus reads it as InProgress, since the object has not reached its end and resumes
	// when its user lets it.
	Idle
)

// SetSummary writes the three summary conditions for state, with reason and message on the one that
// describes it (and on Ready, which always says why it is or is not True).
func SetSummary(conds *[]metav1.Condition, generation int64, now time.Time, state State, reason, message string) {
	set := func(condType string, status bool, reason, message string) {
		Set(conds, generation, now, condType, status, reason, message)
	}
	switch state {
	case Reconciling:
		set(tasksv1.ConditionReady, false, reason, message)
		set(tasksv1.ConditionReconciling, true, reason, message)
		set(tasksv1.ConditionStalled, false, tasksv1.ReasonNotStalled, "")
	case Ready:
		set(tasksv1.ConditionReady, true, reason, message)
		set(tasksv1.ConditionReconciling, false, tasksv1.ReasonFinished, "")
		set(tasksv1.ConditionStalled, false, tasksv1.ReasonNotStalled, "")
	case Stalled:
		set(tasksv1.ConditionReady, false, reason, message)
		set(tasksv1.ConditionReconciling, false, tasksv1.ReasonFinished, "")
		set(tasksv1.ConditionStalled, true, reason, message)
	case Idle:
		set(tasksv1.ConditionReady, false, reason, message)
		set(tasksv1.ConditionReconciling, false, reason, message)
		set(tasksv1.ConditionStalled, false, tasksv1.ReasonNotStalled, "")
	}
}
