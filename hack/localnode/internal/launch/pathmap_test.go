package launch

import "testing"

func TestPathMapRewrite(t *testing.T) {
	m := NewPathMap(
		Mount{ContainerPath: "/data", HostPath: "/host/media"},
		Mount{ContainerPath: "/data/cache/", HostPath: "/host/cache/"},
		Mount{ContainerPath: "/dev/termination-log", HostPath: "/host/pod/main.termination-log"},
		Mount{ContainerPath: "/", HostPath: "/ignored"},
		Mount{ContainerPath: "relative", HostPath: "/ignored"},
	)
	tests := []struct {
		in   string
		want string
	}{
		{"/data", "/host/media"},
		{"/data/", "/host/media/"},
		{"/data/in.mp4", "/host/media/in.mp4"},
		{"/data/cache/x", "/host/cache/x"},
		{"/data/cachex", "/host/media/cachex"},
		{"--out=/data/out.mp4", "--out=/host/media/out.mp4"},
		{"a:/data/b:/data", "a:/host/media/b:/host/media"},
		{`echo hi > /data/out.txt; echo "{\"ok\":true}" > /dev/termination-log`,
			`echo hi > /host/media/out.txt; echo "{\"ok\":true}" > /host/pod/main.termination-log`},
		{"'/data/x y'", "'/host/media/x y'"},
		{"/database", "/database"},
		{"/data.bak", "/data.bak"},
		{"/var/data/x", "/var/data/x"},
		{"file:///data/x", "file:///data/x"},
		{"http://host/data/x", "http://host/data/x"},
		{"no paths here", "no paths here"},
		{"", ""},
		{"/dev/termination-log2", "/dev/termination-log2"},
		{"/dev/termination-log", "/host/pod/main.termination-log"},
	}
	for _, tt := range tests {
		if got := m.Rewrite(tt.in); got != tt.want {
			t.Errorf("Rewrite(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPathMapIgnoresRootAndDuplicates(t *testing.T) {
	m := NewPathMap(
		Mount{ContainerPath: "/a", HostPath: "/first"},
		Mount{ContainerPath: "/a/", HostPath: "/second"},
		Mount{ContainerPath: "/", HostPath: "/root-mount"},
	)
	got := m.Mounts()
	if len(got) != 1 || got[0] != (Mount{ContainerPath: "/a", HostPath: "/first"}) {
		t.Fatalf("Mounts() = %+v, want only /a -> /first", got)
	}
	if s := m.Rewrite("/etc/passwd"); s != "/etc/passwd" {
		t.Errorf("a root mount must not rewrite unrelated paths, got %q", s)
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"A": "alpha", "B": "$(A)", "EMPTY": ""}
	lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	tests := []struct {
		in   string
		want string
	}{
		{"plain", "plain"},
		{"$(A)", "alpha"},
		{"x-$(A)-y", "x-alpha-y"},
		{"$(B)", "$(A)"},
		{"$(MISSING)", "$(MISSING)"},
		{"$$(A)", "$(A)"},
		{"$$", "$"},
		{"cost: 5$", "cost: 5$"},
		{"$HOME", "$HOME"},
		{"$(A", "$(A"},
		{"$()", "$()"},
		{"[$(EMPTY)]", "[]"},
		{"$(A)$(A)", "alphaalpha"},
	}
	for _, tt := range tests {
		if got := Expand(tt.in, lookup); got != tt.want {
			t.Errorf("Expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
