package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

const (
	barWidth      = 24
	maxMessageLen = 60
)

// NewTerminal returns a Sink writing to w. With tty set it redraws one bar line (stage, percent, ETA);
// otherwise it prints one plain line per change, which suits log collectors.
func NewTerminal(w io.Writer, tty bool) Sink {
	return &terminal{w: w, tty: tty}
}

type terminal struct {
	w   io.Writer
	tty bool

	mu       sync.Mutex
	last     string
	drawn    bool
	finished bool
}

func (t *terminal) Update(s Snapshot) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tty {
		t.drawBar(s)
		return
	}
	line := plainLine(s)
	if line == t.last {
		return
	}
	t.last = line
	fmt.Fprintln(t.w, line)
}

func (t *terminal) Close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tty && t.drawn && !t.finished {
		// Leave the cursor on a fresh line so later output does not overwrite the bar.
		fmt.Fprintln(t.w)
		t.finished = true
	}
}

func (t *terminal) drawBar(s Snapshot) {
	filled := barWidth * s.Current / max(s.Total, 1)
	bar := strings.Repeat("#", filled) + strings.Repeat("-", barWidth-filled)
	line := fmt.Sprintf("%-12s [%s] %3d%%", s.Stage, bar, s.Percent)
	if eta, ok := estimate(s); ok {
		line += "  ETA " + eta.String()
	}
	if s.Message != "" {
		line += "  " + shorten(s.Message, maxMessageLen)
	}
	// \r returns to the line start and \x1b[K clears what a longer previous line left behind.
	fmt.Fprint(t.w, "\r\x1b[K"+line)
	t.drawn = true
}

func plainLine(s Snapshot) string {
	line := fmt.Sprintf("progress %3d%% %s", s.Percent, s.Stage)
	if s.StageTotal > 0 {
		line += fmt.Sprintf(" %d/%d", s.StageCurrent, s.StageTotal)
	}
	if s.Message != "" {
		line += ": " + shorten(s.Message, maxMessageLen)
	}
	return line
}

// estimate extrapolates the remaining time from the pace so far; it needs some progress to be meaningful.
func estimate(s Snapshot) (time.Duration, bool) {
	if s.Done || s.Current <= 0 || s.Current >= s.Total || s.Elapsed <= 0 {
		return 0, false
	}
	remaining := time.Duration(float64(s.Elapsed) * float64(s.Total-s.Current) / float64(s.Current))
	return remaining.Round(time.Second), true
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
