package controllers

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// TestJobForVideoTask pins the whole Job of a VideoTask that uses every option: this is the contract with
// the runner (flags, environment, mounts) and with the cluster (security, limits, ownership).
func TestJobForVideoTask(t *testing.T) {
	task := stored(videoTaskBuilder().
		TranslationSubtitles("input/episode.ko.srt").
		Include("break the ice", "call it a day").
		LLM("http://llm.internal:8000/v1", "qwen2.5-7b").APIKeySecret("llm-credentials", "api-key").
		CombinedVideo(true).Shorts(true).KeepSlides(false).
		SubtitleModes(tasksv1.SubtitleOriginal, ""). // shorts left unset: the API's default, Dual
		SoftHard("20m", "45m30s").
		Obj())
	cfg := testRunner
	cfg.RedisURL = "redis://redis.lessons:6379/0"

	labels := map[string]string{
		"tasks.langflix.io/task":       "episode-1",
		"tasks.langflix.io/kind":       "VideoTask",
		"tasks.langflix.io/attempt":    "2",
		"app.kubernetes.io/managed-by": "langflix-operator",
	}
	want := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:      "episode-1-vt-2",
			Namespace: "lessons",
			Labels:    labels,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "tasks.langflix.io/v1alpha1", Kind: "VideoTask", Name: "episode-1", UID: "uid-episode-1",
				Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
			}},
		},
		Spec: batchv1.JobSpec{
			BackoffLimit:          ptr.To[int32](0),
			ActiveDeadlineSeconds: ptr.To[int64](2730),
			Suspend:               ptr.To(false),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
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
						Args: []string{"video",
							"--storage-root=/data",
							"--video=input/episode.mkv",
							"--out=lessons/episode-1/",
							"--language=en",
							"--target-language=ko",
							"--max-expressions=5",
							"--level=mixed",
							"--extractor=llm",
							"--educational-video=true",
							"--combined=true",
							"--shorts=true",
							"--slides=false",
							"--repeat=3",
							"--subtitle-mode=original",
							"--shorts-subtitle-mode=dual",
							"--progress=kubernetes",
							"--subtitles=input/episode.srt",
							"--translation-subtitles=input/episode.ko.srt",
							"--include=break the ice",
							"--include=call it a day",
							"--llm-endpoint=http://llm.internal:8000/v1",
							"--llm-model=qwen2.5-7b",
						},
						Env: []corev1.EnvVar{
							{Name: "HOME", Value: "/tmp"},
							{Name: "TMPDIR", Value: "/tmp"},
							{Name: "LANGFLIX_TERMINATION_LOG", Value: "/dev/termination-log"},
							{Name: "LANGFLIX_LLM_API_KEY", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
								LocalObjectReference: corev1.LocalObjectReference{Name: "llm-credentials"}, Key: "api-key",
							}}},
							{Name: "LANGFLIX_TASK_KIND", Value: "VideoTask"},
							{Name: "LANGFLIX_TASK_NAME", Value: "episode-1"},
							{Name: "LANGFLIX_TASK_NAMESPACE", Value: "lessons"},
							{Name: "LANGFLIX_SOFT_TIME_LIMIT", Value: "20m0s"},
							{Name: "LANGFLIX_REDIS_URL", Value: "redis://redis.lessons:6379/0"},
						},
						Resources:                testRunner.DefaultResources,
						TerminationMessagePath:   "/dev/termination-log",
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

	got := jobForTask(task, "VideoTask", 2, cfg)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jobForTask mismatch (-want +got):\n%s", diff)
	}
	if again := jobForTask(task, "VideoTask", 2, cfg); !cmp.Equal(got, again) {
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
				diffField(t, "activeDeadlineSeconds", ptr.To[int64](1800), job.Spec.ActiveDeadlineSeconds)
				if _, ok := envOf(job)["LANGFLIX_REDIS_URL"]; ok {
					t.Errorf("LANGFLIX_REDIS_URL is set without a Redis URL")
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
			name: "hard limit rounds up to whole seconds",
			task: stored(videoTaskBuilder().SoftHard("500ms", "1500ms").Obj()),
			check: func(t *testing.T, job *batchv1.Job) {
				diffField(t, "activeDeadlineSeconds", ptr.To[int64](2), job.Spec.ActiveDeadlineSeconds)
				diffField(t, "LANGFLIX_SOFT_TIME_LIMIT", "500ms", envOf(job)["LANGFLIX_SOFT_TIME_LIMIT"].Value)
			},
		},
		{
			name: "explicit output and embedded subtitles",
			task: stored(videoTaskBuilder().Output("s3://lessons/out/").Subtitles("").Obj()),
			check: func(t *testing.T, job *batchv1.Job) {
				args := job.Spec.Template.Spec.Containers[0].Args
				assertHasArg(t, args, "--out=s3://lessons/out/")
				for _, a := range args {
					if strings.HasPrefix(a, "--subtitles=") {
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
				assertHasArg(t, job.Spec.Template.Spec.Containers[0].Args, "--extractor=dictionary")
				for _, a := range job.Spec.Template.Spec.Containers[0].Args {
					if strings.HasPrefix(a, "--llm-") {
						t.Errorf("unexpected %q with the Dictionary extractor", a)
					}
				}
				if _, ok := envOf(job)["LANGFLIX_LLM_API_KEY"]; ok {
					t.Errorf("the LLM key reaches a runner that does not use it")
				}
			},
		},
		{
			name: "slide task: own kind infix, slide flags, content as JSON env",
			task: slideTask(),
			check: func(t *testing.T, job *batchv1.Job) {
				diffField(t, "name", "break-the-ice-st-1", job.Name)
				diffField(t, "kind label", "SlideTask", job.Labels[tasksv1.LabelKind])
				diffField(t, "owner kind", "SlideTask", job.OwnerReferences[0].Kind)
				diffField(t, "args", []string{"slides",
					"--storage-root=/data",
					"--out=lessons/break-the-ice/",
					"--format=png",
					"--width=1280",
					"--height=720",
					"--duration=5s",
					"--progress=kubernetes",
				}, job.Spec.Template.Spec.Containers[0].Args)
				var content tasksv1.SlideContent
				raw := envOf(job)["LANGFLIX_SLIDE_CONTENT"].Value
				if err := json.Unmarshal([]byte(raw), &content); err != nil {
					t.Fatalf("LANGFLIX_SLIDE_CONTENT %q: %v", raw, err)
				}
				diffField(t, "slide content", *slideTask().Spec.Content, content)
				if !strings.Contains(raw, "어색한 분위기를 깨다") {
					t.Errorf("Korean is escaped or lost in %q", raw)
				}
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
				s.Spec.Format, s.Spec.Audio, s.Spec.DurationSeconds = tasksv1.SlideFormatMP4, true, 8
				return s
			}()),
			check: func(t *testing.T, job *batchv1.Job) {
				args := job.Spec.Template.Spec.Containers[0].Args
				assertHasArg(t, args, "--format=mp4")
				assertHasArg(t, args, "--duration=8s")
				assertHasArg(t, args, "--audio")
				var slides []tasksv1.SlideContent
				if err := json.Unmarshal([]byte(envOf(job)["LANGFLIX_SLIDE_CONTENT"].Value), &slides); err != nil {
					t.Fatal(err)
				}
				if len(slides) != 2 || slides[1].Translation != "하루 일을 끝내다" {
					t.Errorf("slides = %+v, want the two slides in order", slides)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kind := "VideoTask"
			if _, ok := tc.task.(*tasksv1.SlideTask); ok {
				kind = "SlideTask"
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
	job := jobForTask(task, "VideoTask", 1, testRunner)
	key, ok := envOf(job)["LANGFLIX_LLM_API_KEY"]
	if !ok {
		t.Fatal("LANGFLIX_LLM_API_KEY is missing")
	}
	if key.Value != "" || key.ValueFrom == nil || key.ValueFrom.SecretKeyRef == nil {
		t.Fatalf("LANGFLIX_LLM_API_KEY = %+v, want only a secretKeyRef", key)
	}
	for _, a := range job.Spec.Template.Spec.Containers[0].Args {
		if strings.Contains(strings.ToLower(a), "key") {
			t.Errorf("argument %q mentions a key: secrets never go on the command line", a)
		}
	}
}

// assertRunnerPodBasics checks what every runner pod must have, whatever the task: /data and /tmp mounts,
// the restricted security profile, and the ServiceAccount token only when the runner talks to the API.
func assertRunnerPodBasics(t *testing.T, pod corev1.PodSpec, needsAPI bool) {
	t.Helper()
	diffField(t, "restartPolicy", corev1.RestartPolicyNever, pod.RestartPolicy)
	diffField(t, "automountServiceAccountToken", ptr.To(needsAPI), pod.AutomountServiceAccountToken)
	diffField(t, "pod runAsNonRoot", ptr.To(true), pod.SecurityContext.RunAsNonRoot)
	diffField(t, "pod seccomp", &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}, pod.SecurityContext.SeccompProfile)
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want the runner only", len(pod.Containers))
	}
	c := pod.Containers[0]
	diffField(t, "image", testRunner.Image, c.Image)
	diffField(t, "imagePullPolicy", testRunner.PullPolicy, c.ImagePullPolicy)
	diffField(t, "container securityContext", &corev1.SecurityContext{
		RunAsNonRoot:             ptr.To(true),
		AllowPrivilegeEscalation: ptr.To(false),
		ReadOnlyRootFilesystem:   ptr.To(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}, c.SecurityContext)
	diffField(t, "volumeMounts", []corev1.VolumeMount{
		{Name: "storage", MountPath: "/data"},
		{Name: "tmp", MountPath: "/tmp"},
	}, c.VolumeMounts)
	if len(pod.Volumes) != 2 || pod.Volumes[1].EmptyDir == nil {
		t.Errorf("volumes = %+v, want the storage volume and an emptyDir for /tmp", pod.Volumes)
	}
}

func envOf(job *batchv1.Job) map[string]corev1.EnvVar {
	env := map[string]corev1.EnvVar{}
	for _, e := range job.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = e
	}
	return env
}

func assertHasArg(t *testing.T, args []string, want string) {
	t.Helper()
	for _, a := range args {
		if a == want {
			return
		}
	}
	t.Errorf("args %q lack %q", args, want)
}

func diffField(t *testing.T, field string, want, got any) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", field, diff)
	}
}
