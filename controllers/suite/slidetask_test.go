package suite

import (
	"context"
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

var _ = Describe("SlideTask", func() {
	It("hands the slide content to the runner as JSON with the Korean intact", func(ctx context.Context) {
		task := testutil.MakeSlideTask("break-the-ice", ns).Retries(1).Backoff("1s", "1s").Obj()
		create(ctx, task)

		job := waitForJob(ctx, task, "break-the-ice-st-1")
		Expect(job.Labels).To(HaveKeyWithValue(tasksv1.LabelKind, "SlideTask"))
		runner := job.Spec.Template.Spec.Containers[0]
		Expect(runner.Args).To(ContainElements("slides", "--format=png", "--width=1280", "--height=720", "--duration=5s",
			"--out="+ns+"/break-the-ice/"))
		var content string
		for _, e := range runner.Env {
			if e.Name == "LANGFLIX_SLIDE_CONTENT" {
				content = e.Value
			}
		}
		Expect(content).To(ContainSubstring("어색한 분위기를 깨다"), "Korean is neither escaped nor lost")
		var slide tasksv1.SlideContent
		Expect(json.Unmarshal([]byte(content), &slide)).To(Succeed())
		Expect(slide).To(Equal(testutil.BreakTheIce()))

		runAttempt(ctx, job, 0, `{"expressions":1,"manifest":"/data/`+ns+`/break-the-ice/manifest.json","outputs":{"slides":1}}`)
		Eventually(taskStatus(ctx, task)).Should(And(
			havePhase(tasksv1.TaskSucceeded, tasksv1.ReasonCompleted),
			HaveField("Result.Manifest", ns+"/break-the-ice/manifest.json")))
	})
})
