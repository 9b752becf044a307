package security

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// Volumes a task author might try to get mounted into a runner.
var (
	hostPathVolume = corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc"}}
	foreignNFS     = corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs.team-b.example", Path: "/exports/team-b"}}
	secretVolume   = corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: foreignSecret}}
	csiVolume      = corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "secrets-store.csi.k8s.io"}}
	emptyDirVolume = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
	// ephemeralFrom is a generic ephemeral volume populated from a snapshot in another namespace.
	ephemeralFrom = func(namespace string) corev1.VolumeSource {
		ref := &corev1.TypedObjectReference{APIGroup: ptr.To("snapshot.storage.k8s.io"), Kind: "VolumeSnapshot", Name: "media"}
		if namespace != "" {
			ref.Namespace = ptr.To(namespace)
		}
		return corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{VolumeClaimTemplate: &corev1.PersistentVolumeClaimTemplate{
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes:   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:     corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
				DataSourceRef: ref,
			},
		}}}
	}
)

// hostPathTask is a VideoTask of team-a that mounts the node's /etc.
func hostPathTask(name string) *tasksv1.VideoTask {
	return testutil.MakeVideoTask(name, teamA).Storage(hostPathVolume).Obj()
}

var _ = Describe("a task author", Ordered, ContinueOnFailure, func() {
	var alice, bob client.Client
	BeforeAll(func() { alice, bob = user("alice"), user("bob") })

	vt := func(name string) *testutil.VideoTaskWrapper { return testutil.MakeVideoTask(name, teamA) }
	st := func(name string) *testutil.SlideTaskWrapper { return testutil.MakeSlideTask(name, teamA) }
	clp := func(name string) *testutil.CleanupPolicyWrapper { return testutil.MakeCleanupPolicy(name, teamA) }
	create := func(ctx context.Context, c client.Client, obj client.Object) error { return c.Create(ctx, obj) }

	Context("storage", func() {
		It("cannot mount a host path, another team's NFS export, a Secret or an inline CSI volume", func(ctx SpecContext) {
			expectDenied("hostPath storage (node's /etc) in a VideoTask",
				create(ctx, alice, vt("host").Storage(hostPathVolume).Obj()), "spec.storage.hostPath")
			expectDenied("another team's NFS export in a VideoTask",
				create(ctx, alice, vt("nfs").Storage(foreignNFS).Obj()), "spec.storage.nfs")
			expectDenied("a Secret the author cannot read, as SlideTask storage",
				create(ctx, alice, st("secret").Storage(secretVolume).Obj()), "spec.storage.secret")
			expectDenied("an inline CSI volume (secrets-store) as SlideTask storage",
				create(ctx, alice, st("csi").Storage(csiVolume).Obj()), "spec.storage.csi")
			expectDenied("hostPath storage in a CleanupPolicy (deleting the node's files)",
				create(ctx, alice, clp("host").Storage(hostPathVolume).Obj()), "spec.storage.hostPath")
		})

		It("cannot smuggle a second volume type next to an allowed one", func(ctx SpecContext) {
			both := emptyDirVolume
			both.HostPath = hostPathVolume.HostPath
			expectDenied("emptyDir and hostPath in one storage", create(ctx, alice, vt("both").Storage(both).Obj()),
				"exactly one volume type")
		})

		It("cannot fill an ephemeral volume from another namespace", func(ctx SpecContext) {
			expectDenied("ephemeral volume populated from a snapshot in team-b",
				create(ctx, alice, vt("eph-foreign").Storage(ephemeralFrom(teamB)).Obj()), "dataSourceRef.namespace")
			expectAllowed("alice: ephemeral volume populated from her own namespace",
				create(ctx, alice, vt("eph-own").Storage(ephemeralFrom("")).Obj()))
		})

		It("cannot switch a CleanupPolicy from a claim to a host path afterwards", func(ctx SpecContext) {
			policy := clp("switch").Obj()
			expectAllowed("alice: CleanupPolicy on a PersistentVolumeClaim", create(ctx, alice, policy))
			patch := []byte(`{"spec":{"storage":{"persistentVolumeClaim":null,"hostPath":{"path":"/var/lib"}}}}`)
			expectDenied("updating a CleanupPolicy's storage to hostPath",
				alice.Patch(ctx, policy, client.RawPatch(types.MergePatchType, patch)), "spec.storage.hostPath")
		})

		It("may use claims, emptyDir and ephemeral volumes, and whoever may create pods may use the rest", func(ctx SpecContext) {
			expectAllowed("alice: VideoTask on a PersistentVolumeClaim", create(ctx, alice, vt("pvc").Obj()))
			expectAllowed("alice: SlideTask on an emptyDir", create(ctx, alice, st("scratch").Storage(emptyDirVolume).Obj()))
			expectAllowed("bob (may create pods): hostPath storage", create(ctx, bob, vt("bob-host").Storage(hostPathVolume).Obj()))
			expectAllowed("bob (may create pods): NFS storage", create(ctx, bob, vt("bob-nfs").Storage(foreignNFS).Obj()))
			expectAllowed("bob (may create pods): CleanupPolicy on a host path", create(ctx, bob, clp("bob-host").Storage(hostPathVolume).Obj()))
		})

		It("is refused other volume types even with pod rights when the installation disables them", func(ctx SpecContext) {
			probe := func(ctx context.Context) error {
				return bob.Create(ctx, vt("probe-disabled").Storage(hostPathVolume).Obj(), client.DryRunAll)
			}
			setPolicySetting(ctx, policyAuthor, "otherVolumeTypes", "'Disabled'", probe, false)
			DeferCleanup(func(ctx SpecContext) {
				setPolicySetting(ctx, policyAuthor, "otherVolumeTypes", "'PodCreators'", probe, true)
			})
			expectDenied("bob: hostPath storage while admission.otherVolumeTypes is Disabled",
				create(ctx, bob, vt("bob-host-disabled").Storage(hostPathVolume).Obj()), "admission.otherVolumeTypes is Disabled")
		})
	})

	Context("identity", func() {
		BeforeAll(func(ctx SpecContext) {
			Expect(admin.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "ci-deployer", Namespace: teamA}})).To(Succeed())
		})

		It("cannot run the runner under another ServiceAccount", func(ctx SpecContext) {
			expectDenied("VideoTask as ServiceAccount ci-deployer", create(ctx, alice, vt("sa").ServiceAccount("ci-deployer").Obj()),
				"spec.serviceAccountName")
			expectDenied("SlideTask as ServiceAccount default", create(ctx, alice, st("sa").ServiceAccount("default").Obj()),
				"spec.serviceAccountName")
			expectAllowed("alice: naming the managed runner ServiceAccount", create(ctx, alice, vt("sa-runner").ServiceAccount(runnerAccount).Obj()))
			expectAllowed("bob (may create pods): VideoTask as ServiceAccount ci-deployer",
				create(ctx, bob, vt("bob-sa").ServiceAccount("ci-deployer").Obj()))
		})

		It("cannot jump the queue with a PriorityClass", func(ctx SpecContext) {
			expectDenied("VideoTask with PriorityClass system-cluster-critical",
				create(ctx, alice, vt("prio").PriorityClass("system-cluster-critical").Obj()), "spec.priorityClassName")
			expectAllowed("bob (may create pods): a PriorityClass", create(ctx, bob, vt("bob-prio").PriorityClass("high").Obj()))
		})
	})

	Context("secrets and endpoints", func() {
		const endpoint = "https://llm.example.com/v1"

		It("cannot send a Secret it may not read to an endpoint", func(ctx SpecContext) {
			expectDenied("apiKeySecretRef to Secret db-password, which alice may not get",
				create(ctx, alice, vt("key").LLM(endpoint, "m").APIKeySecret(foreignSecret, "password").Obj()), "may not get Secret team-a/db-password")
			expectAllowed("alice: apiKeySecretRef to llm-key, which she may get",
				create(ctx, alice, vt("key-own").LLM(endpoint, "m").APIKeySecret(llmKeySecret, "api-key").Obj()))
			expectAllowed("bob: apiKeySecretRef to db-password, which he may get",
				create(ctx, bob, vt("bob-key").LLM(endpoint, "m").APIKeySecret(foreignSecret, "password").Obj()))
		})

		It("cannot send the key in clear", func(ctx SpecContext) {
			expectDenied("http:// endpoint on the internet", create(ctx, alice, vt("http").LLM("http://llm.example.com/v1", "m").Obj()),
				"must be an https:// URL")
			expectDenied("http:// cluster-local endpoint while admission.insecureLLMEndpoints is Disabled",
				create(ctx, alice, vt("http-local").LLM("http://llm.llm.svc.cluster.local:8000/v1", "m").Obj()), "insecureLLMEndpoints is Disabled")
			expectDenied("credentials in the endpoint URL", create(ctx, alice, vt("userinfo").LLM("https://user:pw@llm.example.com/v1", "m").Obj()),
				"must not carry credentials")
		})

		It("may use a cluster-local http endpoint when the installation allows it", func(ctx SpecContext) {
			probe := func(ctx context.Context) error {
				return alice.Create(ctx, vt("probe-http").LLM("http://llm.llm.svc:8000/v1", "m").Obj(), client.DryRunAll)
			}
			setPolicySetting(ctx, policyAuthor, "insecureLLMEndpoints", "'ClusterLocal'", probe, true)
			DeferCleanup(func(ctx SpecContext) {
				setPolicySetting(ctx, policyAuthor, "insecureLLMEndpoints", "'Disabled'", probe, false)
			})
			expectAllowed("alice: http:// cluster-local endpoint with admission.insecureLLMEndpoints ClusterLocal",
				create(ctx, alice, vt("http-allowed").LLM("http://llm.llm.svc.cluster.local:8000/v1", "m").Obj()))
			expectDenied("http:// to an outside host even with ClusterLocal", create(ctx, alice, vt("http-out").LLM("http://10.0.0.8:8000/v1", "m").Obj()),
				"must be an https:// URL")
		})
	})

	Context("files and buckets", func() {
		It("cannot read the runner's own secrets through file:// URLs", func(ctx SpecContext) {
			expectDenied("subtitles from file:///proc/self/environ (the runner's environment)",
				create(ctx, alice, vt("environ").Subtitles("file:///proc/self/environ").Obj()), "must not point into /proc")
			expectDenied("video from the ServiceAccount token file",
				create(ctx, alice, vt("token").Video("file:///var/run/secrets/kubernetes.io/serviceaccount/token").Obj()), "must not point into")
			expectDenied("file:// URL climbing out with ..",
				create(ctx, alice, vt("dotdot").Subtitles("file:///usr/../proc/self/environ").Obj()), "must not contain")
		})

		It("cannot use the runner's cloud credentials", func(ctx SpecContext) {
			expectDenied("s3:// output with the node's credentials", create(ctx, alice, vt("s3").Output("s3://other-team-bucket/lessons/").Obj()),
				"s3:// URLs are read and written with the cloud credentials")
			expectDenied("gs:// input with the node's credentials", create(ctx, alice, vt("gs").Video("gs://private/episode.mkv").Obj()),
				"gs:// URLs")
			expectAllowed("bob (may create pods): an s3:// output", create(ctx, bob, vt("bob-s3").Output("s3://team-a-bucket/lessons/").Obj()))
		})
	})

	It("cannot read what the operator keeps for the runners", func(ctx SpecContext) {
		Eventually(func() error {
			return admin.Get(ctx, client.ObjectKey{Namespace: teamA, Name: redisCopy}, &corev1.Secret{})
		}).Should(Succeed(), "the operator copied the Redis Secret into team-a")
		expectDenied("reading the Redis Secret copy in team-a",
			alice.Get(ctx, client.ObjectKey{Namespace: teamA, Name: redisCopy}, &corev1.Secret{}), "forbidden")
		expectDenied("creating a pod directly", alice.Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: "direct", Namespace: teamA},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}},
		}), "forbidden")
	})
})
