package kubectlplugin

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// plainMessageWidth bounds the runner's message in a plain line.
const plainMessageWidth = 120

// plainRenderer prints one line per change, for CI logs and pipes where a redrawn bar would be noise:
//
//	12:00:09 videotask default/sintel Running 20% subtitles attempt 1/4 eta 16s: parsed 412 cues
type plainRenderer struct {
	out io.Writer
}

func newPlainRenderer(out io.Writer) *plainRenderer {
	return &plainRenderer{out: out}
}

// Update prints the change as of when it was observed, so the time and the ETA on a line agree.
func (r *plainRenderer) Update(v taskView) {
	fmt.Fprintln(r.out, plainLine(v, v.EstimatedAt))
}

func (r *plainRenderer) Finish(bool) {}

// plainLine is one line of plain watch output.
func plainLine(v taskView, now time.Time) string {
	fields := []string{now.Format("15:04:05"), taskLabel(v.Key), phaseLabel(v.snapshot)}
	fields = append(fields, percentStage(v.snapshot), attemptLabel(v.snapshot), etaLabel(v, now), waitLabel(v.snapshot, now))
	line := joinNonEmpty(" ", fields...)
	if detail := oneLine(detailLabel(v.snapshot), plainMessageWidth); detail != "" {
		line += ": " + detail
	}
	return strings.TrimSpace(line)
}
