package task

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/controllers/internal/jobs"
)

// podEvents passes the runner pod events a reconcile of its task can act on. A runner pod changes about
// seven times in its life (created, bound, running, ready, ended, deleted by the pod garbage collector, its
// result finalizer released, gone), and each change that passes costs a reconcile; most decide nothing
// the Job's own events do not bring. Passed are a creation, an update that changes what a reconcile reads
// of a pod (podView), and the deletion of a pod that had not ended (a pod that ended was read before it
// could go: its result finalizer holds it until then).
func podEvents() predicate.Predicate {
	return predicate.Funcs{
		UpdateFunc: func(e event.UpdateEvent) bool {
			oldPod, ok1 := e.ObjectOld.(*corev1.Pod)
			newPod, ok2 := e.ObjectNew.(*corev1.Pod)
			if !ok1 || !ok2 {
				return true
			}
			return !equality.Semantic.DeepEqual(podViewOf(oldPod), podViewOf(newPod))
		},
		DeleteFunc: func(e event.DeleteEvent) bool {
			pod, ok := e.Object.(*corev1.Pod)
			return !ok || e.DeleteStateUnknown || jobs.Alive(pod)
		},
	}
}

// podView is what a task's reconcile reads from one of its runner pods (controllers/internal/jobs and
// attempts.go). Whoever makes the reconcile read another field of a pod adds it here (and to
// TestPodEvents), or its changes will not reconcile the task.
type podView struct {
	// Labels: the attempt number, the task and kind, the Job's UID (jobs.OfJob).
	Labels map[string]string
	// Deleting: a pod being deleted has no start problem, and an earlier attempt's pod being deleted is
	// not deleted again. Only while it matters: the pod may still run, or its result finalizer is still
	// held (its result may be unread). A finished pod whose result was read (released) that the pod
	// garbage collector deletes, while the Job controller's own finalizer keeps it a moment longer, is no
	// reason to reconcile: at scale that is one reconcile per finished task.
	Deleting bool
	// Phase: terminal or alive.
	Phase corev1.PodPhase
	// Conditions read: PodScheduled=False (a start problem; its going away is news too) and
	// DisruptionTarget (an end the Job absorbs).
	Conditions []podConditionView
	// Containers: waiting reasons (start problems), running (the runner runs), terminated (the exit code
	// and the termination message that is the attempt's result).
	Containers []containerView
}

type podConditionView struct {
	Type            corev1.PodConditionType
	Status          corev1.ConditionStatus
	Reason, Message string
}

type containerView struct {
	Name       string
	Waiting    *corev1.ContainerStateWaiting
	Running    bool
	Terminated *corev1.ContainerStateTerminated
}

func podViewOf(pod *corev1.Pod) podView {
	v := podView{Labels: pod.Labels, Phase: pod.Status.Phase,
		Deleting: pod.DeletionTimestamp != nil && (jobs.Alive(pod) || hasFinalizer(pod, tasksv1.FinalizerResult))}
	for _, c := range pod.Status.Conditions {
		// PodScheduled only when False: being scheduled is no news, not being scheduled is a start problem.
		if (c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse) || c.Type == corev1.DisruptionTarget {
			v.Conditions = append(v.Conditions, podConditionView{Type: c.Type, Status: c.Status, Reason: c.Reason, Message: c.Message})
		}
	}
	for _, statuses := range [][]corev1.ContainerStatus{pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses} {
		for _, cs := range statuses {
			v.Containers = append(v.Containers, containerView{Name: cs.Name, Waiting: cs.State.Waiting,
				Running: cs.State.Running != nil, Terminated: cs.State.Terminated})
		}
	}
	return v
}
