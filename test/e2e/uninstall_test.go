//go:build e2e

package e2e

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// releaseObjects lists what the release installed, by the chart's instance label: the Deployment, its pods,
// the ServiceAccount, the leader election Role and RoleBinding, the operator's and runner's ClusterRoles with
// their binding, and the admission policies with their bindings. It returns "Kind/name" for each.
func releaseObjects(ctx context.Context, g Gomega) []string {
	selector := client.MatchingLabels{"app.kubernetes.io/instance": releaseName}
	inRelease := client.InNamespace(releaseNamespace)
	var found []string
	for _, l := range []struct {
		kind       string
		list       client.ObjectList
		namespaced bool
	}{
		{"Deployment", &appsv1.DeploymentList{}, true},
		{"Pod", &corev1.PodList{}, true},
		{"ServiceAccount", &corev1.ServiceAccountList{}, true},
		{"Role", &rbacv1.RoleList{}, true},
		{"RoleBinding", &rbacv1.RoleBindingList{}, true},
		{"ClusterRole", &rbacv1.ClusterRoleList{}, false},
		{"ClusterRoleBinding", &rbacv1.ClusterRoleBindingList{}, false},
		{"ValidatingAdmissionPolicy", &admissionregistrationv1.ValidatingAdmissionPolicyList{}, false},
		{"ValidatingAdmissionPolicyBinding", &admissionregistrationv1.ValidatingAdmissionPolicyBindingList{}, false},
	} {
		opts := []client.ListOption{selector}
		if l.namespaced {
			opts = append(opts, inRelease)
		}
		g.Expect(k8s.List(ctx, l.list, opts...)).To(Succeed())
		items, err := meta.ExtractList(l.list)
		g.Expect(err).NotTo(HaveOccurred())
		for _, item := range items {
			found = append(found, l.kind+"/"+item.(client.Object).GetName())
		}
	}
	return found
}

func uninstallSpecs() {
	It("is removed cleanly by `helm uninstall`: Deployment, RBAC, admission policies and the manager process are gone", func(ctx SpecContext) {
		// Tasks hold the operator's finalizer: delete them while the operator still runs to release it.
		deleteAllTasks(ctx, ns)

		before := releaseObjects(ctx, Default)
		GinkgoWriter.Printf("release objects: %v\n", before)
		for _, kind := range []string{"Deployment/", "Pod/", "ServiceAccount/", "Role/", "RoleBinding/", "ClusterRole/", "ClusterRoleBinding/",
			"ValidatingAdmissionPolicy/", "ValidatingAdmissionPolicyBinding/"} {
			Expect(before).To(ContainElement(HavePrefix(kind)), "the release should have a %s", strings.TrimSuffix(kind, "/"))
		}
		var managers []hostProcess
		var pods corev1.PodList
		Expect(k8s.List(ctx, &pods, client.InNamespace(releaseNamespace),
			client.MatchingLabels{"app.kubernetes.io/instance": releaseName})).To(Succeed())
		for _, p := range pods.Items {
			managers = append(managers, podProcesses(p.Name)...)
		}
		Expect(names(managers)).To(ContainElement("manager"), "the manager runs as a process of its pod")

		out, err := helm(ctx, "uninstall", releaseName, "--namespace", releaseNamespace, "--wait", "--timeout", "2m")
		Expect(err).NotTo(HaveOccurred(), out)

		Eventually(ctx, func(g Gomega) []string { return releaseObjects(ctx, g) }).Should(BeEmpty())
		Eventually(ctx, func() []string { return names(stillAlive(managers)) }).Should(BeEmpty(), "manager processes")
		for _, p := range pods.Items {
			Expect(podProcesses(p.Name)).To(BeEmpty(), "processes of pod %s", p.Name)
		}
		out, err = helm(ctx, "list", "--namespace", releaseNamespace, "--all", "--short")
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.TrimSpace(out)).To(BeEmpty(), "helm still lists a release")

		// Helm never deletes the CRDs of a chart's crds/ folder, so users' tasks survive an uninstall.
		out, err = kubectl(ctx, "get", "crd", "-o", "name",
			"videotasks.tasks.langflix.io", "slidetasks.tasks.langflix.io", "cleanuppolicies.tasks.langflix.io")
		Expect(err).NotTo(HaveOccurred(), "the CRDs should stay")
		Expect(strings.Fields(out)).To(HaveLen(3))
	})
}
