package imagemap

import (
	"slices"
	"testing"
)

func TestParseRule(t *testing.T) {
	tests := []struct {
		in      string
		want    Rule
		wantErr bool
	}{
		{in: "example.com/langflix/runner:*=/opt/bin/runner", want: Rule{Pattern: "example.com/langflix/runner:*", Path: "/opt/bin/runner"}},
		{in: " busybox:* = /bin/ ", want: Rule{Pattern: "busybox:*", Path: "/bin/"}},
		{in: "busybox=/bin/sh=x", want: Rule{Pattern: "busybox", Path: "/bin/sh=x"}},
		{in: "busybox", wantErr: true},
		{in: "=/bin/sh", wantErr: true},
		{in: "busybox=", wantErr: true},
		{in: "busybox=bin/sh", wantErr: true},
		{in: "*/runner:*=/bin/sh", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseRule(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseRule(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseRule(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestRuleMatches(t *testing.T) {
	tests := []struct {
		pattern string
		image   string
		want    bool
	}{
		{"example.com/langflix/runner:*", "example.com/langflix/runner:v1.2.3", true},
		{"example.com/langflix/runner:*", "example.com/langflix/runner", true},
		{"example.com/langflix/runner:*", "example.com/langflix/runner@sha256:abc", true},
		{"example.com/langflix/runner:*", "example.com/langflix/runner-debug:v1", false},
		{"example.com/langflix/runner:*", "other.com/langflix/runner:v1", false},
		{"busybox", "busybox:latest", true},
		{"busybox:latest", "busybox", true},
		{"busybox", "busybox:1.36", false},
		{"localhost:5000/app", "localhost:5000/app:latest", true},
		{"localhost:5000/app", "localhost:5000/app:v2", false},
		{"example.com/langflix/*", "example.com/langflix/anything:v9", true},
		{"example.com/langflix/*", "example.com/other/anything:v9", false},
		{"*", "whatever:tag", true},
		{"busybox:1.36", "busybox:1.36", true},
		{"busybox@sha256:abc", "busybox@sha256:abc", true},
	}
	for _, tt := range tests {
		if got := (Rule{Pattern: tt.pattern, Path: "/bin/true"}).Matches(tt.image); got != tt.want {
			t.Errorf("Rule{%q}.Matches(%q) = %v, want %v", tt.pattern, tt.image, got, tt.want)
		}
	}
}

func TestMapLookupFirstMatchWins(t *testing.T) {
	var m Map
	for _, s := range []string{"busybox:1.36=/opt/old/sh", "busybox:*=/bin/sh", "*=/bin/false"} {
		if err := m.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		image    string
		wantPath string
	}{
		{"busybox:1.36", "/opt/old/sh"},
		{"busybox:1.37", "/bin/sh"},
		{"alpine", "/bin/false"},
	}
	for _, tt := range tests {
		r, ok := m.Lookup(tt.image)
		if !ok || r.Path != tt.wantPath {
			t.Errorf("Lookup(%q) = %+v, %v; want path %q", tt.image, r, ok, tt.wantPath)
		}
	}
	if _, ok := (Map{}).Lookup("busybox"); ok {
		t.Error("empty map matched an image")
	}
	if got := m.String(); got != "busybox:1.36=/opt/old/sh,busybox:*=/bin/sh,*=/bin/false" {
		t.Errorf("String() = %q", got)
	}
}

func TestRuleArgv(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		command []string
		args    []string
		want    []string
		wantErr bool
	}{
		{name: "command[0] replaced", path: "/bin/sh", command: []string{"sh", "-c", "echo hi"}, want: []string{"/bin/sh", "-c", "echo hi"}},
		{name: "entrypoint when no command", path: "/opt/runner", args: []string{"render", "--out=/data"}, want: []string{"/opt/runner", "render", "--out=/data"}},
		{name: "command and args", path: "/opt/runner", command: []string{"/runner", "task"}, args: []string{"--id=7"}, want: []string{"/opt/runner", "task", "--id=7"}},
		{name: "directory resolves base name", path: "/bin/", command: []string{"/bin/sleep", "600"}, want: []string{"/bin/sleep", "600"}},
		{name: "directory with args", path: "/usr/bin/", command: []string{"env"}, args: []string{"-0"}, want: []string{"/usr/bin/env", "-0"}},
		{name: "directory needs a command", path: "/bin/", args: []string{"x"}, wantErr: true},
		{name: "directory rejects dot", path: "/bin/", command: []string{".."}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Rule{Pattern: "x", Path: tt.path}.Argv(tt.command, tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Argv = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSuggestPattern(t *testing.T) {
	tests := map[string]string{
		"busybox":                          "busybox:*",
		"busybox:1.36":                     "busybox:*",
		"localhost:5000/app":               "localhost:5000/app:*",
		"localhost:5000/app:v1":            "localhost:5000/app:*",
		"example.com/a/b@sha256:abcd":      "example.com/a/b:*",
		"example.com/a/b:v2@sha256:abcdef": "example.com/a/b:*",
	}
	for image, want := range tests {
		got := SuggestPattern(image)
		if got != want {
			t.Errorf("SuggestPattern(%q) = %q, want %q", image, got, want)
		}
		if !(Rule{Pattern: got, Path: "/x"}).Matches(image) {
			t.Errorf("suggested pattern %q does not match %q", got, image)
		}
	}
}
