package kubectlplugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// runnerContainer is the name of the runner's container in every task pod (controllers' pod builder).
const runnerContainer = "runner"

// logsOptions are the flags of `kubectl langflix logs`.
type logsOptions struct {
	*Options
	kind       string
	follow     bool
	tail       int64
	timestamps bool
	podTimeout time.Duration
}

func newLogsCommand(o *Options) *cobra.Command {
	l := &logsOptions{Options: o}
	cmd := &cobra.Command{
		Use:   "logs TASK | KIND/TASK",
		Short: "Print the runner log of a task's current attempt",
		Long: "logs prints the log of the runner container of the task's current attempt: the pod of the Job in\n" +
			"status.jobName, found by the Job's controller-uid label. With -f it waits for that pod to start\n" +
			"and follows the log until the runner exits.",
		Example: "  kubectl langflix logs sintel\n  kubectl langflix logs st/break-the-ice -f --tail 20",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return l.run(cmd.Context(), args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&l.kind, "kind", "all", "task kind: videotask (vt), slidetask (st) or all")
	f.BoolVarP(&l.follow, "follow", "f", false, "follow the log")
	f.Int64Var(&l.tail, "tail", -1, "lines of recent log to show; -1 shows all")
	f.BoolVar(&l.timestamps, "timestamps", false, "prefix each line with its time")
	f.DurationVar(&l.podTimeout, "pod-running-timeout", time.Minute, "with -f, how long to wait for the runner pod to start")
	return cmd
}

func (l *logsOptions) run(ctx context.Context, arg string) error {
	kinds, err := parseKinds(l.kind)
	if err != nil {
		return err
	}
	ns, err := l.namespace()
	if err != nil {
		return err
	}
	c, err := l.taskClient()
	if err != nil {
		return err
	}
	cs, err := l.kubeClient()
	if err != nil {
		return err
	}
	task, err := findTask(ctx, c, kinds, ns, arg)
	if err != nil {
		return err
	}
	pod, err := attemptPod(ctx, c, task)
	if err != nil {
		return err
	}
	st := task.GetTaskStatus()
	// Say on stderr which pod the log is from, so the output stays the log alone.
	fmt.Fprintf(l.IOStreams.ErrOut, "pod/%s of Job %s (attempt %d)\n", pod.Name, st.JobName, st.Attempts)
	if !l.follow && pod.Spec.NodeName == "" {
		// The API server answers a log request for an unscheduled pod with an empty log, not an error.
		return fmt.Errorf("pod %s is not scheduled to a node yet, so it has no log; -f waits for it", pod.Name)
	}
	if l.follow && pod.Status.Phase == corev1.PodPending {
		if pod, err = waitPodStarted(ctx, cs, pod, l.podTimeout); err != nil {
			return err
		}
	}
	return streamLog(ctx, cs, pod, &corev1.PodLogOptions{
		Container:  runnerContainer,
		Follow:     l.follow,
		Timestamps: l.timestamps,
		TailLines:  tailLines(l.tail),
	}, l.IOStreams.Out)
}

func tailLines(n int64) *int64 {
	if n < 0 {
		return nil
	}
	return ptr.To(n)
}

// attemptPod finds the pod of the task's current attempt: the Job in status.jobName, and among the pods
// carrying that Job's controller-uid label the newest (a Job may replace a lost pod; the newest is the one
// that runs). Selecting by the Job's UID, not its name, never picks a pod of an older Job of the same name.
func attemptPod(ctx context.Context, c client.Reader, task tasksv1alpha1.Task) (*corev1.Pod, error) {
	st := task.GetTaskStatus()
	what := kindOf(task).Kind + " " + task.GetNamespace() + "/" + task.GetName()
	if st.JobName == "" {
		return nil, fmt.Errorf("%s has not started an attempt yet (phase %s%s)", what, phaseName(st.Phase), reasonSuffix(st.Reason))
	}
	job := &batchv1.Job{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: task.GetNamespace(), Name: st.JobName}, job); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("%s: Job %s of attempt %d is gone (deleted, or removed after the task finished)", what, st.JobName, st.Attempts)
		}
		return nil, fmt.Errorf("%s: getting Job %s: %w", what, st.JobName, err)
	}
	pods := &corev1.PodList{}
	selector := labels.SelectorFromSet(labels.Set{batchv1.ControllerUidLabel: string(job.UID)})
	if err := c.List(ctx, pods, client.InNamespace(job.Namespace), client.MatchingLabelsSelector{Selector: selector}); err != nil {
		return nil, fmt.Errorf("%s: listing pods of Job %s: %w", what, job.Name, err)
	}
	if len(pods.Items) == 0 {
		return nil, fmt.Errorf("%s: Job %s (attempt %d) has no pod yet (phase %s%s)", what, job.Name, st.Attempts, phaseName(st.Phase), reasonSuffix(st.Reason))
	}
	sort.Slice(pods.Items, func(i, j int) bool {
		a, b := pods.Items[i].CreationTimestamp, pods.Items[j].CreationTimestamp
		if !a.Equal(&b) {
			return b.Before(&a)
		}
		return pods.Items[i].Name > pods.Items[j].Name
	})
	return &pods.Items[0], nil
}

// waitPodStarted watches the pod until it leaves Pending, so -f does not fail on a container that is
// still being created.
func waitPodStarted(ctx context.Context, cs kubernetes.Interface, pod *corev1.Pod, timeout time.Duration) (*corev1.Pod, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	sel := fields.OneTermEqualSelector("metadata.name", pod.Name).String()
	pods := cs.CoreV1().Pods(pod.Namespace)
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			opts.FieldSelector = sel
			return pods.List(ctx, opts)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.FieldSelector = sel
			return pods.Watch(ctx, opts)
		},
	}
	ev, err := watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, nil, func(ev watch.Event) (bool, error) {
		if ev.Type == watch.Deleted {
			return false, fmt.Errorf("pod %s was deleted before it started", pod.Name)
		}
		p, ok := ev.Object.(*corev1.Pod)
		return ok && p.Status.Phase != corev1.PodPending, nil
	})
	if err != nil {
		if errors.Is(err, watchtools.ErrWatchClosed) || ctx.Err() != nil {
			return nil, fmt.Errorf("pod %s did not start within %s (see kubectl describe pod %s -n %s)", pod.Name, timeout, pod.Name, pod.Namespace)
		}
		return nil, err
	}
	return ev.Object.(*corev1.Pod), nil
}

// streamLog copies the runner container's log to out.
func streamLog(ctx context.Context, cs kubernetes.Interface, pod *corev1.Pod, opts *corev1.PodLogOptions, out io.Writer) error {
	rc, err := cs.CoreV1().Pods(pod.Namespace).GetLogs(pod.Name, opts).Stream(ctx)
	if err != nil {
		return fmt.Errorf("log of pod %s container %s: %w", pod.Name, opts.Container, err)
	}
	defer rc.Close()
	if _, err := io.Copy(out, rc); err != nil && ctx.Err() == nil {
		return fmt.Errorf("reading log of pod %s: %w", pod.Name, err)
	}
	return nil
}

func reasonSuffix(reason string) string {
	if reason == "" {
		return ""
	}
	return ", " + reason
}
