package main

import "testing"

// The lifecycle figure counts a task's own writes; the namespace's set-up and the leader election's Lease
// are counted apart (issue 11: "a namespace's runner ServiceAccount and RoleBinding are created once").
func TestClassifyWrites(t *testing.T) {
	got := classifyWrites(map[string]int{
		"create jobs":                           1000,
		"patch videotasks/status":               3000,
		"patch videotasks":                      2,
		"create serviceaccounts":                1,
		"create rolebindings":                   1,
		"create serviceaccounts (failed)":       1,
		"patch secrets":                         1,
		"create events":                         2000,
		"update leases " + leaderElectionSuffix: 30,
		"create events " + leaderElectionSuffix: 1,
	})
	want := writeKinds{lifecycle: 4002, events: 2000, leases: 31, setup: 4}
	if got != want {
		t.Errorf("classifyWrites = %+v, want %+v", got, want)
	}
}
