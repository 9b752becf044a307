package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/log"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/langflix/langflix-operator/hack/localnode/internal/launch"
)

// Pod-level reasons localnode reports.
const (
	reasonDeadlineExceeded = "DeadlineExceeded"
	reasonNodeRestarted    = "ContainerStatusUnknown"
)

// podRuntime is the life of one pod on the node: preparing its files, running init containers one after
// another, then the containers side by side, restarting them per restartPolicy, and stopping them on
// deletion or deadline. All fields below mu are guarded by it.
type podRuntime struct {
	prov   *Provider
	logDir string // <state>/pods/<namespace>_<name>: logs and termination files, kept after the pod

	mu          sync.Mutex
	pod         *corev1.Pod // latest spec and metadata; its Status is what the API had at creation
	initC       []*containerRuntime
	mainC       []*containerRuntime
	phase       corev1.PodPhase
	reason      string
	message     string
	startTime   metav1.Time
	prepared    bool
	initialized bool
	conditions  map[corev1.PodConditionType]corev1.PodCondition
	plan        *podPlan
	stopping    bool
	stopReason  string
	stopMessage string
	grace       time.Duration
	deleted     bool // DeletePod was called: the pod is leaving
	replaced    bool // a newer pod of the same name took this one's place
	deadline    *time.Timer

	stopCh    chan struct{} // closed when the pod must stop
	stopOnce  sync.Once
	killCh    chan struct{} // closed when stopping must escalate to SIGKILL now
	killOnce  sync.Once
	done      chan struct{} // closed when no process of the pod runs any more and the status is final
	dirty     chan struct{} // a status change waits to be reported
	released  chan struct{}
	releaseMu sync.Once
}

func newPodRuntime(p *Provider, pod *corev1.Pod) *podRuntime {
	r := &podRuntime{
		prov:       p,
		logDir:     filepath.Join(p.cfg.StateDir, "pods", pod.Namespace+"_"+pod.Name),
		pod:        pod,
		phase:      corev1.PodPending,
		startTime:  metav1.Now(),
		conditions: map[corev1.PodConditionType]corev1.PodCondition{},
		stopCh:     make(chan struct{}),
		killCh:     make(chan struct{}),
		done:       make(chan struct{}),
		dirty:      make(chan struct{}, 1),
		released:   make(chan struct{}),
	}
	if pod.Status.StartTime != nil {
		r.startTime = *pod.Status.StartTime
	}
	previous := map[string]corev1.ContainerStatus{}
	for _, cs := range append(append([]corev1.ContainerStatus{}, pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...) {
		previous[cs.Name] = cs
	}
	for i := range pod.Spec.InitContainers {
		r.initC = append(r.initC, newContainerRuntime(pod.Spec.InitContainers[i], true, previous))
	}
	for i := range pod.Spec.Containers {
		r.mainC = append(r.mainC, newContainerRuntime(pod.Spec.Containers[i], false, previous))
	}
	r.updateConditionsLocked()
	return r
}

func (r *podRuntime) uid() types.UID {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pod.UID
}

func (r *podRuntime) markDeleted() {
	r.mu.Lock()
	r.deleted = true
	r.mu.Unlock()
}

func (r *podRuntime) isDeleted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.deleted || r.replaced
}

func (r *podRuntime) markReplaced() {
	r.mu.Lock()
	r.replaced = true
	r.mu.Unlock()
}

func (r *podRuntime) finished() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// changed schedules a status report; reports are coalesced so the latest status always goes out last.
func (r *podRuntime) changed() {
	select {
	case r.dirty <- struct{}{}:
	default:
	}
}

// notifyLoop reports status changes to virtual-kubelet, one at a time and in order.
func (r *podRuntime) notifyLoop(notifier func() func(*corev1.Pod)) {
	send := func() {
		r.mu.Lock()
		replaced := r.replaced
		r.mu.Unlock()
		if !replaced { // the API object now belongs to the newer pod of this name
			notifier()(r.snapshot())
		}
	}
	for {
		select {
		case <-r.dirty:
			send()
		case <-r.released:
			select {
			case <-r.dirty:
				send()
			default:
			}
			return
		}
	}
}

