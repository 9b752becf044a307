package controllers

import (
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// cleanupKind is the kind label of CleanupPolicy children.
const cleanupKind = "CleanupPolicy"

// cleanupDeadlineSeconds bounds one cleanup run; a walk of a large volume takes minutes, not hours.
const cleanupDeadlineSeconds = 3600

// cronJobForPolicy builds the CronJob that runs a CleanupPolicy: the runner's cleanup command over the
// policy's storage, never two runs at once. It is a pure function of the policy and the configuration.
func cronJobForPolicy(p *tasksv1.CleanupPolicy, cfg RunnerConfig) *batchv1.CronJob {
	labels := taskLabels(cleanupKind, p.Name)
	pod := runnerPodSpec(cfg, runnerPodInput{
		args:      cleanupArgs(p.Spec),
		storage:   p.Spec.Storage,
		resources: p.Spec.Resources,
		// Cleanup only reads and deletes files; it never talks to the API server.
		needsAPI: false,
	})
	timeZone := p.Spec.TimeZone
	if timeZone == "" {
		timeZone = "UTC"
	}
	schedule := p.Spec.Schedule
	if schedule == "" {
		schedule = "0 2 * * *"
	}
	cj := &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: cronJobName(p.Name), Namespace: p.Namespace, Labels: labels},
		Spec: batchv1.CronJobSpec{
			Schedule:                   schedule,
			TimeZone:                   ptr.To(timeZone),
			ConcurrencyPolicy:          batchv1.ForbidConcurrent,
			Suspend:                    ptr.To(p.Spec.Suspend),
			StartingDeadlineSeconds:    ptr.To[int64](300),
			SuccessfulJobsHistoryLimit: ptr.To(ptr.Deref(p.Spec.SuccessfulJobsHistoryLimit, 3)),
			FailedJobsHistoryLimit:     ptr.To(ptr.Deref(p.Spec.FailedJobsHistoryLimit, 1)),
			JobTemplate: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: batchv1.JobSpec{
					BackoffLimit:          ptr.To[int32](0),
					ActiveDeadlineSeconds: ptr.To[int64](cleanupDeadlineSeconds),
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Labels: labels},
						Spec:       pod,
					},
				},
			},
		},
	}
	setControllerReference(p, cleanupKind, cj)
	return cj
}

// cleanupArgs is the runner's cleanup command line (runner/cli).
func cleanupArgs(s tasksv1.CleanupPolicySpec) []string {
	days := s.RetentionDays
	if days < 1 {
		days = 7
	}
	args := []string{"cleanup", "--root=" + storageMountPath, "--retention-days=" + strconv.Itoa(int(days))}
	for _, p := range s.Paths {
		args = append(args, "--path="+string(p))
	}
	for _, g := range s.Include {
		args = append(args, "--include="+g)
	}
	for _, g := range s.Exclude {
		args = append(args, "--exclude="+g)
	}
	if s.DryRun {
		args = append(args, "--dry-run")
	}
	return args
}
