// Package security is the security suite: on a real kube-apiserver (envtest, which runs
// ValidatingAdmissionPolicies with the real RBAC authorizer), with the admission policies of config/admission
// and the operator's own RBAC of config/rbac, real users try to get more through the operator than their
// rights give them.
//
//   - alice may only work with tasks (every verb on VideoTasks, SlideTasks and CleanupPolicies of team-a, and
//     get on the one Secret llm-key);
//   - bob may do the same and create pods (the bar for storage, ServiceAccounts and priority classes) and get
//     the Secret db-password;
//   - carol is a task author in team-b;
//   - runners are the ServiceAccount langflix-runner of a namespace, with the pod name a pod-bound token
//     carries (impersonated here; the end-to-end suite uses real pod-bound tokens).
//
// The operator itself runs as its ServiceAccount with exactly the RBAC of config/rbac, namespaced to the
// watched namespaces (as the chart installs it with watchNamespaces), so every Job, Secret copy and status
// write in the suite is made with the rights the operator really has.
//
// Each escalation attempt is one entry; the suite prints "N attempts, 0 succeeded" and, for the same actions
// by users who hold the rights, "M legitimate actions, M succeeded".
package security

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/langflix/langflix-operator/controllers/manager"
	"github.com/langflix/langflix-operator/test/testutil"
)

// The cluster's layout.
const (
	operatorNamespace = "langflix-system"
	operatorAccount   = "langflix-operator"
	teamA             = "team-a"
	teamB             = "team-b"
	// redisSecret is the operator's source Secret (Copy mode); its copies are controllers' "<runner sa>-cache".
	redisSecret    = "langflix-redis"
	redisCopy      = "langflix-runner-cache"
	redisPassword  = "s3cret-redis-password"
	llmKeySecret   = "llm-key"
	foreignSecret  = "db-password"
	runnerAccount  = "langflix-runner"
	podNameExtra   = "authentication.kubernetes.io/pod-name"
	podUIDExtra    = "authentication.kubernetes.io/pod-uid"
	policyAuthor   = "langflix-task-author-rights"
	policyRunner   = "langflix-runner-status"
	settingTimeout = 30 * time.Second
)

var (
	testEnv *envtest.Environment
	admin   client.Client
	restCfg *rest.Config
	// redisURL is the URL of the suite's redis-server, password included, as the operator's Secret holds it.
	redisURL     string
	stopOperator context.CancelFunc
	operatorDone chan error
)

func TestSecurity(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Security suite: no escalation through a task")
}

var _ = BeforeSuite(func(ctx SpecContext) {
	SetDefaultEventuallyTimeout(testutil.Timeout)
	// Eventually(ctx, ...) ignores the default timeout unless told otherwise: a failing check would hang until the
	// test binary's own timeout instead of failing with its message.
	EnforceDefaultTimeoutsWhenUsingContexts()
	SetDefaultEventuallyPollingInterval(testutil.Interval)

	testEnv, restCfg, admin = testutil.StartEnv()
	redisURL = startRedis()

	By("installing the admission policies of config/admission and the RBAC of config/rbac")
	for _, ns := range []string{operatorNamespace, teamA, teamB} {
		Expect(admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
	}
	applyDir(ctx, "config/admission")
	installOperatorRBAC(ctx)
	installUsers(ctx)
	createSecrets(ctx)
	waitForPolicies(ctx)

	By("starting the operator as its ServiceAccount, watching team-a and team-b")
	startOperator()
})

var _ = AfterSuite(func() {
	if stopOperator != nil {
		stopOperator()
		Eventually(operatorDone, 30*time.Second).Should(Receive(BeNil()), "the operator stops cleanly")
	}
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

// installOperatorRBAC grants the operator what config/rbac grants it: the rules of role.yaml as a Role in each
// watched namespace (the chart's namespaced mode), the runner ClusterRole it binds, and the Role that reads its
// Redis Secret.
func installOperatorRBAC(ctx context.Context) {
	GinkgoHelper()
	Expect(admin.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: operatorAccount, Namespace: operatorNamespace}})).To(Succeed())
	operatorRules := clusterRoleRules("config/rbac/role.yaml")
	for _, ns := range []string{teamA, teamB} {
		Expect(admin.Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: operatorAccount, Namespace: ns}, Rules: operatorRules})).To(Succeed())
		bind(ctx, ns, "Role", operatorAccount, serviceAccountSubject(operatorNamespace, operatorAccount))
	}
	applyFile(ctx, "config/rbac/runner_role.yaml")
	applyFile(ctx, "config/rbac/cache_secret_role.yaml")
}

