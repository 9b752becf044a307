package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTailOffset(t *testing.T) {
	long := strings.Repeat("x", 70000) + "\n" // longer than one read chunk
	tests := []struct {
		name    string
		content string
		n       int
		want    string
	}{
		{"last two of three", "a\nb\nc\n", 2, "b\nc\n"},
		{"no final newline", "a\nb\nc", 2, "b\nc"},
		{"more than available", "a\nb\n", 10, "a\nb\n"},
		{"exactly all", "a\nb\n", 2, "a\nb\n"},
		{"one", "a\nb\n", 1, "b\n"},
		{"empty lines count", "a\n\n\n", 2, "\n\n"},
		{"empty file", "", 3, ""},
		{"lines across chunks", "first\n" + long + "last\n", 2, long + "last\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(writeTemp(t, "log", tt.content))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			off, err := tailOffset(f, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.content[off:]; got != tt.want {
				t.Errorf("tail %d = %q, want %q", tt.n, abbreviate(got), abbreviate(tt.want))
			}
		})
	}
}

func abbreviate(s string) string {
	if len(s) > 40 {
		return s[:20] + "..." + s[len(s)-20:]
	}
	return s
}

func TestReadTerminationMessage(t *testing.T) {
	var logLines []string
	for i := 1; i <= 100; i++ {
		logLines = append(logLines, fmt.Sprintf("line %03d", i))
	}
	logText := strings.Join(logLines, "\n") + "\n"
	big := strings.Repeat("m", 5000)
	tests := []struct {
		name     string
		term     string
		log      string
		fallback bool
		exitCode int
		want     string
	}{
		{name: "file content", term: `{"ok":true}` + "\n", log: "noise\n", want: `{"ok":true}` + "\n"},
		{name: "capped at 4096 bytes", term: big, want: big[:4096]},
		{name: "empty file, no fallback", term: "", log: logText, exitCode: 1, want: ""},
		{name: "empty file, fallback, success", term: "", log: logText, fallback: true, exitCode: 0, want: ""},
		{name: "fallback takes the last 80 lines", term: "", log: logText, fallback: true, exitCode: 2,
			want: strings.Join(logLines[20:], "\n") + "\n"},
		{name: "file wins over fallback", term: "boom", log: logText, fallback: true, exitCode: 2, want: "boom"},
		{name: "fallback capped at 2048 bytes", term: "", log: strings.Repeat("y", 3000) + "\n", fallback: true, exitCode: 1,
			want: strings.Repeat("y", 2047) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term := writeTemp(t, "term", tt.term)
			logPath := writeTemp(t, "log", tt.log)
			if got := readTerminationMessage(term, logPath, tt.fallback, tt.exitCode); got != tt.want {
				t.Errorf("message = %q, want %q", abbreviate(got), abbreviate(tt.want))
			}
		})
	}
	if got := readTerminationMessage(filepath.Join(t.TempDir(), "missing"), filepath.Join(t.TempDir(), "missing"), true, 1); got != "" {
		t.Errorf("missing files gave %q", got)
	}
}

func TestSafeJoin(t *testing.T) {
	tests := []struct {
		rel     string
		want    string
		wantErr bool
	}{
		{rel: "a/b", want: "/v/a/b"},
		{rel: "a/../b", want: "/v/b"},
		{rel: ".", want: "/v"},
		{rel: "../x", wantErr: true},
		{rel: "a/../../x", wantErr: true},
		{rel: "/etc/passwd", wantErr: true},
	}
	for _, tt := range tests {
		got, err := safeJoin("/v", tt.rel)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("safeJoin(/v, %q) = %q, %v; want %q, error %v", tt.rel, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		stat      string
		wantState byte
		wantPgid  int
		wantOK    bool
	}{
		{"1234 (sleep) S 1 1230 1230 0 -1 4194560", 'S', 1230, true},
		{"99 (my (odd) name) Z 1 77 77 0", 'Z', 77, true},
		{"5 (a) R 1", 0, 0, false},
		{"garbage", 0, 0, false},
	}
	for _, tt := range tests {
		state, pgid, ok := parseStat([]byte(tt.stat))
		if state != tt.wantState || pgid != tt.wantPgid || ok != tt.wantOK {
			t.Errorf("parseStat(%q) = %c, %d, %v", tt.stat, state, pgid, ok)
		}
	}
}
