package controllers

import (
	corev1 "k8s.io/api/core/v1"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// runnerInvocation returns the runner's arguments and the task-specific environment for a task, as the
// runner contract renders them. A SlideTask's content is not among them: the runner reads it from the task.
func runnerInvocation(task tasksv1.Task, cfg RunnerConfig) ([]string, []runnerv1.EnvVar) {
	switch t := task.(type) {
	case *tasksv1.VideoTask:
		o := runnerv1.VideoOptionsFromSpec(t)
		o.RedisURL = cfg.RedisURL
		return o.Args(), o.Env()
	case *tasksv1.SlideTask:
		o := runnerv1.SlideOptionsFromSpec(t)
		return o.Args(), o.Env()
	}
	return nil, nil
}

// envVars turns the contract's environment into the container's.
func envVars(vars []runnerv1.EnvVar) []corev1.EnvVar {
	out := make([]corev1.EnvVar, 0, len(vars))
	for _, v := range vars {
		e := corev1.EnvVar{Name: v.Name, Value: v.Value}
		if ref := v.SecretKeyRef; ref != nil {
			e.Value = ""
			e.ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: ref.Name},
				Key:                  ref.Key,
			}}
		}
		out = append(out, e)
	}
	return out
}
