package manager

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
	"k8s.io/klog/v2/textlogger"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/cleanuppolicy"
	"github.com/langflix/langflix-operator/controllers/internal/admission"
	"github.com/langflix/langflix-operator/controllers/internal/kueue"
	"github.com/langflix/langflix-operator/controllers/internal/namespaces"
	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
	"github.com/langflix/langflix-operator/controllers/task"
)

// Scheme knows the built-in kinds and the tasks.langflix.io kinds.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(tasksv1.AddToScheme(s))
	utilruntime.Must(kueue.AddToScheme(s))
	return s
}

// Main parses flags, builds the manager and runs it until SIGTERM. It returns the process exit code.
func Main(args []string) int {
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	logConfig := textlogger.NewConfig()
	logConfig.AddFlags(fs)
	opts, err := parseOptions(fs, args)
	if err != nil {
		fmt.Fprintln(fs.Output(), err)
		return 2
	}
	logger := textlogger.NewLogger(logConfig)
	ctrl.SetLogger(logger)
	klog.SetLogger(logger)
	if limit := setMemoryLimit(os.Getenv, cgroupMemoryLimitFiles); limit > 0 {
		logger.Info("Go memory limit set from the container's", "bytes", limit)
	}

	cfg, err := ctrl.GetConfig()
	if err != nil {
		logger.Error(err, "No Kubernetes configuration")
		return 1
	}
	cfg.QPS, cfg.Burst = float32(opts.KubeAPIQPS), opts.KubeAPIBurst

	mgr, err := NewManager(cfg, opts)
	if err != nil {
		logger.Error(err, "Unable to set up the manager")
		return 1
	}
	logger.Info("Starting manager", "runnerImage", opts.Runner.Image, "namespaces", opts.Namespaces, "leaderElection", opts.LeaderElect)
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		logger.Error(err, "Manager stopped with an error")
		return 1
	}
	return 0
}

// NewManager builds a manager with the three controllers registered. Tests call it with their own
// rest.Config so that they run exactly what production runs.
func NewManager(cfg *rest.Config, opts Options) (ctrl.Manager, error) {
	scheme := Scheme()
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                  scheme,
		Cache:                   CacheOptions(opts),
		Metrics:                 metricsserver.Options{BindAddress: opts.MetricsAddr},
		HealthProbeBindAddress:  opts.ProbeAddr,
		LeaderElection:          opts.LeaderElect,
		LeaderElectionID:        "langflix-operator.tasks.langflix.io",
		LeaderElectionNamespace: opts.LeaderElectionNamespace,
		LeaseDuration:           durationOrNil(opts.LeaseDuration),
		RenewDeadline:           durationOrNil(opts.RenewDeadline),
		RetryPeriod:             durationOrNil(opts.RetryPeriod),
		// Step down quickly on SIGTERM so a new leader takes over without waiting for the lease to expire.
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		return nil, fmt.Errorf("new manager: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return nil, fmt.Errorf("add healthz: %w", err)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return nil, fmt.Errorf("add readyz: %w", err)
	}
	if err := SetupControllers(mgr, opts); err != nil {
		return nil, err
	}
	return mgr, nil
}

// SetupControllers registers the VideoTask, SlideTask and CleanupPolicy controllers with mgr, and the
// admission queue that the two task controllers share.
func SetupControllers(mgr ctrl.Manager, opts Options) error {
	ctx := context.Background()
	recorder := mgr.GetEventRecorder(runnerv1.FieldManagerOperator)
	var clk clock.WithTicker = clock.RealClock{}
	if opts.Clock != nil {
		clk = opts.Clock
	}
	// One Provisioner for both task kinds: a namespace gets its runner objects once.
	provisioner := &runnerpod.Provisioner{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Config: opts.Runner, Clock: clk}
	kinds := []admission.TaskKind{
		{Kind: tasksv1.KindVideoTask, New: func() tasksv1.Task { return &tasksv1.VideoTask{} }},
		{Kind: tasksv1.KindSlideTask, New: func() tasksv1.Task { return &tasksv1.SlideTask{} }},
	}
	nsStore := namespaces.NewStore()
	if err := namespaces.Watch(ctx, mgr, nsStore, opts.Namespaces, opts.NamespacePollInterval); err != nil {
		return err
	}
	// A namespace deleted (and perhaps created again under its name) has lost its runner objects, and a Job
	// create there would still succeed, with pods that cannot start: the Provisioner forgets a namespace
	// whenever the store sees it change or go.
	nsStore.OnChange(provisioner.Forget)
	queue := admission.New(admission.Config{Limits: opts.Limits, Namespaces: nsStore, Clock: clk})
	if err := admission.Setup(ctx, mgr, queue, kinds); err != nil {
		return fmt.Errorf("set up the admission queue: %w", err)
	}
	kueueAvailable := kueue.Available(mgr.GetRESTMapper())
	if kueueAvailable {
		if err := mgr.GetFieldIndexer().IndexField(ctx, &kueue.Workload{}, kueue.OwnerJobIndex, kueue.OwnerJobUIDs); err != nil {
			return fmt.Errorf("index Kueue Workloads: %w", err)
		}
	}
	mgr.GetLogger().Info("Admission", "limits", opts.Limits.String(), "kueue", kueueAvailable)
	for _, k := range kinds {
		r := &task.Reconciler{
			Client:                  mgr.GetClient(),
			APIReader:               mgr.GetAPIReader(),
			Recorder:                recorder,
			Clock:                   clk,
			Runner:                  opts.Runner,
			Provisioner:             provisioner,
			Policy:                  opts.Attempts,
			Kind:                    k.Kind,
			NewTask:                 k.New,
			MaxConcurrentReconciles: opts.MaxConcurrentReconciles,
			Queue:                   queue,
			Namespaces:              nsStore,
			KueueAvailable:          kueueAvailable,
		}
		if err := r.SetupWithManager(ctx, mgr); err != nil {
			return fmt.Errorf("set up %s controller: %w", k.Kind, err)
		}
	}
	cleanup := &cleanuppolicy.Reconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  recorder,
		Clock:     clock.RealClock{},
		Runner:    opts.Runner,
	}
	if err := cleanup.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up CleanupPolicy controller: %w", err)
	}
	return nil
}

// durationOrNil leaves a zero duration to controller-runtime's default (options built in Go, by tests).
func durationOrNil(d time.Duration) *time.Duration {
	if d <= 0 {
		return nil
	}
	return &d
}
