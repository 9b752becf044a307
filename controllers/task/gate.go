package task

import (
	"context"
	"fmt"
	"slices"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/admission"
	"github.com/langflix/langflix-operator/controllers/internal/conditions"
	"github.com/langflix/langflix-operator/controllers/internal/kueue"
	"github.com/langflix/langflix-operator/controllers/internal/naming"
)

// gate decides whether the attempt the plan would start (create its Job) or resume (unsuspend it) may run
// now, and otherwise rewrites the plan into waiting, with what the task waits for in its status:
//
//  1. an identical task (same work, older, unfinished) that does the work first: this one waits and is then
//     served from its result by the runner's result cache;
//  2. Kueue, when the task has a LocalQueue (spec.queueName or its namespace's annotation): the Job is
//     created suspended and labelled, and Kueue resumes it; the operator never touches its spec.suspend and
//     stops it, for spec.suspend, by deactivating its Workload;
//  3. the operator's own queue and limits (admission.Queue.Admit).
//
// It returns the queue slot the attempt took, to be released when its Job cannot be created or resumed.
func (r *Reconciler) gate(ctx context.Context, task tasksv1.Task, obs taskObservation, plan *taskPlan, now time.Time) (*admission.Key, error) {
	key := admission.TaskKey(r.Kind, task)
	stored := task.GetTaskStatus()
	plan.status.Queue = tasksv1.QueueStatus{}
	if obs.job != nil && kueue.QueueOf(obs.job) != "" {
		r.Queue.Forget(key)
		return nil, r.gateKueueJob(ctx, task, obs.job, plan, now)
	}
	starting := plan.createJob
	resuming := obs.job != nil && plan.suspendJob != nil && !*plan.suspendJob
	if !starting && !resuming {
		r.Queue.Forget(key)
		return nil, nil
	}
	if starting && r.Runner.Cache.SecretName != "" {
		if id := workIdentity(task); id != "" {
			identical, err := listIdentical(ctx, r.Client, task, id)
			if err != nil {
				return nil, conditions.Step(tasksv1.ReasonListIdenticalTasksFailed, err)
			}
			if leader := identicalLeader(task, identical); leader != nil {
				r.Queue.Forget(key)
				waitInPlan(plan, *stored, obs, now, tasksv1.ReasonWaitingForIdenticalTask,
					fmt.Sprintf("waits for %s %s, which does the same work (same inputs, options and storage), to finish; its result is then reused",
						r.Kind, leader.GetName()),
					tasksv1.QueueStatus{IdenticalTask: leader.GetName()})
				return nil, nil
			}
		}
	}
	if starting {
		if q := r.kueueQueueFor(task); q != "" {
			r.Queue.Forget(key)
			plan.kueueQueue = q
			setPhase(&plan.status, tasksv1.TaskQueued, tasksv1.ReasonWaitingForKueue,
				fmt.Sprintf("attempt %d's Job is submitted to Kueue LocalQueue %s", plan.status.Attempts, q))
			plan.status.Queue = tasksv1.QueueStatus{LocalQueue: q}
			setSummary(&plan.status, now)
			return nil, nil
		}
	}
	jobName := admittedJobName(r.Kind, task, plan, obs.job)
	d := r.Queue.Admit(admission.Request{
		Task:     key,
		Priority: task.GetTemplate().PriorityOrDefault(),
		Created:  task.GetCreationTimestamp().Time,
		Job:      types.NamespacedName{Namespace: task.GetNamespace(), Name: jobName},
	})
	if d.Admitted {
		return &key, nil
	}
	queue := tasksv1.QueueStatus{Position: d.Position}
	waitInPlan(plan, *stored, obs, now, tasksv1.ReasonWaitingForCapacity, d.Message, queue)
	if d.RetryAfter > 0 {
		plan.requeueAfter = d.RetryAfter
	}
	return nil, nil
}

// admittedJobName is the Job the admitted attempt creates or resumes.
func admittedJobName(kind string, task tasksv1.Task, plan *taskPlan, job *batchv1.Job) string {
	if job != nil && !plan.createJob {
		return job.Name
	}
	return naming.JobName(task.GetName(), kind, plan.status.Attempts)
}

// kueueQueueFor is the LocalQueue a new attempt of the task is submitted to: spec.queueName, else the
// namespace's default; empty when the operator's own queue admits it.
func (r *Reconciler) kueueQueueFor(task tasksv1.Task) string {
	if q := task.GetTemplate().QueueName; q != "" {
		return q
	}
	if r.Namespaces == nil {
		return ""
	}
	return r.Namespaces.Get(task.GetNamespace()).QueueName
}

