package controllers

import (
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// The fixtures below are what the API server would hand the operator: the shared builders plus the CRD
// defaults (language, level, format, ...) and the metadata the server sets (UID, generation).

const (
	testNamespace = "lessons"
	testTaskName  = "episode-1"
)

// t0 is the fixed "now" of the unit tests; every timestamp is derived from it.
var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

var testRunner = RunnerConfig{
	Image:      "langflix-runner:test",
	PullPolicy: corev1.PullIfNotPresent,
	DefaultResources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("500m"),
			corev1.ResourceMemory: resource.MustParse("512Mi"),
		},
		Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")},
	},
	ServiceAccountName: DefaultRunnerServiceAccount,
	ClusterRoleName:    DefaultRunnerClusterRole,
}

// videoTaskBuilder is a valid VideoTask as stored by the API server, defaults applied.
func videoTaskBuilder() *testutil.VideoTaskWrapper {
	return testutil.MakeVideoTask(testTaskName, testNamespace).
		Language("en").TargetLanguage("ko").
		MaxCount(5).Level("mixed").Extractor(tasksv1.ExtractorDictionary).
		RepeatCount(3)
}

// stored gives a built task the metadata the API server sets.
func stored[T tasksv1.Task](task T) T {
	task.SetUID(types.UID("uid-" + task.GetName()))
	task.SetGeneration(1)
	return task
}

func videoTask() *tasksv1.VideoTask { return stored(videoTaskBuilder().Obj()) }

func slideTask() *tasksv1.SlideTask {
	return stored(testutil.MakeSlideTask("break-the-ice", testNamespace).
		Format(tasksv1.SlideFormatPNG).Size(1280, 720).DurationSeconds(5).Obj())
}

func cleanupPolicy() *tasksv1.CleanupPolicy {
	p := testutil.MakeCleanupPolicy("nightly", testNamespace).
		Schedule("0 2 * * *").TimeZone("Asia/Seoul").RetentionDays(7).HistoryLimits(3, 1).Obj()
	p.UID = types.UID("uid-" + p.Name)
	p.Generation = 1
	return p
}

// jobMod changes a Job the way the Job controller (or a user) would.
type jobMod func(*batchv1.Job)

// attemptJob is the Job the operator would have created for a task's attempt, with mods applied.
func attemptJob(task tasksv1.Task, kind string, attempt int32, mods ...jobMod) *batchv1.Job {
	job := jobForTask(task, kind, attempt, testRunner)
	for _, m := range mods {
		m(job)
	}
	return job
}

func jobReady(job *batchv1.Job) {
	job.Status.StartTime = ptr.To(metav1.NewTime(t0.Add(-time.Minute)))
	job.Status.Active, job.Status.Ready = 1, ptr.To[int32](1)
}

func jobActiveNotReady(job *batchv1.Job) {
	job.Status.Active, job.Status.Ready = 1, ptr.To[int32](0)
}

func jobSuspended(job *batchv1.Job) { job.Spec.Suspend = ptr.To(true) }

// jobComplete finishes a Job successfully at the given time.
func jobComplete(at time.Time) jobMod {
	return func(job *batchv1.Job) {
		job.Status.Succeeded = 1
		job.Status.CompletionTime = ptr.To(metav1.NewTime(at))
		job.Status.Conditions = []batchv1.JobCondition{
			{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(at)},
			{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(at)},
		}
	}
}

// jobFailed fails a Job with the Job controller's reason (BackoffLimitExceeded, DeadlineExceeded).
func jobFailed(at time.Time, reason, message string) jobMod {
	return func(job *batchv1.Job) {
		job.Status.Failed = 1
		job.Status.Conditions = []batchv1.JobCondition{
			{Type: batchv1.JobFailureTarget, Status: corev1.ConditionTrue, Reason: reason, Message: message, LastTransitionTime: metav1.NewTime(at)},
			{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: reason, Message: message, LastTransitionTime: metav1.NewTime(at)},
		}
	}
}

// runnerPod is a finished runner pod of a Job, as the kubelet reports it.
func runnerPod(job *batchv1.Job, exitCode int32, message string, finishedAt time.Time) corev1.Pod {
	phase := corev1.PodSucceeded
	if exitCode != 0 {
		phase = corev1.PodFailed
	}
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:      job.Name + "-x7k2p",
			Namespace: job.Namespace,
			Labels:    map[string]string{batchv1.JobNameLabel: job.Name},
		},
		Spec: *job.Spec.Template.Spec.DeepCopy(),
		Status: corev1.PodStatus{
			Phase: phase,
			ContainerStatuses: []corev1.ContainerStatus{{
				Name: runnerContainerName,
				State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
					ExitCode:   exitCode,
					Message:    message,
					FinishedAt: metav1.NewTime(finishedAt),
				}},
			}},
		},
	}
}

// terminated is the observation of a finished runner container, read the way the reconciler reads it.
func terminated(exitCode int32, message string) *podTermination {
	job := attemptJob(videoTask(), "VideoTask", 1)
	return terminationFromPods([]corev1.Pod{runnerPod(job, exitCode, message, t0)})
}
