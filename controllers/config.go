package controllers

import (
	corev1 "k8s.io/api/core/v1"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

// RunnerConfig is what the operator knows about the runner image and how to run it. It comes from the
// manager's flags and is the same for every task.
type RunnerConfig struct {
	// Image is the runner image every task Job runs.
	Image string
	// PullPolicy is the runner container's image pull policy.
	PullPolicy corev1.PullPolicy
	// DefaultResources apply when a task sets no spec.resources.
	DefaultResources corev1.ResourceRequirements
	// RedisURL, when set, is passed to the runner as its result cache.
	RedisURL string
	// ServiceAccountName is the ServiceAccount the operator creates in each task namespace for the runner.
	ServiceAccountName string
	// ClusterRoleName is the ClusterRole (installed with the operator) that the runner's RoleBinding grants.
	ClusterRoleName string
}

// Paths inside the runner container.
const (
	storageMountPath    = runnerv1.StorageRoot
	tmpMountPath        = "/tmp"
	terminationLogPath  = runnerv1.DefaultTerminationLog
	storageVolumeName   = "storage"
	tmpVolumeName       = "tmp"
	runnerContainerName = "runner"
	// runnerUID is the non-root user of the runner image (distroless "nonroot").
	runnerUID int64 = 65532
)

// DefaultRunnerServiceAccount is the ServiceAccount (and RoleBinding) name the operator manages per namespace.
const DefaultRunnerServiceAccount = "langflix-runner"

// DefaultRunnerClusterRole is the ClusterRole that lets the runner get tasks and patch their status.
const DefaultRunnerClusterRole = "langflix-runner"
