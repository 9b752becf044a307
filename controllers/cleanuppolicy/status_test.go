package cleanuppolicy

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

func TestComputeCleanupStatus(t *testing.T) {
	policy := cleanupPolicy()
	policy.Generation = 4
	cronJob := cronJobForPolicy(policy, testRunner)
	cronJob.Status.LastScheduleTime = at(-time.Hour)
	cronJob.Status.LastSuccessfulTime = at(-59 * time.Minute)

	// cleanupJob is a Job the CronJob controller started, finished by mods.
	cleanupJob := func(name string, mods ...jobMod) *batchv1.Job {
		job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: policy.Namespace, Labels: cronJob.Spec.JobTemplate.Labels}}
		for _, m := range mods {
			m(job)
		}
		return job
	}
	summary := func(exitCode int32, message string) *jobs.Termination {
		return jobs.TerminationFromPods([]corev1.Pod{runnerPod(cleanupJob("any"), exitCode, message, t0)})
	}
	ready := metav1.Condition{Type: tasksv1.ConditionReady, Status: metav1.ConditionTrue, Reason: tasksv1.ReasonCronJobReady,
		Message: "CronJob nightly-cleanup runs on schedule 0 2 * * *", ObservedGeneration: 4}
	// kstatus is the Reconciling and Stalled conditions beside Ready.
	kstatus := func(reconciling bool, reconcilingReason string, stalled bool, stalledReason, message string) []metav1.Condition {
		status := func(b bool) metav1.ConditionStatus {
			if b {
				return metav1.ConditionTrue
			}
			return metav1.ConditionFalse
		}
		rMsg, sMsg := "", ""
		if reconciling {
			rMsg = message
		}
		if stalled {
			sMsg = message
		}
		return []metav1.Condition{
			{Type: tasksv1.ConditionReconciling, Status: status(reconciling), Reason: reconcilingReason, Message: rMsg, ObservedGeneration: 4},
			{Type: tasksv1.ConditionStalled, Status: status(stalled), Reason: stalledReason, Message: sMsg, ObservedGeneration: 4},
		}
	}
	withSchedule := func(st tasksv1.CleanupPolicyStatus) tasksv1.CleanupPolicyStatus {
		st.ObservedGeneration, st.CronJobName = 4, "nightly-cleanup"
		st.LastScheduleTime, st.LastSuccessfulTime = at(-time.Hour), at(-59*time.Minute)
		st.Conditions = append([]metav1.Condition{ready}, kstatus(false, tasksv1.ReasonFinished, false, tasksv1.ReasonNotStalled, "")...)
		return st
	}
	earlierRun := &tasksv1.CleanupRun{JobName: "nightly-cleanup-29000000", Outcome: tasksv1.CleanupSucceeded,
		Mode: tasksv1.CleanupDelete, FilesDeleted: ptr.To[int64](9), CompletionTime: at(-24 * time.Hour)}

	tests := []struct {
		name   string
		status tasksv1.CleanupPolicyStatus
		obs    cleanupObservation
		want   tasksv1.CleanupPolicyStatus
	}{
		{
			name: "CronJob not created yet",
			want: tasksv1.CleanupPolicyStatus{ObservedGeneration: 4, Conditions: append([]metav1.Condition{{
				Type: tasksv1.ConditionReady, Status: metav1.ConditionFalse, Reason: tasksv1.ReasonJobMissing,
				Message: "the CronJob is not created yet", ObservedGeneration: 4,
			}}, kstatus(true, tasksv1.ReasonJobMissing, false, tasksv1.ReasonNotStalled, "the CronJob is not created yet")...)},
		},
		{
			name: "API server rejected the CronJob",
			obs:  cleanupObservation{syncErr: errors.New(`CronJob.batch "nightly-cleanup" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus`)},
			want: tasksv1.CleanupPolicyStatus{ObservedGeneration: 4, Conditions: append([]metav1.Condition{{
				Type: tasksv1.ConditionReady, Status: metav1.ConditionFalse, Reason: tasksv1.ReasonCronJobInvalid,
				Message:            `CronJob.batch "nightly-cleanup" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus`,
				ObservedGeneration: 4,
			}}, kstatus(false, tasksv1.ReasonFinished, true, tasksv1.ReasonCronJobInvalid,
				`CronJob.batch "nightly-cleanup" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus`)...)},
		},
		{
			name: "CronJob in place, no run yet",
			obs:  cleanupObservation{cronJob: cronJob},
			want: withSchedule(tasksv1.CleanupPolicyStatus{}),
		},
		{
			name: "a successful run with the runner's summary",
			obs: cleanupObservation{cronJob: cronJob, lastJob: cleanupJob("nightly-cleanup-29100000", jobComplete(t0.Add(-58*time.Minute))),
				lastTermination: summary(0, `{"filesDeleted":4,"bytesFreed":100,"errors":0}`)},
			want: withSchedule(tasksv1.CleanupPolicyStatus{LastRun: &tasksv1.CleanupRun{
				JobName: "nightly-cleanup-29100000", CompletionTime: at(-58 * time.Minute), Outcome: tasksv1.CleanupSucceeded,
				Mode: tasksv1.CleanupDelete, FilesDeleted: ptr.To[int64](4), BytesFreed: ptr.To[int64](100), Errors: ptr.To[int64](0),
			}}),
		},
		{
			name: "a dry run",
			obs: cleanupObservation{cronJob: cronJob, lastJob: cleanupJob("nightly-cleanup-29100000", jobComplete(t0.Add(-58*time.Minute))),
				lastTermination: summary(0, `{"filesDeleted":12,"bytesFreed":4096,"errors":2,"dryRun":true}`)},
			want: withSchedule(tasksv1.CleanupPolicyStatus{LastRun: &tasksv1.CleanupRun{
				JobName: "nightly-cleanup-29100000", CompletionTime: at(-58 * time.Minute), Outcome: tasksv1.CleanupSucceeded,
				Mode: tasksv1.CleanupDryRun, FilesDeleted: ptr.To[int64](12), BytesFreed: ptr.To[int64](4096), Errors: ptr.To[int64](2),
			}}),
		},
		{
			name: "a failed run explains itself with the runner's message",
			obs: cleanupObservation{cronJob: cronJob, lastJob: cleanupJob("nightly-cleanup-29100000", jobFailed(t0.Add(-58*time.Minute), batchv1.JobReasonBackoffLimitExceeded, "")),
				lastTermination: summary(1, `{"message":"open /data/lessons: permission denied","errors":1}`)},
			want: withSchedule(tasksv1.CleanupPolicyStatus{LastRun: &tasksv1.CleanupRun{
				JobName: "nightly-cleanup-29100000", CompletionTime: at(-58 * time.Minute), Outcome: tasksv1.CleanupFailed,
				Mode: tasksv1.CleanupDelete, FilesDeleted: ptr.To[int64](0), BytesFreed: ptr.To[int64](0), Errors: ptr.To[int64](1),
				Message: "open /data/lessons: permission denied",
			}}),
		},
		{
			name: "a failed run without a pod falls back to the Job's message",
			obs: cleanupObservation{cronJob: cronJob, lastJob: cleanupJob("nightly-cleanup-29100000",
				jobFailed(t0.Add(-58*time.Minute), batchv1.JobReasonDeadlineExceeded, "Job was active longer than specified deadline"))},
			want: withSchedule(tasksv1.CleanupPolicyStatus{LastRun: &tasksv1.CleanupRun{
				JobName: "nightly-cleanup-29100000", CompletionTime: at(-58 * time.Minute), Outcome: tasksv1.CleanupFailed,
				Message: "Job was active longer than specified deadline",
			}}),
		},
		{
			name:   "the run already in the status is not read again",
			status: tasksv1.CleanupPolicyStatus{LastRun: earlierRun},
			obs:    cleanupObservation{cronJob: cronJob, lastJob: cleanupJob(earlierRun.JobName, jobComplete(t0.Add(-24*time.Hour)))},
			want:   withSchedule(tasksv1.CleanupPolicyStatus{LastRun: earlierRun}),
		},
		{
			name:   "a newer run replaces the one in the status",
			status: tasksv1.CleanupPolicyStatus{LastRun: earlierRun},
			obs: cleanupObservation{cronJob: cronJob, lastJob: cleanupJob("nightly-cleanup-29100000", jobComplete(t0.Add(-58*time.Minute))),
				lastTermination: summary(0, `{"filesDeleted":1}`)},
			want: withSchedule(tasksv1.CleanupPolicyStatus{LastRun: &tasksv1.CleanupRun{
				JobName: "nightly-cleanup-29100000", CompletionTime: at(-58 * time.Minute), Outcome: tasksv1.CleanupSucceeded,
				Mode: tasksv1.CleanupDelete, FilesDeleted: ptr.To[int64](1), BytesFreed: ptr.To[int64](0), Errors: ptr.To[int64](0),
			}}),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := policy.DeepCopy()
			p.Status = tc.status
			before := p.DeepCopy()
			now := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
			got := computeCleanupStatus(p, tc.obs, now)
			for _, c := range got.Conditions {
				// A condition that changed in this call carries the injected time, never the wall clock.
				if !c.LastTransitionTime.Equal(&metav1.Time{Time: now}) && !hasCondition(tc.status.Conditions, c) {
					t.Errorf("condition %s changed at %v, want the injected %v", c.Type, c.LastTransitionTime, now)
				}
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(metav1.Condition{}, "LastTransitionTime")); diff != "" {
				t.Errorf("computeCleanupStatus mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, p); diff != "" {
				t.Errorf("computeCleanupStatus changed its input (-before +after):\n%s", diff)
			}
		})
	}
}

// hasCondition reports whether conds already held c with the same status (so its time was kept).
func hasCondition(conds []metav1.Condition, c metav1.Condition) bool {
	for _, old := range conds {
		if old.Type == c.Type && old.Status == c.Status {
			return true
		}
	}
	return false
}
