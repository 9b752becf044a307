package task

import (
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/event"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

type podMod func(*corev1.Pod)

func podRunning(p *corev1.Pod) {
	p.Status.Phase = corev1.PodRunning
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "runner",
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(t0)}}}}
}

func podSucceeded(p *corev1.Pod) {
	p.Status.Phase = corev1.PodSucceeded
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "runner", State: corev1.ContainerState{
		Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", Message: successMessage, FinishedAt: metav1.NewTime(t0)}}}}
}

func TestPodEvents(t *testing.T) {
	task := videoTask()
	job := attemptJob(task, tasksv1.KindVideoTask, 1, jobActiveNotReady, func(j *batchv1.Job) { j.UID = jobUID(1) })
	base := podOf(job, nil)
	deleting := func(p *corev1.Pod) { p.DeletionTimestamp = ptr.To(metav1.NewTime(t0)) }
	for _, tc := range []struct {
		name   string
		from   []podMod
		change podMod
		want   bool
	}{
		// Read.
		{"metadata.labels (attempt, Job UID)", nil, func(p *corev1.Pod) { p.Labels[tasksv1.LabelAttempt] = "2" }, true},
		{"metadata.deletionTimestamp of a finished pod whose result is unread (the pod garbage collector)", []podMod{podSucceeded}, deleting, true},
		{"metadata.deletionTimestamp of a running pod (evicted, deleted)", []podMod{podRunning}, deleting, true},
		{"status.conditions: PodScheduled=False -> True (a start problem gone)", []podMod{func(p *corev1.Pod) {
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable"}}
		}}, func(p *corev1.Pod) {
			p.Status.Conditions[0].Status, p.Status.Conditions[0].Reason = corev1.ConditionTrue, ""
		}, true},
		{"status.phase Pending -> Running", nil, podRunning, true},
		{"status.phase Running -> Succeeded with the termination message", []podMod{podRunning}, podSucceeded, true},
		{"status.conditions: PodScheduled=False (a start problem)", nil, func(p *corev1.Pod) {
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable", Message: "0/3 nodes"}}
		}, true},
		{"status.conditions: DisruptionTarget", []podMod{podRunning}, func(p *corev1.Pod) {
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue, Reason: "EvictionByEvictionAPI"}}
		}, true},
		{"a container waiting reason (ImagePullBackOff)", nil, func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "runner", State: corev1.ContainerState{
				Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: "not found"}}}}
		}, true},
		{"an init container's waiting message", nil, func(p *corev1.Pod) {
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "init", State: corev1.ContainerState{
				Waiting: &corev1.ContainerStateWaiting{Reason: "CreateContainerConfigError", Message: "secret missing"}}}}
		}, true},
		// Not read.
		{"metadata.deletionTimestamp of a finished pod already released", []podMod{podSucceeded, func(p *corev1.Pod) {
			p.Finalizers = []string{"batch.kubernetes.io/job-tracking"}
		}}, deleting, false},
		{"status.conditions: PodScheduled=True (scheduled)", nil, func(p *corev1.Pod) {
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}}
		}, false},
		{"status.conditions: Ready and ContainersReady", []podMod{podRunning}, func(p *corev1.Pod) {
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}, {Type: corev1.ContainersReady, Status: corev1.ConditionTrue}}
		}, false},
		{"metadata.finalizers (the operator releases the result finalizer)", []podMod{podSucceeded}, func(p *corev1.Pod) { p.Finalizers = nil }, false},
		{"status.podIP and startTime", nil, func(p *corev1.Pod) {
			p.Status.PodIP, p.Status.StartTime = "10.0.0.1", ptr.To(metav1.NewTime(t0))
		}, false},
		{"metadata.managedFields and annotations", nil, func(p *corev1.Pod) {
			p.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "kubelet"}}
			p.Annotations = map[string]string{"a": "b"}
		}, false},
		{"resourceVersion only", nil, func(*corev1.Pod) {}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, after := beforeAfter(&base, tc.from, tc.change)
			if got := podEvents().Update(event.UpdateEvent{ObjectOld: before, ObjectNew: after}); got != tc.want {
				t.Errorf("reconcile = %t, want %t", got, tc.want)
			}
		})
	}

	for _, tc := range []struct {
		name    string
		mod     podMod
		unknown bool
		want    bool
	}{
		{"a pod that ended and was read", podSucceeded, false, false},
		{"a running pod (force-deleted, its node gone)", podRunning, false, true},
		{"a pending pod", nil, false, true},
		{"a final state the watch missed", podSucceeded, true, true},
	} {
		t.Run("delete: "+tc.name, func(t *testing.T) {
			pod := base.DeepCopy()
			if tc.mod != nil {
				tc.mod(pod)
			}
			if got := podEvents().Delete(event.DeleteEvent{Object: pod, DeleteStateUnknown: tc.unknown}); got != tc.want {
				t.Errorf("reconcile = %t, want %t", got, tc.want)
			}
		})
	}
	if !podEvents().Create(event.CreateEvent{Object: base.DeepCopy()}) {
		t.Error("a new runner pod reconciles its task")
	}
}

func TestWatchesPassResyncs(t *testing.T) {
	task := videoTask()
	job := attemptJob(task, tasksv1.KindVideoTask, 1, jobActiveNotReady, func(j *batchv1.Job) { j.UID, j.ResourceVersion = jobUID(1), "10" })
	pod := podOf(job, podSucceeded)
	pod.ResourceVersion = "12"
	own := task.DeepCopy()
	own.ResourceVersion = "7"
	r := &Reconciler{}
	for _, tc := range []struct {
		name string
		p    func() bool
	}{
		{"task", func() bool {
			return withResyncs(r.taskUpdates()).Update(event.UpdateEvent{ObjectOld: own, ObjectNew: own.DeepCopy()})
		}},
		{"Job", func() bool {
			return withResyncs(jobUpdates()).Update(event.UpdateEvent{ObjectOld: job, ObjectNew: job.DeepCopy()})
		}},
		{"runner pod", func() bool {
			return withResyncs(podEvents()).Update(event.UpdateEvent{ObjectOld: &pod, ObjectNew: pod.DeepCopy()})
		}},
	} {
		if !tc.p() {
			t.Errorf("%s: the periodic resync (same resourceVersion) must reconcile", tc.name)
		}
	}
	if withResyncs(podEvents()).Delete(event.DeleteEvent{Object: &pod}) {
		t.Error("withResyncs must not pass what the filter drops besides resyncs: a finished pod's deletion")
	}
	changed := pod.DeepCopy()
	changed.ResourceVersion = "13"
	if withResyncs(podEvents()).Update(event.UpdateEvent{ObjectOld: &pod, ObjectNew: changed}) {
		t.Error("an update that changes nothing the reconcile reads must not pass")
	}
}
