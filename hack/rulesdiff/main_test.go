package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// generatedRole is how controller-gen writes rules: one rule per group and verb set.
const generatedRole = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: op
rules:
- apiGroups: [batch]
  resources: [jobs]
  verbs: [create, get]
- apiGroups: [rbac.authorization.k8s.io]
  resourceNames: [runner]
  resources: [clusterroles]
  verbs: [bind]
`

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		got      string
		gotName  string
		wantCode int
		wantOut  []string
	}{{
		name: "same rules split, merged and reordered among other documents",
		got: `kind: ServiceAccount
metadata: {name: op}
---
kind: ClusterRole
metadata: {name: runner}
rules: [{apiGroups: [x], resources: [y], verbs: [get]}]
---
kind: ClusterRole
metadata: {name: op}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], resourceNames: [runner], verbs: [bind]}
- {apiGroups: [batch], resources: [jobs], verbs: [get]}
- {apiGroups: [batch], resources: [jobs], verbs: [create]}
`,
		gotName:  "op",
		wantCode: 0,
		wantOut:  []string{"grants the same permissions"},
	}, {
		name: "missing verb and extra resource",
		got: `kind: ClusterRole
metadata: {name: op}
rules:
- {apiGroups: [batch], resources: [jobs, cronjobs], verbs: [get]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], resourceNames: [runner], verbs: [bind]}
`,
		wantCode: 1,
		wantOut: []string{
			`- missing: group="batch" resource=jobs name=<any> verb=create`,
			`+ extra:   group="batch" resource=cronjobs name=<any> verb=get`,
		},
	}, {
		name: "bind on any ClusterRole is wider than bind on one",
		got: `kind: ClusterRole
metadata: {name: op}
rules:
- {apiGroups: [batch], resources: [jobs], verbs: [create, get]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}
`,
		wantCode: 1,
		wantOut: []string{
			"- missing: group=\"rbac.authorization.k8s.io\" resource=clusterroles name=runner verb=bind",
			"+ extra:   group=\"rbac.authorization.k8s.io\" resource=clusterroles name=<any> verb=bind",
		},
	}, {
		name: "several ClusterRoles and no name",
		got: `kind: ClusterRole
metadata: {name: a}
---
kind: ClusterRole
metadata: {name: b}
`,
		wantCode: 2,
	}, {
		name:     "named role absent",
		got:      generatedRole,
		gotName:  "other",
		wantCode: 2,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			wantPath := writeFile(t, dir, "want.yaml", generatedRole)
			gotPath := writeFile(t, dir, "got.yaml", tt.got)
			var stdout, stderr bytes.Buffer
			code := run([]string{"-want", wantPath, "-got", gotPath, "-got-name", tt.gotName}, &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, line := range tt.wantOut {
				if !strings.Contains(stdout.String(), line) {
					t.Errorf("output lacks %q:\n%s", line, stdout.String())
				}
			}
		})
	}
}

// TestGeneratedRoleEqualsItself guards the parser against the real controller-gen output: a file must
// compare equal to itself, and dropping its last rule must be reported.
func TestGeneratedRoleEqualsItself(t *testing.T) {
	path := filepath.Join("..", "..", "config", "rbac", "role.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := loadRole(path, "ClusterRole", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rules) == 0 {
		t.Fatalf("%s parsed to no rules", path)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-want", path, "-got", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d\n%s%s", code, stdout.String(), stderr.String())
	}

	cut := string(data[:bytes.LastIndex(data, []byte("\n- apiGroups:"))+1])
	trimmed := writeFile(t, t.TempDir(), "trimmed.yaml", cut)
	stdout.Reset()
	if code := run([]string{"-want", path, "-got", trimmed}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit code %d after dropping the last rule, want 1\n%s", code, stdout.String())
	}
	if !strings.Contains(stdout.String(), "- missing:") {
		t.Errorf("no missing grant reported:\n%s", stdout.String())
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestNamespacedRoles compares a ClusterRole with the Roles a namespaced install renders, one namespace at a
// time: the right namespace passes, a Role that lacks a grant in another namespace is caught.
func TestNamespacedRoles(t *testing.T) {
	dir := t.TempDir()
	want := writeFile(t, dir, "want.yaml", generatedRole)
	got := writeFile(t, dir, "got.yaml", `kind: Role
metadata: {name: op, namespace: team-a}
rules:
- {apiGroups: [batch], resources: [jobs], verbs: [get, create]}
- {apiGroups: [rbac.authorization.k8s.io], resourceNames: [runner], resources: [clusterroles], verbs: [bind]}
---
kind: Role
metadata: {name: op, namespace: team-b}
rules:
- {apiGroups: [batch], resources: [jobs], verbs: [get, create]}
`)
	var stdout, stderr bytes.Buffer
	args := []string{"-want", want, "-got", got, "-got-kind", "Role", "-got-name", "op"}
	if code := run(append(args, "-got-namespace", "team-a"), &stdout, &stderr); code != 0 {
		t.Fatalf("team-a: exit code %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "Role team-a/op") {
		t.Errorf("output does not name the namespaced Role:\n%s", stdout.String())
	}
	stdout.Reset()
	if code := run(append(args, "-got-namespace", "team-b"), &stdout, &stderr); code != 1 {
		t.Fatalf("team-b: exit code %d, want 1\n%s", code, stdout.String())
	}
	if !strings.Contains(stdout.String(), "missing: group=\"rbac.authorization.k8s.io\" resource=clusterroles name=runner verb=bind") {
		t.Errorf("missing bind not reported:\n%s", stdout.String())
	}
	stderr.Reset()
	if code := run(append(args, "-got-namespace", "team-c"), &stdout, &stderr); code != 2 {
		t.Fatalf("team-c: exit code %d, want 2", code)
	}
}
