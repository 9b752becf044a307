// Package manager wires the controllers into a controller-runtime manager from command-line flags.
package manager

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/clock"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/admission"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
	"github.com/langflix/langflix-operator/controllers/task"
)

// Options are the manager's flags. Every flag can also come from the environment variable named in its
// help, so a Deployment can set them either way.
type Options struct {
	MetricsAddr             string
	ProbeAddr               string
	LeaderElect             bool
	LeaderElectionNamespace string
	// LeaseDuration, RenewDeadline and RetryPeriod tune leader election; see their flags.
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	Namespaces                                []string
	MaxConcurrentReconciles                   int
	SyncPeriod                                time.Duration
	Runner                                    runnerpod.Config
	Attempts                                  task.AttemptPolicy
	KubeAPIQPS                                float64
	KubeAPIBurst                              int
	// Limits are the operator's limits on running tasks (--max-running-tasks and
	// --max-running-tasks-per-namespace); 0 means none.
	Limits admission.Limits
	// Clock is the operator's clock; nil is the real one. Tests set a fake clock (it is no flag).
	Clock clock.WithTicker
	// NamespacePollInterval is how often an operator limited to --namespaces reads their settings (it may
	// not watch Namespaces).
	NamespacePollInterval time.Duration
}

// ParseOptions parses a manager command line (without the program name) exactly as Main does. Suites outside
// this module's controllers use it to configure the operator the way its Deployment does, by flags.
func ParseOptions(args []string) (Options, error) {
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return parseOptions(fs, args)
}

// Leader election timing. controller-runtime's defaults (15s, 10s, 2s) make a leader give up after 10s
// without the API server, so every API server restart longer than that (a control-plane upgrade, a
// single-instance API server that restarts) would also restart the operator. These ride out a minute-long
// outage; the price is that a crashed leader's successor waits up to a minute for its Lease. A leader that
// stops normally releases its Lease at once (LeaderElectionReleaseOnCancel).
const (
	DefaultLeaseDuration = 60 * time.Second
	DefaultRenewDeadline = 45 * time.Second
	DefaultRetryPeriod   = 5 * time.Second
)

