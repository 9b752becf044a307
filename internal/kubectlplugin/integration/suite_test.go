package integration

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/langflix/langflix-operator/test/testutil"
)

var (
	testEnv   *envtest.Environment
	k8sClient client.Client
	// kubeconfig is a kubeconfig file for the envtest API server, passed to the plugin with --kubeconfig.
	kubeconfig string
	// ns is the running spec's own namespace.
	ns string
)

func TestKubectlPlugin(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "kubectl-langflix envtest suite")
}

var _ = BeforeSuite(func() {
	ctrllog.SetLogger(GinkgoLogr)
	SetDefaultEventuallyTimeout(testutil.Timeout)
	// Eventually(ctx, ...) ignores the default timeout unless told otherwise: a failing check would hang until the
	// test binary's own timeout instead of failing with its message.
	EnforceDefaultTimeoutsWhenUsingContexts()
	SetDefaultEventuallyPollingInterval(testutil.Interval)

	testEnv, _, k8sClient = testutil.StartEnv()
	user, err := testEnv.AddUser(envtest.User{Name: "plugin-user", Groups: []string{"system:masters"}}, nil)
	Expect(err).NotTo(HaveOccurred())
	data, err := user.KubeConfig()
	Expect(err).NotTo(HaveOccurred())
	kubeconfig = filepath.Join(GinkgoT().TempDir(), "kubeconfig")
	Expect(os.WriteFile(kubeconfig, data, 0o600)).To(Succeed())
})

var _ = AfterSuite(func() {
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

var _ = BeforeEach(func(ctx SpecContext) {
	namespace := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "plugin-"}}
	Expect(k8sClient.Create(ctx, namespace)).To(Succeed())
	ns = namespace.Name
})
