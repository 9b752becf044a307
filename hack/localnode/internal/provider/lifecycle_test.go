package provider

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/node/api"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/langflix/langflix-operator/hack/localnode/internal/imagemap"
	"github.com/langflix/langflix-operator/hack/localnode/internal/launch"
)

// These tests run real processes (/bin/sh, /bin/sleep) through the provider, without an API server: the
// pods use only volumes and env that need none.

// waitLimit only bounds a hung test; no assertion depends on how fast anything happens.
const waitLimit = 30 * time.Second

type harness struct {
	t       *testing.T
	p       *Provider
	updates chan *corev1.Pod
	state   string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	state := t.TempDir()
	p, err := New(Config{
		NodeName:       "localnode",
		StateDir:       state,
		Images:         imagemap.Map{{Pattern: "shell:*", Path: "/bin/sh"}, {Pattern: "tools:*", Path: "/bin/"}},
		HostEnv:        []launch.EnvVar{{Name: "PATH", Value: os.Getenv("PATH")}},
		RestartBackoff: 10 * time.Millisecond,
		ShutdownGrace:  time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, p: p, updates: make(chan *corev1.Pod, 1000), state: state}
	p.NotifyPods(context.Background(), func(pod *corev1.Pod) { h.updates <- pod })
	t.Cleanup(p.Shutdown)
	return h
}

func testPodSpec(name string, policy corev1.RestartPolicy, containers ...corev1.Container) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "test", UID: types.UID("uid-" + name)},
		Spec: corev1.PodSpec{
			NodeName:      "localnode",
			RestartPolicy: policy,
			Containers:    containers,
			Volumes:       []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		},
	}
}

// waitFor returns the first reported pod that satisfies ok.
func (h *harness) waitFor(what string, ok func(*corev1.Pod) bool) *corev1.Pod {
	h.t.Helper()
	timeout := time.After(waitLimit)
	for {
		select {
		case pod := <-h.updates:
			if ok(pod) {
				return pod
			}
		case <-timeout:
			h.t.Fatalf("no pod update with %s", what)
		}
	}
}

