package progress

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/utils/ptr"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/redact"
	"github.com/langflix/langflix-operator/runner/taskapi"
)

// DefaultKubeInterval is the minimum time between two status writes; progress is not worth more API load.
const DefaultKubeInterval = 2 * time.Second

// writeTimeout bounds one status write so a slow apiserver cannot hold the final flush forever.
const writeTimeout = 10 * time.Second

// TaskRef names the task object whose status receives progress.
type TaskRef = runnerv1.TaskRef

// KubeOptions tunes the Kubernetes sink. Zero values pick the defaults.
type KubeOptions struct {
	// Interval is the minimum time between writes (DefaultKubeInterval).
	Interval time.Duration
	// Logf receives write errors, which are never fatal to the task.
	Logf func(format string, args ...any)
}

// NewKubeFromEnv builds the Kubernetes sink from the environment: the task from the contract's
// LANGFLIX_TASK_* variables, the cluster from the in-cluster config or else KUBECONFIG.
func NewKubeFromEnv(opts KubeOptions) (Sink, error) {
	ref, ok := runnerv1.TaskRefFromEnv(os.Getenv)
	if !ok {
		return nil, fmt.Errorf("%s is not set", runnerv1.EnvTaskName)
	}
	client, err := taskapi.NewDynamicFromEnv()
	if err != nil {
		return nil, err
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
	if err := ref.Validate(); err != nil {
		return nil, err
	}
	gvr, _ := ref.Resource()
	if opts.Interval <= 0 {
		opts.Interval = DefaultKubeInterval
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	k := &kubeSink{
		client:   client.Resource(gvr).Namespace(ref.Namespace),
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
	obj, err := runnerv1.NewProgressApply(k.ref, taskProgress(*s)).Unstructured()
	if err != nil {
		k.opts.Logf("progress: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	_, err = k.client.ApplyStatus(ctx, k.ref.Name, obj, metav1.ApplyOptions{FieldManager: runnerv1.FieldManagerRunner, Force: true})
	if err != nil {
		k.opts.Logf("progress: update status of %s %s/%s: %v", k.ref.Kind, k.ref.Namespace, k.ref.Name, err)
	}
}

// taskProgress is a snapshot in the API's terms.
func taskProgress(s Snapshot) tasksv1.TaskProgress {
	at := metav1.NewTime(s.Time)
	return tasksv1.TaskProgress{
		Current:    ptr.To(int64(s.Current)),
		Total:      ptr.To(int64(s.Total)),
		Percent:    ptr.To(int32(s.Percent)),
		Stage:      truncate(s.Stage, maxStageBytes),
		Message:    truncate(redact.Text(s.Message), maxMessageBytes),
		UpdateTime: &at,
	}
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
