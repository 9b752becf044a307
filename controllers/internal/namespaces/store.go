package namespaces

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
)

// Store keeps the settings of the namespaces the operator serves. Readers get the last known settings; a
// namespace never seen has none (the operator's flags apply).
type Store struct {
	mu       sync.RWMutex
	settings map[string]Settings
	synced   func() bool
	onChange []func(ns string)
}

// NewStore returns an empty store that reports itself synced; Watch replaces both.
func NewStore() *Store {
	return &Store{settings: map[string]Settings{}, synced: func() bool { return true }}
}

// Get returns the settings of namespace ns.
func (s *Store) Get(ns string) Settings {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.settings[ns]
}

// Synced reports whether the store has read every namespace once, so that a limit is never ignored because
// its namespace was not read yet.
func (s *Store) Synced() bool {
	s.mu.RLock()
	synced := s.synced
	s.mu.RUnlock()
	return synced()
}

// OnChange registers fn to be called (outside the store's lock) with the namespace whose settings changed.
// Register before the manager starts.
func (s *Store) OnChange(fn func(ns string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onChange = append(s.onChange, fn)
}

// Set records a namespace's settings (tests and the watchers call it).
func (s *Store) Set(ns string, st Settings) {
	s.mu.Lock()
	old, had := s.settings[ns]
	s.settings[ns] = st
	callbacks := s.onChange
	s.mu.Unlock()
	if had && old.Equal(st) {
		return
	}
	for _, p := range st.Problems {
		klog.Background().Info("Namespace setting ignored", "namespace", ns, "problem", p)
	}
	for _, fn := range callbacks {
		fn(ns)
	}
}

func (s *Store) remove(ns string) {
	s.mu.Lock()
	_, had := s.settings[ns]
	delete(s.settings, ns)
	callbacks := s.onChange
	s.mu.Unlock()
	if had {
		for _, fn := range callbacks {
			fn(ns)
		}
	}
}

// namespaceMeta is the metadata-only view of a Namespace: the operator needs its annotations and nothing else.
func namespaceMeta() *metav1.PartialObjectMetadata {
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	return m
}

// Watch keeps the store current from the API server. An operator that serves every namespace watches
// Namespaces (metadata only, from the manager's cache). One limited to some namespaces (watched) has a Role in
// each of them and no right to list Namespaces, but may get each of its own by name (the API server authorizes
// a get of namespace x as a request in namespace x): it reads them every poll interval, and at start before
// reporting itself synced.
func Watch(ctx context.Context, mgr manager.Manager, s *Store, watched []string, poll time.Duration) error {
	if len(watched) > 0 {
		p := &poller{store: s, reader: mgr.GetAPIReader(), namespaces: watched, interval: poll}
		s.mu.Lock()
		s.synced = p.synced
		s.mu.Unlock()
		return mgr.Add(p)
	}
	informer, err := mgr.GetCache().GetInformer(ctx, namespaceMeta())
	if err != nil {
		return fmt.Errorf("namespace informer: %w", err)
	}
	reg, err := informer.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { s.observe(obj) },
		UpdateFunc: func(_, obj any) { s.observe(obj) },
		DeleteFunc: func(obj any) {
			if d, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
				obj = d.Obj
			}
			if m, ok := obj.(client.Object); ok {
				s.remove(m.GetName())
			}
		},
	})
	if err != nil {
		return fmt.Errorf("namespace informer handler: %w", err)
	}
	s.mu.Lock()
	s.synced = reg.HasSynced
	s.mu.Unlock()
	return nil
}

func (s *Store) observe(obj any) {
	if m, ok := obj.(client.Object); ok {
		s.Set(m.GetName(), Parse(m.GetAnnotations()))
	}
}

// poller reads a fixed list of namespaces by name, periodically.
type poller struct {
	store      *Store
	reader     client.Reader
	namespaces []string
	interval   time.Duration

	mu   sync.Mutex
	done bool
}

func (p *poller) synced() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// NeedLeaderElection is false: every replica reads the settings, so a new leader has them at once.
func (p *poller) NeedLeaderElection() bool { return false }

// Start reads every namespace now and then every interval until ctx ends.
func (p *poller) Start(ctx context.Context) error {
	interval := p.interval
	if interval <= 0 {
		interval = time.Minute
	}
	for {
		p.readAll(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

// readAll reads every namespace. The store counts as synced after the first round even when a namespace
// could not be read (logged): its tasks then run under the operator's flags rather than not at all.
func (p *poller) readAll(ctx context.Context) {
	for _, ns := range p.namespaces {
		m := namespaceMeta()
		err := p.reader.Get(ctx, client.ObjectKey{Name: ns}, m)
		switch {
		case apierrors.IsNotFound(err):
			p.store.remove(ns)
		case err != nil:
			klog.FromContext(ctx).Error(err, "Cannot read namespace settings", "namespace", ns)
		default:
			p.store.Set(ns, Parse(m.GetAnnotations()))
		}
	}
	p.mu.Lock()
	p.done = true
	p.mu.Unlock()
}
