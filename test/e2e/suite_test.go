//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/langflix/langflix-operator/test/testutil"
)

var (
	cfg suiteConfig
	k8s client.WithWatch
	// ns is this run's namespace; every task of the suite lives there.
	ns string
	// mediaDir is the host folder behind the namespace's "media" claim: what the runner sees as /data.
	mediaDir string
	// anySpecFailed keeps the media folder for a look after a failed run.
	anySpecFailed bool
)

func TestE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	SetDefaultEventuallyPollingInterval(poll)
	SetDefaultConsistentlyPollingInterval(poll)
	SetDefaultEventuallyTimeout(apiTimeout)
	// Eventually(ctx, ...) ignores the default timeout unless told otherwise: a failing check would hang until the
	// test binary's own timeout instead of failing with its message.
	EnforceDefaultTimeoutsWhenUsingContexts()
	RunSpecs(t, "langflix-operator end-to-end")
}

var _ = BeforeSuite(func(ctx SpecContext) {
	var err error
	cfg, err = loadConfig()
	Expect(err).NotTo(HaveOccurred())
	restConfig, err := clientcmd.BuildConfigFromFlags("", cfg.kubeconfig)
	Expect(err).NotTo(HaveOccurred())
	k8s, err = client.NewWithWatch(restConfig, client.Options{Scheme: testutil.Scheme()})
	Expect(err).NotTo(HaveOccurred())

	// A fresh namespace and media folder per run, so a cluster kept from an earlier run cannot interfere.
	ns = "e2e-" + rand.String(5)
	mediaDir = filepath.Join(cfg.clusterDir, "volumes", ns+"_"+testutil.DefaultClaim)
	By(fmt.Sprintf("creating namespace %s with claim %q on %s", ns, testutil.DefaultClaim, mediaDir))
	Expect(os.MkdirAll(mediaDir, 0o755)).To(Succeed())
	Expect(k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
	createHostPathClaim(ctx, ns, testutil.DefaultClaim, mediaDir)

	By("generating the test media with ffmpeg")
	start := time.Now()
	Expect(writeMedia(mediaDir)).To(Succeed())
	GinkgoWriter.Printf("media generated in %s\n", time.Since(start).Round(time.Millisecond))
})

var _ = ReportAfterEach(func(r SpecReport) {
	if r.Failed() {
		anySpecFailed = true
	}
})

var _ = AfterSuite(func(ctx SpecContext) {
	if k8s == nil || ns == "" {
		return
	}
	// Tasks carry the operator's finalizer. The uninstall spec deletes them while the operator still runs;
	// after a failure some may be left, and with the operator gone only removing the finalizer lets them go.
	removeTaskFinalizers(ctx, ns)
	Expect(client.IgnoreNotFound(k8s.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))).To(Succeed())
	Expect(client.IgnoreNotFound(k8s.Delete(ctx, &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: pvName(ns)}}))).To(Succeed())
	if anySpecFailed {
		GinkgoWriter.Printf("media folder kept for inspection: %s\n", mediaDir)
		return
	}
	Expect(os.RemoveAll(mediaDir)).To(Succeed())
})

// The specs run in the order written, against one Helm release: the last one uninstalls it.
// ContinueOnFailure lets the later specs run (and the release be removed) when one fails.
var _ = Describe("langflix-operator installed with Helm on a local cluster", Ordered, ContinueOnFailure, func() {
	BeforeAll(installOperator)
	AfterEach(func(ctx SpecContext) {
		if CurrentSpecReport().Failed() {
			dumpDiagnostics(ctx)
		}
	})

	videoTaskSpecs()
	slideTaskSpecs()
	cleanupPolicySpecs()
	failureSpecs()
	deletionSpecs()
	kubectlSpecs()
	securitySpecs()
	queueSpecs()
	uninstallSpecs()
})

// ReportAfterSuite prints how long each spec took, for the run's record.
var _ = ReportAfterSuite("spec timings", func(r Report) {
	fmt.Fprintf(os.Stdout, "\nSpec timings (total %s):\n", r.RunTime.Round(time.Second))
	for _, s := range r.SpecReports {
		switch s.LeafNodeType {
		case types.NodeTypeIt, types.NodeTypeBeforeSuite:
			name := s.LeafNodeText
			if name == "" {
				name = s.LeafNodeType.String()
			}
			fmt.Fprintf(os.Stdout, "  %-8s %7.1fs  %s\n", s.State, s.RunTime.Seconds(), name)
		}
	}
})

// pvName is the PersistentVolume behind a namespace's media claim (volumes are cluster-wide).
func pvName(namespace string) string { return namespace + "-" + testutil.DefaultClaim }

// createHostPathClaim creates a hostPath PersistentVolume for dir, pre-bound to a claim of that name in the
// namespace, the way hack/local-cluster.sh pvc does, and waits until the claim is bound.
func createHostPathClaim(ctx context.Context, namespace, claim, dir string) {
	GinkgoHelper()
	size := resource.MustParse("10Gi")
	modes := []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadWriteMany}
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: pvName(namespace)},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   modes,
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: dir}},
			ClaimRef:                      &corev1.ObjectReference{Namespace: namespace, Name: claim},
		},
	}
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: claim, Namespace: namespace},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes:      modes,
			StorageClassName: new(string),
			VolumeName:       pv.Name,
			Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: size}},
		},
	}
	Expect(k8s.Create(ctx, pv)).To(Succeed())
	Expect(k8s.Create(ctx, pvc)).To(Succeed())
	Eventually(func(g Gomega) corev1.PersistentVolumeClaimPhase {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pvc), pvc)).To(Succeed())
		return pvc.Status.Phase
	}).Should(Equal(corev1.ClaimBound))
}
