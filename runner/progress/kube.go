package progress

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/langflix/langflix-operator/runner/redact"
)

// Environment variables naming the task whose status the runner updates; the operator sets them on the Job.
const (
	EnvTaskKind      = "LANGFLIX_TASK_KIND"
	EnvTaskName      = "LANGFLIX_TASK_NAME"
	EnvTaskNamespace = "LANGFLIX_TASK_NAMESPACE"
)

// FieldManager owns .status.progress in server-side apply; the operator owns the rest of the status.
const FieldManager = "langflix-runner"

// DefaultKubeInterval is the minimum time between two status writes; progress is not worth more API load.
const DefaultKubeInterval = 2 * time.Second

// writeTimeout bounds one status write so a slow apiserver cannot hold the final flush forever.
const writeTimeout = 10 * time.Second

// taskGroupVersion is the API group of the operator's task resources.
var taskGroupVersion = schema.GroupVersion{Group: "tasks.langflix.io", Version: "v1alpha1"}

// taskResources maps the task kinds that report progress to their resource names.
var taskResources = map[string]string{
	"VideoTask": "videotasks",
	"SlideTask": "slidetasks",
}

// TaskRef names the task object whose status receives progress.
type TaskRef struct {
	Kind, Name, Namespace string
}

// TaskRefFromEnv reads the task reference the operator puts in the Job's environment. ok is false when
// the runner does not run as part of a task.
func TaskRefFromEnv() (ref TaskRef, ok bool) {
	ref = TaskRef{Kind: os.Getenv(EnvTaskKind), Name: os.Getenv(EnvTaskName), Namespace: os.Getenv(EnvTaskNamespace)}
	return ref, ref.Name != ""
}

// KubeOptions tunes the Kubernetes sink. Zero values pick the defaults.
type KubeOptions struct {
	// Interval is the minimum time between writes (DefaultKubeInterval).
	Interval time.Duration
	// Logf receives write errors, which are never fatal to the task.
	Logf func(format string, args ...any)
}

// NewKubeFromEnv builds the Kubernetes sink from the environment: the task from LANGFLIX_TASK_*, the
// cluster from the in-cluster config or else KUBECONFIG.
func NewKubeFromEnv(opts KubeOptions) (Sink, error) {
	ref, ok := TaskRefFromEnv()
	if !ok {
		return nil, fmt.Errorf("%s is not set", EnvTaskName)
	}
	cfg, err := rest.InClusterConfig()
	if err != nil {
		rules := clientcmd.NewDefaultClientConfigLoadingRules()
		cfg, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("kubernetes client config (neither in-cluster nor KUBECONFIG): %w", err)
		}
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes dynamic client: %w", err)
	}
	return NewKube(client, ref, opts)
}

// NewKube returns a Sink that server-side applies .status.progress of the task ref through client. It
// writes at most once per interval and only when the progress changed; Close writes the final state.
func NewKube(client dynamic.Interface, ref TaskRef, opts KubeOptions) (Sink, error) {
	return newKube(client, ref, opts, time.Now, time.After)
}

func newKube(client dynamic.Interface, ref TaskRef, opts KubeOptions, now func() time.Time,
	after func(time.Duration) <-chan time.Time) (*kubeSink, error) {
	resource, ok := taskResources[ref.Kind]
	if !ok {
		return nil, fmt.Errorf("%s=%q: want VideoTask or SlideTask", EnvTaskKind, ref.Kind)
	}
	if ref.Name == "" || ref.Namespace == "" {
		return nil, fmt.Errorf("task name and namespace are required (got %q/%q)", ref.Namespace, ref.Name)
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultKubeInterval
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	k := &kubeSink{
		client:   client.Resource(taskGroupVersion.WithResource(resource)).Namespace(ref.Namespace),
		ref:      ref,
		opts:     opts,
		now:      now,
		after:    after,
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
		finished: make(chan struct{}),
	}
	go k.loop()
	return k, nil
}

// progressState is what counts as a change; the timestamp alone is not one.
type progressState struct {
	current, total, percent int
	stage, message          string
}

type kubeSink struct {
	client dynamic.ResourceInterface
	ref    TaskRef
	opts   KubeOptions
	now    func() time.Time
	after  func(time.Duration) <-chan time.Time

	wake      chan struct{}
	stop      chan struct{}
	finished  chan struct{}
	closeOnce sync.Once

	mu      sync.Mutex
	pending *Snapshot

	// Only the loop goroutine touches these until it has finished; Close then takes over.
	written     *progressState
	lastWriteAt time.Time
}

func (k *kubeSink) Update(s Snapshot) {
	k.mu.Lock()
	k.pending = &s
	k.mu.Unlock()
	select {
	case k.wake <- struct{}{}:
	default: // a wake-up is already queued; it will pick up this snapshot
	}
}

// Close stops the background writer and writes the final state if it changed since the last write.
func (k *kubeSink) Close() {
	k.closeOnce.Do(func() {
		close(k.stop)
		<-k.finished
		k.flush()
	})
}

// loop writes the newest snapshot whenever one arrives, waiting out the interval after each write.
func (k *kubeSink) loop() {
	defer close(k.finished)
	for {
		select {
		case <-k.wake:
		case <-k.stop:
			return
		}
		if !k.lastWriteAt.IsZero() {
			if wait := k.lastWriteAt.Add(k.opts.Interval).Sub(k.now()); wait > 0 {
				select {
				case <-k.after(wait):
				case <-k.stop:
					return
				}
			}
		}
		// Snapshots that arrived while waiting are covered by this flush, which takes the newest.
		select {
		case <-k.wake:
		default:
		}
		k.flush()
	}
}

func (k *kubeSink) flush() {
	k.mu.Lock()
	s := k.pending
	k.mu.Unlock()
	if s == nil {
		return
	}
	state := progressState{current: s.Current, total: s.Total, percent: s.Percent, stage: s.Stage, message: s.Message}
	if k.written != nil && *k.written == state {
		return
	}
	// A failed write counts as a write for throttling, so a broken apiserver is not hammered.
	k.lastWriteAt = k.now()
	k.written = &state
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	_, err := k.client.ApplyStatus(ctx, k.ref.Name, k.statusObject(*s), metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if err != nil {
		k.opts.Logf("progress: update status of %s %s/%s: %v", k.ref.Kind, k.ref.Namespace, k.ref.Name, err)
	}
}

func (k *kubeSink) statusObject(s Snapshot) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": taskGroupVersion.String(),
		"kind":       k.ref.Kind,
		"metadata":   map[string]any{"name": k.ref.Name, "namespace": k.ref.Namespace},
		"status": map[string]any{"progress": map[string]any{
			"current":    int64(s.Current),
			"total":      int64(s.Total),
			"percent":    int64(s.Percent),
			"stage":      truncate(s.Stage, maxStageBytes),
			"message":    truncate(redact.Text(s.Message), maxMessageBytes),
			"updateTime": s.Time.UTC().Format(time.RFC3339),
		}},
	}}
}

// Bounds of status.progress.stage and .message in the task's schema: a longer value would make the API server
// reject the whole write.
const (
	maxStageBytes   = 64
	maxMessageBytes = 1024
)

// truncate cuts s to at most n bytes on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
