package manager

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"
	ctrlcache "sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// CacheOptions are the manager's cache settings, chosen so that memory grows slowly with the number of
// tasks (docs/benchmarks.md has the figures):
//
//   - only the operator's own Jobs, CronJobs and runner pods are cached (by the managed-by label the operator
//     puts on them and their pod templates): a cluster with many unrelated Jobs and pods costs no operator
//     memory;
//   - no object keeps its managedFields, which the operator never reads and which are often larger than the
//     rest of a task's metadata (three field managers write to every task);
//   - a Job keeps no pod template: the operator builds it, never reads it back, and it is most of the Job's
//     size (environment, volumes, security context);
//   - a runner pod keeps no spec, for the same reason: the operator reads only its metadata (labels,
//     finalizers, deletion) and status (phase, conditions, container states with the termination message).
//
// The cache is read-only by contract: an object from it is never sent back whole (Update); the operator
// changes objects by patch (controllers/internal/kubewrite) and server-side apply of its own fields, which
// never carry the fields dropped here.
func CacheOptions(opts Options) ctrlcache.Options {
	managed := labels.SelectorFromSet(labels.Set{tasksv1.LabelManagedBy: tasksv1.ManagedByValue})
	cacheOpts := ctrlcache.Options{
		SyncPeriod:       &opts.SyncPeriod,
		DefaultTransform: ctrlcache.TransformStripManagedFields(),
		ByObject: map[client.Object]ctrlcache.ByObject{
			&batchv1.Job{}:     {Label: managed, Transform: stripJob},
			&batchv1.CronJob{}: {Label: managed},
			// The runner pods: the operator reads their phase, conditions and container states.
			&corev1.Pod{}: {Label: managed, Transform: stripPod},
		},
	}
	if len(opts.Namespaces) > 0 {
		cacheOpts.DefaultNamespaces = map[string]ctrlcache.Config{}
		for _, ns := range opts.Namespaces {
			cacheOpts.DefaultNamespaces[ns] = ctrlcache.Config{}
		}
	}
	return cacheOpts
}

// stripJob drops what the operator never reads from a cached Job: its managed fields and its pod template.
var stripJob cache.TransformFunc = func(obj any) (any, error) {
	if job, ok := obj.(*batchv1.Job); ok {
		job.ManagedFields = nil
		job.Spec.Template = corev1.PodTemplateSpec{}
	}
	return obj, nil
}

// stripPod drops what the operator never reads from a cached runner pod: its managed fields and its spec.
var stripPod cache.TransformFunc = func(obj any) (any, error) {
	if pod, ok := obj.(*corev1.Pod); ok {
		pod.ManagedFields = nil
		pod.Spec = corev1.PodSpec{}
	}
	return obj, nil
}
