package kubectlplugin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// watchOptions are the flags of `kubectl langflix watch`.
type watchOptions struct {
	*Options
	kind          string
	allNamespaces bool
	selector      string
	plain         bool
	timeout       time.Duration
}

func newWatchCommand(o *Options) *cobra.Command {
	w := &watchOptions{Options: o}
	cmd := &cobra.Command{
		Use:   "watch [TASK | KIND/TASK]",
		Short: "Show live progress of tasks until they finish, then a summary",
		Long: "watch shows a live progress bar per task (percent, stage, attempt, ETA from the runner's rate) and,\n" +
			"when every watched task has finished, a summary with the results and where the outputs are.\n\n" +
			"With TASK it follows that VideoTask or SlideTask. Without it, every task of the namespace (or of all\n" +
			"namespaces with -A) that is not finished yet, including tasks created while it runs.\n" +
			"Off a terminal (CI logs, pipes) or with --plain it prints one line per change instead of bars.\n\n" +
			"Exit status: 0 when every watched task Succeeded, 1 when one failed, was deleted, or the watch\n" +
			"ended (timeout, Ctrl-C) before they finished.",
		Example: "  kubectl langflix watch sintel\n" +
			"  kubectl langflix watch -A --kind vt\n" +
			"  kubectl langflix watch -n lessons -l batch=week42 --plain",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			return w.run(cmd.Context(), name)
		},
	}
	f := cmd.Flags()
	f.StringVar(&w.kind, "kind", "all", "task kind to watch: videotask (vt), slidetask (st) or all")
	f.BoolVarP(&w.allNamespaces, "all-namespaces", "A", false, "watch tasks in every namespace")
	f.StringVarP(&w.selector, "selector", "l", "", "label selector, e.g. batch=week42")
	f.BoolVar(&w.plain, "plain", false, "print one line per change instead of live bars, also on a terminal")
	f.DurationVar(&w.timeout, "timeout", 0, "stop watching after this long (0: until the tasks finish)")
	return cmd
}

func (w *watchOptions) run(ctx context.Context, arg string) error {
	c, err := w.taskClient()
	if err != nil {
		return err
	}
	scope, err := w.resolveScope(ctx, c, arg)
	if err != nil {
		return err
	}
	if w.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.timeout)
		defer cancel()
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	events := make(chan sourceEvent, 64)
	streamErr := make(chan error, 1)
	go func() { streamErr <- streamTasks(ctx, c, scope, events) }()

	res := followTasks(ctx, events, &follower{tracker: newTracker(scope.Name == ""), renderer: w.renderer(), clock: w.Clock})
	stop()
	<-streamErr

	if res.nothing {
		fmt.Fprintf(w.IOStreams.Out, "No unfinished %s in %s.\n", kindNames(scope.Kinds), describeScope(scope))
		return nil
	}
	writeSummary(w.IOStreams.Out, res.views, w.Clock.Now())
	return res.err(w.timeout)
}

// resolveScope turns the flags and the TASK argument into what to watch. A named task is looked up first,
// so a typo is an error now and not an empty watch; a namespace is listed once, because the informers would
// retry a forbidden or unknown resource forever.
func (w *watchOptions) resolveScope(ctx context.Context, c client.Reader, arg string) (watchScope, error) {
	if arg != "" && w.allNamespaces {
		return watchScope{}, errors.New("watch takes a TASK or -A, not both")
	}
	kinds, err := parseKinds(w.kind)
	if err != nil {
		return watchScope{}, err
	}
	selector, err := labels.Parse(w.selector)
	if err != nil {
		return watchScope{}, fmt.Errorf("--selector: %w", err)
	}
	scope := watchScope{Kinds: kinds, Selector: selector}
	if !w.allNamespaces {
		if scope.Namespace, err = w.namespace(); err != nil {
			return watchScope{}, err
		}
	}
	if arg == "" {
		return scope, canList(ctx, c, scope)
	}
	task, err := findTask(ctx, c, kinds, scope.Namespace, arg)
	if err != nil {
		return watchScope{}, err
	}
	scope.Kinds, scope.Name = []taskKind{kindOf(task)}, task.GetName()
	return scope, nil
}

