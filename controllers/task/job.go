package task

import (
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
func jobForTask(task tasksv1.Task, kind string, attempt int32, cfg runnerpod.Config) *batchv1.Job {
	tmpl := task.GetTemplate()
	labels := naming.Labels(kind, task.GetName())
	labels[tasksv1.LabelAttempt] = strconv.Itoa(int(attempt))

	args, env := runnerInvocation(task, cfg)
	env = append(env, runnerv1.TaskRef{Kind: kind, Name: task.GetName(), Namespace: task.GetNamespace()}.Env()...)
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
			// Retries are the operator's: each attempt is its own Job, so the Job itself never retries.
			BackoffLimit:          ptr.To[int32](0),
			ActiveDeadlineSeconds: ptr.To(int64(tmpl.TimeLimits.HardSeconds)),
			Suspend:               ptr.To(tmpl.IsSuspended()),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       pod,
			},
		},
	}
	naming.SetControllerReference(task, kind, job)
	return job
}