// update takes the new spec and metadata of the pod; only activeDeadlineSeconds changes behaviour.
func (r *podRuntime) update(pod *corev1.Pod) {
	r.mu.Lock()
	pod.Status = r.pod.Status
	r.pod = pod
	if r.phase == corev1.PodRunning || r.phase == corev1.PodPending {
		r.armDeadlineLocked()
	}
	r.mu.Unlock()
	r.changed()
}

// stop makes the pod's processes stop: SIGTERM now, SIGKILL after grace. A later call with a shorter grace
// shortens it; reason, if set, becomes the pod's failure reason.
func (r *podRuntime) stop(reason, message string, grace time.Duration) {
	r.mu.Lock()
	if !r.stopping {
		r.stopping = true
		r.stopReason, r.stopMessage = reason, message
		r.grace = grace
		if r.deadline != nil {
			r.deadline.Stop()
		}
	} else if grace < r.grace {
		r.grace = grace
		time.AfterFunc(grace, r.killNow)
	}
	r.mu.Unlock()
	r.stopOnce.Do(func() { close(r.stopCh) })
}

func (r *podRuntime) killNow() { r.killOnce.Do(func() { close(r.killCh) }) }

func (r *podRuntime) stopRequested() bool {
	select {
	case <-r.stopCh:
		return true
	default:
		return false
	}
}

func (r *podRuntime) stopGrace() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.grace
}

// armDeadlineLocked enforces spec.activeDeadlineSeconds, counted from the pod's start time.
func (r *podRuntime) armDeadlineLocked() {
	if r.deadline != nil {
		r.deadline.Stop()
		r.deadline = nil
	}
	ads := r.pod.Spec.ActiveDeadlineSeconds
	if ads == nil || r.stopping {
		return
	}
	remaining := time.Until(r.startTime.Add(time.Duration(*ads) * time.Second))
	grace := 30 * time.Second
	if g := r.pod.Spec.TerminationGracePeriodSeconds; g != nil {
		grace = time.Duration(*g) * time.Second
	}
	r.deadline = time.AfterFunc(max(remaining, 0), func() {
		r.stop(reasonDeadlineExceeded, "Pod was active on the node longer than the specified deadline", grace)
	})
}

// run is the pod's lifecycle goroutine.
func (r *podRuntime) run(ctx context.Context) {
	defer close(r.done)
	defer r.changed()
	r.mu.Lock()
	r.armDeadlineLocked()
	r.mu.Unlock()

	if r.lostAcrossRestart() {
		r.finish()
		return
	}
	if !r.prepareWithRetry(ctx) {
		r.finish()
		return
	}
	for _, c := range r.initC {
		if !r.supervise(c) {
			r.finish()
			return
		}
	}
	r.mu.Lock()
	r.initialized = true
	r.updateConditionsLocked()
	r.mu.Unlock()
	r.changed()

	var wg sync.WaitGroup
	for _, c := range r.mainC {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.supervise(c)
		}()
	}
	wg.Wait()
	r.finish()
}

// lostAcrossRestart handles a pod that had started before localnode restarted. Its processes were stopped
// with the node, so a restartPolicy Never pod can only be reported as failed, like the kubelet reports a
// container it cannot find; other pods simply start again.
func (r *podRuntime) lostAcrossRestart() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.pod.Status
	started := st.Phase == corev1.PodRunning
	for _, cs := range append(append([]corev1.ContainerStatus{}, st.InitContainerStatuses...), st.ContainerStatuses...) {
		if cs.State.Running != nil || cs.State.Terminated != nil {
			started = true
		}
	}
	if !started || r.pod.Spec.RestartPolicy != corev1.RestartPolicyNever {
		return false
	}
	r.phase = corev1.PodFailed
	r.reason = reasonNodeRestarted
	r.message = "localnode restarted while the pod ran; its processes were stopped with the node"
	return true
}

