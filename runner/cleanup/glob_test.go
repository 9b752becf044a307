package cleanup

import "testing"

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		glob, rel string
		want      bool
	}{
		{"*.mp4", "a.mp4", true},
		{"*.mp4", "x/a.mp4", false}, // no implicit "anywhere"
		{"**/*.mp4", "a.mp4", true},
		{"**/*.mp4", "x/y/a.mp4", true},
		{"**/*.mp4", "x/y/a.srt", false},
		{"x/**", "x", true},
		{"x/**", "x/y/z", true},
		{"x/**", "xy/z", false},
		{"x/**/z", "x/z", true},
		{"x/**/z", "x/a/b/z", true},
		{"x/**/z", "x/a/b/zz", false},
		{"x/**/**/z", "x/a/z", true},
		{"**", "anything/at/all", true},
		{"/lessons/*/clips/", "lessons/ep1/clips", true},
		{"lessons/*/clips", "lessons/ep1/x/clips", false},
		{"lessons/ep[0-9]", "lessons/ep7", true},
		{"lessons/ep[0-9]", "lessons/epx", false},
		{"a?c", "abc", true},
		{"a?c", "a/c", false},
		{"**/.*", "deep/.hidden", true},
	}
	for _, tc := range tests {
		p, err := compilePattern(tc.glob)
		if err != nil {
			t.Fatalf("compilePattern(%q): %v", tc.glob, err)
		}
		if got := p.match(tc.rel); got != tc.want {
			t.Errorf("%q matches %q = %t, want %t", tc.glob, tc.rel, got, tc.want)
		}
	}
}

func TestCompilePatternRejectsBadSyntax(t *testing.T) {
	for _, glob := range []string{"", "/", "[", "a/[b", "x/\\"} {
		if _, err := compilePattern(glob); err == nil {
			t.Errorf("compilePattern(%q) succeeded, want an error", glob)
		}
	}
}
