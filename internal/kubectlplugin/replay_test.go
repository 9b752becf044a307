package kubectlplugin

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apimachinery/pkg/watch"
	clocktesting "k8s.io/utils/clock/testing"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

// recordedEvent is one event of a recorded watch stream, as `kubectl get -w --output-watch-events` prints it.
type recordedEvent struct {
	Type   watch.EventType      `json:"type"`
	Object runtime.RawExtension `json:"object"`
}

// loadStream reads a recorded stream (YAML documents or concatenated JSON) into task events.
func loadStream(t *testing.T, path string) []struct {
	Type watch.EventType
	Task tasksv1alpha1.Task
} {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	decode := serializer.NewCodecFactory(scheme).UniversalDeserializer().Decode
	dec := yaml.NewYAMLOrJSONDecoder(f, 4096)
	var out []struct {
		Type watch.EventType
		Task tasksv1alpha1.Task
	}
	for {
		var ev recordedEvent
		if err := dec.Decode(&ev); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("%s: event %d: %v", path, len(out)+1, err)
		}
		if ev.Type == "" {
			continue // an empty document, e.g. the comment header
		}
		obj, _, err := decode(ev.Object.Raw, nil, nil)
		if err != nil {
			t.Fatalf("%s: event %d: %v", path, len(out)+1, err)
		}
		task, ok := obj.(tasksv1alpha1.Task)
		if !ok {
			t.Fatalf("%s: event %d: %T is not a task", path, len(out)+1, obj)
		}
		out = append(out, struct {
			Type watch.EventType
			Task tasksv1alpha1.Task
		}{ev.Type, task})
	}
}

// latestTime is the newest timestamp a task object carries. A replay sets its clock to it (never
// backwards), which is when a live watcher would have received the event, give or take the network.
func latestTime(t tasksv1alpha1.Task) time.Time {
	latest := t.GetCreationTimestamp().Time
	later := func(ts time.Time) {
		if ts.After(latest) {
			latest = ts
		}
	}
	st := t.GetTaskStatus()
	for _, ts := range []*metav1.Time{st.StartTime, st.CompletionTime} {
		if ts != nil {
			later(ts.Time)
		}
	}
	if st.Progress != nil && st.Progress.UpdateTime != nil {
		later(st.Progress.UpdateTime.Time)
	}
	for _, c := range st.Conditions {
		later(c.LastTransitionTime.Time)
	}
	return latest
}

// replay feeds a recorded stream through the watch's follower, as the informers would: the leading ADDED
// events are the initial list, then the Synced marker, then the rest. It returns what the user sees.
func replay(t *testing.T, path string, newRenderer func(io.Writer, *clocktesting.FakePassiveClock) renderer,
	onlyUnfinished bool) string {
	t.Helper()
	events := loadStream(t, path)
	var out bytes.Buffer
	clk := clocktesting.NewFakePassiveClock(time.Time{})
	advance := func(ts time.Time) {
		if ts.After(clk.Now()) {
			clk.SetTime(ts)
		}
	}
	f := &follower{tracker: newTracker(onlyUnfinished), renderer: newRenderer(&out, clk), clock: clk}
	done, synced := false, false
	for i, ev := range events {
		if done {
			t.Fatalf("the watch ended before event %d", i+1)
		}
		if !synced && ev.Type != watch.Added {
			synced = true
			done = f.handle(sourceEvent{Synced: true})
			if done {
				t.Fatalf("the watch ended after the initial list")
			}
		}
		advance(latestTime(ev.Task))
		s := snapshotOf(ev.Task)
		s.Deleted = ev.Type == watch.Deleted
		done = f.handle(sourceEvent{Snapshot: s})
	}
	res := f.finish(!done)
	writeSummary(&out, res.views, clk.Now())
	fmt.Fprintf(&out, "exit: %v\n", res.err(0))
	return out.String()
}

// TestWatchGoldenPlain replays watch streams through the plain (non-terminal) renderer with a fake clock and
// compares every line with testdata/*.golden.
func TestWatchGoldenPlain(t *testing.T) {
	tests := []struct {
		stream, golden string
		onlyUnfinished bool
	}{
		// What `watch -n lessons` shows: the tasks in flight, not the one that finished before.
		{"two-tasks.stream.yaml", "two-tasks.plain.golden", true},
		// Every task of the stream, as a watch of one named task tracks it whatever its phase.
		{"two-tasks.stream.yaml", "two-tasks.all.golden", false},
		// A real run: recorded on the cluster of `make demo` with `kubectl get videotasks -w
		// --output-watch-events -o json` (managedFields removed) while `kubectl langflix retry sintel-demo`
		// ran the real operator and runner over the demo film. It has a finished task from before the watch,
		// several reports in one second, and the operator's brief Queued between Running and Succeeded.
		{"sintel-demo.stream.json", "sintel-demo.plain.golden", true},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got := replay(t, filepath.Join("testdata", tt.stream), func(w io.Writer, c *clocktesting.FakePassiveClock) renderer {
				return newPlainRenderer(w)
			}, tt.onlyUnfinished)
			goldenPath := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(goldenPath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("watch output differs from %s (-want +got):\n%s", goldenPath, diff)
			}
		})
	}
}

// TestWatchBarsRenderer replays the same stream through the live-bars renderer (mpb) into a buffer treated as
// a terminal. mpb redraws on its own schedule, so the frames are not compared byte for byte; the test
// checks that each task got a bar and that the last frame shows where each one ended.
func TestWatchBarsRenderer(t *testing.T) {
	got := replay(t, filepath.Join("testdata", "two-tasks.stream.yaml"), func(w io.Writer, c *clocktesting.FakePassiveClock) renderer {
		return newBarsRenderer(barsOutput{Out: w, ErrOut: w, AutoRefresh: true, Width: 180}, c)
	}, true)
	t.Logf("bars output:\n%s", got)
	for _, want := range []string{
		"videotask lessons/sintel", "slidetask lessons/break-the-ice", // one bar each
		"Succeeded", "100% manifest", // the finished bar
		"Failed", "BackoffLimitExceeded", // the failed one says why
		"=", // mpb's fill
		"exit: 1 of 2 tasks did not succeed",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("bars output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "big-buck-bunny") {
		t.Errorf("a task that finished before the watch got a bar:\n%s", got)
	}
}
