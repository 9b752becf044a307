package task

import (
	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
)

// runnerInvocation returns the runner's arguments and the task-specific environment for a task, as the
// runner contract renders them. A SlideTask's content is not among them: the runner reads it from the task.
func runnerInvocation(task tasksv1.Task, cfg runnerpod.Config) ([]string, []runnerv1.EnvVar) {
	switch t := task.(type) {
	case *tasksv1.VideoTask:
		o := runnerv1.VideoOptionsFromSpec(t)
		env := append(o.Env(), runnerpod.CacheEnv(t.Namespace, cfg)...)
		return o.Args(), append(env, runnerpod.StorageIDEnv(t.Namespace, t.Spec.Storage, cfg)...)
	case *tasksv1.SlideTask:
		o := runnerv1.SlideOptionsFromSpec(t)
		return o.Args(), o.Env()
	}
	return nil, nil
}