// renderer picks live bars on a terminal, plain lines elsewhere or with --plain.
func (w *watchOptions) renderer() renderer {
	if w.plain || w.IsTerminal == nil || !w.IsTerminal() {
		return newPlainRenderer(w.IOStreams.Out)
	}
	return newBarsRenderer(barsOutput{Out: w.IOStreams.Out, ErrOut: w.IOStreams.ErrOut}, w.Clock)
}

// canList lists one task of each kind in scope, to fail fast on RBAC or a missing CRD.
func canList(ctx context.Context, c client.Reader, scope watchScope) error {
	for _, k := range scope.Kinds {
		if err := c.List(ctx, k.newList(), client.InNamespace(scope.Namespace), client.Limit(1)); err != nil {
			return fmt.Errorf("listing %s in %s: %w", k.Resource, describeScope(scope), err)
		}
	}
	return nil
}

// describeScope is "namespace \"lessons\"" or "any namespace".
func describeScope(s watchScope) string {
	if s.Namespace == "" {
		return "any namespace"
	}
	return fmt.Sprintf("namespace %q", s.Namespace)
}

// followResult is how a watch ended.
type followResult struct {
	views []taskView
	// nothing is true when the initial list held no task to watch.
	nothing bool
	// interrupted is true when the context ended before every task finished.
	interrupted bool
}

// follower turns task events into what a user sees: it feeds every event to the tracker and every visible
// change to the renderer. The watch command drives it from the API server's stream; the golden test drives
// it from a recorded stream with a fake clock.
type follower struct {
	tracker  *tracker
	renderer renderer
	clock    clock.PassiveClock
	synced   bool
}

// handle takes one event and reports whether the watch is done: the initial list has arrived and every
// tracked task is finished (or there was nothing to track).
func (f *follower) handle(ev sourceEvent) bool {
	if ev.Synced {
		f.synced = true
	} else if v, visible := f.tracker.observe(ev.Snapshot, f.clock.Now()); visible {
		f.renderer.Update(v)
	}
	tracked, finished := f.tracker.count()
	return f.synced && tracked == finished
}

// finish stops the renderer and returns the outcome; interrupted means the watch ended before it was done.
func (f *follower) finish(interrupted bool) followResult {
	f.renderer.Finish(interrupted)
	tracked, _ := f.tracker.count()
	return followResult{views: f.tracker.views(), nothing: !interrupted && tracked == 0, interrupted: interrupted}
}

// followTasks runs a follower over events until it is done or ctx ends.
func followTasks(ctx context.Context, events <-chan sourceEvent, f *follower) followResult {
	for {
		select {
		case ev := <-events:
			if f.handle(ev) {
				return f.finish(false)
			}
		case <-ctx.Done():
			return f.finish(true)
		}
	}
}

// err turns the outcome into the command's exit status: nil only when every task Succeeded.
func (res followResult) err(timeout time.Duration) error {
	failed, unfinished := 0, 0
	for _, v := range res.views {
		switch {
		case !v.finished():
			unfinished++
		case v.Deleted || v.Phase != tasksv1alpha1.TaskSucceeded:
			failed++
		}
	}
	switch {
	case unfinished > 0 && timeout > 0 && res.interrupted:
		return fmt.Errorf("timed out after %s with %d of %d tasks unfinished", timeout, unfinished, len(res.views))
	case unfinished > 0:
		return fmt.Errorf("stopped with %d of %d tasks unfinished", unfinished, len(res.views))
	case failed > 0:
		return fmt.Errorf("%d of %d tasks did not succeed", failed, len(res.views))
	}
	return nil
}
