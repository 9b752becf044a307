package validation

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/langflix/langflix-operator/test/testutil"
)

// The CRD's URL rules must not refuse what is legitimate: https endpoints anywhere, http only on loopback and
// cluster-local names (whether an installation accepts those is the admission policy's decision), and file://
// URLs of media bundled in the runner image.
var _ = Describe("URLs the schema accepts", func() {
	DescribeTable("are stored (server dry run)",
		func(ctx context.Context, obj client.Object) {
			obj.SetNamespace(ns)
			Expect(k8sClient.Create(ctx, obj, client.DryRunAll)).To(Succeed())
		},
		Entry("an https endpoint", testutil.MakeVideoTask("ok", "").LLM("https://api.example.com/v1", "m").Obj()),
		Entry("an https endpoint with a port and query", testutil.MakeVideoTask("ok", "").LLM("https://llm.example.com:8443/openai?api-version=1", "m").Obj()),
		Entry("http on a *.svc name", testutil.MakeVideoTask("ok", "").LLM("http://vllm.models.svc:8000/v1", "m").Obj()),
		Entry("http on a *.svc.cluster.local name", testutil.MakeVideoTask("ok", "").LLM("http://llm-gateway.llm.svc.cluster.local:8080/v1", "m").Obj()),
		Entry("http on localhost", testutil.MakeVideoTask("ok", "").LLM("http://localhost:11434/v1", "m").Obj()),
		Entry("http on 127.0.0.1", testutil.MakeVideoTask("ok", "").LLM("http://127.0.0.1:8080", "m").Obj()),
		Entry("http on [::1]", testutil.MakeVideoTask("ok", "").LLM("http://[::1]:8080/v1", "m").Obj()),
		Entry("a file:// URL of bundled media", testutil.MakeVideoTask("ok", "").Video("file:///opt/media/episode.mkv").Obj()),
	)
})