// waitInPlan turns a plan that would start or resume an attempt into waiting: no Job is created or
// resumed, the attempt count and start time stay what they were (no attempt started), and the task is
// Queued with the reason and what it waits for. An attempt the plan opened in this reconcile is taken back:
// the attempt before it, with its end as this reconcile recorded it, stays the current one.
func waitInPlan(plan *taskPlan, stored tasksv1.TaskStatus, _ taskObservation, now time.Time, reason, message string, queue tasksv1.QueueStatus) {
	st := &plan.status
	plan.createJob, plan.suspendJob = false, nil
	if cur := st.CurrentAttempt; cur != nil && cur.JobUID == "" && cur.CreateTime == nil &&
		(stored.CurrentAttempt == nil || stored.CurrentAttempt.Number < cur.Number) {
		st.CurrentAttempt = nil
		if n := len(st.PreviousAttempts); n > 0 && stored.CurrentAttempt != nil {
			st.CurrentAttempt = ptr.To(st.PreviousAttempts[n-1])
		}
		st.PreviousAttempts = slices.Clone(stored.PreviousAttempts)
		st.JobName = stored.JobName
		if st.CurrentAttempt != nil {
			st.JobName = st.CurrentAttempt.JobName
		}
		st.Attempts = stored.Attempts
		if st.CurrentAttempt != nil {
			st.Attempts = max(st.Attempts, st.CurrentAttempt.Number)
		}
	}
	st.StartTime = stored.StartTime
	st.Queue = queue
	setPhase(st, tasksv1.TaskQueued, reason, message)
	setCondition(st, now, tasksv1.ConditionRunning, false, reason, "")
	setSummary(st, now)
}

// gateKueueJob follows an attempt whose Job Kueue admits: its spec.suspend is Kueue's, so the plan never
// patches it. A suspended task's Workload is deactivated (Kueue evicts it and suspends the Job itself), and
// activated again when the task resumes. While the Job waits, the task shows Kueue's reason and message.
func (r *Reconciler) gateKueueJob(ctx context.Context, task tasksv1.Task, job *batchv1.Job, plan *taskPlan, now time.Time) error {
	plan.suspendJob = nil
	if plan.createJob {
		// A Job that vanished is created again as it was: submitted to the same queue.
		plan.kueueQueue = kueue.QueueOf(job)
	}
	var wl *kueue.Workload
	if r.KueueAvailable {
		var err error
		if wl, err = kueue.WorkloadOf(ctx, r.Client, job); err != nil {
			return conditions.Step(tasksv1.ReasonKueueWorkloadFailed, err)
		}
	}
	suspended := task.GetTemplate().IsSuspended()
	if wl != nil {
		switch {
		case suspended && wl.IsActive():
			if err := kueue.SetActive(ctx, r.Client, wl, false); err != nil {
				return conditions.Step(tasksv1.ReasonKueueWorkloadFailed, err)
			}
			klog.FromContext(ctx).V(2).Info("Deactivated Kueue Workload: the task is suspended", "workload", klog.KObj(wl))
		case !suspended && !wl.IsActive() && wl.Annotations[kueue.AnnotationDeactivatedBySuspend] == "true":
			if err := kueue.SetActive(ctx, r.Client, wl, true); err != nil {
				return conditions.Step(tasksv1.ReasonKueueWorkloadFailed, err)
			}
		}
	}
	st := &plan.status
	if suspended || st.Phase != tasksv1.TaskQueued || !isSuspendedJob(job) {
		return nil
	}
	v := kueue.VerdictOf(wl)
	if !r.KueueAvailable {
		v.Message = "the operator found no Kueue Workload API when it started: is Kueue installed? (restart the operator after installing it)"
	}
	st.Queue = tasksv1.QueueStatus{LocalQueue: kueue.QueueOf(job)}
	if wl != nil {
		st.Queue.Workload = wl.Name
	}
	setPhase(st, tasksv1.TaskQueued, v.Reason, fmt.Sprintf("attempt %d waits for Kueue (LocalQueue %s): %s", st.Attempts, kueue.QueueOf(job), v.Message))
	setCondition(st, now, tasksv1.ConditionRunning, false, v.Reason, "")
	setSummary(st, now)
	return nil
}

func isSuspendedJob(job *batchv1.Job) bool { return job.Spec.Suspend != nil && *job.Spec.Suspend }

// taskOfWorkload maps a Kueue Workload to the task whose Job owns it, through the Job's labels.
func (r *Reconciler) taskOfWorkload(ctx context.Context, obj client.Object) []reconcile.Request {
	for _, ref := range obj.GetOwnerReferences() {
		if ref.Kind != "Job" {
			continue
		}
		var job batchv1.Job
		if err := r.Client.Get(ctx, client.ObjectKey{Namespace: obj.GetNamespace(), Name: ref.Name}, &job); err != nil {
			continue
		}
		if job.Labels[tasksv1.LabelKind] == r.Kind && job.Labels[tasksv1.LabelTask] != "" {
			return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: job.Namespace, Name: job.Labels[tasksv1.LabelTask]}}}
		}
	}
	return nil
}
