package namespaces

import (
	"testing"

	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name        string
		annotations map[string]string
		want        Settings
		problems    int
	}{
		{"none", nil, Settings{}, 0},
		{"a limit", map[string]string{tasksv1.AnnotationMaxRunningTasks: "3"}, Settings{MaxRunningTasks: ptr.To(3)}, 0},
		{"0 is no limit", map[string]string{tasksv1.AnnotationMaxRunningTasks: " 0 "}, Settings{MaxRunningTasks: ptr.To(0)}, 0},
		{"not a number is ignored", map[string]string{tasksv1.AnnotationMaxRunningTasks: "three"}, Settings{}, 1},
		{"negative is ignored", map[string]string{tasksv1.AnnotationMaxRunningTasks: "-1"}, Settings{}, 1},
		{"too large is ignored", map[string]string{tasksv1.AnnotationMaxRunningTasks: "99999999999"}, Settings{}, 1},
		{"a queue", map[string]string{tasksv1.AnnotationQueueName: "team-a"}, Settings{QueueName: "team-a"}, 0},
		{"a queue that is no name", map[string]string{tasksv1.AnnotationQueueName: "Team A"}, Settings{}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Parse(tc.annotations)
			if len(got.Problems) != tc.problems {
				t.Errorf("problems %q, want %d", got.Problems, tc.problems)
			}
			got.Problems = nil
			if !got.Equal(tc.want) {
				t.Errorf("Parse = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestStoreCallsBackOnChangesOnly(t *testing.T) {
	s := NewStore()
	var changed []string
	s.OnChange(func(ns string) { changed = append(changed, ns) })
	s.Set("a", Settings{MaxRunningTasks: ptr.To(2)})
	s.Set("a", Settings{MaxRunningTasks: ptr.To(2)})
	s.Set("a", Settings{MaxRunningTasks: ptr.To(3)})
	s.remove("a")
	s.remove("a")
	if len(changed) != 3 {
		t.Errorf("callbacks %v, want 3 (set, change, remove)", changed)
	}
	if s.Get("a").MaxRunningTasks != nil {
		t.Error("a removed namespace keeps its settings")
	}
}
