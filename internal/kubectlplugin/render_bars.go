package kubectlplugin

import (
	"io"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

const (
	// barWidth is the width of the bar itself; the decorators around it take the rest of the line.
	barWidth = 30
	// barMessageWidth bounds the runner's message next to a bar so one line stays one terminal row.
	barMessageWidth = 48
)

// barsRenderer draws one live progress bar per task with mpb (github.com/vbauerster/mpb), which redraws
// all bars in place on a terminal:
//
//	videotask default/sintel  Running [=========>------------]  42% clips  attempt 1/4  eta 1m20s  cutting clip 3 of 5
//
// The decorators read the task's latest view on every redraw, so the ETA counts down between the runner's
// reports.
type barsRenderer struct {
	clock    clock.PassiveClock
	progress *mpb.Progress

	mu   sync.Mutex
	bars map[taskKey]*taskBar
}

type taskBar struct {
	bar  *mpb.Bar
	view taskView // guarded by barsRenderer.mu; the decorators run on mpb's goroutine
}

// barsOutput says where bars go. mpb redraws in place when Out is a terminal, at the terminal's width.
type barsOutput struct {
	Out io.Writer
	// ErrOut receives mpb's render errors.
	ErrOut io.Writer
	// AutoRefresh makes mpb draw frames also when Out is not a terminal (the tests' buffers), Width
	// columns wide (0: mpb's default of 80).
	AutoRefresh bool
	Width       int
}

func newBarsRenderer(o barsOutput, clk clock.PassiveClock) *barsRenderer {
	opts := []mpb.ContainerOption{mpb.WithOutput(o.Out), mpb.WithDebugOutput(o.ErrOut)}
	if o.AutoRefresh {
		opts = append(opts, mpb.WithAutoRefresh())
	}
	if o.Width > 0 {
		opts = append(opts, mpb.WithWidth(o.Width))
	}
	return &barsRenderer{clock: clk, progress: mpb.New(opts...), bars: map[taskKey]*taskBar{}}
}

func (r *barsRenderer) Update(v taskView) {
	r.mu.Lock()
	tb, ok := r.bars[v.Key]
	if !ok {
		tb = &taskBar{}
		r.bars[v.Key] = tb
	}
	tb.view = v
	r.mu.Unlock()

	if !ok {
		tb.bar = r.progress.AddBar(100, mpb.BarWidth(barWidth),
			mpb.PrependDecorators(
				decor.Any(r.field(v.Key, func(v taskView) string { return taskLabel(v.Key) }), decor.WCSyncSpaceR),
				decor.Any(r.field(v.Key, func(v taskView) string { return phaseLabel(v.snapshot) }), decor.WCSyncSpaceR),
			),
			mpb.AppendDecorators(
				decor.Any(r.field(v.Key, func(v taskView) string { return percentStage(v.snapshot) }), decor.WCSyncSpaceR),
				decor.Any(r.field(v.Key, func(v taskView) string { return attemptLabel(v.snapshot) }), decor.WCSyncSpaceR),
				decor.Any(r.field(v.Key, func(v taskView) string {
					return joinNonEmpty(" ", etaLabel(v, r.clock.Now()), waitLabel(v.snapshot, r.clock.Now()))
				}), decor.WCSyncSpaceR),
				decor.Any(r.field(v.Key, func(v taskView) string { return oneLine(detailLabel(v.snapshot), barMessageWidth) })),
			),
		)
	}

	switch {
	case v.Phase == tasksv1alpha1.TaskSucceeded:
		tb.bar.SetCurrent(100)
	case v.finished():
		// Failed or deleted: the bar stays where the runner stopped, its decorators say why.
		tb.bar.Abort(false)
	default:
		// A bar completes at its total; the runner may report 100% before the operator marks the task
		// Succeeded, so only the phase completes it.
		tb.bar.SetCurrent(int64(min(ptr.Deref(v.Progress.Percent, 0), 99)))
	}
}

// field returns a decorator function that reads the task's latest view.
func (r *barsRenderer) field(key taskKey, fn func(taskView) string) decor.DecorFunc {
	return func(decor.Statistics) string {
		r.mu.Lock()
		v := r.bars[key].view
		r.mu.Unlock()
		return fn(v)
	}
}

func (r *barsRenderer) Finish(bool) {
	r.mu.Lock()
	bars := make([]*mpb.Bar, 0, len(r.bars))
	for _, tb := range r.bars {
		bars = append(bars, tb.bar)
	}
	r.mu.Unlock()
	for _, b := range bars {
		// Abort leaves a completed bar alone and stops an unfinished one where it is, so Wait returns.
		b.Abort(false)
	}
	r.progress.Wait()
}
