package cleanuppolicy

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/naming"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
)

// cleanupKind is the kind label of CleanupPolicy children.
const cleanupKind = tasksv1.KindCleanupPolicy

// cleanupDeadlineSeconds bounds one cleanup run; a walk of a large volume takes minutes, not hours.
const cleanupDeadlineSeconds = 3600

// cronJobForPolicy builds the CronJob that runs a CleanupPolicy: the runner's cleanup command over the
// policy's storage, never two runs at once. It is a pure function of the policy and the configuration.
func cronJobForPolicy(p *tasksv1.CleanupPolicy, cfg runnerpod.Config) *batchv1.CronJob {
	labels := naming.Labels(cleanupKind, p.Name)
	pod := runnerpod.PodSpec(cfg, runnerpod.Input{
		Args:      runnerv1.CleanupOptionsFromPolicy(p).Args(),
		Storage:   p.Spec.Storage,
		Resources: p.Spec.Resources,
		// Cleanup only reads and deletes files; it never talks to the API server.
		NeedsAPI: false,
	})
	cj := &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: naming.CronJobName(p.Name), Namespace: p.Namespace, Labels: labels},
		Spec: batchv1.CronJobSpec{
			Schedule:                   p.Spec.Schedule,
			TimeZone:                   ptr.To(p.Spec.TimeZone),
			ConcurrencyPolicy:          batchv1.ForbidConcurrent,
			Suspend:                    ptr.To(ptr.Deref(p.Spec.Suspend, false)),
			StartingDeadlineSeconds:    ptr.To[int64](300),
			SuccessfulJobsHistoryLimit: p.Spec.SuccessfulJobsHistoryLimit,
			FailedJobsHistoryLimit:     p.Spec.FailedJobsHistoryLimit,
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
	naming.SetControllerReference(p, cleanupKind, cj)
	return cj
}
