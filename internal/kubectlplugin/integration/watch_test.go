package integration

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"k8s.io/utils/ptr"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

var _ = Describe("kubectl langflix watch", func() {
	It("follows one task through its attempt, with ETA, and ends with a summary of its results", func(ctx SpecContext) {
		task := testutil.MakeVideoTask("sintel", ns).PVC("langflix-media").Obj()
		Expect(k8sClient.Create(ctx, task)).To(Succeed())
		w := newStatusWriter(task)

		watchCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		r := startPlugin(watchCtx, "watch", "sintel", "-n", ns)
		Eventually(r.Out).Should(gbytes.Say(`videotask ` + ns + `/sintel New\n`))

		w.phase(ctx, tasksv1alpha1.TaskPending, 0, "")
		Eventually(r.Out).Should(gbytes.Say(`sintel Pending\n`))
		w.phase(ctx, tasksv1alpha1.TaskQueued, 1, "sintel-vt-1")
		Eventually(r.Out).Should(gbytes.Say(`sintel Queued attempt 1/4\n`))
		w.phase(ctx, tasksv1alpha1.TaskRunning, 1, "sintel-vt-1")
		Eventually(r.Out).Should(gbytes.Say(`sintel Running attempt 1/4\n`))

		// Reports 5s apart on the runner's clock. Two of them span less than the 10s an estimate needs;
		// 10% -> 60% in 10s is 5%/s, so 40% left is 8s.
		w.step = 5 * time.Second
		w.progress(ctx, 10, "subtitles", "parsed 412 cues")
		Eventually(r.Out).Should(gbytes.Say(`sintel Running 10% subtitles attempt 1/4: parsed 412 cues\n`))
		w.progress(ctx, 20, "clips", "cutting clip 1 of 5")
		Eventually(r.Out).Should(gbytes.Say(`sintel Running 20% clips attempt 1/4: cutting clip 1 of 5\n`))
		w.progress(ctx, 60, "videos", "building video 3 of 5")
		Eventually(r.Out).Should(gbytes.Say(`sintel Running 60% videos attempt 1/4 eta 8s: building video 3 of 5\n`))

		// A status write that changes nothing a user sees prints no line.
		w.set(ctx, func(st *tasksv1alpha1.TaskStatus) { st.ObservedGeneration = 1 })
		Consistently(r.Out, "1s").ShouldNot(gbytes.Say(`sintel`))

		w.finish(ctx, tasksv1alpha1.TaskSucceeded, "", "", &tasksv1alpha1.TaskResult{
			Expressions: ptr.To[int32](5), Manifest: ns + "/sintel/manifest.json",
			Outputs: []tasksv1alpha1.OutputCount{{Kind: tasksv1alpha1.OutputClips, Count: 5}, {Kind: tasksv1alpha1.OutputVideos, Count: 5}},
		})
		Expect(r.Err()).To(Succeed())
		Expect(r.Out).To(gbytes.Say(`sintel Succeeded 60% videos attempt 1/4\n`))
		Expect(r.Out).To(gbytes.Say(`videotask ` + ns + `/sintel: Succeeded in \d+s after 1 attempt\n`))
		Expect(r.Out).To(gbytes.Say(`  expressions  5\n`))
		Expect(r.Out).To(gbytes.Say(`  outputs      clips 5, videos 5\n`))
		Expect(r.Out).To(gbytes.Say(`  manifest     ` + ns + `/sintel/manifest.json on pvc/langflix-media\n`))
		Expect(r.Out).To(gbytes.Say(`  output       ` + ns + `/sintel/ on pvc/langflix-media\n`))
	})

	It("watches every unfinished task of a namespace, also ones created later, and fails when one fails", func(ctx SpecContext) {
		done := testutil.MakeVideoTask("done-before", ns).Obj()
		Expect(k8sClient.Create(ctx, done)).To(Succeed())
		newStatusWriter(done).finish(ctx, tasksv1alpha1.TaskSucceeded, "", "", nil)
		video := testutil.MakeVideoTask("episode", ns).Obj()
		Expect(k8sClient.Create(ctx, video)).To(Succeed())

		r := startPlugin(ctx, "watch", "-n", ns)
		Eventually(r.Out).Should(gbytes.Say(`videotask ` + ns + `/episode New\n`))

		slides := testutil.MakeSlideTask("ice", ns).Retries(0).Obj()
		Expect(k8sClient.Create(ctx, slides)).To(Succeed())
		Eventually(r.Out).Should(gbytes.Say(`slidetask ` + ns + `/ice New\n`))

		sw := newStatusWriter(slides)
		sw.phase(ctx, tasksv1alpha1.TaskRunning, 1, "ice-st-1")
		sw.finish(ctx, tasksv1alpha1.TaskFailed, "InvalidInput", `slide 1: translation is empty`, nil)
		Eventually(r.Out).Should(gbytes.Say(`slidetask ` + ns + `/ice Failed attempt 1/1: InvalidInput: slide 1: translation is empty\n`))
		Consistently(r.done, "1s").ShouldNot(BeClosed(), "the watch waits for the VideoTask")

		vw := newStatusWriter(video)
		vw.phase(ctx, tasksv1alpha1.TaskRunning, 1, "episode-vt-1")
		vw.finish(ctx, tasksv1alpha1.TaskSucceeded, "", "", &tasksv1alpha1.TaskResult{Expressions: ptr.To[int32](2)})

		Expect(r.Err()).To(MatchError("1 of 2 tasks did not succeed"))
		out := string(r.Out.Contents())
		Expect(out).To(ContainSubstring("slidetask " + ns + "/ice: Failed (InvalidInput)"))
		Expect(out).To(ContainSubstring("  logs         kubectl langflix logs slidetask/ice -n " + ns))
		Expect(out).To(ContainSubstring("videotask " + ns + "/episode: Succeeded"))
		Expect(out).To(ContainSubstring("2 tasks: 1 Succeeded, 1 Failed"))
		Expect(out).NotTo(ContainSubstring("done-before"), "a task that finished before the watch is history, not work in flight")
	})

	It("watches across namespaces with -A and narrows to one kind with --kind", func(ctx SpecContext) {
		video := testutil.MakeVideoTask("across", ns).Obj()
		Expect(k8sClient.Create(ctx, video)).To(Succeed())
		slides := testutil.MakeSlideTask("across", ns).Obj()
		Expect(k8sClient.Create(ctx, slides)).To(Succeed())

		r := startPlugin(ctx, "watch", "-A", "--kind", "vt")
		Eventually(r.Out).Should(gbytes.Say(`videotask ` + ns + `/across New\n`))
		vw := newStatusWriter(video)
		vw.phase(ctx, tasksv1alpha1.TaskRunning, 1, "across-vt-1")
		// Other specs' unfinished tasks live in other namespaces; finish every VideoTask this watch sees.
		finishAllVideoTasks(ctx)
		Expect(r.Err()).To(Succeed())
		Expect(string(r.Out.Contents())).NotTo(ContainSubstring("slidetask"))
	})

	It("reports a task deleted while it runs, and exits non-zero", func(ctx SpecContext) {
		task := testutil.MakeVideoTask("doomed", ns).Obj()
		Expect(k8sClient.Create(ctx, task)).To(Succeed())
		newStatusWriter(task).phase(ctx, tasksv1alpha1.TaskRunning, 1, "doomed-vt-1")

		r := startPlugin(ctx, "watch", "vt/doomed", "-n", ns)
		Eventually(r.Out).Should(gbytes.Say(`doomed Running attempt 1/4\n`))
		Expect(k8sClient.Delete(ctx, task)).To(Succeed())
		Expect(r.Err()).To(MatchError("1 of 1 tasks did not succeed"))
		Expect(r.Out).To(gbytes.Say(`doomed Running attempt 1/4 deleted\n`))
		Expect(r.Out).To(gbytes.Say(`videotask ` + ns + `/doomed: deleted while Running`))
	})

	It("stops at --timeout with the tasks' state so far", func(ctx SpecContext) {
		task := testutil.MakeVideoTask("slow", ns).Obj()
		Expect(k8sClient.Create(ctx, task)).To(Succeed())
		newStatusWriter(task).phase(ctx, tasksv1alpha1.TaskQueued, 1, "slow-vt-1")
		out, err := runPlugin(ctx, "watch", "slow", "-n", ns, "--timeout", "2s")
		Expect(err).To(MatchError("timed out after 2s with 1 of 1 tasks unfinished"))
		Expect(out).To(ContainSubstring("videotask " + ns + "/slow: still Queued"))
	})

	It("prints the summary at once for a task that already finished", func(ctx SpecContext) {
		task := testutil.MakeVideoTask("finished", ns).Obj()
		Expect(k8sClient.Create(ctx, task)).To(Succeed())
		newStatusWriter(task).finish(ctx, tasksv1alpha1.TaskFailed, "HardTimeLimitExceeded", "attempt 1 ran past timeLimits.hard (30m)", nil)
		out, err := runPlugin(ctx, "watch", "finished", "-n", ns)
		Expect(err).To(MatchError("1 of 1 tasks did not succeed"))
		Expect(out).To(ContainSubstring("videotask " + ns + "/finished: Failed (HardTimeLimitExceeded)"))
		Expect(out).To(ContainSubstring("message      attempt 1 ran past timeLimits.hard (30m)"))
	})

	It("says so when there is nothing to watch or the task does not exist", func(ctx SpecContext) {
		out, err := runPlugin(ctx, "watch", "-n", ns)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(Equal("No unfinished VideoTask or SlideTask in namespace \"" + ns + "\".\n"))

		_, err = runPlugin(ctx, "watch", "nope", "-n", ns)
		Expect(err).To(MatchError(`no VideoTask or SlideTask named "nope" in namespace "` + ns + `"`))

		Expect(k8sClient.Create(ctx, testutil.MakeVideoTask("twin", ns).Obj())).To(Succeed())
		Expect(k8sClient.Create(ctx, testutil.MakeSlideTask("twin", ns).Obj())).To(Succeed())
		_, err = runPlugin(ctx, "watch", "twin", "-n", ns)
		Expect(err).To(MatchError(ContainSubstring("both a VideoTask and a SlideTask are named \"twin\"")))
	})
})

// finishAllVideoTasks marks every unfinished VideoTask of the cluster Succeeded, for the -A spec.
func finishAllVideoTasks(ctx context.Context) {
	GinkgoHelper()
	var list tasksv1alpha1.VideoTaskList
	Expect(k8sClient.List(ctx, &list)).To(Succeed())
	for i := range list.Items {
		if t := &list.Items[i]; !t.Status.Phase.IsFinished() {
			newStatusWriter(t).finish(ctx, tasksv1alpha1.TaskSucceeded, "", "", nil)
		}
	}
}