// parseOptions reads flags, with environment variables as defaults.
func parseOptions(fs *flag.FlagSet, args []string) (Options, error) {
	o := Options{}
	var namespaces, pullPolicy, cpuRequest, memRequest, memLimit string
	fs.StringVar(&o.MetricsAddr, "metrics-bind-address", env("METRICS_BIND_ADDRESS", ":8080"), "Address of the Prometheus metrics endpoint; \"0\" disables it. Env METRICS_BIND_ADDRESS.")
	fs.StringVar(&o.ProbeAddr, "health-probe-bind-address", env("HEALTH_PROBE_BIND_ADDRESS", ":8081"), "Address of the /healthz and /readyz endpoints. Env HEALTH_PROBE_BIND_ADDRESS.")
	fs.BoolVar(&o.LeaderElect, "leader-elect", env("LEADER_ELECT", "false") == "true", "Elect a leader so that only one replica reconciles. Env LEADER_ELECT.")
	fs.StringVar(&o.LeaderElectionNamespace, "leader-election-namespace", env("LEADER_ELECTION_NAMESPACE", ""), "Namespace of the leader election Lease (default: the pod's). Env LEADER_ELECTION_NAMESPACE.")
	fs.DurationVar(&o.LeaseDuration, "leader-elect-lease-duration", DefaultLeaseDuration,
		"How long a leader's Lease holds without renewal: a replica that crashed is replaced after at most this long.")
	fs.DurationVar(&o.RenewDeadline, "leader-elect-renew-deadline", DefaultRenewDeadline,
		"How long the leader keeps trying to renew its Lease before it gives up leadership and exits: an API server that is away for less (a restart, an upgrade) costs no restart of the operator.")
	fs.DurationVar(&o.RetryPeriod, "leader-elect-retry-period", DefaultRetryPeriod, "How often leader election tries to acquire or renew the Lease.")
	fs.StringVar(&namespaces, "namespaces", env("WATCH_NAMESPACES", ""), "Comma-separated namespaces to watch; empty watches all. Env WATCH_NAMESPACES.")
	fs.IntVar(&o.MaxConcurrentReconciles, "max-concurrent-reconciles", 4, "Parallel reconciles per kind.")
	fs.DurationVar(&o.SyncPeriod, "sync-period", 10*time.Hour, "How often every object is reconciled even without changes.")
	fs.StringVar(&o.Runner.Image, "runner-image", env("RUNNER_IMAGE", "langflix-runner:latest"), "Image of the runner that task Jobs run. Env RUNNER_IMAGE.")
	fs.StringVar(&pullPolicy, "runner-image-pull-policy", env("RUNNER_IMAGE_PULL_POLICY", string(corev1.PullIfNotPresent)), "Pull policy of the runner image. Env RUNNER_IMAGE_PULL_POLICY.")
	fs.StringVar(&cpuRequest, "runner-cpu-request", env("RUNNER_CPU_REQUEST", "500m"), "Default CPU request of runner pods. Env RUNNER_CPU_REQUEST.")
	fs.StringVar(&memRequest, "runner-memory-request", env("RUNNER_MEMORY_REQUEST", "512Mi"), "Default memory request of runner pods. Env RUNNER_MEMORY_REQUEST.")
	fs.StringVar(&memLimit, "runner-memory-limit", env("RUNNER_MEMORY_LIMIT", "2Gi"), "Default memory limit of runner pods. Env RUNNER_MEMORY_LIMIT.")
	var cacheMode string
	fs.StringVar(&o.Runner.Cache.SecretName, "redis-secret", env("REDIS_SECRET", ""), "Secret holding the Redis URL of the runners' result cache (empty: no cache); see --redis-secret-mode. Env REDIS_SECRET.")
	fs.StringVar(&o.Runner.Cache.SecretKey, "redis-secret-key", env("REDIS_SECRET_KEY", runnerpod.DefaultCacheSecretKey), "Key of the Redis URL in --redis-secret. Env REDIS_SECRET_KEY.")
	fs.StringVar(&cacheMode, "redis-secret-mode", env("REDIS_SECRET_MODE", string(runnerpod.CacheSecretCopy)), "Copy: --redis-secret lives in --operator-namespace and the operator keeps a copy in each task namespace; PerNamespace: each task namespace has its own Secret of that name. Env REDIS_SECRET_MODE.")
	fs.StringVar(&o.Runner.Cache.OperatorNamespace, "operator-namespace", env("POD_NAMESPACE", ""), "Namespace of the operator (where --redis-secret lives in Copy mode). Env POD_NAMESPACE.")
	fs.BoolVar(&o.Runner.Cache.Shared, "cache-shared", env("CACHE_SHARED", "false") == "true", "Share cache entries between namespaces; by default each namespace has its own. Env CACHE_SHARED.")
	fs.StringVar(&o.Runner.ServiceAccountName, "runner-service-account", env("RUNNER_SERVICE_ACCOUNT", runnerpod.DefaultServiceAccount), "ServiceAccount the operator creates for runners in each task namespace. Env RUNNER_SERVICE_ACCOUNT.")
	fs.StringVar(&o.Runner.ClusterRoleName, "runner-cluster-role", env("RUNNER_CLUSTER_ROLE", runnerpod.DefaultClusterRole), "ClusterRole bound to the runner ServiceAccount. Env RUNNER_CLUSTER_ROLE.")
	fs.DurationVar(&o.Attempts.ConfigErrorGrace, "pod-config-error-grace", envDuration("POD_CONFIG_ERROR_GRACE", task.DefaultAttemptPolicy.ConfigErrorGrace),
		"How long a configuration error that waiting cannot fix (a missing Secret, PersistentVolumeClaim or ServiceAccount) may hold an attempt's pod before the task fails with reason PodConfigurationError. Env POD_CONFIG_ERROR_GRACE.")
	fs.DurationVar(&o.Attempts.RecheckInterval, "pod-create-recheck-interval", task.DefaultAttemptPolicy.RecheckInterval,
		"How often a Job without a pod is looked at again for the Job controller's FailedCreate events.")
	var maxRunning, maxRunningPerNS string
	fs.StringVar(&maxRunning, "max-running-tasks", env("MAX_RUNNING_TASKS", "0"), "Most tasks (VideoTasks and SlideTasks) whose Jobs run at once in the whole cluster; more wait in the operator's queue (phase Queued, reason WaitingForCapacity). 0: no limit. Tasks Kueue admits (spec.queueName) do not count. Env MAX_RUNNING_TASKS.")
	fs.StringVar(&maxRunningPerNS, "max-running-tasks-per-namespace", env("MAX_RUNNING_TASKS_PER_NAMESPACE", "0"), "Most tasks running at once in one namespace; a Namespace's annotation "+tasksv1.AnnotationMaxRunningTasks+" overrides it. 0: no limit. Env MAX_RUNNING_TASKS_PER_NAMESPACE.")
	fs.DurationVar(&o.NamespacePollInterval, "namespace-poll-interval", time.Minute, "With --namespaces, how often the operator reads those Namespaces' annotations (it may not watch Namespaces then).")
	fs.Float64Var(&o.KubeAPIQPS, "kube-api-qps", 50, "Client requests per second to the API server.")
	fs.IntVar(&o.KubeAPIBurst, "kube-api-burst", 100, "Client request burst to the API server.")
	if err := fs.Parse(args); err != nil {
		return o, err
	}

	for _, ns := range strings.Split(namespaces, ",") {
		if ns = strings.TrimSpace(ns); ns != "" {
			o.Namespaces = append(o.Namespaces, ns)
		}
	}
	switch p := corev1.PullPolicy(pullPolicy); p {
	case corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever:
		o.Runner.PullPolicy = p
	default:
		return o, fmt.Errorf("--runner-image-pull-policy: %q is not Always, IfNotPresent or Never", pullPolicy)
	}
	switch m := runnerpod.CacheSecretMode(cacheMode); m {
	case runnerpod.CacheSecretCopy, runnerpod.CacheSecretPerNamespace:
		o.Runner.Cache.Mode = m
	default:
		return o, fmt.Errorf("--redis-secret-mode: %q is not Copy or PerNamespace", cacheMode)
	}
	if o.Runner.Cache.SecretName != "" && o.Runner.Cache.Mode == runnerpod.CacheSecretCopy && o.Runner.Cache.OperatorNamespace == "" {
		return o, fmt.Errorf("--redis-secret in Copy mode needs --operator-namespace (or env POD_NAMESPACE): the namespace the Secret is read from")
	}
	if !(o.LeaseDuration > o.RenewDeadline && o.RenewDeadline > o.RetryPeriod && o.RetryPeriod > 0) {
		return o, fmt.Errorf("leader election needs --leader-elect-lease-duration > --leader-elect-renew-deadline > --leader-elect-retry-period > 0")
	}
	if o.Attempts.ConfigErrorGrace <= 0 || o.Attempts.RecheckInterval <= 0 {
		return o, fmt.Errorf("--pod-config-error-grace and --pod-create-recheck-interval must be positive")
	}
	for _, l := range []struct {
		flag, value string
		into        *int
	}{{"--max-running-tasks", maxRunning, &o.Limits.Cluster}, {"--max-running-tasks-per-namespace", maxRunningPerNS, &o.Limits.PerNamespace}} {
		n, err := strconv.Atoi(strings.TrimSpace(l.value))
		if err != nil || n < 0 {
			return o, fmt.Errorf("%s: %q is not a whole number of tasks (0 means no limit)", l.flag, l.value)
		}
		*l.into = n
	}
	if o.Runner.Image == "" {
		return o, fmt.Errorf("--runner-image must not be empty")
	}
	reqs := corev1.ResourceList{}
	limits := corev1.ResourceList{}
	for _, q := range []struct {
		flag, value string
		list        corev1.ResourceList
		name        corev1.ResourceName
	}{
		{"--runner-cpu-request", cpuRequest, reqs, corev1.ResourceCPU},
		{"--runner-memory-request", memRequest, reqs, corev1.ResourceMemory},
		{"--runner-memory-limit", memLimit, limits, corev1.ResourceMemory},
	} {
		if q.value == "" {
			continue
		}
		v, err := resource.ParseQuantity(q.value)
		if err != nil {
			return o, fmt.Errorf("%s: %w", q.flag, err)
		}
		q.list[q.name] = v
	}
	o.Runner.DefaultResources = corev1.ResourceRequirements{Requests: reqs, Limits: limits}
	return o, nil
}

// envDuration is the duration in the environment variable name, or def when it is unset or not a duration
// (the flag's own parsing then reports nothing: a bad value in the environment falls back to the default).
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(env(name, "")); err == nil {
		return d
	}
	return def
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}
