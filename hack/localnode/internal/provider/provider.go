// Package provider is a virtual-kubelet provider that runs each container of a pod as a local process. It is
// development and test tooling: there is no isolation, no resource enforcement and no image; see the
// README of hack/localnode for the exact rules.
package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/errdefs"
	"github.com/virtual-kubelet/virtual-kubelet/log"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/record"

	"github.com/langflix/langflix-operator/hack/localnode/internal/imagemap"
	"github.com/langflix/langflix-operator/hack/localnode/internal/launch"
)

// Config configures a Provider.
type Config struct {
	NodeName string
	// StateDir holds per-pod directories: logs, termination files, emptyDirs and projected files.
	StateDir string
	Images   imagemap.Map
	Client   kubernetes.Interface
	Recorder record.EventRecorder
	// ClusterServer and ClusterCA describe the API server the node talks to; they go into the kubeconfig
	// written for each pod's service account.
	ClusterServer string
	ClusterCA     []byte
	// Allocatable is the node's declared allocatable; resourceFieldRef uses it for unset limits.
	Allocatable corev1.ResourceList
	// HostEnv are variables of the node passed to every process (PATH, HOME, ...).
	HostEnv []launch.EnvVar
	// RestartBackoff is the first delay before restarting a failed container; it doubles up to five minutes.
	RestartBackoff time.Duration
	// ShutdownGrace bounds how long Shutdown waits for processes after SIGTERM before SIGKILL.
	ShutdownGrace time.Duration
	// DeletedPodRetention is how long a deleted pod's record stays queryable (logs, status) after its
	// processes ended.
	DeletedPodRetention time.Duration
}

// Provider implements the virtual-kubelet pod lifecycle with local processes.
type Provider struct {
	cfg Config

	mu     sync.Mutex
	pods   map[string]*podRuntime // namespace/name -> the pod's current runtime
	notify func(*corev1.Pod)
	lister corev1listers.PodLister
	ctx    context.Context // lives until Shutdown; parents every pod runtime
	cancel context.CancelFunc
}

// New returns a Provider; call Shutdown to stop every process it started.
func New(cfg Config) (*Provider, error) {
	if cfg.RestartBackoff <= 0 {
		cfg.RestartBackoff = 10 * time.Second
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = 5 * time.Second
	}
	if cfg.DeletedPodRetention <= 0 {
		cfg.DeletedPodRetention = time.Minute
	}
	if err := os.MkdirAll(filepath.Join(cfg.StateDir, "pods"), 0o755); err != nil {
		return nil, fmt.Errorf("create state dir: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Provider{cfg: cfg, pods: map[string]*podRuntime{}, ctx: ctx, cancel: cancel, notify: func(*corev1.Pod) {}}
	go p.resyncLoop()
	return p, nil
}

// resyncInterval is how often pods are checked for a status the API server did not take.
const resyncInterval = time.Second

// resyncLoop reports again every pod whose phase in the API differs from localnode's. virtual-kubelet writes
// a reported status with the reported object's metadata and retries that same object; when another writer
// changed the metadata meanwhile (the Job controller removing its finalizer from a pod it deletes), every
// retry is rejected. A new report carries the current metadata and goes through.
func (p *Provider) resyncLoop() {
	ticker := time.NewTicker(resyncInterval)
	defer ticker.Stop()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-ticker.C:
		}
		p.mu.Lock()
		runtimes := make([]*podRuntime, 0, len(p.pods))
		for _, r := range p.pods {
			runtimes = append(runtimes, r)
		}
		p.mu.Unlock()
		for _, r := range runtimes {
			if r.apiPhaseLags() {
				r.changed()
			}
		}
	}
}

func podKey(namespace, name string) string { return namespace + "/" + name }

// SetPodLister gives the provider virtual-kubelet's view of the pods bound to the node. Reported pods carry
// the metadata found there: virtual-kubelet writes status with the whole object, and the API server rejects
// stale metadata (a finalizer the Job controller removed meanwhile, for instance).
func (p *Provider) SetPodLister(l corev1listers.PodLister) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lister = l
}

// latest returns the API's current version of pod (from the informer cache), or nil when it is unknown or
// belongs to another pod of the same name.
func (p *Provider) latest(pod *corev1.Pod) *corev1.Pod {
	p.mu.Lock()
	l := p.lister
	p.mu.Unlock()
	if l == nil {
		return nil
	}
	current, err := l.Pods(pod.Namespace).Get(pod.Name)
	if err != nil || current.UID != pod.UID {
		return nil
	}
	return current
}

// NotifyPods registers the callback through which pod status changes reach virtual-kubelet.
func (p *Provider) NotifyPods(_ context.Context, notify func(*corev1.Pod)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.notify = notify
}

func (p *Provider) notifier() func(*corev1.Pod) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.notify
}

