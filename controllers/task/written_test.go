package task

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

func TestWrittenStatuses(t *testing.T) {
	var w writtenStatuses
	task := videoTask()
	task.ResourceVersion = "5"
	queued := tasksv1.TaskStatus{Phase: tasksv1.TaskQueued, Attempts: 1, StartTime: at(0)}
	running := tasksv1.TaskStatus{Phase: tasksv1.TaskRunning, Attempts: 1, StartTime: at(0)}

	if w.alreadyWritten(task, queued) || w.isOwn(task, queued) {
		t.Fatal("nothing was written yet")
	}
	w.record(task, queued, t0)
	if !w.alreadyWritten(task, queued) {
		t.Error("the same status from the same version was written already")
	}
	if !w.awaitingEcho(task, t0.Add(time.Second)) {
		t.Error("the cache still holds the version the write was planned from: wait for the echo")
	}
	if w.awaitingEcho(task, t0.Add(echoWait)) {
		t.Error("past echoWait the cache is read as it is")
	}
	if w.alreadyWritten(task, running) {
		t.Error("another status is a change")
	}
	caughtUp := task.DeepCopy()
	caughtUp.ResourceVersion = "6"
	if w.alreadyWritten(caughtUp, queued) || w.awaitingEcho(caughtUp, t0) {
		t.Error("once the cache holds a newer version, it is the reference")
	}

	// The write comes back from the API server: times with whole seconds, the runner's progress beside it.
	echo := *queued.DeepCopy()
	echo.StartTime = &metav1.Time{Time: queued.StartTime.Truncate(1e9)}
	echo.Progress = &tasksv1.TaskProgress{Current: ptr.To[int64](1), Total: ptr.To[int64](10)}
	if !w.isOwn(caughtUp, echo) {
		t.Error("the echo of the operator's write is its own")
	}
	if w.isOwn(caughtUp, tasksv1.TaskStatus{}) {
		t.Error("a status reset by someone else is not the operator's")
	}

	recreated := task.DeepCopy()
	recreated.UID = "another"
	if w.alreadyWritten(recreated, queued) || w.isOwn(recreated, queued) || w.awaitingEcho(recreated, t0) {
		t.Error("a task created again under the same name is another task")
	}
	w.forget(keyOf(task))
	if w.isOwn(task, queued) {
		t.Error("forgotten")
	}
}
