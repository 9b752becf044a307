// Package runnerpod builds the pod every runner Job runs (task attempts and cleanup runs alike), from the
// operator's configuration of the runner image, and gives the runner its ServiceAccount in a namespace.
package runnerpod

import (
	corev1 "k8s.io/api/core/v1"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

// Config is what the operator knows about the runner image and how to run it. It comes from the manager's
// flags and is the same for every task.
type Config struct {
	// Image is the runner image every task Job runs.
	Image string
	// PullPolicy is the runner container's image pull policy.
	PullPolicy corev1.PullPolicy
	// DefaultResources apply when a task sets no spec.resources.
	DefaultResources corev1.ResourceRequirements
	// Cache says where runners find the Redis URL of their result cache (by Secret reference only).
	Cache CacheConfig
	// ServiceAccountName is the ServiceAccount the operator creates in each task namespace for the runner.
	ServiceAccountName string
	// ClusterRoleName is the ClusterRole (installed with the operator) that the runner's RoleBinding grants.
	ClusterRoleName string
}

// Paths and names inside the runner pod.
const (
	// StorageMountPath is where the task's storage volume is mounted: the contract's storage root.
	StorageMountPath = runnerv1.StorageRoot
	// TmpMountPath is a writable emptyDir; the root file system is read-only.
	TmpMountPath = "/tmp"
	// TerminationLogPath is where the runner leaves its termination message.
	TerminationLogPath = runnerv1.DefaultTerminationLog
	// ContainerName is the runner container's name, which the operator looks for in a finished pod.
	ContainerName = "runner"

	storageVolumeName = "storage"
	tmpVolumeName     = "tmp"
	// runnerUID is the non-root user of the runner image (distroless "nonroot").
	runnerUID int64 = 65532
)

// DefaultServiceAccount is the ServiceAccount (and RoleBinding) name the operator manages per namespace.
const DefaultServiceAccount = "langflix-runner"

// DefaultClusterRole is the ClusterRole that lets the runner get tasks and patch their status.
const DefaultClusterRole = "langflix-runner"
