package security

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/langflix/langflix-operator/test/testutil"
)

// repoPath is a path of the repository, for the manifests the suite installs exactly as shipped.
func repoPath(rel string) string {
	GinkgoHelper()
	root, err := testutil.ModuleRoot()
	Expect(err).NotTo(HaveOccurred())
	return filepath.Join(root, rel)
}

// documents reads every YAML document of a file as an unstructured object.
func documents(rel string) []*unstructured.Unstructured {
	GinkgoHelper()
	data, err := os.ReadFile(repoPath(rel))
	Expect(err).NotTo(HaveOccurred())
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []*unstructured.Unstructured
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		Expect(err).NotTo(HaveOccurred())
		obj := &unstructured.Unstructured{}
		Expect(yaml.Unmarshal(doc, &obj.Object)).To(Succeed())
		if len(obj.Object) > 0 {
			out = append(out, obj)
		}
	}
}

// applyFile creates every object of a manifest file.
func applyFile(ctx context.Context, rel string) {
	GinkgoHelper()
	for _, obj := range documents(rel) {
		Expect(admin.Create(ctx, obj)).To(Succeed(), "create %s %s from %s", obj.GetKind(), obj.GetName(), rel)
	}
}

// applyDir creates the objects of every manifest in a kustomize folder (its resources list, in order).
func applyDir(ctx context.Context, rel string) {
	GinkgoHelper()
	var k struct {
		Resources []string `json:"resources"`
	}
	data, err := os.ReadFile(repoPath(filepath.Join(rel, "kustomization.yaml")))
	Expect(err).NotTo(HaveOccurred())
	Expect(yaml.Unmarshal(data, &k)).To(Succeed())
	Expect(k.Resources).NotTo(BeEmpty())
	for _, r := range k.Resources {
		applyFile(ctx, filepath.Join(rel, r))
	}
}

// clusterRoleRules reads the rules of the ClusterRole in a file.
func clusterRoleRules(rel string) []rbacv1.PolicyRule {
	GinkgoHelper()
	for _, obj := range documents(rel) {
		if obj.GetKind() != "ClusterRole" {
			continue
		}
		var role rbacv1.ClusterRole
		data, err := obj.MarshalJSON()
		Expect(err).NotTo(HaveOccurred())
		Expect(yaml.Unmarshal(data, &role)).To(Succeed())
		return role.Rules
	}
	Fail("no ClusterRole in " + rel)
	return nil
}

func userSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
}

func serviceAccountSubject(namespace, name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: namespace, Name: name}
}

// bind creates a RoleBinding in namespace to a Role or ClusterRole.
func bind(ctx context.Context, namespace, kind, role string, subjects ...rbacv1.Subject) {
	GinkgoHelper()
	Expect(admin.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: role + "-", Namespace: namespace},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: role},
		Subjects:   subjects,
	})).To(Succeed())
}

// serviceAccountIdentity is how the API server sees a ServiceAccount token: its user name and groups, and for a
// token bound to a pod, the pod's name and UID in extra.
func serviceAccountIdentity(namespace, name string, extra map[string][]string) rest.ImpersonationConfig {
	return rest.ImpersonationConfig{
		UserName: "system:serviceaccount:" + namespace + ":" + name,
		Groups:   []string{"system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"},
		Extra:    extra,
	}
}

// clientAs returns a client that acts as the given identity, as kubectl --as does.
func clientAs(id rest.ImpersonationConfig) client.Client {
	GinkgoHelper()
	cfg := rest.CopyConfig(restCfg)
	cfg.Impersonate = id
	c, err := client.New(cfg, client.Options{Scheme: testutil.Scheme()})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// user returns a client for a person (not a ServiceAccount).
func user(name string) client.Client {
	return clientAs(rest.ImpersonationConfig{UserName: name, Groups: []string{"system:authenticated"}})
}

// runner returns a client with the runner ServiceAccount's token of namespace, bound to pod (empty: a token
// bound to no pod, such as a long-lived Secret token).
func runner(namespace, pod string) client.Client {
	var extra map[string][]string
	if pod != "" {
		extra = map[string][]string{podNameExtra: {pod}, podUIDExtra: {"uid-" + pod}}
	}
	return clientAs(serviceAccountIdentity(namespace, runnerAccount, extra))
}

// waitForPolicies waits until the API server enforces both policies: their bindings are picked up
// asynchronously after creation.
func waitForPolicies(ctx context.Context) {
	GinkgoHelper()
	probe := hostPathTask("policy-probe")
	Eventually(func() error {
		return user("alice").Create(ctx, probe, client.DryRunAll)
	}).Should(MatchError(ContainSubstring("spec.storage.hostPath")), "the task author policy is in force")
}

// setPolicySetting changes one setting variable of a policy, the way `helm upgrade` with another value does,
// and waits until the API server enforces it (probe must then return nil, or an error, as wantAllowed says).
func setPolicySetting(ctx context.Context, policy, variable, expression string, probe func(context.Context) error, wantAllowed bool) {
	GinkgoHelper()
	vap := &unstructured.Unstructured{}
	vap.SetAPIVersion("admissionregistration.k8s.io/v1")
	vap.SetKind("ValidatingAdmissionPolicy")
	Expect(admin.Get(ctx, client.ObjectKey{Name: policy}, vap)).To(Succeed())
	vars, _, err := unstructured.NestedSlice(vap.Object, "spec", "variables")
	Expect(err).NotTo(HaveOccurred())
	found := false
	for _, v := range vars {
		m := v.(map[string]any)
		if m["name"] == variable {
			m["expression"], found = expression, true
		}
	}
	Expect(found).To(BeTrue(), "policy %s has a variable %s", policy, variable)
	Expect(unstructured.SetNestedSlice(vap.Object, vars, "spec", "variables")).To(Succeed())
	Expect(admin.Update(ctx, vap)).To(Succeed())
	check := func() error { return probe(ctx) }
	if wantAllowed {
		Eventually(check, settingTimeout).Should(Succeed(), "setting %s=%s in force", variable, expression)
	} else {
		Eventually(check, settingTimeout).Should(HaveOccurred(), "setting %s=%s in force", variable, expression)
	}
}

// startRedis runs a private redis-server with a password on a unix socket and returns its URL.
func startRedis() string {
	GinkgoHelper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		Fail("redis-server is not installed (hack/install-deps.sh installs it): the cache cases need a real Redis")
	}
	sock := filepath.Join(GinkgoT().TempDir(), "redis.sock")
	cmd := exec.Command("redis-server", "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no",
		"--requirepass", redisPassword)
	stdout, err := cmd.StdoutPipe()
	Expect(err).NotTo(HaveOccurred())
	Expect(cmd.Start()).To(Succeed())
	DeferCleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if strings.Contains(strings.ToLower(lines.Text()), "ready to accept connections") {
			go func() {
				for lines.Scan() {
				}
			}()
			return "unix://:" + redisPassword + "@" + sock
		}
	}
	Fail("redis-server did not start")
	return ""
}
