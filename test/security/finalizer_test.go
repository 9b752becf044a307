package security

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/langflix/langflix-operator/test/testutil"
)

// The MutatingAdmissionPolicy of config/admission adds the operator's finalizer inside the create request,
// so the operator has no finalizer patch to send (docs/benchmarks.md). The tasks are created in the
// operator's namespace, which the operator does not watch: the finalizer can only come from the API server.
var _ = Describe("the task finalizer policy", func() {
	It("adds the operator's finalizer when a task is created, once, and keeps the author's own", func(ctx context.Context) {
		const finalizer = "tasks.langflix.io/jobs"
		plain := testutil.MakeVideoTask("finalizer-plain", operatorNamespace).Obj()
		Eventually(func() error {
			probe := plain.DeepCopy()
			if err := admin.Create(ctx, probe, client.DryRunAll); err != nil {
				return err
			}
			if len(probe.Finalizers) == 0 {
				return errNoFinalizer
			}
			return nil
		}).Should(Succeed(), "the mutating policy is in force")

		Expect(admin.Create(ctx, plain)).To(Succeed())
		Expect(plain.Finalizers).To(ConsistOf(finalizer))

		own := testutil.MakeSlideTask("finalizer-own", operatorNamespace).Obj()
		own.Finalizers = []string{"example.com/keep"}
		Expect(admin.Create(ctx, own)).To(Succeed())
		Expect(own.Finalizers).To(ConsistOf("example.com/keep", finalizer))

		again := testutil.MakeVideoTask("finalizer-again", operatorNamespace).Obj()
		again.Finalizers = []string{finalizer}
		Expect(admin.Create(ctx, again)).To(Succeed())
		Expect(again.Finalizers).To(ConsistOf(finalizer))

		for _, obj := range []client.Object{plain, own, again} {
			obj.SetFinalizers(nil)
			Expect(admin.Update(ctx, obj)).To(Succeed())
			Expect(admin.Delete(ctx, obj)).To(Succeed())
		}
	})
})

var errNoFinalizer = errorString("created without the operator's finalizer")

type errorString string

func (e errorString) Error() string { return string(e) }
