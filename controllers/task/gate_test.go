package task

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// An attempt the queue holds back is not opened: the status keeps the attempt before it current, with the
// end this reconcile recorded, and the attempt count it had.
func TestWaitInPlanTakesBackTheOpenedAttempt(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { return ptr.To(metav1.NewTime(now.Add(d))) }
	first := tasksv1.AttemptStatus{Number: 1, JobName: "t-vt-1", JobUID: "uid-1", CreateTime: at(-time.Hour)}
	firstEnded := first
	firstEnded.FinishTime, firstEnded.Reason = at(-time.Minute), tasksv1.ReasonAttemptFailed
	second := tasksv1.AttemptStatus{Number: 2, JobName: "t-vt-2"}
	resumed := tasksv1.AttemptStatus{Number: 1, JobName: "t-vt-1", JobUID: "uid-1", CreateTime: at(-time.Hour)}

	for _, tc := range []struct {
		name            string
		stored, planned tasksv1.TaskStatus
		wantCurrent     *tasksv1.AttemptStatus
		wantPrevious    []tasksv1.AttemptStatus
		wantAttempts    int32
		wantJobName     string
	}{
		{
			name:    "the first attempt: none stays",
			stored:  tasksv1.TaskStatus{},
			planned: tasksv1.TaskStatus{Attempts: 1, JobName: "t-vt-1", CurrentAttempt: &tasksv1.AttemptStatus{Number: 1, JobName: "t-vt-1"}, StartTime: at(0)},
		},
		{
			name:         "a retry: the failed attempt stays current, with its end",
			stored:       tasksv1.TaskStatus{Attempts: 1, JobName: "t-vt-1", CurrentAttempt: &first, StartTime: at(-time.Hour)},
			planned:      tasksv1.TaskStatus{Attempts: 2, JobName: "t-vt-2", CurrentAttempt: &second, PreviousAttempts: []tasksv1.AttemptStatus{firstEnded}, StartTime: at(-time.Hour)},
			wantCurrent:  &firstEnded,
			wantAttempts: 1, wantJobName: "t-vt-1",
		},
		{
			name:         "a suspended Job to resume: its attempt stays",
			stored:       tasksv1.TaskStatus{Attempts: 1, JobName: "t-vt-1", CurrentAttempt: &resumed, StartTime: at(-time.Hour)},
			planned:      tasksv1.TaskStatus{Attempts: 1, JobName: "t-vt-1", CurrentAttempt: &resumed, StartTime: at(-time.Hour)},
			wantCurrent:  &resumed,
			wantAttempts: 1, wantJobName: "t-vt-1",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := taskPlan{status: tc.planned, createJob: true}
			waitInPlan(&plan, tc.stored, taskObservation{}, now, tasksv1.ReasonWaitingForCapacity, "waits", tasksv1.QueueStatus{Position: 3})
			st := plan.status
			if plan.createJob || plan.suspendJob != nil {
				t.Errorf("the plan still creates or resumes a Job")
			}
			if diff := cmp.Diff(tc.wantCurrent, st.CurrentAttempt); diff != "" {
				t.Errorf("currentAttempt (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantPrevious, st.PreviousAttempts); diff != "" {
				t.Errorf("previousAttempts (-want +got):\n%s", diff)
			}
			if st.Attempts != tc.wantAttempts || st.JobName != tc.wantJobName {
				t.Errorf("attempts %d, jobName %q; want %d, %q", st.Attempts, st.JobName, tc.wantAttempts, tc.wantJobName)
			}
			if diff := cmp.Diff(tc.stored.StartTime, st.StartTime); diff != "" {
				t.Errorf("startTime (-want +got):\n%s", diff)
			}
			if st.Phase != tasksv1.TaskQueued || st.Reason != tasksv1.ReasonWaitingForCapacity || st.Queue.Position != 3 {
				t.Errorf("phase %s, reason %s, queue %+v", st.Phase, st.Reason, st.Queue)
			}
		})
	}
}
