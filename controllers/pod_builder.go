package controllers

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

// runnerPodInput is what differs between the pods of task attempts and cleanup runs.
type runnerPodInput struct {
	args               []string
	env                []corev1.EnvVar
	storage            corev1.VolumeSource
	resources          *corev1.ResourceRequirements
	serviceAccountName string
	// needsAPI mounts the ServiceAccount token; only task runners write to the API (their progress).
	needsAPI          bool
	priorityClassName string
}

// runnerPodSpec builds the pod every runner Job uses: the storage volume at /data, a writable /tmp on an
// emptyDir (the root file system is read-only), and the restricted security profile.
func runnerPodSpec(cfg RunnerConfig, in runnerPodInput) corev1.PodSpec {
	resources := cfg.DefaultResources
	if in.resources != nil {
		resources = *in.resources
	}
	env := append([]corev1.EnvVar{
		{Name: "HOME", Value: tmpMountPath},
		{Name: "TMPDIR", Value: tmpMountPath},
		{Name: runnerv1.EnvTerminationLog, Value: terminationLogPath},
	}, in.env...)
	return corev1.PodSpec{
		RestartPolicy:                 corev1.RestartPolicyNever,
		ServiceAccountName:            in.serviceAccountName,
		AutomountServiceAccountToken:  ptr.To(in.needsAPI),
		PriorityClassName:             in.priorityClassName,
		EnableServiceLinks:            ptr.To(false),
		TerminationGracePeriodSeconds: ptr.To[int64](30),
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr.To(true),
			RunAsUser:      ptr.To(runnerUID),
			RunAsGroup:     ptr.To(runnerUID),
			FSGroup:        ptr.To(runnerUID),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{{
			Name:                     runnerContainerName,
			Image:                    cfg.Image,
			ImagePullPolicy:          cfg.PullPolicy,
			Args:                     in.args,
			Env:                      env,
			Resources:                resources,
			TerminationMessagePath:   terminationLogPath,
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
			VolumeMounts: []corev1.VolumeMount{
				{Name: storageVolumeName, MountPath: storageMountPath},
				{Name: tmpVolumeName, MountPath: tmpMountPath},
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
			{Name: storageVolumeName, VolumeSource: *in.storage.DeepCopy()},
			{Name: tmpVolumeName, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		},
	}
}