// prepareWithRetry materializes the pod's volumes and process descriptions. Errors that may resolve (a
// Secret not created yet) are retried with backoff while the pod waits, as the kubelet does.
func (r *podRuntime) prepareWithRetry(ctx context.Context) bool {
	delay := time.Second
	var lastMessage string
	for {
		r.mu.Lock()
		pod := r.pod.DeepCopy()
		r.mu.Unlock()
		plan, err := r.prov.preparePod(ctx, pod, r.logDir)
		if err == nil {
			r.mu.Lock()
			r.plan = plan
			r.prepared = true
			for i, c := range r.initC {
				c.plan = plan.init[i]
			}
			for i, c := range r.mainC {
				c.plan = plan.main[i]
				if len(r.initC) == 0 {
					c.setWaiting("ContainerCreating", "")
				}
			}
			r.updateConditionsLocked()
			r.mu.Unlock()
			r.changed()
			return true
		}
		if ctx.Err() != nil || r.stopRequested() {
			return false
		}
		se := launch.SetupErrorOf(err)
		reason := "ContainerCreating"
		if se != nil {
			reason = se.Reason
		}
		if err.Error() != lastMessage {
			lastMessage = err.Error()
			r.event(corev1.EventTypeWarning, "Failed", "%s: %v", reason, err)
			log.G(ctx).WithField("pod", podKey(pod.Namespace, pod.Name)).WithError(err).Warn("pod setup failed")
		}
		if se != nil && se.Permanent {
			r.mu.Lock()
			r.phase = corev1.PodFailed
			r.reason = reason
			r.message = err.Error()
			r.mu.Unlock()
			return false
		}
		r.mu.Lock()
		for _, c := range append(append([]*containerRuntime{}, r.initC...), r.mainC...) {
			c.setWaiting(reason, err.Error())
		}
		r.mu.Unlock()
		r.changed()
		select {
		case <-time.After(delay):
		case <-r.stopCh:
			return false
		case <-ctx.Done():
			return false
		}
		delay = min(delay*2, 30*time.Second)
	}
}

// supervise runs container c until it is done for good: it succeeded (or failed with restartPolicy Never),
// or the pod is stopping. It restarts the container per restartPolicy with exponential backoff. It reports
// whether the container's last run succeeded.
func (r *podRuntime) supervise(c *containerRuntime) bool {
	backoff := r.prov.cfg.RestartBackoff
	r.mu.Lock()
	if c.ranBefore {
		c.restarts++
		c.ranBefore = false
	}
	r.mu.Unlock()
	for {
		if r.stopRequested() {
			return false
		}
		exitCode, ranFor := r.runOnce(c)
		r.mu.Lock()
		restart := shouldRestart(r.pod.Spec.RestartPolicy, c.isInit, exitCode)
		r.mu.Unlock()
		if !restart || r.stopRequested() {
			return exitCode == 0
		}
		if ranFor >= 10*time.Minute {
			backoff = r.prov.cfg.RestartBackoff // it ran long enough: treat it as a fresh start, as the kubelet does
		}
		r.mu.Lock()
		c.setWaiting("CrashLoopBackOff", fmt.Sprintf("back-off %s restarting failed container=%s pod=%s", backoff, c.spec.Name, r.pod.Name))
		r.mu.Unlock()
		r.changed()
		r.event(corev1.EventTypeWarning, "BackOff", "Back-off %s restarting failed container %s", backoff, c.spec.Name)
		select {
		case <-time.After(backoff):
		case <-r.stopCh:
			return false
		}
		backoff = min(backoff*2, 5*time.Minute)
		r.mu.Lock()
		c.restarts++
		r.mu.Unlock()
	}
}

func shouldRestart(policy corev1.RestartPolicy, isInit bool, exitCode int) bool {
	if isInit {
		return exitCode != 0 && policy != corev1.RestartPolicyNever
	}
	switch policy {
	case corev1.RestartPolicyAlways:
		return true
	case corev1.RestartPolicyOnFailure:
		return exitCode != 0
	default:
		return false
	}
}

