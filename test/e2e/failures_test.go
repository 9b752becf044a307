//go:build e2e

package e2e

import (
	"context"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/runner/manifest"
	"github.com/langflix/langflix-operator/test/testutil"
)

func failureSpecs() {
	It("fails a task whose input is not a video with InvalidInput after exactly one attempt", func(ctx SpecContext) {
		// Retries are allowed and quick, so only the InvalidInput classification can stop them.
		task := testutil.MakeVideoTask("not-a-video", ns).
			Video(notAVideo).Subtitles(lessonSubtitles).MaxCount(2).
			Retries(3).Backoff(1, 2).Obj()
		Expect(k8s.Create(ctx, task)).To(Succeed())

		st := waitUntilFinished(ctx, task, apiTimeout)
		Expect(st.Phase).To(Equal(tasksv1.TaskFailed), describe(st))
		Expect(st.Reason).To(Equal(tasksv1.ReasonInvalidInput), describe(st))
		Expect(st.Message).To(ContainSubstring("not-a-video.mp4"), "the message names the bad file")
		expectSingleAttempt(ctx, task)
	})

	It("keeps the partial results of a task that reaches its soft time limit: Failed with SoftTimeLimitExceeded", func(ctx SpecContext) {
		task := testutil.MakeVideoTask("soft-limit", ns).
			Video(longVideo).Subtitles(lessonSubtitles).MaxCount(3).
			TimeLimits(1, 300).Retries(3).Backoff(1, 2).Obj()
		Expect(k8s.Create(ctx, task)).To(Succeed())

		st := waitUntilFinished(ctx, task, apiTimeout)
		Expect(st.Phase).To(Equal(tasksv1.TaskFailed), describe(st))
		Expect(st.Reason).To(Equal(tasksv1.ReasonSoftTimeLimitExceeded), describe(st))
		Expect(st.Result).NotTo(BeNil(), "the runner reports what it kept")
		Expect(st.Result.Completeness).To(Equal(tasksv1.ResultPartial))
		m, err := manifest.Read(filepath.Join(mediaDir, st.Result.Manifest))
		Expect(err).NotTo(HaveOccurred(), "a partial run still writes its manifest")
		Expect(m.Status).To(Equal(manifest.Partial))
		Expect(m.Reason).To(Equal(tasksv1.ReasonSoftTimeLimitExceeded))
		expectSingleAttempt(ctx, task)
	})

	It("stops a task at its hard time limit: Failed with HardTimeLimitExceeded, and its processes are gone", func(ctx SpecContext) {
		// Both limits count from the runner's own start, and the runner enforces both: the soft one stops new
		// work and keeps what is finished, the hard one stops the run at once (exit 4). A soft limit equal to
		// the hard one turns the graceful stop off (the runner gets no soft limit), so the hard limit ends the
		// attempt; the Job's activeDeadlineSeconds (start + hard) is only the backstop. The long video keeps
		// the runner busy far beyond both.
		task := testutil.MakeVideoTask("over-time", ns).
			Video(longVideo).Subtitles(lessonSubtitles).MaxCount(3).
			TimeLimits(10, 10).Retries(3).Backoff(1, 2).Obj()
		Expect(k8s.Create(ctx, task)).To(Succeed())

		pod, procs := runningProcesses(ctx, task)
		GinkgoWriter.Printf("pod %s runs %v\n", pod, procs)
		logStartDelay(ctx, task, procs)

		st := waitUntilFinished(ctx, task, apiTimeout)
		Expect(st.Phase).To(Equal(tasksv1.TaskFailed), describe(st))
		Expect(st.Reason).To(Equal(tasksv1.ReasonHardTimeLimitExceeded), describe(st))
		expectProcessesGone(ctx, pod, procs)
		expectSingleAttempt(ctx, task)
	})
}

// logStartDelay records how long after its Job's start the runner process started. The runner is the oldest langflix-runner process of the pod (a forked child
// carries the same name until it executes ffmpeg).
func logStartDelay(ctx context.Context, task tasksv1.Task, procs []hostProcess) {
	jobs := jobsOf(ctx, Default, task)
	if len(jobs) != 1 || jobs[0].Status.StartTime == nil {
		return
	}
	var first time.Time
	for _, p := range procs {
		if started, err := p.startTime(); err == nil && p.comm == "langflix-runner" && (first.IsZero() || started.Before(first)) {
			first = started
		}
	}
	if !first.IsZero() {
		// The Job's start time is stored in whole seconds, rounded down; the Job controller counts the
		// deadline from that stored value too.
		GinkgoWriter.Printf("runner started %.2fs after the Job's recorded start\n", first.Sub(jobs[0].Status.StartTime.Time).Seconds())
	}
}
