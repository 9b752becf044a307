package launch

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/langflix/langflix-operator/hack/localnode/internal/imagemap"
)

func TestBuildProcess(t *testing.T) {
	paths := NewPathMap(
		Mount{ContainerPath: "/data", HostPath: "/state/media"},
		Mount{ContainerPath: "/dev/termination-log", HostPath: "/state/pods/ns_p/main.termination-log"},
	)
	hostEnv := []EnvVar{{"PATH", "/usr/bin:/bin"}, {"HOME", "/root"}}
	defaults := []EnvVar{{"HOSTNAME", "p"}, {"TMPDIR", "/state/pods/ns_p/tmp"}}
	tests := []struct {
		name      string
		rule      imagemap.Rule
		container corev1.Container
		env       []EnvVar
		want      Process
		wantErr   bool
	}{
		{
			name: "shell script with mounted paths",
			rule: imagemap.Rule{Pattern: "busybox:*", Path: "/bin/sh"},
			container: corev1.Container{Name: "main",
				Command: []string{"sh", "-c", `echo hi > /data/out.txt; echo '{"ok":true}' > /dev/termination-log`}},
			want: Process{
				Argv: []string{"/bin/sh", "-c", `echo hi > /state/media/out.txt; echo '{"ok":true}' > /state/pods/ns_p/main.termination-log`},
				Env:  []string{"PATH=/usr/bin:/bin", "HOME=/root", "HOSTNAME=p", "TMPDIR=/state/pods/ns_p/tmp"},
				Dir:  "/state/pods/ns_p/work",
			},
		},
		{
			name:      "expansion happens before rewriting; env values are rewritten; container env wins",
			rule:      imagemap.Rule{Pattern: "runner:*", Path: "/opt/runner"},
			container: corev1.Container{Name: "main", Args: []string{"--in=$(IN)", "$(MISSING)", "$$(IN)"}, WorkingDir: "/data/work"},
			env:       []EnvVar{{"IN", "/data/in.mp4"}, {"TMPDIR", "/data/tmp"}, {"HOME", "/home/app"}},
			want: Process{
				Argv: []string{"/opt/runner", "--in=/state/media/in.mp4", "$(MISSING)", "$(IN)"},
				Env: []string{"PATH=/usr/bin:/bin", "HOME=/home/app", "HOSTNAME=p", "TMPDIR=/state/media/tmp",
					"IN=/state/media/in.mp4"},
				Dir: "/state/media/work",
			},
		},
		{
			name:      "working directory outside mounts is kept",
			rule:      imagemap.Rule{Pattern: "x", Path: "/bin/"},
			container: corev1.Container{Name: "main", Command: []string{"/usr/bin/env"}, WorkingDir: "/srv"},
			want: Process{Argv: []string{"/bin/env"},
				Env: []string{"PATH=/usr/bin:/bin", "HOME=/root", "HOSTNAME=p", "TMPDIR=/state/pods/ns_p/tmp"}, Dir: "/srv"},
		},
		{
			name:      "directory rule without command",
			rule:      imagemap.Rule{Pattern: "x", Path: "/bin/"},
			container: corev1.Container{Name: "main"},
			wantErr:   true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildProcess(ProcessInput{Container: &tt.container, Rule: tt.rule, Env: tt.env, Paths: paths,
				HostEnv: hostEnv, Defaults: defaults, DefaultDir: "/state/pods/ns_p/work"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				if se := SetupErrorOf(err); se == nil || !se.Permanent {
					t.Errorf("want a permanent setup error, got %#v", err)
				}
				return
			}
			if !slices.Equal(got.Argv, tt.want.Argv) {
				t.Errorf("Argv = %q, want %q", got.Argv, tt.want.Argv)
			}
			if !slices.Equal(got.Env, tt.want.Env) {
				t.Errorf("Env = %q, want %q", got.Env, tt.want.Env)
			}
			if got.Dir != tt.want.Dir {
				t.Errorf("Dir = %q, want %q", got.Dir, tt.want.Dir)
			}
		})
	}
}
