package runnerv1alpha1

import (
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/runtime/schema"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// Environment variables the operator sets in the runner container.
const (
	// EnvTaskKind, EnvTaskName and EnvTaskNamespace name the task the run belongs to. With them the runner
	// reads its task (a SlideTask's content) and applies its progress to the task's status.
	EnvTaskKind      = "LANGFLIX_TASK_KIND"
	EnvTaskName      = "LANGFLIX_TASK_NAME"
	EnvTaskNamespace = "LANGFLIX_TASK_NAMESPACE"
	// EnvTerminationLog is the file the runner writes its termination message to (flag --termination-log
	// wins).
	EnvTerminationLog = "LANGFLIX_TERMINATION_LOG"
	// EnvSoftTimeLimit is the soft time limit when --soft-time-limit is not given: a Go duration or plain
	// seconds.
	EnvSoftTimeLimit = "LANGFLIX_SOFT_TIME_LIMIT"
	// EnvHardTimeLimit is the hard time limit when --hard-time-limit is not given: a Go duration or plain
	// seconds.
	EnvHardTimeLimit = "LANGFLIX_HARD_TIME_LIMIT"
	// EnvAttempt is the number (from 1) of the task attempt the run belongs to. The runner stamps its
	// progress with it, so the operator can tell a stale attempt's progress from the current one's.
	EnvAttempt = "LANGFLIX_ATTEMPT"
	// EnvRedisURL is the result cache when --redis-url is not given. It travels in the environment rather
	// than the arguments because the URL may hold a password, and the operator sets it from a Secret
	// reference only, never as a value.
	EnvRedisURL = "LANGFLIX_REDIS_URL"
	// EnvCacheScope keeps cache entries apart: the task's namespace, or SharedCacheScope when the
	// installation shares the cache between namespaces. Unset, the runner uses its task's namespace.
	EnvCacheScope = "LANGFLIX_CACHE_SCOPE"
	// EnvStorageID names the task's storage volume when the operator knows it is the same volume wherever a
	// pod mounts it (a PersistentVolumeClaim: "pvc/<namespace>/<claim>"). It is part of the key under which
	// the runner records a complete result in the cache, so that an identical later task on the same volume
	// is served from those outputs (reason CacheHit) instead of doing the work again. Unset (emptyDir,
	// ephemeral and other volumes, or no cache), results are not reused.
	EnvStorageID = "LANGFLIX_STORAGE_ID"
	// EnvLLMAPIKey is the LLM API key, set from a Secret reference: the key never appears in the Job.
	EnvLLMAPIKey = "LANGFLIX_LLM_API_KEY"
	// EnvFont (runner-local, never set by the operator) is a font file that can draw Korean, used when
	// --font is not given, before fontconfig is asked.
	EnvFont = "LANGFLIX_FONT"
)

// SharedCacheScope is the cache scope of an installation that shares the cache between namespaces.
const SharedCacheScope = "shared"

// Paths inside the runner container.
const (
	// StorageRoot is where the operator mounts a task's storage volume and what it passes as
	// --storage-root (cleanup: --root). Paths the runner reports below it are relative to the volume.
	StorageRoot = "/data"
	// DefaultTerminationLog is the container's terminationMessagePath, Kubernetes' default.
	DefaultTerminationLog = "/dev/termination-log"
)

// EnvVar is one environment variable of the runner container: a plain Value, or the key of a Secret in
// the task's namespace. The operator turns it into a corev1.EnvVar.
type EnvVar struct {
	Name  string
	Value string
	// SecretKeyRef, when set, takes the value from this Secret key instead of Value.
	SecretKeyRef *tasksv1.SecretKeyRef
	// Optional, with SecretKeyRef, leaves the variable unset when the Secret or key is missing instead of
	// keeping the pod from starting.
	Optional bool
}

// TaskRef names the task object a run belongs to, and the attempt of that task it is.
type TaskRef struct {
	Kind, Name, Namespace string
	// Attempt is the attempt's number, from 1; 0 when unknown (a runner started by hand, or by an operator
	// older than the attempt's place in the contract).
	Attempt int32
}

// Env is the environment that tells the runner its task and attempt.
func (r TaskRef) Env() []EnvVar {
	env := []EnvVar{
		{Name: EnvTaskKind, Value: r.Kind},
		{Name: EnvTaskName, Value: r.Name},
		{Name: EnvTaskNamespace, Value: r.Namespace},
	}
	if r.Attempt > 0 {
		env = append(env, EnvVar{Name: EnvAttempt, Value: strconv.Itoa(int(r.Attempt))})
	}
	return env
}

// TaskRefFromEnv reads the task reference from the environment (getenv is os.Getenv in the runner). ok
// is false when the runner does not run as part of a task. An attempt that is not a positive number reads
// as 0, unknown: progress without an attempt is still progress.
func TaskRefFromEnv(getenv func(string) string) (ref TaskRef, ok bool) {
	ref = TaskRef{Kind: getenv(EnvTaskKind), Name: getenv(EnvTaskName), Namespace: getenv(EnvTaskNamespace)}
	if n, err := strconv.ParseInt(getenv(EnvAttempt), 10, 32); err == nil && n > 0 {
		ref.Attempt = int32(n)
	}
	return ref, ref.Name != ""
}

// Resource is the API resource of the task kinds a runner works for (VideoTask, SlideTask).
func (r TaskRef) Resource() (schema.GroupVersionResource, error) {
	switch r.Kind {
	case tasksv1.KindVideoTask:
		return tasksv1.GroupVersion.WithResource(tasksv1.ResourceVideoTasks), nil
	case tasksv1.KindSlideTask:
		return tasksv1.GroupVersion.WithResource(tasksv1.ResourceSlideTasks), nil
	}
	return schema.GroupVersionResource{}, fmt.Errorf("%s=%q: want %s or %s", EnvTaskKind, r.Kind,
		tasksv1.KindVideoTask, tasksv1.KindSlideTask)
}

// Validate checks that the reference names a task object the runner can read and update.
func (r TaskRef) Validate() error {
	if _, err := r.Resource(); err != nil {
		return err
	}
	if r.Name == "" || r.Namespace == "" {
		return fmt.Errorf("task name and namespace are required (%s, %s; got %q/%q)", EnvTaskName, EnvTaskNamespace,
			r.Namespace, r.Name)
	}
	return nil
}
