package task

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
)

// TestJobForVideoTask pins the whole Job of a VideoTask that uses every option: this is the contract with
// the runner (flags, environment, mounts) and with the cluster (security, limits, ownership).
func TestJobForVideoTask(t *testing.T) {
	task := stored(videoTaskBuilder().
		TranslationSubtitles("input/episode.ko.srt").
		Include("break the ice", "call it a day").
		LLM("http://llm.internal:8000/v1", "qwen2.5-7b").APIKeySecret("llm-credentials", "api-key").
		EducationalVideo(tasksv1.EducationalVideoPerExpressionAndCombined).Shorts(tasksv1.ShortsVertical).
		SlideImages(tasksv1.SlideImagesNone).
		SubtitleModes(tasksv1.SubtitleOriginal, ""). // shorts left unset: the API's default, Dual
		TimeLimits(1200, 2730).
		Obj())
	cfg := testRunner
	cfg.Cache = runnerpod.CacheConfig{SecretName: "redis", SecretKey: "url", Mode: runnerpod.CacheSecretCopy, OperatorNamespace: "langflix-system"}

	labels := map[string]string{
		"tasks.langflix.io/task":       "episode-1",
		"tasks.langflix.io/kind":       tasksv1.KindVideoTask,
		"tasks.langflix.io/attempt":    "2",
		"app.kubernetes.io/managed-by": "langflix-operator",
	}
	want := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "episode-1-vt-2",
			Namespace: "lessons",
			Labels:    labels,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "tasks.langflix.io/v1alpha1", Kind: tasksv1.KindVideoTask, Name: "episode-1", UID: "uid-episode-1",
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
			}},
		},
		Spec: batchv1.JobSpec{
			BackoffLimit: ptr.To[int32](0),
			PodFailurePolicy: &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{
				{Action: batchv1.PodFailurePolicyActionFailJob, OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{
					ContainerName: ptr.To("runner"), Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{2, 3, 4}}},
				{Action: batchv1.PodFailurePolicyActionIgnore, OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{
					{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue}}},
				{Action: batchv1.PodFailurePolicyActionIgnore, OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{
					ContainerName: ptr.To("runner"), Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{143}}},
			}},
			PodReplacementPolicy: ptr.To(batchv1.Failed),
			// timeLimits.startSeconds (600) + timeLimits.hardSeconds (2730).
			ActiveDeadlineSeconds: ptr.To[int64](3330),
			Suspend:               ptr.To(false),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Finalizers: []string{"tasks.langflix.io/result"}},
				Spec: corev1.PodSpec{
					RestartPolicy:                 corev1.RestartPolicyNever,
					ServiceAccountName:            "langflix-runner",
					AutomountServiceAccountToken:  ptr.To(true),
					EnableServiceLinks:            ptr.To(false),
					TerminationGracePeriodSeconds: ptr.To[int64](30),
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot:   ptr.To(true),
						RunAsUser:      ptr.To[int64](65532),
						RunAsGroup:     ptr.To[int64](65532),
						FSGroup:        ptr.To[int64](65532),
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{{
						Name:            "runner",
						Image:           "langflix-runner:test",
						ImagePullPolicy: corev1.PullIfNotPresent,
						Args: []string{runnerv1.CommandVideo,
							flag(runnerv1.FlagStorageRoot, "/data"),
							flag(runnerv1.FlagOut, "lessons/episode-1/"),
							flag(runnerv1.FlagProgress, runnerv1.ProgressKubernetes),
							flag(runnerv1.FlagSoftTimeLimit, "20m0s"),
							flag(runnerv1.FlagHardTimeLimit, "45m30s"),
							flag(runnerv1.FlagVideo, "input/episode.mkv"),
							flag(runnerv1.FlagSubtitles, "input/episode.srt"),
							flag(runnerv1.FlagTranslationSubtitles, "input/episode.ko.srt"),
							flag(runnerv1.FlagLanguage, "en"),
							flag(runnerv1.FlagTargetLanguage, "ko"),
							flag(runnerv1.FlagMaxExpressions, "5"),
							flag(runnerv1.FlagLevel, "mixed"),
							flag(runnerv1.FlagInclude, "break the ice"),
							flag(runnerv1.FlagInclude, "call it a day"),
							flag(runnerv1.FlagExtractor, runnerv1.ExtractorLLM),
							flag(runnerv1.FlagLLMEndpoint, "http://llm.internal:8000/v1"),
							flag(runnerv1.FlagLLMModel, "qwen2.5-7b"),
							flag(runnerv1.FlagEducationalVideo, "true"),
							flag(runnerv1.FlagCombined, "true"),
							flag(runnerv1.FlagShorts, "true"),
							flag(runnerv1.FlagSlides, "false"),
							flag(runnerv1.FlagRepeat, "3"),
							flag(runnerv1.FlagSubtitleMode, runnerv1.SubtitleModeOriginal),
							flag(runnerv1.FlagShortsSubtitleMode, runnerv1.SubtitleModeDual),
						},
						Env: []corev1.EnvVar{
							{Name: "HOME", Value: "/tmp"},
							{Name: "TMPDIR", Value: "/tmp"},
							{Name: runnerv1.EnvTerminationLog, Value: runnerv1.DefaultTerminationLog},
							{Name: runnerv1.EnvLLMAPIKey, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
								LocalObjectReference: corev1.LocalObjectReference{Name: "llm-credentials"}, Key: "api-key",
							}}},
							{Name: runnerv1.EnvRedisURL, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
								LocalObjectReference: corev1.LocalObjectReference{Name: "langflix-runner-cache"}, Key: "url",
							}}},
							{Name: runnerv1.EnvCacheScope, Value: "lessons"},
							{Name: runnerv1.EnvStorageID, Value: "pvc/lessons/media"},
							{Name: runnerv1.EnvTaskKind, Value: tasksv1.KindVideoTask},
							{Name: runnerv1.EnvTaskName, Value: "episode-1"},
							{Name: runnerv1.EnvTaskNamespace, Value: "lessons"},
							{Name: runnerv1.EnvAttempt, Value: "2"},
						},
						Resources:                testRunner.DefaultResources,
						TerminationMessagePath:   runnerv1.DefaultTerminationLog,
						TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
						VolumeMounts: []corev1.VolumeMount{
							{Name: "storage", MountPath: "/data"},
							{Name: "tmp", MountPath: "/tmp"},
						},
						SecurityContext: &corev1.SecurityContext{
							RunAsNonRoot:             ptr.To(true),
							AllowPrivilegeEscalation: ptr.To(false),
							ReadOnlyRootFilesystem:   ptr.To(true),
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
							SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
						},
					}},
					Volumes: []corev1.Volume{
						{Name: "storage", VolumeSource: corev1.VolumeSource{
							PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "media"},
						}},
						{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
					},
				},
			},
		},
	}

	got := jobForTask(task, tasksv1.KindVideoTask, 2, cfg)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jobForTask mismatch (-want +got):\n%s", diff)
	}
	if again := jobForTask(task, tasksv1.KindVideoTask, 2, cfg); !cmp.Equal(got, again) {
		t.Errorf("jobForTask is not deterministic:\n%s", cmp.Diff(got, again))
	}
}

