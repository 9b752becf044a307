package runnerpod

import (
	"bytes"
	"context"
	"sync"
	"time"

	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// CacheSourceMaxAge is how long the Provisioner trusts the cache Secret's value it read last: a rotated
// Redis password reaches the Jobs created this long after the rotation at the latest.
const CacheSourceMaxAge = time.Minute

// Provisioner gives task namespaces what runner pods need before their first Job: the runner's
// ServiceAccount and RoleBinding (EnsureAccess) and, in Copy mode, the cache Secret's copy
// (EnsureCacheSecret). It does so once per namespace per operator process, not once per Job: the
// objects are left alone once created, so each further create would only be answered AlreadyExists, and
// at thousands of tasks those answers were most of the operator's writes. Whoever removes one of them
// later (a person, a policy) makes Jobs whose pods cannot start; Forget makes the next Job of that
// namespace create them again.
//
// It is safe for concurrent use; concurrent calls for one namespace wait for the first.
type Provisioner struct {
	Client client.Client
	// Reader reads the cache Secret's source directly (the operator caches no Secrets).
	Reader client.Reader
	Config Config
	Clock  clock.PassiveClock

	mu         sync.Mutex
	namespaces map[string]*namespaceState
	source     []byte
	sourceAt   time.Time
}

// namespaceState is what was provisioned in one namespace; its mutex serializes work on that namespace.
type namespaceState struct {
	mu     sync.Mutex
	access bool
	// cacheURL is the cache Secret value last copied into the namespace, nil before the first copy.
	cacheURL []byte
}

// Ensure provisions namespace: the runner's access when withAccess (a task that names its own
// ServiceAccount needs none), and the cache Secret's copy in Copy mode.
func (p *Provisioner) Ensure(ctx context.Context, namespace string, withAccess bool) error {
	ns := p.state(namespace)
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if withAccess && !ns.access {
		if err := EnsureAccess(ctx, p.Client, namespace, p.Config); err != nil {
			return err
		}
		ns.access = true
	}
	if !copiesCacheSecret(p.Config) {
		return nil
	}
	url, err := p.cacheSource(ctx)
	if err != nil {
		return err
	}
	if ns.cacheURL != nil && bytes.Equal(ns.cacheURL, url) {
		return nil
	}
	if err := applyCacheCopy(ctx, p.Client, namespace, p.Config, url); err != nil {
		return err
	}
	ns.cacheURL = url
	return nil
}

// Forget makes the next Ensure for namespace create everything again.
func (p *Provisioner) Forget(namespace string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.namespaces, namespace)
}

func (p *Provisioner) state(namespace string) *namespaceState {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.namespaces == nil {
		p.namespaces = map[string]*namespaceState{}
	}
	ns, ok := p.namespaces[namespace]
	if !ok {
		ns = &namespaceState{}
		p.namespaces[namespace] = ns
	}
	return ns
}

// cacheSource returns the cache Secret's value, read again once it is older than CacheSourceMaxAge.
func (p *Provisioner) cacheSource(ctx context.Context) ([]byte, error) {
	p.mu.Lock()
	if p.source != nil && p.Clock.Since(p.sourceAt) < CacheSourceMaxAge {
		defer p.mu.Unlock()
		return p.source, nil
	}
	p.mu.Unlock()
	url, err := readCacheSource(ctx, p.Reader, p.Config)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.source, p.sourceAt = url, p.Clock.Now()
	return url, nil
}
