package runnerpod

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
)

// Input is what differs between the pods of task attempts and cleanup runs.
type Input struct {
	Args []string
	// Env is the runner contract's environment for this run.
	Env                []runnerv1.EnvVar
	Storage            corev1.VolumeSource
	Resources          *corev1.ResourceRequirements
	ServiceAccountName string
	// NeedsAPI mounts the ServiceAccount token; only task runners talk to the API (their task, progress).
	NeedsAPI          bool
	PriorityClassName string
}

// PodSpec builds the pod every runner Job uses: the storage volume at the contract's storage root, a
// writable /tmp on an emptyDir (the root file system is read-only), and the restricted security profile.
func PodSpec(cfg Config, in Input) corev1.PodSpec {
	resources := cfg.DefaultResources
	if in.Resources != nil {
		resources = *in.Resources
	}
	env := append([]corev1.EnvVar{
		{Name: "HOME", Value: TmpMountPath},
		{Name: "TMPDIR", Value: TmpMountPath},
		{Name: runnerv1.EnvTerminationLog, Value: TerminationLogPath},
	}, EnvVars(in.Env)...)
	return corev1.PodSpec{
		RestartPolicy:                 corev1.RestartPolicyNever,
		ServiceAccountName:            in.ServiceAccountName,
		AutomountServiceAccountToken:  ptr.To(in.NeedsAPI),
		PriorityClassName:             in.PriorityClassName,
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
			Name:                     ContainerName,
			Image:                    cfg.Image,
			ImagePullPolicy:          cfg.PullPolicy,
			Args:                     in.Args,
			Env:                      env,
			Resources:                resources,
			TerminationMessagePath:   TerminationLogPath,
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
			VolumeMounts: []corev1.VolumeMount{
				{Name: storageVolumeName, MountPath: StorageMountPath},
				{Name: tmpVolumeName, MountPath: TmpMountPath},
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
			{Name: storageVolumeName, VolumeSource: *in.Storage.DeepCopy()},
			{Name: tmpVolumeName, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		},
	}
}

// EnvVars turns the runner contract's environment into the container's: a Secret reference stays a
// reference, so a secret's value never appears in the Job.
func EnvVars(vars []runnerv1.EnvVar) []corev1.EnvVar {
	out := make([]corev1.EnvVar, 0, len(vars))
	for _, v := range vars {
		e := corev1.EnvVar{Name: v.Name, Value: v.Value}
		if ref := v.SecretKeyRef; ref != nil {
			e.Value = ""
			e.ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: ref.Name},
				Key:                  ref.Key,
			}}
			if v.Optional {
				e.ValueFrom.SecretKeyRef.Optional = ptr.To(true)
			}
		}
		out = append(out, e)
	}
	return out
}
