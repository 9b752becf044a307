package cleanuppolicy

import (
	"time"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

// cleanupObservation is what the operator saw of a CleanupPolicy's children.
type cleanupObservation struct {
	cronJob *batchv1.CronJob
	// syncErr is the API server's rejection of the desired CronJob (for example an unknown time zone).
	syncErr error
	// lastJob is the most recently finished cleanup Job, nil when none finished yet.
	lastJob *batchv1.Job
	// lastTermination is lastJob's runner exit, when it was read in this reconcile.
	lastTermination *jobs.Termination
}

// computeCleanupStatus derives a CleanupPolicy's status from its CronJob and last finished Job. It is pure:
// the time of a condition change is now, passed in from the reconciler's clock.
func computeCleanupStatus(p *tasksv1.CleanupPolicy, obs cleanupObservation, now time.Time) tasksv1.CleanupPolicyStatus {
	st := *p.Status.DeepCopy()
	st.ObservedGeneration = p.Generation
	switch {
	case obs.syncErr != nil:
		// Only a change of the spec can fix what the API server rejected.
		conditions.SetSummary(&st.Conditions, p.Generation, now, conditions.Stalled, tasksv1.ReasonCronJobInvalid, obs.syncErr.Error())
	case obs.cronJob != nil:
		conditions.SetSummary(&st.Conditions, p.Generation, now, conditions.Ready, tasksv1.ReasonCronJobReady,
			"CronJob "+obs.cronJob.Name+" runs on schedule "+obs.cronJob.Spec.Schedule)
	default:
		conditions.SetSummary(&st.Conditions, p.Generation, now, conditions.Reconciling, tasksv1.ReasonJobMissing, "the CronJob is not created yet")
	}

	if obs.cronJob != nil {
		st.CronJobName = obs.cronJob.Name
		st.LastScheduleTime = obs.cronJob.Status.LastScheduleTime
		st.LastSuccessfulTime = obs.cronJob.Status.LastSuccessfulTime
	}
	if obs.lastJob != nil && (st.LastRun == nil || st.LastRun.JobName != obs.lastJob.Name) {
		st.LastRun = cleanupRunFrom(obs.lastJob, obs.lastTermination)
	}
	return st
}

// cleanupRunFrom summarises one finished cleanup Job from the JSON summary its runner left.
func cleanupRunFrom(job *batchv1.Job, term *jobs.Termination) *tasksv1.CleanupRun {
	cond := jobs.Finished(job)
	run := &tasksv1.CleanupRun{JobName: job.Name, Outcome: tasksv1.CleanupFailed}
	if cond.Type == batchv1.JobComplete {
		run.Outcome = tasksv1.CleanupSucceeded
	}
	succeeded := run.Outcome == tasksv1.CleanupSucceeded
	completed := cond.LastTransitionTime
	if job.Status.CompletionTime != nil {
		completed = *job.Status.CompletionTime
	}
	run.CompletionTime = &completed
	if term != nil && term.Message != nil {
		m := term.Message
		if c := m.CleanupResult; c != nil {
			run.FilesDeleted, run.BytesFreed, run.Errors = ptr.To(c.FilesDeleted), ptr.To(c.BytesFreed), ptr.To(c.Errors)
			run.Mode = tasksv1.CleanupDelete
			if c.DryRun {
				run.Mode = tasksv1.CleanupDryRun
			}
		}
		if !succeeded {
			run.Message = m.Message
		}
	} else if !succeeded {
		run.Message = jobs.FailureMessage(cond, term)
	}
	return run
}
