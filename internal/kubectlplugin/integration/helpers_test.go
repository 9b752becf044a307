package integration

import (
	"bytes"
	"context"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/internal/kubectlplugin"
)

// run is one invocation of the plugin: its output as it comes, and its error once it returned.
type run struct {
	Out    *gbytes.Buffer
	ErrOut *gbytes.Buffer
	done   chan struct{}
	err    error
}

// startPlugin runs `kubectl langflix ARGS --kubeconfig <envtest>` in the background, the way kubectl runs
// the binary, with stdout that is not a terminal (plain lines). ctx ends it.
func startPlugin(ctx context.Context, args ...string) *run {
	r := &run{Out: gbytes.NewBuffer(), ErrOut: gbytes.NewBuffer(), done: make(chan struct{})}
	streams := genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: r.Out, ErrOut: r.ErrOut}
	cmd := kubectlplugin.NewCommand(kubectlplugin.NewOptions(streams, func() bool { return false }))
	cmd.SetArgs(append(args, "--kubeconfig", kubeconfig))
	go func() {
		defer GinkgoRecover()
		defer close(r.done)
		r.err = cmd.ExecuteContext(ctx)
	}()
	return r
}

// runPlugin runs the plugin to its end and returns its output and error.
func runPlugin(ctx context.Context, args ...string) (string, error) {
	GinkgoHelper()
	r := startPlugin(ctx, args...)
	Eventually(r.done).Should(BeClosed())
	return string(r.Out.Contents()), r.err
}

// Err waits for the run to end and returns its error.
func (r *run) Err() error {
	GinkgoHelper()
	Eventually(r.done).Should(BeClosed(), "the plugin returns; output so far:\n%s", r.Out.Contents())
	return r.err
}

// statusWriter writes a task's status through the status subresource, as the operator and the runner do.
// The runner's progress gets timestamps that advance by a fixed step per report, so the ETA is predictable.
type statusWriter struct {
	task tasksv1alpha1.Task
	mu   sync.Mutex
	// progressAt is the next progress report's updateTime.
	progressAt time.Time
	step       time.Duration
}

func newStatusWriter(task tasksv1alpha1.Task) *statusWriter {
	return &statusWriter{task: task, progressAt: time.Now().Truncate(time.Second), step: 2 * time.Second}
}

// set changes the status with fn and patches it.
func (w *statusWriter) set(ctx context.Context, fn func(st *tasksv1alpha1.TaskStatus)) {
	GinkgoHelper()
	w.mu.Lock()
	defer w.mu.Unlock()
	Expect(k8sClient.Get(ctx, client.ObjectKeyFromObject(w.task), w.task)).To(Succeed())
	before := w.task.DeepCopyObject().(client.Object)
	fn(w.task.GetTaskStatus())
	Expect(k8sClient.Status().Patch(ctx, w.task, client.MergeFrom(before))).To(Succeed())
}

// phase sets the phase (and the attempt's Job when attempt > 0), as the operator does.
func (w *statusWriter) phase(ctx context.Context, phase tasksv1alpha1.TaskPhase, attempt int32, jobName string) {
	GinkgoHelper()
	w.set(ctx, func(st *tasksv1alpha1.TaskStatus) {
		st.Phase, st.ObservedGeneration = phase, 1
		if attempt > 0 {
			st.Attempts, st.JobName = attempt, jobName
			if st.StartTime == nil {
				st.StartTime = &metav1.Time{Time: time.Now()}
			}
		}
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: "Running", Status: metav1.ConditionStatus(boolStatus(phase == tasksv1alpha1.TaskRunning)),
			Reason: string(phase), ObservedGeneration: 1})
	})
}

// progress writes the runner's report.
func (w *statusWriter) progress(ctx context.Context, percent int32, stage, message string) {
	GinkgoHelper()
	at := w.progressAt
	w.progressAt = w.progressAt.Add(w.step)
	w.set(ctx, func(st *tasksv1alpha1.TaskStatus) {
		st.Progress = &tasksv1alpha1.TaskProgress{Percent: ptr.To(percent), Stage: stage, Message: message,
			UpdateTime: &metav1.Time{Time: at}}
	})
}

// finish marks the task Succeeded with a result, or Failed with reason and message.
func (w *statusWriter) finish(ctx context.Context, phase tasksv1alpha1.TaskPhase, reason, message string, result *tasksv1alpha1.TaskResult) {
	GinkgoHelper()
	w.set(ctx, func(st *tasksv1alpha1.TaskStatus) {
		st.Phase, st.Reason, st.Message, st.Result = phase, reason, message, result
		st.CompletionTime = &metav1.Time{Time: time.Now()}
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: string(phase), Status: metav1.ConditionTrue,
			Reason: reasonOr(reason, "Completed"), ObservedGeneration: 1})
	})
}

func boolStatus(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func reasonOr(reason, fallback string) string {
	if reason == "" {
		return fallback
	}
	return reason
}
