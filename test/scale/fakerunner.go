package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/progress"
)

// fakeRunner stands in for the runner of one task whose pod kwok simulates: it reports progress through
// the runner's own Tracker and Kubernetes sink (the real throttling and change detection), as the runner's
// ServiceAccount with a token bound to the task's pod (the identity and admission path of a real runner).
// It counts its own write requests by time.
type fakeRunner struct {
	ref     runnerv1.TaskRef
	tracker *progress.Tracker
	writes  *requestLog
}

// newFakeRunner sets up the runner of the task's running pod.
func newFakeRunner(ctx context.Context, c *cluster, namespace, task string) (*fakeRunner, error) {
	var pods corev1.PodList
	if err := c.client.List(ctx, &pods, client.InNamespace(namespace), client.MatchingLabels{tasksv1.LabelTask: task}); err != nil {
		return nil, fmt.Errorf("pods of %s: %w", task, err)
	}
	var pod *corev1.Pod
	for i := range pods.Items {
		if pods.Items[i].Status.Phase == corev1.PodRunning {
			pod = &pods.Items[i]
		}
	}
	if pod == nil {
		return nil, fmt.Errorf("task %s has no running pod", task)
	}
	// The task reference exactly as the runner reads it from its environment.
	env := map[string]string{}
	for _, ctr := range pod.Spec.Containers {
		for _, e := range ctr.Env {
			env[e.Name] = e.Value
		}
	}
	ref, ok := runnerv1.TaskRefFromEnv(func(k string) string { return env[k] })
	if !ok {
		return nil, fmt.Errorf("pod %s has no task reference in its environment", pod.Name)
	}
	tr, err := c.clientset.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, pod.Spec.ServiceAccountName, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{
			ExpirationSeconds: ptr.To[int64](3600),
			BoundObjectRef:    &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
		},
	}, metav1CreateOptions)
	if err != nil {
		return nil, fmt.Errorf("token for the runner of pod %s: %w", pod.Name, err)
	}
	writes := &requestLog{}
	cfg := &rest.Config{
		Host:            c.cfg.Host,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.cfg.CAData, CAFile: c.cfg.CAFile},
		BearerToken:     tr.Status.Token,
		UserAgent:       "langflix-runner/scale-fake",
		WrapTransport:   writes.wrap,
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("runner client: %w", err)
	}
	sink, err := progress.NewKube(dyn, ref, progress.KubeOptions{Logf: func(format string, args ...any) {
		logf("  fake runner %s: "+format, append([]any{task}, args...)...)
	}})
	if err != nil {
		return nil, err
	}
	return &fakeRunner{ref: ref, tracker: progress.NewTracker(progress.Plan{{Name: "clips", Weight: 1}}, sink, nil), writes: writes}, nil
}

// run reports a step every interval: a new step until changeUntil, then the same step again until
// steadyUntil (progress that does not move). It returns at steadyUntil without finishing the tracker.
func (f *fakeRunner) run(ctx context.Context, interval time.Duration, changeUntil, steadyUntil time.Time) {
	steps := int(time.Until(changeUntil)/interval) + 1
	f.tracker.Stage("clips", steps)
	t := time.NewTicker(interval)
	defer t.Stop()
	step := 0
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if !now.Before(steadyUntil) {
				return
			}
			if now.Before(changeUntil) && step < steps {
				step++
			}
			f.tracker.Step(step, fmt.Sprintf("clip %d of %d", step, steps))
		}
	}
}

// finish ends the run as the runner does: 100 %, one final write.
func (f *fakeRunner) finish() { f.tracker.Done(nil) }

// requestLog records the time of every write request a client sends.
type requestLog struct {
	mu    sync.Mutex
	times []time.Time
}

func (l *requestLog) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.Method != http.MethodGet {
			l.mu.Lock()
			l.times = append(l.times, time.Now())
			l.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

// between counts the writes sent in [from, to).
func (l *requestLog) between(from, to time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, t := range l.times {
		if !t.Before(from) && t.Before(to) {
			n++
		}
	}
	return n
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
