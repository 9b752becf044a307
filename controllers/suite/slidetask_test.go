package suite

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

var _ = Describe("SlideTask", func() {
	It("runs the runner with the slide flags and leaves the content in the task for the runner to read", func(ctx context.Context) {
		task := testutil.MakeSlideTask("break-the-ice", ns).Retries(1).Backoff(1, 1).Obj()
		create(ctx, task)

		job := waitForJob(ctx, task, "break-the-ice-st-1")
		Expect(job.Labels).To(HaveKeyWithValue(tasksv1.LabelKind, tasksv1.KindSlideTask))
		runner := job.Spec.Template.Spec.Containers[0]
		var stored tasksv1.SlideTask
		Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(task), &stored)).To(Succeed())
		Expect(runner.Args).To(Equal(runnerv1.SlideOptionsFromSpec(&stored).Args()), "the contract's rendering of the stored task")
		Expect(runner.Args).To(ContainElements(runnerv1.CommandSlides, "--"+runnerv1.FlagOut+"="+ns+"/break-the-ice/"))
		env := map[string]string{}
		for _, e := range runner.Env {
			env[e.Name] = e.Value
			Expect(e.Value).NotTo(ContainSubstring("어색한 분위기를 깨다"), "slide text travels in env %s", e.Name)
		}
		Expect(env).To(And(HaveKeyWithValue(runnerv1.EnvTaskKind, tasksv1.KindSlideTask),
			HaveKeyWithValue(runnerv1.EnvTaskName, task.Name), HaveKeyWithValue(runnerv1.EnvTaskNamespace, ns)),
			"the runner finds its task, and with it the content")
		Expect(runnerv1.SlideContents(&stored)).To(Equal([]tasksv1.SlideContent{testutil.BreakTheIce()}))

		runAttempt(ctx, job, 0, `{"reason":"Completed","expressions":1,"manifest":"/data/`+ns+`/break-the-ice/manifest.json","outputs":{"slides":1}}`)
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskSucceeded, tasksv1.ReasonCompleted),
			HaveField("Result.Manifest", ns+"/break-the-ice/manifest.json")))
	})
})
