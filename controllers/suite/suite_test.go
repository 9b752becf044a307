// Package suite runs the operator's real manager wiring (controllers/manager.SetupControllers) against a
// real kube-apiserver and etcd (envtest). There is no kube-controller-manager and no kubelet, so the specs
// play their part: they write Job status and create finished runner pods as those would.
package suite

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
	"github.com/langflix/langflix-operator/controllers/manager"
	"github.com/langflix/langflix-operator/controllers/task"
	"github.com/langflix/langflix-operator/test/testutil"
)

// consistently is how long a spec watches for something that must not happen (a second Job, another
// status write). It is longer than the specs' retry backoff (1s), so a wrongly planned retry would show.
const consistently = 3 * time.Second

var (
	testEnv   *envtest.Environment
	cfg       *rest.Config
	k8sClient client.Client
	mgrLog    *logBuffer
	operator  *runningManager

	// ns is the namespace of the running spec; every spec gets its own, so Jobs and events never mix.
	ns string
	// logStart is where the running spec's part of the manager log begins.
	logStart int
)

// runnerConfig is the runner configuration the suite's manager runs with.
var runnerConfig = runnerpod.Config{
	Image:      "langflix-runner:envtest",
	PullPolicy: corev1.PullIfNotPresent,
	DefaultResources: corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("512Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")},
	},
	ServiceAccountName: runnerpod.DefaultServiceAccount,
	ClusterRoleName:    runnerpod.DefaultClusterRole,
}

func TestControllers(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Controllers envtest suite")
}

var _ = BeforeSuite(func() {
	SetDefaultEventuallyTimeout(testutil.Timeout)
	// Eventually(ctx, ...) ignores the default timeout unless told otherwise: a failing check would hang until the
	// test binary's own timeout instead of failing with its message.
	EnforceDefaultTimeoutsWhenUsingContexts()
	SetDefaultEventuallyPollingInterval(testutil.Interval)
	SetDefaultConsistentlyDuration(consistently)
	SetDefaultConsistentlyPollingInterval(testutil.Interval)

	mgrLog = newLogBuffer()
	ctrl.SetLogger(mgrLog.Logger())

	testEnv, cfg, k8sClient = testutil.StartEnv()
	operator = startManager(cfg, managerOptions())
})

var _ = AfterSuite(func() {
	if operator != nil {
		operator.Stop()
	}
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

var _ = BeforeEach(func(ctx context.Context) {
	namespace := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "ctrl-"}}
	Expect(k8sClient.Create(ctx, namespace)).To(Succeed())
	ns = namespace.Name
	logStart = mgrLog.Len()
})

// On failure, show what the operator did and said during the spec.
var _ = ReportAfterEach(func(report SpecReport) {
	if !report.Failed() {
		return
	}
	GinkgoWriter.Printf("\n----- manager log of this spec -----\n%s\n", mgrLog.Since(logStart))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	GinkgoWriter.Printf("----- events in namespace %s -----\n%s\n", ns, describeEvents(ctx, ns))
})

// managerOptions are the production options, with the metrics and probe endpoints off.
func managerOptions() manager.Options {
	return manager.Options{
		MetricsAddr:             "0",
		ProbeAddr:               "0",
		MaxConcurrentReconciles: 2,
		SyncPeriod:              10 * time.Hour,
		Runner:                  runnerConfig,
		Attempts:                attemptPolicy,
	}
}

// attemptPolicy is the operator's judgement of pods that do not start, shortened so specs take seconds.
var attemptPolicy = task.AttemptPolicy{ConfigErrorGrace: 6 * time.Second, RecheckInterval: time.Second}