// runOnce starts c, waits for it (stopping it if the pod stops) and records its termination.
func (r *podRuntime) runOnce(c *containerRuntime) (exitCode int, ranFor time.Duration) {
	plan := c.plan
	if err := plan.resetFiles(c.restarts > 0); err != nil {
		r.recordStartError(c, err)
		return 128, 0
	}
	proc, err := startProcess(plan.process, plan.logPath)
	if err != nil {
		r.recordStartError(c, err)
		return 128, 0
	}
	r.mu.Lock()
	c.proc = proc
	c.containerID = fmt.Sprintf("localnode://%d", proc.pid)
	c.setState(corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(proc.startedAt)}})
	if !c.isInit && r.phase == corev1.PodPending {
		r.phase = corev1.PodRunning
	}
	r.updateConditionsLocked()
	r.mu.Unlock()
	r.changed()
	r.event(corev1.EventTypeNormal, "Started", "Started container %s: pid %d, log %s", c.spec.Name, proc.pid, plan.logPath)

	select {
	case <-proc.done:
	case <-r.stopCh:
		r.event(corev1.EventTypeNormal, "Killing", "Stopping container %s", c.spec.Name)
		proc.stop(r.stopGrace(), r.killCh)
	}

	message := readTerminationMessage(plan.termPath, plan.logPath,
		c.spec.TerminationMessagePolicy == corev1.TerminationMessageFallbackToLogsOnError, proc.exitCode)
	reason := "Completed"
	if proc.exitCode != 0 {
		reason = "Error"
	}
	r.mu.Lock()
	c.proc = nil
	c.setState(corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode:    int32(proc.exitCode),
		Reason:      reason,
		Message:     message,
		StartedAt:   metav1.NewTime(proc.startedAt),
		FinishedAt:  metav1.NewTime(proc.finishedAt),
		ContainerID: c.containerID,
	}})
	r.updateConditionsLocked()
	r.mu.Unlock()
	r.changed()
	return proc.exitCode, proc.finishedAt.Sub(proc.startedAt)
}

func (r *podRuntime) recordStartError(c *containerRuntime, err error) {
	now := metav1.Now()
	r.mu.Lock()
	c.setState(corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode: 128, Reason: "StartError", Message: err.Error(), StartedAt: now, FinishedAt: now,
	}})
	r.updateConditionsLocked()
	r.mu.Unlock()
	r.changed()
	r.event(corev1.EventTypeWarning, "Failed", "Error starting container %s: %v", c.spec.Name, err)
}

// finish settles the pod's terminal phase once no process of it runs.
func (r *podRuntime) finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.deadline != nil {
		r.deadline.Stop()
	}
	if r.plan != nil {
		r.plan.stopTokenRefresh()
	}
	if r.phase != corev1.PodFailed || r.reason == "" {
		r.phase = corev1.PodSucceeded
		for _, c := range r.mainC {
			if t := c.state.Terminated; t == nil || t.ExitCode != 0 {
				r.phase = corev1.PodFailed
			}
		}
		if r.stopReason != "" {
			r.phase = corev1.PodFailed
			r.reason, r.message = r.stopReason, r.stopMessage
		}
	}
	// A terminal pod has no waiting or running containers: report what is known about each.
	for _, c := range append(append([]*containerRuntime{}, r.initC...), r.mainC...) {
		if c.state.Terminated != nil {
			continue
		}
		switch {
		case c.last.Terminated != nil: // waiting to restart: its last run is its final state
			c.state, c.last = c.last, corev1.ContainerState{}
		case r.reason != "" && !r.prepared:
			c.state = terminatedNow(128, r.reason, r.message)
		default:
			c.state = terminatedNow(137, reasonNodeRestarted, "The container could not be located when the pod was terminated")
		}
	}
	r.updateConditionsLocked()
}

func terminatedNow(exitCode int32, reason, message string) corev1.ContainerState {
	now := metav1.Now()
	return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode: exitCode, Reason: reason, Message: message, StartedAt: now, FinishedAt: now,
	}}
}

// release deletes the pod's scratch files (volumes, tmp, working dir) once it is gone; logs stay.
func (r *podRuntime) release() {
	r.releaseMu.Do(func() {
		r.mu.Lock()
		plan := r.plan
		r.mu.Unlock()
		if plan != nil {
			plan.stopTokenRefresh()
			if err := os.RemoveAll(plan.scratchDir); err != nil && !errors.Is(err, os.ErrNotExist) {
				log.L.WithError(err).Warn("could not remove pod scratch dir")
			}
		}
		close(r.released)
	})
}

func (r *podRuntime) event(eventType, reason, format string, args ...any) {
	if r.prov.cfg.Recorder == nil {
		return
	}
	r.mu.Lock()
	pod := r.pod
	r.mu.Unlock()
	r.prov.cfg.Recorder.Eventf(pod, eventType, reason, format, args...)
}
