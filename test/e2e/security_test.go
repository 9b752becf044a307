//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// runnerTokenClient finds the kubeconfig localnode wrote for a finished task's runner pod (the ServiceAccount
// token it requested with the TokenRequest API, bound to that pod) and returns a client that uses it, with the
// pod's name. The token stays valid as long as the pod object exists.
func runnerTokenClient(ctx context.Context, task tasksv1.Task) (client.Client, string) {
	GinkgoHelper()
	job := task.GetTaskStatus().JobName
	var pods corev1.PodList
	Expect(k8s.List(ctx, &pods, client.InNamespace(ns), client.MatchingLabels{batchv1.JobNameLabel: job})).To(Succeed())
	Expect(pods.Items).To(HaveLen(1), "the one pod of Job %s", job)
	pod := pods.Items[0]
	pattern := filepath.Join(cfg.podLogDir(ns, pod.Name), string(pod.UID), "volumes", "kube-api-access-*", "kubeconfig")
	matches, err := filepath.Glob(pattern)
	Expect(err).NotTo(HaveOccurred())
	Expect(matches).To(HaveLen(1), "localnode's kubeconfig for pod %s (%s)", pod.Name, pattern)
	data, err := os.ReadFile(matches[0])
	Expect(err).NotTo(HaveOccurred())
	restConfig, err := clientcmd.RESTConfigFromKubeConfig(data)
	Expect(err).NotTo(HaveOccurred())
	c, err := client.New(restConfig, client.Options{Scheme: testutil.Scheme()})
	Expect(err).NotTo(HaveOccurred())
	return c, pod.Name
}

func securitySpecs() {
	It("refuses a runner's real pod-bound token everything but its own task's progress", func(ctx SpecContext) {
		owner := testutil.MakeSlideTask("token-owner", ns).Output("security/owner").Obj()
		victim := testutil.MakeSlideTask("token-victim", ns).Output("security/victim").Obj()
		Expect(k8s.Create(ctx, owner)).To(Succeed())
		Expect(k8s.Create(ctx, victim)).To(Succeed())
		for _, t := range []*tasksv1.SlideTask{owner, victim} {
			st := waitUntilFinished(ctx, t, taskTimeout)
			Expect(st.Phase).To(Equal(tasksv1.TaskSucceeded), describe(st))
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(t), t)).To(Succeed())
		}
		runner, pod := runnerTokenClient(ctx, owner)

		By("checking the API server sees the token as the runner ServiceAccount, bound to its pod")
		review := &authenticationv1.SelfSubjectReview{}
		Expect(runner.Create(ctx, review)).To(Succeed())
		info := review.Status.UserInfo
		Expect(info.Username).To(Equal("system:serviceaccount:" + ns + ":langflix-runner"))
		Expect(info.Extra).To(HaveKeyWithValue("authentication.kubernetes.io/pod-name", authenticationv1.ExtraValue{pod}))
		GinkgoWriter.Printf("runner token: %s, pod %v\n", info.Username, info.Extra["authentication.kubernetes.io/pod-name"])

		patch := func(t *tasksv1.SlideTask, status string) error {
			return runner.Status().Patch(ctx, t, client.RawPatch(types.MergePatchType, []byte(`{"status":`+status+`}`)))
		}
		Expect(patch(owner, `{"progress":{"message":"written with the real token"}}`)).To(Succeed(),
			"the runner may write its own task's progress")

		attempts := []struct {
			name, message string
			err           error
		}{
			{"its own phase back to Running", "may change status.progress only", patch(owner, `{"phase":"Running"}`)},
			{"its own attempts", "status.attempts", patch(owner, `{"attempts":9}`)},
			{"another task's progress", "its own task only", patch(victim, `{"progress":{"message":"hijacked"}}`)},
			{"another task's phase", "its own task only", patch(victim, `{"phase":"Failed"}`)},
			{"another task's spec", "forbidden", runner.Patch(ctx, victim, client.RawPatch(types.MergePatchType, []byte(`{"spec":{"ttlSecondsAfterFinished":1}}`)))},
		}
		succeeded := 0
		for _, a := range attempts {
			if a.err == nil {
				succeeded++
				AddReportEntry("escalation succeeded", a.name)
				continue
			}
			Expect(apierrors.IsForbidden(a.err)).To(BeTrue(), "%s: want 403, got %v", a.name, a.err)
			Expect(a.err.Error()).To(ContainSubstring(a.message), a.name)
			GinkgoWriter.Printf("refused: runner token: %s\n  %v\n", a.name, a.err)
		}
		fmt.Fprintf(GinkgoWriter, "runner token on the local cluster: %d attempts, %d succeeded\n", len(attempts), succeeded)
		AddReportEntry("runner token", fmt.Sprintf("%d attempts, %d succeeded", len(attempts), succeeded))
		Expect(succeeded).To(BeZero())

		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(victim), victim)).To(Succeed())
		Expect(victim.Status.Phase).To(Equal(tasksv1.TaskSucceeded), "the victim's status is untouched")
	})
}