// TestJobForTaskVariations covers the choices jobForTask makes from the spec, one per case.
func TestJobForTaskVariations(t *testing.T) {
	custom := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("6Gi")},
	}
	tests := []struct {
		name  string
		task  tasksv1.Task
		check func(t *testing.T, job *batchv1.Job)
	}{
		{
			name: "defaults: operator's ServiceAccount and resources, no priority class, no Redis",
			task: videoTask(),
			check: func(t *testing.T, job *batchv1.Job) {
				pod := job.Spec.Template.Spec
				diffField(t, "serviceAccountName", "langflix-runner", pod.ServiceAccountName)
				diffField(t, "resources", testRunner.DefaultResources, pod.Containers[0].Resources)
				diffField(t, "priorityClassName", "", pod.PriorityClassName)
				diffField(t, "activeDeadlineSeconds: start 10m + hard 30m", ptr.To[int64](2400), job.Spec.ActiveDeadlineSeconds)
				if _, ok := envOf(job)[runnerv1.EnvRedisURL]; ok {
					t.Errorf("%s is set without a Redis URL", runnerv1.EnvRedisURL)
				}
			},
		},
		{
			name: "spec overrides ServiceAccount, resources and priority class",
			task: stored(videoTaskBuilder().ServiceAccount("team-runner").Resources(custom).PriorityClass("batch-low").Obj()),
			check: func(t *testing.T, job *batchv1.Job) {
				pod := job.Spec.Template.Spec
				diffField(t, "serviceAccountName", "team-runner", pod.ServiceAccountName)
				diffField(t, "resources", custom, pod.Containers[0].Resources)
				diffField(t, "priorityClassName", "batch-low", pod.PriorityClassName)
			},
		},
		{
			name: "suspended task gives a suspended Job",
			task: stored(videoTaskBuilder().Suspend(true).Obj()),
			check: func(t *testing.T, job *batchv1.Job) {
				diffField(t, "suspend", ptr.To(true), job.Spec.Suspend)
			},
		},
		{
			name: "activeDeadlineSeconds is start + hard; the runner gets the exact limits",
			task: stored(videoTaskBuilder().TimeLimits(1, 2).StartLimit(3).Obj()),
			check: func(t *testing.T, job *batchv1.Job) {
				diffField(t, "activeDeadlineSeconds", ptr.To[int64](5), job.Spec.ActiveDeadlineSeconds)
				assertHasArg(t, job.Spec.Template.Spec.Containers[0].Args, flag(runnerv1.FlagSoftTimeLimit, "1s"))
				assertHasArg(t, job.Spec.Template.Spec.Containers[0].Args, flag(runnerv1.FlagHardTimeLimit, "2s"))
			},
		},
		{
			name: "explicit output and embedded subtitles",
			task: stored(videoTaskBuilder().Output("s3://lessons/out/").Subtitles("").Obj()),
			check: func(t *testing.T, job *batchv1.Job) {
				args := job.Spec.Template.Spec.Containers[0].Args
				assertHasArg(t, args, flag(runnerv1.FlagOut, "s3://lessons/out/"))
				for _, a := range args {
					if strings.HasPrefix(a, flag(runnerv1.FlagSubtitles, "")) {
						t.Errorf("unexpected %q: no subtitles file means the embedded track", a)
					}
				}
			},
		},
		{
			name: "LLM settings are ignored by the Dictionary extractor",
			task: stored(videoTaskBuilder().LLM("http://llm:8000", "m").APIKeySecret("s", "k").
				Extractor(tasksv1.ExtractorDictionary).Obj()),
			check: func(t *testing.T, job *batchv1.Job) {
				assertHasArg(t, job.Spec.Template.Spec.Containers[0].Args, flag(runnerv1.FlagExtractor, runnerv1.ExtractorDictionary))
				for _, a := range job.Spec.Template.Spec.Containers[0].Args {
					if strings.HasPrefix(a, flag(runnerv1.FlagLLMEndpoint, "")) || strings.HasPrefix(a, flag(runnerv1.FlagLLMModel, "")) {
						t.Errorf("unexpected %q with the Dictionary extractor", a)
					}
				}
				if _, ok := envOf(job)[runnerv1.EnvLLMAPIKey]; ok {
					t.Errorf("the LLM key reaches a runner that does not use it")
				}
			},
		},
		{
			name: "slide task: own kind infix, slide flags, no content in args or env",
			task: slideTask(),
			check: func(t *testing.T, job *batchv1.Job) {
				diffField(t, "name", "break-the-ice-st-1", job.Name)
				diffField(t, "kind label", tasksv1.KindSlideTask, job.Labels[tasksv1.LabelKind])
				diffField(t, "owner kind", tasksv1.KindSlideTask, job.OwnerReferences[0].Kind)
				diffField(t, "args", []string{runnerv1.CommandSlides,
					flag(runnerv1.FlagStorageRoot, "/data"),
					flag(runnerv1.FlagOut, "lessons/break-the-ice/"),
					flag(runnerv1.FlagProgress, runnerv1.ProgressKubernetes),
					flag(runnerv1.FlagSoftTimeLimit, "25m0s"),
					flag(runnerv1.FlagHardTimeLimit, "30m0s"),
					flag(runnerv1.FlagFormat, "png"),
					flag(runnerv1.FlagWidth, "1280"),
					flag(runnerv1.FlagHeight, "720"),
					flag(runnerv1.FlagDuration, "5s"),
					flag(runnerv1.FlagAudio, "false"),
				}, job.Spec.Template.Spec.Containers[0].Args)
				assertNoSlideContent(t, job)
				diffField(t, "task kind env", tasksv1.KindSlideTask, envOf(job)[runnerv1.EnvTaskKind].Value)
			},
		},
		{
			name: "slide task with a list of slides, mp4 and audio",
			task: stored(func() *tasksv1.SlideTask {
				s := slideTask()
				second := *s.Spec.Content.DeepCopy()
				second.Expression, second.Translation = "call it a day", "하루 일을 끝내다"
				s.Spec.Slides = []tasksv1.SlideContent{*s.Spec.Content, second}
				s.Spec.Content = nil
				s.Spec.Format, s.Spec.Audio, s.Spec.DurationSeconds = tasksv1.SlideFormatMP4, tasksv1.SlideAudioExpression, 8
				return s
			}()),
			check: func(t *testing.T, job *batchv1.Job) {
				args := job.Spec.Template.Spec.Containers[0].Args
				assertHasArg(t, args, flag(runnerv1.FlagFormat, "mp4"))
				assertHasArg(t, args, flag(runnerv1.FlagDuration, "8s"))
				assertHasArg(t, args, flag(runnerv1.FlagAudio, "true"))
				assertNoSlideContent(t, job)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kind := tasksv1.KindVideoTask
			if _, ok := tc.task.(*tasksv1.SlideTask); ok {
				kind = tasksv1.KindSlideTask
			}
			job := jobForTask(tc.task, kind, 1, testRunner)
			assertRunnerPodBasics(t, job.Spec.Template.Spec, true)
			diffField(t, "backoffLimit", ptr.To[int32](0), job.Spec.BackoffLimit)
			diffField(t, "attempt label", "1", job.Labels[tasksv1.LabelAttempt])
			diffField(t, "pod labels", job.Labels, job.Spec.Template.Labels)
			tc.check(t, job)
		})
	}
}

