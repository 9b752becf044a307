package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestTerminalPlainLines(t *testing.T) {
	var out bytes.Buffer
	sink := NewTerminal(&out, false)
	sink.Update(Snapshot{Stage: "clips", StageCurrent: 1, StageTotal: 3, Current: 250, Total: 1000, Percent: 25, Message: "cut 01_break_the_ice"})
	sink.Update(Snapshot{Stage: "clips", StageCurrent: 1, StageTotal: 3, Current: 250, Total: 1000, Percent: 25, Message: "cut 01_break_the_ice"})
	sink.Update(Snapshot{Stage: "probe", Current: 0, Total: 1000})
	sink.Close()
	want := "progress  25% clips 1/3: cut 01_break_the_ice\nprogress   0% probe\n"
	if out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}

func TestTerminalBar(t *testing.T) {
	var out bytes.Buffer
	sink := NewTerminal(&out, true)
	sink.Update(Snapshot{Stage: "videos", Current: 500, Total: 1000, Percent: 50, Elapsed: 30 * time.Second, Message: "video 2/4"})
	sink.Update(Snapshot{Stage: "done", Current: 1000, Total: 1000, Percent: 100, Elapsed: 61 * time.Second, Done: true})
	sink.Close()
	got := out.String()
	first := "\r\x1b[Kvideos       [############------------]  50%  ETA 30s  video 2/4"
	if !strings.HasPrefix(got, first) {
		t.Fatalf("bar line %q, want prefix %q", got, first)
	}
	if !strings.HasSuffix(got, "[########################] 100%\n") || strings.Count(got, "ETA") != 1 {
		t.Fatalf("final bar %q", got)
	}
}

func TestShortenKeepsRunes(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 6, "short"},
		{"  spaced \n out ", 10, "spaced out"},
		{"얼음을 깨다 얼음을 깨다", 6, "얼음을 깨…"},
	}
	for _, tt := range tests {
		if got := shorten(tt.in, tt.n); got != tt.want {
			t.Errorf("shorten(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
