package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

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

// Environment of the runner's cache (runner/cli reads them).
const (
	envRedisURL   = "LANGFLIX_REDIS_URL"
	envCacheScope = "LANGFLIX_CACHE_SCOPE"
	// sharedCacheScope is the scope of a cache shared by all namespaces.
	sharedCacheScope = "shared"
)

// RunnerCacheConfig says where runners find the Redis URL of their result cache. An empty SecretName means
// no cache. The URL (password included) never appears in a Job: runners get it through a secretKeyRef.
type RunnerCacheConfig struct {
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
func cacheSecretRef(cfg RunnerConfig) (name, key string) {
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
func cacheCopyName(cfg RunnerConfig) string { return cfg.ServiceAccountName + "-cache" }

// runnerCacheEnv is the environment that gives a task's runner its cache: the URL by reference and the scope
// its entries are keyed under (the namespace, unless the cache is shared). Nil when no cache is configured.
func runnerCacheEnv(namespace string, cfg RunnerConfig) []corev1.EnvVar {
	if cfg.Cache.SecretName == "" {
		return nil
	}
	name, key := cacheSecretRef(cfg)
	scope := namespace
	if cfg.Cache.Shared {
		scope = sharedCacheScope
	}
	return []corev1.EnvVar{
		{Name: envRedisURL, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: name},
			Key:                  key,
			// A namespace without its own Secret runs uncached rather than failing to start.
			Optional: ptr.To(cfg.Cache.Mode == CacheSecretPerNamespace),
		}}},
		{Name: envCacheScope, Value: scope},
	}
}

// ensureCacheSecret keeps the operator's copy of the cache Secret in a task namespace up to date (Copy mode
// only): it reads the source Secret directly (no cluster-wide Secret cache) and applies its one key to the copy,
// so a rotated password reaches the next Job. The operator's RBAC lets it get only the source and write only
// copies of that name.
func ensureCacheSecret(ctx context.Context, c client.Client, reader client.Reader, namespace string, cfg RunnerConfig) error {
	cache := cfg.Cache
	if cache.SecretName == "" || cache.Mode == CacheSecretPerNamespace {
		return nil
	}
	_, key := cacheSecretRef(cfg)
	var src corev1.Secret
	if err := reader.Get(ctx, types.NamespacedName{Namespace: cache.OperatorNamespace, Name: cache.SecretName}, &src); err != nil {
		return fmt.Errorf("read cache Secret %s/%s: %w", cache.OperatorNamespace, cache.SecretName, err)
	}
	url, ok := src.Data[key]
	if !ok {
		return fmt.Errorf("cache Secret %s/%s has no key %q", cache.OperatorNamespace, cache.SecretName, key)
	}
	copyName := cacheCopyName(cfg)
	secret := corev1ac.Secret(copyName, namespace).
		WithLabels(map[string]string{tasksv1.LabelManagedBy: tasksv1.ManagedByValue}).
		WithType(corev1.SecretTypeOpaque).
		WithData(map[string][]byte{key: url})
	if err := c.Apply(ctx, secret, client.FieldOwner(tasksv1.FieldManagerOperator), client.ForceOwnership); err != nil {
		return fmt.Errorf("apply cache Secret %s/%s: %w", namespace, copyName, err)
	}
	return nil
}