func terminal(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

func running(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodRunning && len(pod.Status.ContainerStatuses) > 0 &&
		pod.Status.ContainerStatuses[0].State.Running != nil
}

func TestContainerExitIsReported(t *testing.T) {
	h := newHarness(t)
	script := `echo out; echo err >&2; echo "$NOTE" > /scratch/note.txt; printf '{"ok":false}' > /dev/termination-log; exit 3`
	pod := testPodSpec("exit", corev1.RestartPolicyNever, corev1.Container{
		Name: "main", Image: "shell:1", Command: []string{"sh", "-c", script},
		Env:          []corev1.EnvVar{{Name: "NOTE", Value: "written via /scratch"}, {Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
		VolumeMounts: []corev1.VolumeMount{{Name: "scratch", MountPath: "/scratch"}},
	})
	if err := h.p.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	got := h.waitFor("a terminal phase", terminal)
	if got.Status.Phase != corev1.PodFailed {
		t.Errorf("phase = %s, want Failed", got.Status.Phase)
	}
	term := got.Status.ContainerStatuses[0].State.Terminated
	if term == nil || term.ExitCode != 3 || term.Reason != "Error" || term.Message != `{"ok":false}` {
		t.Fatalf("terminated state = %+v", term)
	}
	if term.StartedAt.IsZero() || term.FinishedAt.Before(&term.StartedAt) {
		t.Errorf("bad times: started %v finished %v", term.StartedAt, term.FinishedAt)
	}
	if got.Status.PodIP != launch.LoopbackIP {
		t.Errorf("podIP = %q", got.Status.PodIP)
	}
	note, err := os.ReadFile(filepath.Join(h.state, "pods", "test_exit", "uid-exit", "volumes", "scratch", "note.txt"))
	if err != nil || string(note) != "written via "+filepath.Join(h.state, "pods", "test_exit", "uid-exit", "volumes", "scratch")+"\n" {
		t.Errorf("emptyDir file = %q, %v (env values must be rewritten too)", note, err)
	}
	logs, err := h.p.GetContainerLogs(context.Background(), "test", "exit", "main", api.ContainerLogOpts{})
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	if b, _ := io.ReadAll(logs); string(b) != "out\nerr\n" {
		t.Errorf("logs = %q", b)
	}
	tail, err := h.p.GetContainerLogs(context.Background(), "test", "exit", "main", api.ContainerLogOpts{Tail: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer tail.Close()
	if b, _ := io.ReadAll(tail); string(b) != "err\n" {
		t.Errorf("tail 1 = %q", b)
	}
}

func TestSuccessAndInitContainers(t *testing.T) {
	h := newHarness(t)
	pod := testPodSpec("init", corev1.RestartPolicyNever, corev1.Container{
		Name: "main", Image: "shell:1", Command: []string{"sh", "-c", "test \"$(cat /scratch/ready)\" = yes"},
		VolumeMounts: []corev1.VolumeMount{{Name: "scratch", MountPath: "/scratch"}},
	})
	pod.Spec.InitContainers = []corev1.Container{{
		Name: "prepare", Image: "tools:1", Command: []string{"sh", "-c", "echo yes > /scratch/ready"},
		VolumeMounts: []corev1.VolumeMount{{Name: "scratch", MountPath: "/scratch"}},
	}}
	if err := h.p.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	got := h.waitFor("a terminal phase", terminal)
	if got.Status.Phase != corev1.PodSucceeded {
		t.Fatalf("phase = %s (%+v)", got.Status.Phase, got.Status.ContainerStatuses)
	}
	if st := got.Status.InitContainerStatuses[0]; st.State.Terminated == nil || st.State.Terminated.ExitCode != 0 || !st.Ready {
		t.Errorf("init status = %+v", st)
	}
	if st := got.Status.ContainerStatuses[0].State.Terminated; st.Reason != "Completed" {
		t.Errorf("main reason = %q", st.Reason)
	}
}

func TestDeleteStopsProcessGroup(t *testing.T) {
	h := newHarness(t)
	// The shell starts sleep in the background and waits: SIGTERM must reach both through the group.
	pod := testPodSpec("del", corev1.RestartPolicyNever, corev1.Container{
		Name: "main", Image: "tools:1", Command: []string{"sh", "-c", "sleep 600 & echo $! > /scratch/child; wait"},
		VolumeMounts: []corev1.VolumeMount{{Name: "scratch", MountPath: "/scratch"}},
	})
	if err := h.p.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	h.waitFor("a running container", running)
	childFile := filepath.Join(h.state, "pods", "test_del", "uid-del", "volumes", "scratch", "child")
	child := waitForPID(t, childFile)

	deleting := pod.DeepCopy()
	grace := int64(30)
	deleting.DeletionGracePeriodSeconds = &grace
	if err := h.p.DeletePod(context.Background(), deleting); err != nil {
		t.Fatal(err)
	}
	got := h.waitFor("a terminal phase", terminal)
	term := got.Status.ContainerStatuses[0].State.Terminated
	if got.Status.Phase != corev1.PodFailed || term == nil || term.ExitCode != 128+int32(syscall.SIGTERM) {
		t.Fatalf("phase %s, terminated %+v; want Failed with exit 143", got.Status.Phase, term)
	}
	if processAlive(child) {
		t.Errorf("background child %d still runs after the pod stopped", child)
	}
	if _, err := h.p.GetPod(context.Background(), "test", "del"); err == nil {
		t.Error("a deleted pod must not be reported by GetPod")
	}
}

func TestGraceEndsWithSigkill(t *testing.T) {
	h := newHarness(t)
	pod := testPodSpec("stubborn", corev1.RestartPolicyNever, corev1.Container{
		Name: "main", Image: "shell:1", Command: []string{"sh", "-c", `trap "" TERM; echo yes > /scratch/trapped; while :; do sleep 1; done`},
		VolumeMounts: []corev1.VolumeMount{{Name: "scratch", MountPath: "/scratch"}},
	})
	if err := h.p.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	h.waitFor("a running container", running)
	waitForFile(t, filepath.Join(h.state, "pods", "test_stubborn", "uid-stubborn", "volumes", "scratch", "trapped"))
	deleting := pod.DeepCopy()
	grace := int64(1)
	deleting.DeletionGracePeriodSeconds = &grace
	if err := h.p.DeletePod(context.Background(), deleting); err != nil {
		t.Fatal(err)
	}
	got := h.waitFor("a terminal phase", terminal)
	if term := got.Status.ContainerStatuses[0].State.Terminated; term == nil || term.ExitCode != 128+int32(syscall.SIGKILL) {
		t.Fatalf("terminated %+v; want exit 137 after the grace period", term)
	}
}

func TestOnFailureRestarts(t *testing.T) {
	h := newHarness(t)
	pod := testPodSpec("retry", corev1.RestartPolicyOnFailure, corev1.Container{
		Name: "main", Image: "shell:1",
		Command:      []string{"sh", "-c", `test -f /scratch/again && { echo second; exit 0; }; touch /scratch/again; echo first; exit 1`},
		VolumeMounts: []corev1.VolumeMount{{Name: "scratch", MountPath: "/scratch"}},
	})
	if err := h.p.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	got := h.waitFor("a terminal phase", terminal)
	st := got.Status.ContainerStatuses[0]
	if got.Status.Phase != corev1.PodSucceeded || st.RestartCount != 1 {
		t.Fatalf("phase %s restarts %d; want Succeeded after 1 restart", got.Status.Phase, st.RestartCount)
	}
	if st.LastTerminationState.Terminated == nil || st.LastTerminationState.Terminated.ExitCode != 1 {
		t.Errorf("lastState = %+v, want the failed first run", st.LastTerminationState)
	}
	for opts, want := range map[bool]string{false: "second\n", true: "first\n"} {
		rc, err := h.p.GetContainerLogs(context.Background(), "test", "retry", "main", api.ContainerLogOpts{Previous: opts})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != want {
			t.Errorf("logs (previous=%v) = %q, want %q", opts, b, want)
		}
	}
}

func TestActiveDeadline(t *testing.T) {
	h := newHarness(t)
	pod := testPodSpec("deadline", corev1.RestartPolicyNever, corev1.Container{
		Name: "main", Image: "tools:1", Command: []string{"sleep", "600"},
	})
	deadline := int64(1)
	pod.Spec.ActiveDeadlineSeconds = &deadline
	if err := h.p.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	got := h.waitFor("a terminal phase", terminal)
	if got.Status.Phase != corev1.PodFailed || got.Status.Reason != reasonDeadlineExceeded {
		t.Fatalf("phase %s reason %q; want Failed/DeadlineExceeded", got.Status.Phase, got.Status.Reason)
	}
}

func TestSetupFailures(t *testing.T) {
	tests := []struct {
		name       string
		container  corev1.Container
		wantReason string
		wantText   string
	}{
		{"unmapped image", corev1.Container{Name: "main", Image: "example.com/app:v1"}, launch.ReasonImageNotMapped, "example.com/app:*"},
		{"working dir missing", corev1.Container{Name: "main", Image: "shell:1", WorkingDir: "/no/such/dir"}, launch.ReasonUnsupported, "workingDir"},
		{"unknown volume", corev1.Container{Name: "main", Image: "shell:1", VolumeMounts: []corev1.VolumeMount{{Name: "ghost", MountPath: "/g"}}},
			launch.ReasonUnsupported, "ghost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if err := h.p.CreatePod(context.Background(), testPodSpec("bad", corev1.RestartPolicyNever, tt.container)); err != nil {
				t.Fatal(err)
			}
			got := h.waitFor("a terminal phase", terminal)
			if got.Status.Phase != corev1.PodFailed || got.Status.Reason != tt.wantReason || !strings.Contains(got.Status.Message, tt.wantText) {
				t.Fatalf("phase %s reason %q message %q; want Failed, %q, mentioning %q",
					got.Status.Phase, got.Status.Reason, got.Status.Message, tt.wantReason, tt.wantText)
			}
			if term := got.Status.ContainerStatuses[0].State.Terminated; term == nil || term.Reason != tt.wantReason {
				t.Errorf("container state = %+v", got.Status.ContainerStatuses[0].State)
			}
		})
	}
}

// processAlive reports whether pid runs. A zombie does not: it has exited and only waits for its new
// parent to reap it.
func processAlive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	state, _, ok := parseStat(stat)
	return ok && state != 'Z' && state != 'X'
}

func waitForFile(t *testing.T, path string) []byte {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return b
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
	return nil
}

func waitForPID(t *testing.T, path string) int {
	t.Helper()
	var pid int
	for _, c := range strings.TrimSpace(string(waitForFile(t, path))) {
		pid = pid*10 + int(c-'0')
	}
	return pid
}

func TestPodStartedByPreviousLocalnode(t *testing.T) {
	wasRunning := corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{
		Name: "main", RestartCount: 2, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.Now()}},
	}}}

	t.Run("restartPolicy Never is reported failed, not run again", func(t *testing.T) {
		h := newHarness(t)
		pod := testPodSpec("lost", corev1.RestartPolicyNever, corev1.Container{
			Name: "main", Image: "shell:1", Command: []string{"sh", "-c", "echo ran > /scratch/ran"},
			VolumeMounts: []corev1.VolumeMount{{Name: "scratch", MountPath: "/scratch"}},
		})
		pod.Status = wasRunning
		if err := h.p.CreatePod(context.Background(), pod); err != nil {
			t.Fatal(err)
		}
		got := h.waitFor("a terminal phase", terminal)
		term := got.Status.ContainerStatuses[0].State.Terminated
		if got.Status.Phase != corev1.PodFailed || term == nil || term.ExitCode != 137 || term.Reason != reasonNodeRestarted {
			t.Fatalf("phase %s, state %+v; want Failed with exit 137 %s", got.Status.Phase, got.Status.ContainerStatuses[0].State, reasonNodeRestarted)
		}
		if _, err := os.Stat(filepath.Join(h.state, "pods", "test_lost", "uid-lost", "volumes", "scratch", "ran")); err == nil {
			t.Error("the container ran again")
		}
	})

	t.Run("restartPolicy Always runs again as a restart", func(t *testing.T) {
		h := newHarness(t)
		pod := testPodSpec("again", corev1.RestartPolicyAlways, corev1.Container{Name: "main", Image: "tools:1", Command: []string{"sleep", "600"}})
		pod.Status = wasRunning
		if err := h.p.CreatePod(context.Background(), pod); err != nil {
			t.Fatal(err)
		}
		got := h.waitFor("a running container", running)
		st := got.Status.ContainerStatuses[0]
		if st.RestartCount != 3 || st.LastTerminationState.Terminated == nil || st.LastTerminationState.Terminated.Reason != reasonNodeRestarted {
			t.Errorf("restarts %d, lastState %+v; want 3 and the run lost with the previous localnode", st.RestartCount, st.LastTerminationState)
		}
	})
}
