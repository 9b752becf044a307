// Package validation proves the tasks.langflix.io API on a real kube-apiserver: the OpenAPI and CEL rules
// reject what they should with messages that name the field, defaults are applied, immutable fields stay
// immutable, printer columns and the langflix category work in kubectl, and every sample is accepted.
package validation

import (
	"context"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/langflix/langflix-operator/test/testutil"
)

var (
	testEnv   *envtest.Environment
	cfg       *rest.Config
	k8sClient client.Client
	// ns is the namespace every spec of this suite works in.
	ns string
)

func TestValidation(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "API validation suite")
}

var _ = BeforeSuite(func(ctx context.Context) {
	testEnv, cfg, k8sClient = testutil.StartEnv()

	namespace := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "validation-"}}
	Expect(k8sClient.Create(ctx, namespace)).To(Succeed())
	ns = namespace.Name
})

var _ = AfterSuite(func() {
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})