// installUsers creates the task author ClusterRole and binds the suite's people.
func installUsers(ctx context.Context) {
	GinkgoHelper()
	Expect(admin.Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "task-author"},
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{"tasks.langflix.io"},
			Resources: []string{"videotasks", "slidetasks", "cleanuppolicies"},
			Verbs:     []string{"create", "get", "list", "watch", "update", "patch", "delete"},
		}},
	})).To(Succeed())
	bind(ctx, teamA, "ClusterRole", "task-author", userSubject("alice"), userSubject("bob"))
	bind(ctx, teamB, "ClusterRole", "task-author", userSubject("carol"))

	Expect(admin.Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "read-llm-key", Namespace: teamA},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{llmKeySecret}, Verbs: []string{"get"}}},
	})).To(Succeed())
	bind(ctx, teamA, "Role", "read-llm-key", userSubject("alice"))

	Expect(admin.Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "workload-admin", Namespace: teamA},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"create"}},
			{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{foreignSecret}, Verbs: []string{"get"}},
		},
	})).To(Succeed())
	bind(ctx, teamA, "Role", "workload-admin", userSubject("bob"))
}

// createSecrets creates the Secrets the attempts aim at and the operator's Redis Secret.
func createSecrets(ctx context.Context) {
	GinkgoHelper()
	for _, s := range []*corev1.Secret{
		{ObjectMeta: metav1.ObjectMeta{Name: llmKeySecret, Namespace: teamA}, StringData: map[string]string{"api-key": "sk-team-a"}},
		{ObjectMeta: metav1.ObjectMeta{Name: foreignSecret, Namespace: teamA}, StringData: map[string]string{"password": "db-secret"}},
		{ObjectMeta: metav1.ObjectMeta{Name: redisSecret, Namespace: operatorNamespace}, StringData: map[string]string{"url": redisURL}},
	} {
		Expect(admin.Create(ctx, s)).To(Succeed())
	}
}

// operatorFlags are the manager's flags of a namespaced install with a Redis cache in Copy mode, as the
// chart renders them (metrics and probes off).
var operatorFlags = []string{
	"--metrics-bind-address=0", "--health-probe-bind-address=0", "--leader-elect=false",
	"--max-concurrent-reconciles=2", "--namespaces=" + teamA + "," + teamB,
	"--runner-image=langflix-runner:security", "--runner-service-account=" + runnerAccount,
	"--redis-secret=" + redisSecret, "--redis-secret-key=url", "--redis-secret-mode=Copy",
	"--operator-namespace=" + operatorNamespace,
}

// startOperator runs the production manager wiring as the operator's ServiceAccount.
func startOperator() {
	GinkgoHelper()
	ctrl.SetLogger(GinkgoLogr)
	cfg := rest.CopyConfig(restCfg)
	cfg.Impersonate = serviceAccountIdentity(operatorNamespace, operatorAccount, nil)
	opts, err := manager.ParseOptions(operatorFlags)
	Expect(err).NotTo(HaveOccurred())
	mgr, err := manager.NewManager(cfg, opts)
	Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithCancel(context.Background())
	stopOperator, operatorDone = cancel, make(chan error, 1)
	go func() {
		defer GinkgoRecover()
		operatorDone <- mgr.Start(ctx)
	}()
}

// The suite's figures, printed after the run.
var _ = ReportAfterSuite("security figures", func(r Report) {
	fmt.Fprintf(os.Stdout, "\nsecurity suite: %s\n", results.summary())
	for _, line := range results.lines() {
		fmt.Fprintf(os.Stdout, "  %s\n", line)
	}
})
