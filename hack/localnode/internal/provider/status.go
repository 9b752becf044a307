package provider

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/langflix/langflix-operator/hack/localnode/internal/launch"
)

// containerRuntime is the state of one container of a pod; its fields are guarded by the pod's mutex.
type containerRuntime struct {
	spec        corev1.Container
	isInit      bool
	plan        *containerPlan
	state       corev1.ContainerState
	last        corev1.ContainerState // the termination before the current state, reported as lastState
	restarts    int32
	containerID string
	proc        *process
	// ranBefore marks a container that ran under a previous localnode: its next run is a restart.
	ranBefore bool
}

// newContainerRuntime starts from the status the API already has for the container (a pod that localnode
// ran before it restarted), so restart counts and finished containers are not forgotten.
func newContainerRuntime(spec corev1.Container, isInit bool, previous map[string]corev1.ContainerStatus) *containerRuntime {
	c := &containerRuntime{spec: spec, isInit: isInit}
	c.setWaiting("PodInitializing", "")
	prev, ok := previous[spec.Name]
	if !ok {
		return c
	}
	c.restarts = prev.RestartCount
	c.containerID = prev.ContainerID
	c.ranBefore = prev.State.Running != nil || prev.State.Terminated != nil
	c.last = prev.LastTerminationState
	switch {
	case prev.State.Terminated != nil:
		c.state = prev.State
	case prev.State.Running != nil:
		// Its process ended with the previous localnode; nothing more is known about how.
		c.state = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: 137, Reason: reasonNodeRestarted, StartedAt: prev.State.Running.StartedAt, FinishedAt: metav1.Now(),
			Message: "localnode restarted while the container ran; its process was stopped with the node", ContainerID: prev.ContainerID,
		}}
	}
	return c
}

// setState changes the container's state; a termination it leaves becomes the container's lastState.
func (c *containerRuntime) setState(s corev1.ContainerState) {
	if c.state.Terminated != nil && s.Terminated == nil {
		c.last = c.state
	}
	c.state = s
}

func (c *containerRuntime) setWaiting(reason, message string) {
	c.setState(corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}})
}

func (c *containerRuntime) running() bool { return c.state.Running != nil }

func (c *containerRuntime) status() corev1.ContainerStatus {
	running := c.running()
	st := corev1.ContainerStatus{
		Name:         c.spec.Name,
		Image:        c.spec.Image,
		ImageID:      "",
		ContainerID:  c.containerID,
		State:        *c.state.DeepCopy(),
		RestartCount: c.restarts,
		Started:      &running,
		Ready:        running,
	}
	if c.isInit {
		st.Ready = c.state.Terminated != nil && c.state.Terminated.ExitCode == 0
	}
	if c.plan != nil {
		st.ImageID = "localnode://" + c.plan.process.Argv[0]
	}
	if c.last.Terminated != nil {
		st.LastTerminationState = *c.last.DeepCopy()
	}
	return st
}

// updateConditionsLocked recomputes the pod conditions the kubelet owns, keeping transition times of
// conditions whose status did not change.
func (r *podRuntime) updateConditionsLocked() {
	terminal := r.phase == corev1.PodSucceeded || r.phase == corev1.PodFailed
	allRunning := len(r.mainC) > 0
	for _, c := range r.mainC {
		if !c.running() {
			allRunning = false
		}
	}
	readyReason := "ContainersNotReady"
	if terminal {
		readyReason = "PodCompleted"
	}
	initialized := r.initialized || len(r.initC) == 0
	set := func(t corev1.PodConditionType, ok bool, reasonIfFalse string) {
		status, reason := corev1.ConditionTrue, ""
		if !ok {
			status, reason = corev1.ConditionFalse, reasonIfFalse
		}
		prev, exists := r.conditions[t]
		if exists && prev.Status == status && prev.Reason == reason {
			return
		}
		r.conditions[t] = corev1.PodCondition{Type: t, Status: status, Reason: reason, LastTransitionTime: metav1.Now()}
	}
	set(corev1.PodReadyToStartContainers, r.prepared && !terminal, "")
	set(corev1.PodInitialized, initialized, "ContainersNotInitialized")
	set(corev1.ContainersReady, allRunning && !terminal, readyReason)
	set(corev1.PodReady, allRunning && !terminal, readyReason)
}

// kubeletConditions are the condition types localnode computes; any other condition the pod had in the API
// (PodScheduled, DisruptionTarget, ...) is carried over untouched.
var kubeletConditions = map[corev1.PodConditionType]bool{
	corev1.PodReadyToStartContainers: true, corev1.PodInitialized: true, corev1.ContainersReady: true, corev1.PodReady: true,
}

// snapshot returns a copy of the pod with its current status and the API's latest metadata and foreign
// conditions.
func (r *podRuntime) snapshot() *corev1.Pod {
	r.mu.Lock()
	pod := r.pod.DeepCopy()
	r.mu.Unlock()
	apiStatus := pod.Status
	if current := r.prov.latest(pod); current != nil {
		// Other writers' conditions (DisruptionTarget, ...) added since the pod started are kept too.
		pod.ObjectMeta = *current.ObjectMeta.DeepCopy()
		apiStatus = *current.Status.DeepCopy()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	startTime := r.startTime
	st := corev1.PodStatus{
		Phase:     r.phase,
		Reason:    r.reason,
		Message:   r.message,
		StartTime: &startTime,
		QOSClass:  apiStatus.QOSClass,
	}
	if r.prepared {
		st.HostIP, st.PodIP = launch.LoopbackIP, launch.LoopbackIP
		st.HostIPs = []corev1.HostIP{{IP: launch.LoopbackIP}}
		st.PodIPs = []corev1.PodIP{{IP: launch.LoopbackIP}}
	}
	for _, c := range apiStatus.Conditions {
		if !kubeletConditions[c.Type] {
			st.Conditions = append(st.Conditions, c)
		}
	}
	for _, t := range []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady} {
		st.Conditions = append(st.Conditions, r.conditions[t])
	}
	for _, c := range r.initC {
		st.InitContainerStatuses = append(st.InitContainerStatuses, c.status())
	}
	for _, c := range r.mainC {
		st.ContainerStatuses = append(st.ContainerStatuses, c.status())
	}
	pod.Status = st
	return pod
}

// apiPhaseLags reports whether the API server still shows another phase than the one localnode reported.
func (r *podRuntime) apiPhaseLags() bool {
	r.mu.Lock()
	pod, phase := r.pod, r.phase
	r.mu.Unlock()
	current := r.prov.latest(pod)
	return current != nil && current.Status.Phase != phase
}
