package task

import (
	"slices"
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/naming"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
)

// jobForTask builds the Job of one attempt of a task. It is a pure function of its inputs: the same task,
// attempt and configuration always give the same Job, which is what makes Job names safe to retry.
//
// Which failures count as an attempt is decided here, by the Job's podFailurePolicy, and read back the
// same way by classifyAttempt and jobs.EndedByDisruption:
//   - a runner that ends with a final exit code (invalid input, soft or hard time limit) fails the Job at
//     once: retrying cannot help;
//   - a pod taken away from its runner (DisruptionTarget: eviction, preemption, node drain; or the runner's
//     SIGTERM exit code: a deleted pod, a suspended Job) is ignored: the Job starts a new pod, the attempt
//     goes on and no retry is spent;
//   - anything else fails the Job (backoffLimit 0): one failed attempt, which the operator retries as the
//     next attempt, with backoff.
//
// podReplacementPolicy Failed makes the Job controller wait until a replaced pod is terminal, so two
// runners of one attempt never write to the output folder at once.
func jobForTask(task tasksv1.Task, kind string, attempt int32, cfg runnerpod.Config) *batchv1.Job {
	tmpl := task.GetTemplate()
	labels := naming.Labels(kind, task.GetName())
	labels[tasksv1.LabelAttempt] = strconv.Itoa(int(attempt))

	args, env := runnerInvocation(task, cfg)
	env = append(env, runnerv1.TaskRef{Kind: kind, Name: task.GetName(), Namespace: task.GetNamespace(), Attempt: attempt}.Env()...)
	serviceAccount := cfg.ServiceAccountName
	if tmpl.ServiceAccountName != "" {
		serviceAccount = tmpl.ServiceAccountName
	}

	pod := runnerpod.PodSpec(cfg, runnerpod.Input{
		Args:               args,
		Env:                env,
		Storage:            tmpl.Storage,
		Resources:          tmpl.Resources,
		ServiceAccountName: serviceAccount,
		NeedsAPI:           true,
		PriorityClassName:  tmpl.PriorityClassName,
	})

	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:      naming.JobName(task.GetName(), kind, attempt),
			Namespace: task.GetNamespace(),
			Labels:    labels,
		},
		Spec: batchv1.JobSpec{
			// Retries are the operator's: each failed attempt is its own Job. Disruptions never reach this
			// limit: the Ignore rules below do not count them.
			BackoffLimit:          ptr.To[int32](0),
			PodFailurePolicy:      podFailurePolicy(),
			PodReplacementPolicy:  ptr.To(batchv1.Failed),
			ActiveDeadlineSeconds: ptr.To(activeDeadlineSeconds(tmpl.TimeLimits)),
			Suspend:               ptr.To(tmpl.IsSuspended()),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels: labels,
					// The Job controller copies the template's finalizers to every pod it creates: the
					// operator removes this one once the attempt's outcome is in the task's status.
					Finalizers: []string{tasksv1.FinalizerResult},
				},
				Spec: pod,
			},
		},
	}
	naming.SetControllerReference(task, kind, job)
	return job
}

// podFailurePolicy is the rule set described at jobForTask, built from the runner contract's exit codes.
// The Job API wants the values of an onExitCodes requirement sorted.
func podFailurePolicy() *batchv1.PodFailurePolicy {
	exitCodes := func(action batchv1.PodFailurePolicyAction, codes []int32) batchv1.PodFailurePolicyRule {
		values := slices.Clone(codes)
		slices.Sort(values)
		return batchv1.PodFailurePolicyRule{Action: action, OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{
			ContainerName: ptr.To(runnerpod.ContainerName),
			Operator:      batchv1.PodFailurePolicyOnExitCodesOpIn,
			Values:        values,
		}}
	}
	return &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{
		exitCodes(batchv1.PodFailurePolicyActionFailJob, runnerv1.FinalExitCodes),
		{Action: batchv1.PodFailurePolicyActionIgnore, OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{
			{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue},
		}},
		exitCodes(batchv1.PodFailurePolicyActionIgnore, runnerv1.DisruptionExitCodes),
	}}
}

// activeDeadlineSeconds is the Job's backstop: the start limit (time to get the runner running) plus the
// hard limit (the runner's own time, which the runner enforces itself). Kubernetes counts it from the Job's
// start, so an attempt that spent its start limit waiting still gets its whole hard limit.
func activeDeadlineSeconds(limits tasksv1.TimeLimits) int64 {
	return max(1, int64(limits.StartSeconds)+int64(limits.HardSeconds))
}
