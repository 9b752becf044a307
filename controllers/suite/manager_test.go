package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/langflix/langflix-operator/controllers/manager"
)

// runningManager is a started manager and the means to stop it.
type runningManager struct {
	// cache is the manager's informer cache, for specs that must know what the operator sees.
	cache  cache.Cache
	cancel context.CancelFunc
	done   chan error
}

// startManager starts a manager on the envtest API server with the controllers registered by
// manager.SetupControllers, exactly as production registers them. The manager itself mirrors
// manager.NewManager (same scheme and the same cache options, manager.CacheOptions) with one difference:
// controller names may repeat, because the restart spec runs a second manager in the same process.
func startManager(cfg *rest.Config, opts manager.Options) *runningManager {
	GinkgoHelper()
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(apiRequests.wrap)
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 manager.Scheme(),
		Logger:                 mgrLog.Logger(),
		Cache:                  manager.CacheOptions(opts),
		Metrics:                metricsserver.Options{BindAddress: opts.MetricsAddr},
		HealthProbeBindAddress: opts.ProbeAddr,
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
	})
	Expect(err).NotTo(HaveOccurred())
	Expect(manager.SetupControllers(mgr, opts)).To(Succeed())

	ctx, cancel := context.WithCancel(context.Background())
	m := &runningManager{cache: mgr.GetCache(), cancel: cancel, done: make(chan error, 1)}
	go func() {
		defer GinkgoRecover()
		m.done <- mgr.Start(ctx)
	}()
	Eventually(mgr.GetCache().WaitForCacheSync).WithArguments(ctx).Should(BeTrue(), "the manager's cache syncs")
	return m
}

// Stop stops the manager and waits until it has returned.
func (m *runningManager) Stop() {
	GinkgoHelper()
	m.cancel()
	Eventually(m.done).Should(Receive(BeNil()), "the manager stops cleanly")
}

// apiRequests records every request the managers send to the API server.
var apiRequests = &requestLog{}

// requestLog records "METHOD path" of each request that passes through its round tripper.
type requestLog struct {
	mu       sync.Mutex
	requests []string
}

func (l *requestLog) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		l.mu.Lock()
		l.requests = append(l.requests, req.Method+" "+req.URL.Path)
		l.mu.Unlock()
		return rt.RoundTrip(req)
	})
}

// Count counts the requests with that method and path.
func (l *requestLog) Count(method, path string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.requests {
		if r == method+" "+path {
			n++
		}
	}
	return n
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// logBuffer keeps every line the manager logs, as JSON, for failure reports and for counting reconciles.
type logBuffer struct {
	mu     sync.Mutex
	lines  []string
	logger logr.Logger
}

func newLogBuffer() *logBuffer {
	b := &logBuffer{}
	// Verbosity 5 includes controller-runtime's per-reconcile "Reconcile done/successful" lines.
	b.logger = funcr.NewJSON(func(obj string) {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.lines = append(b.lines, obj)
	}, funcr.Options{Verbosity: 5, LogTimestamp: true})
	return b
}

func (b *logBuffer) Logger() logr.Logger { return b.logger }

// Len is the number of lines logged so far.
func (b *logBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.lines)
}

// Since returns the lines logged from line n on.
func (b *logBuffer) Since(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines[min(n, len(b.lines)):], "\n")
}

// Reconciles counts the finished reconciles of one object by one controller, from controller-runtime's own
// log lines: an exact count per object, which a process-wide metric could not give.
func (b *logBuffer) Reconciles(controller string, obj client.Object) int {
	return b.count(func(line string) bool {
		var rec struct {
			Msg        string `json:"msg"`
			Controller string `json:"controller"`
			Namespace  string `json:"namespace"`
			Name       string `json:"name"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil || rec.Controller != controller ||
			rec.Namespace != obj.GetNamespace() || rec.Name != obj.GetName() {
			return false
		}
		return strings.HasPrefix(rec.Msg, "Reconcile done") || rec.Msg == "Reconcile successful" || rec.Msg == "Reconciler error"
	})
}

// count returns how many captured log lines match.
func (b *logBuffer) count(match func(line string) bool) int {
	b.mu.Lock()
	lines := slices.Clone(b.lines)
	b.mu.Unlock()
	n := 0
	for _, line := range lines {
		if match(line) {
			n++
		}
	}
	return n
}

// EventsEmitted counts the events with that reason the manager emitted about obj, from the event
// recorder's log lines. Unlike the Event objects, which the recorder folds into a series when they repeat,
// every emission is counted.
func (b *logBuffer) EventsEmitted(obj client.Object, reason string) int {
	return b.count(func(line string) bool {
		var rec struct {
			Msg    string `json:"msg"`
			Object struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"object"`
			Reason string `json:"reason"`
		}
		return json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "Event occurred" && rec.Reason == reason &&
			rec.Object.Name == obj.GetName() && rec.Object.Namespace == obj.GetNamespace()
	})
}

// eventsFor lists the events.k8s.io events about obj, oldest first.
func eventsFor(ctx context.Context, obj client.Object) []eventsv1.Event {
	GinkgoHelper()
	var list eventsv1.EventList
	Expect(k8sClient.List(ctx, &list, client.InNamespace(obj.GetNamespace()))).To(Succeed())
	var out []eventsv1.Event
	for _, ev := range list.Items {
		if ev.Regarding.Name == obj.GetName() && ev.Regarding.UID == obj.GetUID() {
			out = append(out, ev)
		}
	}
	slices.SortFunc(out, func(a, b eventsv1.Event) int { return a.EventTime.Compare(b.EventTime.Time) })
	return out
}

// eventReasons is a Gomega-friendly view of eventsFor: "Type Reason: note" per event.
func eventReasons(ctx context.Context, obj client.Object) []string {
	var out []string
	for _, ev := range eventsFor(ctx, obj) {
		out = append(out, ev.Type+" "+ev.Reason)
	}
	return out
}

// describeEvents renders a namespace's events for a failure report.
func describeEvents(ctx context.Context, namespace string) string {
	var list eventsv1.EventList
	if err := k8sClient.List(ctx, &list, client.InNamespace(namespace)); err != nil {
		return "cannot list events: " + err.Error()
	}
	var sb strings.Builder
	for _, ev := range list.Items {
		fmt.Fprintf(&sb, "%s %s %s/%s %s: %s\n", ev.EventTime.Format("15:04:05.000"), ev.Type,
			ev.Regarding.Kind, ev.Regarding.Name, ev.Reason, ev.Note)
	}
	return sb.String()
}
