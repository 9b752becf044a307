package jobs

import (
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/langflix/langflix-operator/controllers/internal/runnerpod"
)

// StartProblem is why an attempt's pod does not run yet, in the words of the part of Kubernetes that
// knows: the kubelet (the runner container's waiting reason), the scheduler (PodScheduled=False) or the
// Job controller (a FailedCreate event, when it cannot even create the pod).
type StartProblem struct {
	// Reason is Kubernetes' own: Unschedulable, FailedCreate, CreateContainerConfigError, ImagePullBackOff...
	Reason string
	// Message is Kubernetes' message for it.
	Message string
	// Permanent is set when waiting cannot help: only a change to the cluster (a missing Secret, ConfigMap,
	// PersistentVolumeClaim or ServiceAccount created, an image name fixed) lets the pod start.
	Permanent bool
}

func (p StartProblem) String() string { return p.Reason + ": " + p.Message }

// normalWaits are container waiting reasons of a pod that is simply on its way.
var normalWaits = map[string]bool{"ContainerCreating": true, "PodInitializing": true, "": true}

// permanentWaits are container waiting reasons that no amount of waiting fixes. The kubelet retries them,
// so they heal once the cluster changes (a Secret appears), but not by themselves.
var permanentWaits = map[string]bool{
	"CreateContainerConfigError": true, // a missing Secret, ConfigMap or key in the environment
	"InvalidImageName":           true,
	"ErrImageNeverPull":          true, // imagePullPolicy Never and the image is not on the node
}

// missingClaim is the scheduler's word for a pod whose PersistentVolumeClaim does not exist
// (VolumeBinding plugin): `persistentvolumeclaim "media" not found`.
var missingClaim = regexp.MustCompile(`persistentvolumeclaim "[^"]*" not found`)

// PodStartProblem reads why a pod that does not run yet is held up; ok is false when nothing is wrong
// (it is being scheduled, pulled, created).
func PodStartProblem(pod *corev1.Pod) (StartProblem, bool) {
	if Terminal(pod) || pod.DeletionTimestamp != nil {
		return StartProblem{}, false
	}
	for _, cs := range append(append([]corev1.ContainerStatus{}, pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...) {
		w := cs.State.Waiting
		if w == nil || normalWaits[w.Reason] {
			continue
		}
		msg := w.Message
		if cs.Name != runnerpod.ContainerName {
			msg = fmt.Sprintf("container %s: %s", cs.Name, msg)
		}
		return StartProblem{Reason: w.Reason, Message: msg, Permanent: permanentWaits[w.Reason]}, true
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason != "" {
			return StartProblem{Reason: c.Reason, Message: c.Message,
				Permanent: c.Reason == corev1.PodReasonUnschedulable && missingClaim.MatchString(c.Message)}, true
		}
	}
	return StartProblem{}, false
}

// FailedCreateProblem reads a FailedCreate event of the Job controller: it could not create the attempt's
// pod. A missing ServiceAccount or a namespace's PodSecurity level the pod violates are permanent; a pod
// quota, for one, may free up.
func FailedCreateProblem(message string) StartProblem {
	permanent := strings.Contains(message, "error looking up service account") ||
		strings.Contains(message, "violates PodSecurity")
	return StartProblem{Reason: "FailedCreate", Message: message, Permanent: permanent}
}
