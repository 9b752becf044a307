package validation

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/langflix/langflix-operator/test/testutil"
)

// Messages of the rules that keep a task from making a Job the API server would refuse, copied on purpose.
const (
	msgNameLength     = "metadata.name must be at most 63 characters"
	msgOneVolume      = "spec.storage must set exactly one volume type, such as persistentVolumeClaim"
	msgRequestsLimits = "spec.resources: every request must be less than or equal to its limit"
	msgServiceAccount = "spec.serviceAccountName must be a lowercase RFC 1123 subdomain"
	msgPriorityClass  = "spec.priorityClassName must be a lowercase RFC 1123 subdomain"
	msgSecretName     = "the Secret name must be a lowercase RFC 1123 subdomain"
	msgSecretKey      = "the Secret key may only hold letters, digits, '-', '_' and '.'"
)

// Each of these manifests passed the schema before issue 8 and then made a Job the API server refused (or
// a pod that could never start): they are rejected at apply now, naming the field.
var _ = Describe("Manifests that would make an invalid Job", func() {
	vt := func(name string) *testutil.VideoTaskWrapper { return testutil.MakeVideoTask(name, "") }
	st := func(name string) *testutil.SlideTaskWrapper { return testutil.MakeSlideTask(name, "") }
	cp := func(name string) *testutil.CleanupPolicyWrapper { return testutil.MakeCleanupPolicy(name, "") }
	long := strings.Repeat("a", 64)
	pvcAndEmptyDir := corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "media"},
		EmptyDir:              &corev1.EmptyDirVolumeSource{},
	}
	tooMuch := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("4Gi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi")},
	}
	cpuInMillis := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1500m")},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")},
	}

	DescribeTable("are rejected by the API server with the field path and the rule",
		func(ctx context.Context, obj client.Object, field, rule string) {
			obj.SetNamespace(ns)
			err := k8sClient.Create(ctx, obj)
			if field == "" {
				// A rule on the whole object has no field path of its own.
				Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want 422 Invalid, got: %v", err)
				Expect(err.Error()).To(ContainSubstring(rule))
				return
			}
			expectInvalid(err, field, rule)
		},
		Entry("VideoTask named with 64 characters", vt(long).Obj(), "", msgNameLength),
		Entry("SlideTask named with 64 characters", st(long).Obj(), "", msgNameLength),
		Entry("CleanupPolicy named with 64 characters", cp(long).Obj(), "", msgNameLength),
		// storage: {} as a YAML manifest sends it: a Go client cannot (the field is omitzero).
		Entry("VideoTask with storage {}", testutil.WithField(vt("empty-storage").Obj(), map[string]any{}, "spec", "storage"), "spec.storage", msgOneVolume),
		Entry("SlideTask with two volume types", st("two-volumes").Storage(pvcAndEmptyDir).Obj(), "spec.storage", msgOneVolume),
		Entry("CleanupPolicy with storage {}", testutil.WithField(cp("empty-storage").Obj(), map[string]any{}, "spec", "storage"), "spec.storage", msgOneVolume),
		Entry("VideoTask with a memory request above its limit", vt("requests").Resources(tooMuch).Obj(), "spec.resources", msgRequestsLimits),
		Entry("SlideTask with a CPU request above its limit, in other units", st("requests").Resources(cpuInMillis).Obj(), "spec.resources", msgRequestsLimits),
		Entry("CleanupPolicy with a memory request above its limit", cp("requests").Resources(tooMuch).Obj(), "spec.resources", msgRequestsLimits),
		Entry("VideoTask with a ServiceAccount name with an underscore", vt("sa").ServiceAccount("my_runner").Obj(), "spec.serviceAccountName", msgServiceAccount),
		Entry("SlideTask with a ServiceAccount name in capitals", st("sa").ServiceAccount("Runner").Obj(), "spec.serviceAccountName", msgServiceAccount),
		Entry("VideoTask with a PriorityClass name with a space", vt("pc").PriorityClass("batch low").Obj(), "spec.priorityClassName", msgPriorityClass),
		Entry("VideoTask with an API key Secret key with a space",
			vt("key").LLM("https://llm.internal/v1", "m").APIKeySecret("llm", "api key").Obj(),
			"spec.expressions.llm.apiKeySecretRef.key", msgSecretKey),
		Entry("VideoTask with an API key Secret name with a slash",
			vt("secret").LLM("https://llm.internal/v1", "m").APIKeySecret("team/llm", "key").Obj(),
			"spec.expressions.llm.apiKeySecretRef.name", msgSecretName),
		Entry("VideoTask with a start limit above 24h", vt("start").StartLimit(86401).Obj(), "spec.timeLimits.startSeconds", "should be less than or equal to 86400"),
		Entry("SlideTask with a start limit below 1s", st("start").StartLimit(-1).Obj(), "spec.timeLimits.startSeconds", "should be greater than or equal to 1"),
	)

	DescribeTable("are admitted at the bounds",
		func(ctx context.Context, obj client.Object) {
			obj.SetNamespace(ns)
			Expect(k8sClient.Create(ctx, obj)).To(Succeed())
		},
		Entry("VideoTask named with 63 characters", vt(strings.Repeat("b", 63)).Obj()),
		Entry("VideoTask with requests equal to limits in other units", vt("equal").Resources(corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1000m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("1024Mi")},
		}).Obj()),
		Entry("VideoTask with a request and no limit", vt("no-limit").Resources(corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")},
		}).Obj()),
		Entry("SlideTask with an emptyDir storage and a dotted ServiceAccount name",
			st("dotted").Storage(corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}).ServiceAccount("team.runner").Obj()),
		Entry("VideoTask with a Secret key of dots, dashes and underscores",
			vt("key-ok").LLM("https://llm.internal/v1", "m").APIKeySecret("llm.keys", "api_key-v1.2").Obj()),
		Entry("VideoTask with a start limit of 24h", vt("start-max").StartLimit(86400).Obj()),
	)
})
