package runnerpod

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// TestCacheEnv pins how a runner finds its cache: never a literal URL, always a Secret of the Job's own
// namespace, and the scope entries are keyed under.
func TestCacheEnv(t *testing.T) {
	ref := func(name string, optional bool) runnerv1.EnvVar {
		return runnerv1.EnvVar{Name: runnerv1.EnvRedisURL, SecretKeyRef: &tasksv1.SecretKeyRef{Name: name, Key: "redis-url"}, Optional: optional}
	}
	scope := func(s string) runnerv1.EnvVar { return runnerv1.EnvVar{Name: runnerv1.EnvCacheScope, Value: s} }
	for _, tc := range []struct {
		name  string
		cache CacheConfig
		want  []runnerv1.EnvVar
	}{
		{name: "no cache", cache: CacheConfig{}, want: nil},
		{
			name:  "copy: the operator's copy, scoped to the namespace",
			cache: CacheConfig{SecretName: "redis", SecretKey: "redis-url", Mode: CacheSecretCopy, OperatorNamespace: "ops"},
			want:  []runnerv1.EnvVar{ref("langflix-runner-cache", false), scope("team-a")},
		},
		{
			name:  "per namespace: the namespace's own Secret, optional",
			cache: CacheConfig{SecretName: "team-redis", SecretKey: "redis-url", Mode: CacheSecretPerNamespace},
			want:  []runnerv1.EnvVar{ref("team-redis", true), scope("team-a")},
		},
		{
			name:  "shared cache",
			cache: CacheConfig{SecretName: "redis", SecretKey: "redis-url", Mode: CacheSecretCopy, Shared: true},
			want:  []runnerv1.EnvVar{ref("langflix-runner-cache", false), scope("shared")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{ServiceAccountName: DefaultServiceAccount, Cache: tc.cache}
			if diff := cmp.Diff(tc.want, CacheEnv("team-a", cfg)); diff != "" {
				t.Errorf("CacheEnv (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOptionalSecretReference: an optional reference reaches the container as optional, a plain one as not.
func TestOptionalSecretReference(t *testing.T) {
	got := EnvVars([]runnerv1.EnvVar{
		{Name: "A", SecretKeyRef: &tasksv1.SecretKeyRef{Name: "s", Key: "k"}, Optional: true},
		{Name: "B", SecretKeyRef: &tasksv1.SecretKeyRef{Name: "s", Key: "k"}},
	})
	want := []corev1.EnvVar{
		{Name: "A", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k", Optional: ptr.To(true)}}},
		{Name: "B", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EnvVars (-want +got):\n%s", diff)
	}
}
