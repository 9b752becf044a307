package cleanuppolicy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

func TestCronJobForPolicy(t *testing.T) {
	cj := cronJobForPolicy(cleanupPolicy(), testRunner)

	diffField(t, "name", "nightly-cleanup", cj.Name)
	diffField(t, "namespace", "lessons", cj.Namespace)
	diffField(t, "owner", "CleanupPolicy/nightly/uid-nightly/controller",
		cj.OwnerReferences[0].Kind+"/"+cj.OwnerReferences[0].Name+"/"+string(cj.OwnerReferences[0].UID)+"/controller")
	diffField(t, "controller", ptr.To(true), cj.OwnerReferences[0].Controller)
	labels := map[string]string{
		"tasks.langflix.io/task":       "nightly",
		"tasks.langflix.io/kind":       tasksv1.KindCleanupPolicy,
		"app.kubernetes.io/managed-by": "langflix-operator",
	}
	diffField(t, "labels", labels, cj.Labels)
	diffField(t, "job labels", labels, cj.Spec.JobTemplate.Labels)
	diffField(t, "pod labels", labels, cj.Spec.JobTemplate.Spec.Template.Labels)

	s := cj.Spec
	diffField(t, "schedule", "0 2 * * *", s.Schedule)
	diffField(t, "timeZone", ptr.To("Asia/Seoul"), s.TimeZone)
	diffField(t, "concurrencyPolicy", batchv1.ForbidConcurrent, s.ConcurrencyPolicy)
	diffField(t, "suspend", ptr.To(false), s.Suspend)
	diffField(t, "successfulJobsHistoryLimit", ptr.To[int32](3), s.SuccessfulJobsHistoryLimit)
	diffField(t, "failedJobsHistoryLimit", ptr.To[int32](1), s.FailedJobsHistoryLimit)
	diffField(t, "backoffLimit", ptr.To[int32](0), s.JobTemplate.Spec.BackoffLimit)
	if s.JobTemplate.Spec.ActiveDeadlineSeconds == nil {
		t.Errorf("a cleanup run has no deadline")
	}
	pod := s.JobTemplate.Spec.Template.Spec
	// Cleanup only touches files: no API token is mounted, no ServiceAccount is named.
	assertRunnerPodBasics(t, pod, false)
	diffField(t, "serviceAccountName", "", pod.ServiceAccountName)
	diffField(t, "args", []string{runnerv1.CommandCleanup, flag(runnerv1.FlagRoot, "/data"), flag(runnerv1.FlagRetentionDays, "7"),
		flag(runnerv1.FlagDryRun, "false")}, pod.Containers[0].Args)
	diffField(t, "storage", testutil.PVCSource("media"), pod.Volumes[0].VolumeSource)
	diffField(t, "resources", testRunner.DefaultResources, pod.Containers[0].Resources)

	if again := cronJobForPolicy(cleanupPolicy(), testRunner); !cmp.Equal(cj, again) {
		t.Errorf("cronJobForPolicy is not deterministic:\n%s", cmp.Diff(cj, again))
	}
}

func TestCronJobForPolicyVariations(t *testing.T) {
	custom := corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")}}
	tests := []struct {
		name   string
		policy func(p *tasksv1.CleanupPolicy)
		check  func(t *testing.T, cj *batchv1.CronJob)
	}{
		{
			name: "paths, include, exclude and dry run become flags in order",
			policy: func(p *tasksv1.CleanupPolicy) {
				p.Spec.RetentionDays = 30
				p.Spec.Paths = []tasksv1.RelativePath{"lessons/", "tmp/renders"}
				p.Spec.Include = []string{"**/*.mp4", "**/*.png"}
				p.Spec.Exclude = []string{"**/manifest.json"}
				p.Spec.Mode = tasksv1.CleanupDryRun
			},
			check: func(t *testing.T, cj *batchv1.CronJob) {
				diffField(t, "args", []string{runnerv1.CommandCleanup, flag(runnerv1.FlagRoot, "/data"),
					flag(runnerv1.FlagPath, "lessons/"), flag(runnerv1.FlagPath, "tmp/renders"),
					flag(runnerv1.FlagRetentionDays, "30"),
					flag(runnerv1.FlagInclude, "**/*.mp4"), flag(runnerv1.FlagInclude, "**/*.png"),
					flag(runnerv1.FlagExclude, "**/manifest.json"),
					flag(runnerv1.FlagDryRun, "true"),
				}, cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args)
			},
		},
		{
			name:   "suspend",
			policy: func(p *tasksv1.CleanupPolicy) { p.Spec.Suspend = ptr.To(true) },
			check: func(t *testing.T, cj *batchv1.CronJob) {
				diffField(t, "suspend", ptr.To(true), cj.Spec.Suspend)
			},
		},
		{
			name: "history limits and resources",
			policy: func(p *tasksv1.CleanupPolicy) {
				p.Spec.SuccessfulJobsHistoryLimit, p.Spec.FailedJobsHistoryLimit = ptr.To[int32](0), ptr.To[int32](5)
				p.Spec.Resources = &custom
			},
			check: func(t *testing.T, cj *batchv1.CronJob) {
				diffField(t, "successfulJobsHistoryLimit", ptr.To[int32](0), cj.Spec.SuccessfulJobsHistoryLimit)
				diffField(t, "failedJobsHistoryLimit", ptr.To[int32](5), cj.Spec.FailedJobsHistoryLimit)
				diffField(t, "resources", custom, cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Resources)
			},
		},
		{
			// The schema defaults every field; the builder passes what it reads and has no defaults of its own.
			name: "schedule, time zone and history limits are passed as the policy says",
			policy: func(p *tasksv1.CleanupPolicy) {
				p.Spec.Schedule, p.Spec.TimeZone = "30 4 * * 1", "Europe/Berlin"
				p.Spec.SuccessfulJobsHistoryLimit, p.Spec.FailedJobsHistoryLimit = ptr.To[int32](7), ptr.To[int32](0)
			},
			check: func(t *testing.T, cj *batchv1.CronJob) {
				diffField(t, "schedule", "30 4 * * 1", cj.Spec.Schedule)
				diffField(t, "timeZone", ptr.To("Europe/Berlin"), cj.Spec.TimeZone)
				diffField(t, "successfulJobsHistoryLimit", ptr.To[int32](7), cj.Spec.SuccessfulJobsHistoryLimit)
				diffField(t, "failedJobsHistoryLimit", ptr.To[int32](0), cj.Spec.FailedJobsHistoryLimit)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := cleanupPolicy()
			tc.policy(p)
			cj := cronJobForPolicy(p, testRunner)
			assertRunnerPodBasics(t, cj.Spec.JobTemplate.Spec.Template.Spec, false)
			tc.check(t, cj)
		})
	}
}
