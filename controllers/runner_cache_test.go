package controllers

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// TestRunnerCacheEnv pins how a runner finds its cache: never a literal URL, always a Secret of the Job's own
// namespace, and the scope entries are keyed under.
func TestRunnerCacheEnv(t *testing.T) {
	ref := func(name string, optional bool) corev1.EnvVar {
		return corev1.EnvVar{Name: "LANGFLIX_REDIS_URL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: "redis-url", Optional: ptr.To(optional),
		}}}
	}
	scope := func(s string) corev1.EnvVar { return corev1.EnvVar{Name: "LANGFLIX_CACHE_SCOPE", Value: s} }
	for _, tc := range []struct {
		name  string
		cache RunnerCacheConfig
		want  []corev1.EnvVar
	}{
		{name: "no cache", cache: RunnerCacheConfig{}, want: nil},
		{
			name:  "copy: the operator's copy, scoped to the namespace",
			cache: RunnerCacheConfig{SecretName: "redis", SecretKey: "redis-url", Mode: CacheSecretCopy, OperatorNamespace: "ops"},
			want:  []corev1.EnvVar{ref("langflix-runner-cache", false), scope("team-a")},
		},
		{
			name:  "per namespace: the namespace's own Secret, optional",
			cache: RunnerCacheConfig{SecretName: "team-redis", SecretKey: "redis-url", Mode: CacheSecretPerNamespace},
			want:  []corev1.EnvVar{ref("team-redis", true), scope("team-a")},
		},
		{
			name:  "shared cache",
			cache: RunnerCacheConfig{SecretName: "redis", SecretKey: "redis-url", Mode: CacheSecretCopy, Shared: true},
			want:  []corev1.EnvVar{ref("langflix-runner-cache", false), scope("shared")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testRunner
			cfg.Cache = tc.cache
			if diff := cmp.Diff(tc.want, runnerCacheEnv("team-a", cfg)); diff != "" {
				t.Errorf("runnerCacheEnv (-want +got):\n%s", diff)
			}
		})
	}
}
