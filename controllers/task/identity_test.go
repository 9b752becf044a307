package task

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

func TestWorkIdentity(t *testing.T) {
	base := func() *testutil.VideoTaskWrapper { return testutil.MakeVideoTask("a", "ns").PVC("media") }
	id := workIdentity(base().Obj())
	if id == "" {
		t.Fatal("a VideoTask has no identity")
	}
	same := map[string]*tasksv1.VideoTask{
		"another name":        testutil.MakeVideoTask("b", "ns").PVC("media").Obj(),
		"another output":      base().Output("elsewhere/").Obj(),
		"other time limits":   base().TimeLimits(60, 120).Obj(),
		"another priority":    base().Priority(7).Obj(),
		"a Kueue queue":       base().Queue("team").Obj(),
		"suspended":           base().Suspend(true).Obj(),
		"another retry count": base().Retries(9).Obj(),
	}
	for name, task := range same {
		if got := workIdentity(task); got != id {
			t.Errorf("%s: identity %s, want %s (same work)", name, got, id)
		}
	}
	different := map[string]*tasksv1.VideoTask{
		"another video":    base().Video("input/other.mkv").Obj(),
		"other subtitles":  base().Subtitles("input/other.srt").Obj(),
		"another claim":    testutil.MakeVideoTask("a", "ns").PVC("other").Obj(),
		"another language": base().TargetLanguage("ko-KR").Obj(),
		"shorts":           base().Shorts(tasksv1.ShortsVertical).Obj(),
		"more expressions": base().MaxCount(7).Obj(),
	}
	for name, task := range different {
		if got := workIdentity(task); got == id || got == "" {
			t.Errorf("%s: identity %q, want one of its own", name, got)
		}
	}
	if got := workIdentity(testutil.MakeSlideTask("s", "ns").Obj()); got != "" {
		t.Errorf("a SlideTask has identity %q; slides have no result reuse", got)
	}
}

func TestIdenticalLeader(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	task := func(name string, age int, phase tasksv1.TaskPhase) *tasksv1.VideoTask {
		v := testutil.MakeVideoTask(name, "ns").Obj()
		v.UID = types.UID(name)
		v.CreationTimestamp = metav1.NewTime(t0.Add(time.Duration(age) * time.Second))
		v.Status.Phase = phase
		return v
	}
	succeeded := task("done", 0, tasksv1.TaskSucceeded)
	succeeded.Status.Result = &tasksv1.TaskResult{Expressions: ptr.To[int32](3)}
	partial := task("partial", 0, tasksv1.TaskSucceeded)
	partial.Status.Result = &tasksv1.TaskResult{Expressions: ptr.To[int32](1), Completeness: tasksv1.ResultPartial}
	suspended := task("held", 0, tasksv1.TaskCancelled)
	suspended.Spec.Suspend = ptr.To(true)
	me := task("me", 5, tasksv1.TaskPending)

	tests := []struct {
		name   string
		others []*tasksv1.VideoTask
		want   string
	}{
		{"alone", nil, ""},
		{"an older running task leads", []*tasksv1.VideoTask{task("old", 1, tasksv1.TaskRunning)}, "old"},
		{"the oldest of several leads", []*tasksv1.VideoTask{task("old", 2, tasksv1.TaskRunning), task("older", 1, tasksv1.TaskQueued)}, "older"},
		{"same second: by name", []*tasksv1.VideoTask{task("ma", 5, tasksv1.TaskRunning)}, "ma"},
		{"younger tasks wait for this one", []*tasksv1.VideoTask{task("young", 9, tasksv1.TaskRunning)}, ""},
		{"a succeeded result lets it go at once", []*tasksv1.VideoTask{task("old", 1, tasksv1.TaskRunning), succeeded}, ""},
		{"a partial result does not", []*tasksv1.VideoTask{partial, task("old", 1, tasksv1.TaskRunning)}, "old"},
		{"failed, suspended and deleted tasks do not lead",
			[]*tasksv1.VideoTask{task("failed", 1, tasksv1.TaskFailed), suspended, deleting(task("gone", 1, tasksv1.TaskRunning))}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			identical := []tasksv1.Task{me}
			for _, o := range tc.others {
				identical = append(identical, o)
			}
			got := ""
			if l := identicalLeader(me, identical); l != nil {
				got = l.GetName()
			}
			if got != tc.want {
				t.Errorf("leader %q, want %q", got, tc.want)
			}
		})
	}
}

func deleting(t *tasksv1.VideoTask) *tasksv1.VideoTask {
	t.DeletionTimestamp = ptr.To(metav1.Now())
	return t
}
