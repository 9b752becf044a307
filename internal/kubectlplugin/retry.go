package kubectlplugin

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// AnnotationRetryOf names the task a retry was copied from, so `kubectl get -o yaml` shows the lineage.
const AnnotationRetryOf = "tasks.langflix.io/retry-of"

// maxRetryNameAttempts bounds how many NAME-retry-N names retry tries when others create retries at the
// same moment.
const maxRetryNameAttempts = 10

// retrySuffix matches the "-retry-N" a previous retry added, so a retry of a retry is NAME-retry-2, not
// NAME-retry-1-retry-1.
var retrySuffix = regexp.MustCompile(`-retry-([0-9]+)$`)

// retryOptions are the flags of `kubectl langflix retry`.
type retryOptions struct {
	*Options
	kind string
	name string
}

func newRetryCommand(o *Options) *cobra.Command {
	r := &retryOptions{Options: o}
	cmd := &cobra.Command{
		Use:   "retry TASK | KIND/TASK",
		Short: "Create a new task from a finished task's spec",
		Long: "retry creates a new VideoTask or SlideTask with the spec of a finished one (Succeeded or Failed),\n" +
			"named NAME-retry-N (or --name), with the labels of the original and the annotation\n" +
			AnnotationRetryOf + ". A task that has not finished is refused: it is still running, waiting\n" +
			"for its own retry, or suspended.",
		Example: "  kubectl langflix retry sintel\n  kubectl langflix retry vt/sintel --name sintel-again",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return r.run(cmd.Context(), args[0])
		},
	}
	cmd.Flags().StringVar(&r.kind, "kind", "all", "task kind: videotask (vt), slidetask (st) or all")
	cmd.Flags().StringVar(&r.name, "name", "", "name of the new task (default NAME-retry-N)")
	return cmd
}

func (r *retryOptions) run(ctx context.Context, arg string) error {
	kinds, err := parseKinds(r.kind)
	if err != nil {
		return err
	}
	ns, err := r.namespace()
	if err != nil {
		return err
	}
	c, err := r.taskClient()
	if err != nil {
		return err
	}
	orig, err := findTask(ctx, c, kinds, ns, arg)
	if err != nil {
		return err
	}
	if err := retryable(orig); err != nil {
		return err
	}
	created, err := createRetry(ctx, c, orig, r.name)
	if err != nil {
		return err
	}
	st := orig.GetTaskStatus()
	fmt.Fprintf(r.IOStreams.Out, "%s/%s created (retry of %s, %s)\n", kindOf(created).qualified(), created.GetName(),
		orig.GetName(), joinNonEmpty(": ", string(st.Phase), st.Reason))
	if out := orig.GetTemplate().Output; out != "" {
		fmt.Fprintf(r.IOStreams.ErrOut, "Note: spec.output %q is copied, so the retry writes into the same folder.\n", out)
	}
	return nil
}

// retryable refuses tasks that have not finished, saying what to do instead.
func retryable(t tasksv1alpha1.Task) error {
	st := t.GetTaskStatus()
	what := kindOf(t).Kind + " " + t.GetNamespace() + "/" + t.GetName()
	switch st.Phase {
	case tasksv1alpha1.TaskSucceeded, tasksv1alpha1.TaskFailed:
		return nil
	case tasksv1alpha1.TaskCancelled:
		return fmt.Errorf("%s is Cancelled (spec.suspend is true), not finished: resume it with "+
			"`kubectl patch %s %s -n %s --type=merge -p '{\"spec\":{\"suspend\":false}}'` instead of retrying it",
			what, strings.ToLower(kindOf(t).Kind), t.GetName(), t.GetNamespace())
	}
	detail := phaseName(st.Phase)
	if st.Attempts > 0 {
		detail += fmt.Sprintf(", attempt %d", st.Attempts)
	}
	if st.Reason != "" {
		detail += ", " + st.Reason
	}
	return fmt.Errorf("%s has not finished (%s): only a Succeeded or Failed task can be retried; "+
		"follow it with `kubectl langflix watch %s -n %s`", what, detail, t.GetName(), t.GetNamespace())
}

// createRetry creates the copy of orig named name, or the next free NAME-retry-N when name is empty.
func createRetry(ctx context.Context, c client.Client, orig tasksv1alpha1.Task, name string) (tasksv1alpha1.Task, error) {
	if name != "" {
		t, err := retryCopy(orig, name)
		if err != nil {
			return nil, err
		}
		if err := c.Create(ctx, t); err != nil {
			return nil, fmt.Errorf("creating %s %s/%s: %w", kindOf(orig).Kind, orig.GetNamespace(), name, err)
		}
		return t, nil
	}
	base, n, err := nextRetryNumber(ctx, c, orig)
	if err != nil {
		return nil, err
	}
	for range maxRetryNameAttempts {
		t, err := retryCopy(orig, fmt.Sprintf("%s-retry-%d", base, n))
		if err != nil {
			return nil, err
		}
		err = c.Create(ctx, t)
		if err == nil {
			return t, nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("creating %s %s/%s: %w", kindOf(orig).Kind, orig.GetNamespace(), t.GetName(), err)
		}
		n++
	}
	return nil, fmt.Errorf("%d names %s-retry-N in a row are taken; pass --name", maxRetryNameAttempts, base)
}

// nextRetryNumber returns the original name without a "-retry-N" suffix and the lowest N above every
// retry of it that exists in the namespace.
func nextRetryNumber(ctx context.Context, c client.Reader, orig tasksv1alpha1.Task) (string, int, error) {
	base := retrySuffix.ReplaceAllString(orig.GetName(), "")
	k := kindOf(orig)
	list := k.newList()
	if err := c.List(ctx, list, client.InNamespace(orig.GetNamespace())); err != nil {
		return "", 0, fmt.Errorf("listing %s: %w", k.Resource, err)
	}
	next := 1
	for _, t := range k.items(list) {
		if n, ok := retryNumber(t.GetName(), base); ok && n >= next {
			next = n + 1
		}
	}
	return base, next, nil
}

// retryNumber returns N when name is base-retry-N.
func retryNumber(name, base string) (int, bool) {
	rest, ok := strings.CutPrefix(name, base)
	if !ok {
		return 0, false
	}
	m := retrySuffix.FindStringSubmatch(rest)
	if m == nil || m[0] != rest {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// retryCopy is a new, unsaved task with orig's spec and labels. Status, owner references, finalizers and
// the annotations of tools that applied the original (last-applied-configuration) are not copied; suspend
// is cleared, since a retry is meant to run.
func retryCopy(orig tasksv1alpha1.Task, name string) (tasksv1alpha1.Task, error) {
	meta := metav1.ObjectMeta{
		Name:        name,
		Namespace:   orig.GetNamespace(),
		Labels:      maps.Clone(orig.GetLabels()),
		Annotations: map[string]string{AnnotationRetryOf: orig.GetName()},
	}
	switch o := orig.(type) {
	case *tasksv1alpha1.SlideTask:
		t := &tasksv1alpha1.SlideTask{ObjectMeta: meta, Spec: *o.Spec.DeepCopy()}
		t.Spec.Suspend = nil
		return t, nil
	case *tasksv1alpha1.VideoTask:
		t := &tasksv1alpha1.VideoTask{ObjectMeta: meta, Spec: *o.Spec.DeepCopy()}
		t.Spec.Suspend = nil
		return t, nil
	}
	return nil, fmt.Errorf("retry: unsupported task type %T", orig)
}
