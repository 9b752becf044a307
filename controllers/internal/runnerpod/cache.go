package runnerpod

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// CacheSecretMode says where the Secret holding the runners' Redis URL lives. A Job can only reference
// Secrets of its own namespace, so the URL has to be there one way or the other.
type CacheSecretMode string

const (
	// CacheSecretCopy: the Secret lives in the operator's namespace, and the operator keeps a copy of its one key
	// in every namespace it runs a task in (named after the runner ServiceAccount, "<sa>-cache"). One credential
	// serves every namespace, so whoever may read Secrets in a task namespace may read it.
	CacheSecretCopy CacheSecretMode = "Copy"
	// CacheSecretPerNamespace: a Secret of that name is expected in each task namespace, provisioned by the
	// platform (for example with a Redis ACL user per namespace, so that tenants cannot touch each other's
	// entries even with the credential in hand). The operator only references it; a namespace without one runs
	// without a cache.
	CacheSecretPerNamespace CacheSecretMode = "PerNamespace"
)

// CacheConfig says where runners find the Redis URL of their result cache. An empty SecretName means
// no cache. The URL (password included) never appears in a Job: runners get it through a secretKeyRef.
type CacheConfig struct {
	// SecretName is the Secret with the URL: in OperatorNamespace (Copy) or in each task namespace (PerNamespace).
	SecretName string
	// SecretKey is the key of the URL in that Secret.
	SecretKey string
	// Mode is Copy or PerNamespace.
	Mode CacheSecretMode
	// OperatorNamespace is the namespace of the source Secret in Copy mode.
	OperatorNamespace string
	// Shared lets tasks of all namespaces share entries. By default every entry is keyed by the task's
	// namespace, so one tenant's LLM answers never reach another tenant.
	Shared bool
}

// DefaultCacheSecretKey is the key of the Redis URL in the cache Secret.
const DefaultCacheSecretKey = "url"

// cacheSecretRef is the Secret (and key) a runner Job references for the Redis URL.
func cacheSecretRef(cfg Config) (name, key string) {
	key = cfg.Cache.SecretKey
	if key == "" {
		key = DefaultCacheSecretKey
	}
	if cfg.Cache.Mode == CacheSecretPerNamespace {
		return cfg.Cache.SecretName, key
	}
	return cacheCopyName(cfg), key
}

// cacheCopyName is the name of the operator's copy of the cache Secret in a task namespace. It follows the
// runner ServiceAccount's name so that two installations with different runner accounts do not collide.
func cacheCopyName(cfg Config) string { return cfg.ServiceAccountName + "-cache" }

// CacheEnv is the environment that gives a task's runner its cache: the URL by Secret reference (never its
// value) and the scope its entries are keyed under (the namespace, unless the cache is shared). Nil when no
// cache is configured.
func CacheEnv(namespace string, cfg Config) []runnerv1.EnvVar {
	if cfg.Cache.SecretName == "" {
		return nil
	}
	name, key := cacheSecretRef(cfg)
	scope := namespace
	if cfg.Cache.Shared {
		scope = runnerv1.SharedCacheScope
	}
	return []runnerv1.EnvVar{
		// A namespace without its own Secret (PerNamespace) runs uncached rather than failing to start.
		{Name: runnerv1.EnvRedisURL, SecretKeyRef: &tasksv1.SecretKeyRef{Name: name, Key: key},
			Optional: cfg.Cache.Mode == CacheSecretPerNamespace},
		{Name: runnerv1.EnvCacheScope, Value: scope},
	}
}

// EnsureCacheSecret keeps the operator's copy of the cache Secret in a task namespace up to date (Copy mode
// only): it reads the source Secret directly (no cluster-wide Secret cache) and applies its one key to the copy.
// The operator's RBAC lets it get only the source and write only copies of that name. Provisioner does the
// same at most once per namespace and source value.
func EnsureCacheSecret(ctx context.Context, c client.Client, reader client.Reader, namespace string, cfg Config) error {
	if !copiesCacheSecret(cfg) {
		return nil
	}
	url, err := readCacheSource(ctx, reader, cfg)
	if err != nil {
		return err
	}
	return applyCacheCopy(ctx, c, namespace, cfg, url)
}

// copiesCacheSecret reports whether the operator keeps copies of the cache Secret (Copy mode with a cache).
func copiesCacheSecret(cfg Config) bool {
	return cfg.Cache.SecretName != "" && cfg.Cache.Mode != CacheSecretPerNamespace
}

// readCacheSource reads the Redis URL from the source Secret in the operator's namespace.
func readCacheSource(ctx context.Context, reader client.Reader, cfg Config) ([]byte, error) {
	cache := cfg.Cache
	_, key := cacheSecretRef(cfg)
	var src corev1.Secret
	if err := reader.Get(ctx, types.NamespacedName{Namespace: cache.OperatorNamespace, Name: cache.SecretName}, &src); err != nil {
		return nil, fmt.Errorf("read cache Secret %s/%s: %w", cache.OperatorNamespace, cache.SecretName, err)
	}
	url, ok := src.Data[key]
	if !ok {
		return nil, fmt.Errorf("cache Secret %s/%s has no key %q", cache.OperatorNamespace, cache.SecretName, key)
	}
	return url, nil
}

// applyCacheCopy applies the URL as the one key of the copy in namespace.
func applyCacheCopy(ctx context.Context, c client.Client, namespace string, cfg Config, url []byte) error {
	_, key := cacheSecretRef(cfg)
	copyName := cacheCopyName(cfg)
	secret := corev1ac.Secret(copyName, namespace).
		WithLabels(map[string]string{tasksv1.LabelManagedBy: tasksv1.ManagedByValue}).
		WithType(corev1.SecretTypeOpaque).
		WithData(map[string][]byte{key: url})
	if err := c.Apply(ctx, secret, client.FieldOwner(runnerv1.FieldManagerOperator), client.ForceOwnership); err != nil {
		return fmt.Errorf("apply cache Secret %s/%s: %w", namespace, copyName, err)
	}
	return nil
}

// StorageIDEnv names a task's storage volume for the runner's result reuse (runnerv1.EnvStorageID), when a
// cache is configured and the volume is the same wherever it is mounted: a PersistentVolumeClaim, named by
// namespace and claim. Other volumes (emptyDir and ephemeral ones live and die with the pod; hostPath and the
// like differ between nodes) get none, which turns result reuse off for them.
func StorageIDEnv(namespace string, storage corev1.VolumeSource, cfg Config) []runnerv1.EnvVar {
	if cfg.Cache.SecretName == "" || storage.PersistentVolumeClaim == nil {
		return nil
	}
	return []runnerv1.EnvVar{{Name: runnerv1.EnvStorageID, Value: "pvc/" + namespace + "/" + storage.PersistentVolumeClaim.ClaimName}}
}
