package admission

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// task is a waiting task of a table: namespace, name, priority and creation time in seconds after t0.
type task struct {
	ns, name string
	prio     int32
	age      int
}

func (tk task) entry() *entry {
	return &entry{key: Key{Kind: "VideoTask", Namespace: tk.ns, Name: tk.name}, priority: tk.prio,
		created: t0.Add(time.Duration(tk.age) * time.Second)}
}

func order(w *waitingSet) []string {
	var out []string
	w.walk(nil, func(e *entry) bool {
		out = append(out, e.key.Namespace+"/"+e.key.Name)
		return true
	})
	return out
}

func TestWaitingOrder(t *testing.T) {
	tests := []struct {
		name   string
		tasks  []task
		served []string // namespaces served, in this order, before the walk
		want   []string
	}{
		{
			name:  "one namespace: oldest first",
			tasks: []task{{"a", "t3", 0, 3}, {"a", "t1", 0, 1}, {"a", "t2", 0, 2}},
			want:  []string{"a/t1", "a/t2", "a/t3"},
		},
		{
			name:  "same second: by name",
			tasks: []task{{"a", "b", 0, 1}, {"a", "a", 0, 1}},
			want:  []string{"a/a", "a/b"},
		},
		{
			name:  "higher priority first, whatever its age and namespace",
			tasks: []task{{"a", "old", 0, 1}, {"b", "urgent", 10, 9}, {"a", "low", -5, 0}},
			want:  []string{"b/urgent", "a/old", "a/low"},
		},
		{
			name: "equal priority: namespaces take turns, so one namespace's burst does not starve another",
			tasks: []task{{"a", "a1", 0, 1}, {"a", "a2", 0, 2}, {"a", "a3", 0, 3}, {"a", "a4", 0, 4},
				{"b", "b1", 0, 5}, {"c", "c1", 0, 6}, {"c", "c2", 0, 7}},
			want: []string{"a/a1", "b/b1", "c/c1", "a/a2", "c/c2", "a/a3", "a/a4"},
		},
		{
			name: "the namespace served longest ago takes the first turn",
			tasks: []task{{"a", "a1", 0, 1}, {"a", "a2", 0, 2}, {"b", "b1", 0, 3}, {"b", "b2", 0, 4},
				{"c", "c1", 0, 5}},
			served: []string{"c", "a"},
			want:   []string{"b/b1", "c/c1", "a/a1", "b/b2", "a/a2"},
		},
		{
			name: "turns within each priority level",
			tasks: []task{{"a", "a-hi1", 5, 1}, {"a", "a-hi2", 5, 2}, {"b", "b-hi", 5, 3},
				{"a", "a-lo", 0, 0}, {"b", "b-lo1", 0, 1}, {"b", "b-lo2", 0, 2}},
			want: []string{"a/a-hi1", "b/b-hi", "a/a-hi2", "a/a-lo", "b/b-lo1", "b/b-lo2"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWaitingSet()
			for _, tk := range tc.tasks {
				w.put(tk.entry())
			}
			for _, ns := range tc.served {
				w.served(ns)
			}
			got := order(w)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("order (-want +got):\n%s", diff)
			}
			for i, name := range got {
				tk := lookup(tc.tasks, name)
				if pos := w.position(tk.entry().key); pos != i+1 {
					t.Errorf("position(%s) = %d, the walk puts it at %d", name, pos, i+1)
				}
			}
		})
	}
}

func lookup(tasks []task, nsName string) task {
	for _, tk := range tasks {
		if tk.ns+"/"+tk.name == nsName {
			return tk
		}
	}
	panic("no task " + nsName)
}

// TestPositionMatchesWalk checks the position formula against the walk on random sets, also after
// removals, priority changes and served namespaces.
func TestPositionMatchesWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		w := newWaitingSet()
		var keys []Key
		for i := range 60 {
			e := task{ns: fmt.Sprintf("ns%d", rng.IntN(5)), name: fmt.Sprintf("t%d", i), prio: int32(rng.IntN(3)), age: rng.IntN(20)}.entry()
			w.put(e)
			keys = append(keys, e.key)
		}
		for range 15 {
			switch rng.IntN(3) {
			case 0:
				w.remove(keys[rng.IntN(len(keys))])
			case 1:
				if e := w.get(keys[rng.IntN(len(keys))]); e != nil {
					w.put(&entry{key: e.key, priority: int32(rng.IntN(3)), created: e.created})
				}
			case 2:
				w.served(fmt.Sprintf("ns%d", rng.IntN(5)))
			}
		}
		pos := 0
		w.walk(nil, func(e *entry) bool {
			pos++
			if got := w.position(e.key); got != pos {
				t.Fatalf("round %d: position(%s) = %d, walk says %d", round, e.key, got, pos)
			}
			return true
		})
		if pos != w.len() {
			t.Fatalf("round %d: walk visited %d of %d tasks", round, pos, w.len())
		}
	}
}

func TestWalkSkipsFullNamespaces(t *testing.T) {
	w := newWaitingSet()
	for _, tk := range []task{{"a", "a1", 0, 1}, {"a", "a2", 0, 2}, {"b", "b1", 0, 3}, {"c", "c1", 0, 4}, {"c", "c2", 0, 5}} {
		w.put(tk.entry())
	}
	var got []string
	w.walk(func(ns string) bool { return ns == "a" }, func(e *entry) bool {
		got = append(got, e.key.Name)
		return true
	})
	if diff := cmp.Diff([]string{"b1", "c1", "c2"}, got); diff != "" {
		t.Fatalf("walk with namespace a full (-want +got):\n%s", diff)
	}
}

func TestBucket(t *testing.T) {
	for p, want := range map[int32]int32{1: 1, 10: 10, 11: 20, 20: 20, 21: 50, 50: 50, 51: 100, 101: 200, 999: 1000,
		1001: 2000, 4999: 5000, 9999: 10000, 10001: 20000} {
		if got := bucket(p); got != want {
			t.Errorf("bucket(%d) = %d, want %d", p, got, want)
		}
	}
}
