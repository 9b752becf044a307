//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

func cleanupPolicySpecs() {
	It("runs a CleanupPolicy every minute: old files go, new ones stay, and status.lastRun records the run", func(ctx SpecContext) {
		root := filepath.Join(mediaDir, "cleanup-e2e")
		old := map[string]int{"lessons/ep1/01_break_the_ice.mp4": 3000, "lessons/ep1/slides/01_break_the_ice.png": 1200}
		fresh := map[string]int{"lessons/ep2/01_piece_of_cake.mp4": 2000}
		tenDaysAgo := time.Now().Add(-10 * 24 * time.Hour)
		var oldBytes int64
		for rel, size := range old {
			writeFileOfSize(filepath.Join(root, rel), size)
			Expect(os.Chtimes(filepath.Join(root, rel), tenDaysAgo, tenDaysAgo)).To(Succeed())
			oldBytes += int64(size)
		}
		for rel, size := range fresh {
			writeFileOfSize(filepath.Join(root, rel), size)
		}

		policy := testutil.MakeCleanupPolicy("media-cleanup", ns).
			Schedule("* * * * *").RetentionDays(7).Paths("cleanup-e2e").Obj()
		Expect(k8s.Create(ctx, policy)).To(Succeed())
		// The CronJob runs every minute; deleting the policy afterwards stops later runs from replacing lastRun.
		DeferCleanup(func(ctx SpecContext) { Expect(client.IgnoreNotFound(k8s.Delete(ctx, policy))).To(Succeed()) })

		Eventually(ctx, func(g Gomega) *tasksv1.CleanupRun {
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy)).To(Succeed())
			return policy.Status.LastRun
		}).WithTimeout(cronTimeout).ShouldNot(BeNil(), "no cleanup run finished")

		st := policy.Status
		GinkgoWriter.Printf("lastRun: %+v\n", *st.LastRun)
		Expect(st.LastRun.Outcome).To(Equal(tasksv1.CleanupSucceeded), st.LastRun.Message)
		Expect(st.LastRun.FilesDeleted).To(HaveValue(Equal(int64(len(old)))))
		Expect(st.LastRun.BytesFreed).To(HaveValue(Equal(oldBytes)))
		Expect(st.LastRun.Errors).To(HaveValue(BeZero()))
		Expect(st.LastRun.Mode).To(Equal(tasksv1.CleanupDelete))
		Expect(st.LastRun.JobName).To(HavePrefix(st.CronJobName + "-"))
		Expect(st.LastScheduleTime).NotTo(BeNil())
		Expect(meta.IsStatusConditionTrue(st.Conditions, tasksv1.ConditionReady)).To(BeTrue())

		for rel := range old {
			Expect(filepath.Join(root, rel)).NotTo(BeAnExistingFile())
		}
		for rel := range fresh {
			Expect(filepath.Join(root, rel)).To(BeAnExistingFile())
		}
		// Folders the run emptied go too; the one with a new file stays.
		Expect(filepath.Join(root, "lessons/ep1")).NotTo(BeADirectory())
		Expect(filepath.Join(root, "lessons/ep2")).To(BeADirectory())
	})
}

func writeFileOfSize(path string, size int) {
	GinkgoHelper()
	Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
	Expect(os.WriteFile(path, make([]byte, size), 0o644)).To(Succeed())
}
