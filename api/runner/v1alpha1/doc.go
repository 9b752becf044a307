// Package runnerv1alpha1 is the versioned contract between the langflix operator and the runner image it
// starts in every task Job. The two are separate programs in separate images that may be upgraded at
// different times, so everything they must agree on is defined here, once:
//
//   - the runner's commands and flag names, and typed invocation options per kind (VideoOptions,
//     SlideOptions, CleanupOptions): the operator builds them from the API object (…FromSpec) and renders
//     them as container arguments and environment (Args, Env); the runner registers the very same flags
//     (Bind) and reads the same environment (ApplyEnv), so it parses exactly what the operator renders;
//   - the environment variable names and the paths inside the runner container;
//   - the exit codes and failure reasons, and which exit codes end an attempt for good (FinalExitCodes) or
//     mark a disruption the Job absorbs (DisruptionExitCodes): the operator builds the Job's
//     podFailurePolicy from them;
//   - the attempt number (EnvAttempt) the runner stamps its progress with, and the hard time limit the
//     runner enforces from its own start (--hard-time-limit);
//   - the termination message the runner leaves for the operator (TerminationMessage, Encode, Parse),
//     one type for task and cleanup results, kept under the kubelet's 4096-byte limit;
//   - the field managers of the two writers of a task's status, and the progress the runner applies
//     (ProgressApply, built on the API's TaskProgress).
//
// It follows Tekton's pkg/termination and pkg/result: a small package without controller or runner logic,
// depending only on the standard library, apimachinery and the tasks.langflix.io API types.
//
// Compatibility: within v1alpha1, fields and flags are only added. A runner ignores unknown fields of the
// termination message and of the task object it reads, and the operator ignores unknown fields of the
// termination message, so an operator and a runner one version apart still understand each other.
package runnerv1alpha1
