package manager

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestSetMemoryLimit(t *testing.T) {
	// The runtime's limit is process-wide: restore it whatever the cases set.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	v2 := write("memory.max", "268435456\n")
	v1 := write("memory.limit_in_bytes", "536870912\n")
	missing := filepath.Join(dir, "missing")

	for _, tc := range []struct {
		name     string
		gomemlim string
		files    []string
		wantSoft int64 // returned and set in the runtime; 0: the runtime's limit is left alone
	}{
		{name: "cgroup v2, 256 MiB: 90 %", files: []string{v2, v1}, wantSoft: 241591910},
		{name: "cgroup v1 only, 512 MiB: 90 %", files: []string{missing, v1}, wantSoft: 483183820},
		{name: "cgroup v2 without a limit", files: []string{write("max", "max\n"), v1}},
		{name: "cgroup v1 without a limit (2^63 rounded to pages)", files: []string{missing, write("v1max", "9223372036854771712\n")}},
		{name: "unreadable content", files: []string{write("garbage", "lots\n")}},
		{name: "zero", files: []string{write("zero", "0\n")}},
		{name: "not in a container", files: []string{missing}},
		{name: "GOMEMLIMIT set: the operator's choice stays", gomemlim: "100MiB", files: []string{v2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			got := setMemoryLimit(func(key string) string {
				if key == "GOMEMLIMIT" {
					return tc.gomemlim
				}
				return ""
			}, tc.files)
			if got != tc.wantSoft {
				t.Errorf("soft limit %d, want %d", got, tc.wantSoft)
			}
			wantRuntime := tc.wantSoft
			if wantRuntime == 0 {
				wantRuntime = math.MaxInt64
			}
			if rt := debug.SetMemoryLimit(-1); rt != wantRuntime {
				t.Errorf("runtime limit %d, want %d", rt, wantRuntime)
			}
		})
	}
}
