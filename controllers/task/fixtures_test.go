package task

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/fixtures"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

// The shared unit-test fixtures (controllers/internal/fixtures) under short local names.
var (
	t0                    = fixtures.T0
	at                    = fixtures.At
	testRunner            = fixtures.Runner
	testNamespace         = fixtures.Namespace
	runnerPod             = fixtures.RunnerPod
	jobReady              = fixtures.JobReady
	jobActiveNotReady     = fixtures.JobActiveNotReady
	jobEnding             = fixtures.JobEnding
	jobSuspended          = fixtures.JobSuspended
	jobComplete           = fixtures.JobComplete
	jobFailed             = fixtures.JobFailed
	diffField             = fixtures.DiffField
	assertHasArg          = fixtures.AssertHasArg
	assertRunnerPodBasics = fixtures.AssertRunnerPodBasics
	envOf                 = fixtures.EnvOf
	flag                  = fixtures.Flag
	drain                 = fixtures.Drain
)

type jobMod = fixtures.JobMod

const testTaskName = fixtures.TaskName

var (
	videoTaskBuilder = fixtures.VideoTaskBuilder
	videoTask        = fixtures.VideoTask
	slideTask        = fixtures.SlideTask
)

// stored gives a built task the metadata the API server sets.
func stored[T tasksv1.Task](task T) T { return fixtures.Stored(task) }

// attemptJob is the Job the operator would have created for a task's attempt, with mods applied.
func attemptJob(task tasksv1.Task, kind string, attempt int32, mods ...jobMod) *batchv1.Job {
	job := jobForTask(task, kind, attempt, testRunner)
	for _, m := range mods {
		m(job)
	}
	return job
}

// terminated is the observation of a finished runner container, read the way the reconciler reads it.
func terminated(exitCode int32, message string) *jobs.Termination {
	job := attemptJob(videoTask(), tasksv1.KindVideoTask, 1)
	return jobs.TerminationFromPods([]corev1.Pod{runnerPod(job, exitCode, message, t0)})
}
