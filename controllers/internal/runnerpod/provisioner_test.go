package runnerpod

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
)

// provisionerEnv is a Provisioner on a fake API server that counts the writes it receives.
type provisionerEnv struct {
	p                       *Provisioner
	clock                   *clocktesting.FakeClock
	store                   client.Client
	creates, applies, reads atomic.Int32
}

func newProvisionerEnv(t *testing.T, cfg Config, objs ...client.Object) *provisionerEnv {
	t.Helper()
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	store := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).Build()
	env := &provisionerEnv{clock: clocktesting.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), store: store}
	c := interceptor.NewClient(store, interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			env.creates.Add(1)
			return c.Create(ctx, obj, opts...)
		},
		Apply: func(ctx context.Context, c client.WithWatch, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
			env.applies.Add(1)
			return c.Apply(ctx, obj, opts...)
		},
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
			env.reads.Add(1)
			return c.Get(ctx, key, obj, opts...)
		},
	})
	env.p = &Provisioner{Client: c, Reader: c, Config: cfg, Clock: env.clock}
	return env
}

var provisionerConfig = Config{ServiceAccountName: DefaultServiceAccount, ClusterRoleName: DefaultClusterRole}

func TestProvisionerCreatesOncePerNamespace(t *testing.T) {
	env := newProvisionerEnv(t, provisionerConfig)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := env.p.Ensure(ctx, "team-a", true); err != nil {
				t.Errorf("Ensure: %v", err)
			}
		})
	}
	wg.Wait()
	if err := env.p.Ensure(ctx, "team-a", true); err != nil {
		t.Fatal(err)
	}
	if got := env.creates.Load(); got != 2 {
		t.Errorf("8+1 Jobs in one namespace: %d creates, want 2 (ServiceAccount, RoleBinding)", got)
	}
	var sa corev1.ServiceAccount
	if err := env.store.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: DefaultServiceAccount}, &sa); err != nil {
		t.Errorf("runner ServiceAccount: %v", err)
	}
	var rb rbacv1.RoleBinding
	if err := env.store.Get(ctx, client.ObjectKey{Namespace: "team-a", Name: DefaultServiceAccount}, &rb); err != nil {
		t.Errorf("runner RoleBinding: %v", err)
	}

	if err := env.p.Ensure(ctx, "team-b", true); err != nil {
		t.Fatal(err)
	}
	if got := env.creates.Load(); got != 4 {
		t.Errorf("a second namespace: %d creates in all, want 4", got)
	}
	if err := env.p.Ensure(ctx, "team-c", false); err != nil {
		t.Fatal(err)
	}
	if got := env.creates.Load(); got != 4 {
		t.Errorf("a task with its own ServiceAccount needs nothing: %d creates in all, want 4", got)
	}
}

func TestProvisionerForget(t *testing.T) {
	env := newProvisionerEnv(t, provisionerConfig)
	ctx := context.Background()
	if err := env.p.Ensure(ctx, "team-a", true); err != nil {
		t.Fatal(err)
	}
	// Someone deletes the ServiceAccount; a failed Job create makes the reconciler forget the namespace.
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: DefaultServiceAccount}}
	if err := env.store.Delete(ctx, sa); err != nil {
		t.Fatal(err)
	}
	env.p.Forget("team-a")
	if err := env.p.Ensure(ctx, "team-a", true); err != nil {
		t.Fatalf("Ensure after Forget (the RoleBinding exists already): %v", err)
	}
	if err := env.store.Get(ctx, client.ObjectKeyFromObject(sa), &corev1.ServiceAccount{}); err != nil {
		t.Errorf("the ServiceAccount is back: %v", err)
	}
	if got := env.creates.Load(); got != 4 {
		t.Errorf("%d creates, want 4 (2 at first, 2 after Forget)", got)
	}
}

func TestProvisionerCopiesCacheSecretOncePerValue(t *testing.T) {
	cfg := provisionerConfig
	cfg.Cache = CacheConfig{SecretName: "redis", SecretKey: "url", Mode: CacheSecretCopy, OperatorNamespace: "langflix-system"}
	source := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "langflix-system", Name: "redis"},
		Data: map[string][]byte{"url": []byte("redis://:one@redis:6379/0")}}
	env := newProvisionerEnv(t, cfg, source)
	ctx := context.Background()
	copyOf := func(ns string) string {
		t.Helper()
		var s corev1.Secret
		if err := env.store.Get(ctx, client.ObjectKey{Namespace: ns, Name: cacheCopyName(cfg)}, &s); err != nil {
			t.Fatalf("copy in %s: %v", ns, err)
		}
		return string(s.Data["url"])
	}

	for range 3 {
		if err := env.p.Ensure(ctx, "team-a", true); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.p.Ensure(ctx, "team-b", true); err != nil {
		t.Fatal(err)
	}
	if got := env.applies.Load(); got != 2 {
		t.Errorf("%d applies for 4 Jobs in 2 namespaces, want 2", got)
	}
	if got := env.reads.Load(); got != 1 {
		t.Errorf("%d reads of the source within %s, want 1", got, CacheSourceMaxAge)
	}
	if copyOf("team-a") != "redis://:one@redis:6379/0" {
		t.Errorf("copy in team-a: %q", copyOf("team-a"))
	}

	// The password is rotated: Jobs created once the value read last is older than CacheSourceMaxAge get it.
	source.Data["url"] = []byte("redis://:two@redis:6379/0")
	if err := env.store.Update(ctx, source); err != nil {
		t.Fatal(err)
	}
	if err := env.p.Ensure(ctx, "team-a", true); err != nil {
		t.Fatal(err)
	}
	if copyOf("team-a") != "redis://:one@redis:6379/0" {
		t.Errorf("within %s the value read last still counts", CacheSourceMaxAge)
	}
	env.clock.Step(CacheSourceMaxAge)
	if err := env.p.Ensure(ctx, "team-a", true); err != nil {
		t.Fatal(err)
	}
	if copyOf("team-a") != "redis://:two@redis:6379/0" {
		t.Errorf("after %s the rotated value is copied, got %q", CacheSourceMaxAge, copyOf("team-a"))
	}
	if got := env.applies.Load(); got != 3 {
		t.Errorf("%d applies in all, want 3", got)
	}
}