// TestJobForTaskNeverHoldsTheAPIKey makes sure the LLM key can only come from the Secret at run time.
func TestJobForTaskNeverHoldsTheAPIKey(t *testing.T) {
	task := stored(videoTaskBuilder().LLM("https://llm.example/v1", "m").APIKeySecret("llm-credentials", "api-key").Obj())
	job := jobForTask(task, tasksv1.KindVideoTask, 1, testRunner)
	key, ok := envOf(job)[runnerv1.EnvLLMAPIKey]
	if !ok {
		t.Fatalf("%s is missing", runnerv1.EnvLLMAPIKey)
	}
	if key.Value != "" || key.ValueFrom == nil || key.ValueFrom.SecretKeyRef == nil {
		t.Fatalf("%s = %+v, want only a secretKeyRef", runnerv1.EnvLLMAPIKey, key)
	}
	for _, a := range job.Spec.Template.Spec.Containers[0].Args {
		if strings.Contains(strings.ToLower(a), "key") {
			t.Errorf("argument %q mentions a key: secrets never go on the command line", a)
		}
	}
}

// assertNoSlideContent checks that no slide text travels in the Job: the runner reads it from the task, so
// a SlideTask's size is never bounded by one environment string (128 KiB) or the argument list.
func assertNoSlideContent(t *testing.T, job *batchv1.Job) {
	t.Helper()
	c := job.Spec.Template.Spec.Containers[0]
	for _, text := range []string{"break the ice", "어색한 분위기를 깨다", "call it a day"} {
		for _, e := range c.Env {
			if strings.Contains(e.Value, text) {
				t.Errorf("env %s carries slide text %q", e.Name, text)
			}
		}
		for _, a := range c.Args {
			if strings.Contains(a, text) {
				t.Errorf("argument %q carries slide text", a)
			}
		}
	}
}