// CreatePod starts the pod's containers in the background; progress is reported through NotifyPods.
func (p *Provider) CreatePod(ctx context.Context, pod *corev1.Pod) error {
	key := podKey(pod.Namespace, pod.Name)
	p.mu.Lock()
	if p.ctx.Err() != nil {
		p.mu.Unlock()
		return errdefs.InvalidInput("localnode is shutting down")
	}
	old := p.pods[key]
	if old != nil && old.uid() == pod.UID && !old.isDeleted() {
		p.mu.Unlock()
		return nil // already running this very pod
	}
	r := newPodRuntime(p, pod.DeepCopy())
	p.pods[key] = r
	p.mu.Unlock()

	if old != nil {
		// A pod of the same name replaced an older one whose processes are still winding down.
		old.markReplaced()
		old.stop("", "", 0)
	}
	log.G(ctx).WithField("pod", key).Info("starting pod as local processes")
	go r.run(p.ctx)
	go r.notifyLoop(p.notifier)
	return nil
}

// UpdatePod takes the mutable parts of a pod (labels, annotations, activeDeadlineSeconds). Changing a
// container's image of a running pod is not supported by localnode and is ignored.
func (p *Provider) UpdatePod(_ context.Context, pod *corev1.Pod) error {
	r := p.lookup(pod.Namespace, pod.Name)
	if r == nil || r.uid() != pod.UID {
		return errdefs.NotFoundf("pod %s/%s is not running on this node", pod.Namespace, pod.Name)
	}
	r.update(pod.DeepCopy())
	return nil
}

// DeletePod stops the pod's processes: SIGTERM to each process group, SIGKILL after the grace period. It
// returns at once; the terminal status is reported through NotifyPods when the processes are gone.
func (p *Provider) DeletePod(_ context.Context, pod *corev1.Pod) error {
	key := podKey(pod.Namespace, pod.Name)
	p.mu.Lock()
	r := p.pods[key]
	p.mu.Unlock()
	if r == nil {
		return errdefs.NotFoundf("pod %s is not known to this node", key)
	}
	if r.finished() {
		p.remove(key, r)
		return nil
	}
	r.markDeleted()
	r.stop("", "", deletionGrace(pod))
	go func() {
		<-r.done
		timer := time.NewTimer(p.cfg.DeletedPodRetention)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-p.ctx.Done():
		}
		p.remove(key, r)
	}()
	return nil
}

// remove forgets r (if it is still the runtime for key) and deletes its scratch files; logs stay on disk.
func (p *Provider) remove(key string, r *podRuntime) {
	p.mu.Lock()
	if p.pods[key] == r {
		delete(p.pods, key)
	}
	p.mu.Unlock()
	r.release()
}

func deletionGrace(pod *corev1.Pod) time.Duration {
	switch {
	case pod.DeletionGracePeriodSeconds != nil:
		return time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
	case pod.Spec.TerminationGracePeriodSeconds != nil:
		return time.Duration(*pod.Spec.TerminationGracePeriodSeconds) * time.Second
	default:
		return 30 * time.Second
	}
}

func (p *Provider) lookup(namespace, name string) *podRuntime {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pods[podKey(namespace, name)]
}

// GetPod returns the pod with its current status. A pod being deleted is reported as absent, so that a new
// pod of the same name is created instead of being mistaken for the old one.
func (p *Provider) GetPod(_ context.Context, namespace, name string) (*corev1.Pod, error) {
	r := p.lookup(namespace, name)
	if r == nil || r.isDeleted() {
		return nil, errdefs.NotFoundf("pod %s/%s is not known to this node", namespace, name)
	}
	return r.snapshot(), nil
}

// GetPodStatus returns the pod's current status.
func (p *Provider) GetPodStatus(ctx context.Context, namespace, name string) (*corev1.PodStatus, error) {
	pod, err := p.GetPod(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	return &pod.Status, nil
}

// GetPods lists the pods this node runs.
func (p *Provider) GetPods(context.Context) ([]*corev1.Pod, error) {
	p.mu.Lock()
	runtimes := make([]*podRuntime, 0, len(p.pods))
	for _, r := range p.pods {
		if !r.isDeleted() {
			runtimes = append(runtimes, r)
		}
	}
	p.mu.Unlock()
	pods := make([]*corev1.Pod, len(runtimes))
	for i, r := range runtimes {
		pods[i] = r.snapshot()
	}
	return pods, nil
}

// Shutdown stops every process (SIGTERM, then SIGKILL after ShutdownGrace) and waits for them. Pods are not
// reported as terminated: the node is going away, and on its next start pods it had started are reported
// as failed (restartPolicy Never) or started again.
func (p *Provider) Shutdown() {
	p.mu.Lock()
	p.cancel()
	runtimes := make([]*podRuntime, 0, len(p.pods))
	for _, r := range p.pods {
		runtimes = append(runtimes, r)
	}
	p.mu.Unlock()
	for _, r := range runtimes {
		r.stop("", "", p.cfg.ShutdownGrace)
	}
	deadline := time.After(p.cfg.ShutdownGrace + 5*time.Second)
	for _, r := range runtimes {
		select {
		case <-r.done:
		case <-deadline:
			return
		}
	}
}
