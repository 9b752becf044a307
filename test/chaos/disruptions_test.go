//go:build chaos

package chaos

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// nodeReaction is how long a node may take from the API server accepting a pod's deletion or eviction to
// its runner's exit on SIGTERM. A runner that ends on its own within it was not missed; one that runs on past
// it and exits 0 was never stopped. It is generous on purpose: on the 2 shared cores here (load 8-11) the
// stopped runners exited a median 3.5s and at most 6s after their pod's disruption; the note prints both.
const nodeReaction = 10 * time.Second

// runnerRun is one runner process from the ledgers: when it started and ended, and how.
type runnerRun struct {
	start, end time.Time // end is zero when the process never wrote its end line (SIGKILL)
	exitCode   string
}

// ledgerRuns reads every runner process of the scenario's ledgers, by pod name.
func ledgerRuns(volume string) (map[string]runnerRun, error) {
	files, err := filepath.Glob(filepath.Join(volume, "chaos-ledger", "*.log"))
	if err != nil {
		return nil, err
	}
	return readRuns(files)
}

// runnerRunning says whether the pod's runner has started and not ended, by its task's ledger
// (chaos-ledger/<namespace>_<task>.log), read at the moment of asking.
func runnerRunning(volume, namespace, task, pod string) bool {
	runs, err := readRuns([]string{filepath.Join(volume, "chaos-ledger", namespace+"_"+task+".log")})
	run := runs[pod]
	return err == nil && !run.start.IsZero() && run.end.IsZero()
}

func readRuns(files []string) (map[string]runnerRun, error) {
	runs := map[string]runnerRun{}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text()) // <event> <pod> <attempt> <unix ns> [exit code]
			if len(fields) < 4 {
				continue
			}
			ns, err := strconv.ParseInt(fields[3], 10, 64)
			if err != nil {
				continue
			}
			run := runs[fields[1]]
			switch fields[0] {
			case "start":
				run.start = time.Unix(0, ns)
			case "end":
				run.end = time.Unix(0, ns)
				if len(fields) > 4 {
					run.exitCode = fields[4]
				}
			}
			runs[fields[1]] = run
		}
		f.Close()
	}
	return runs, nil
}

// disruptionCounts is what became of the runners whose pods were deleted or evicted.
type disruptionCounts struct {
	injected       int             // pods deleted or evicted
	stopped        int             // their runner ended with 143: SIGTERM from the node
	lags           []time.Duration // from the API server accepting the disruption to the runner's exit, of the stopped ones
	notStarted     int             // no runner had started (the pod had not run it yet)
	finishedBefore int             // the runner had already ended (the pod's status still said Running)
	statusLag      time.Duration   // the longest of those: from the runner's exit to the disruption
	finishedWithin int             // the runner ended on its own within nodeReaction
	missed         []string        // the runner ran on past nodeReaction and was never stopped
}

// countDisruptions judges every disruption by the runners' own ledgers: each runner still running
// nodeReaction after its pod's deletion or eviction was accepted must have been stopped by SIGTERM.
func countDisruptions(runs map[string]runnerRun, disrupted map[string]time.Time) disruptionCounts {
	var c disruptionCounts
	for pod, at := range disrupted {
		c.injected++
		run, ok := runs[pod]
		switch {
		case !ok || run.start.IsZero():
			c.notStarted++
		case run.exitCode == "143":
			c.stopped++
			c.lags = append(c.lags, run.end.Sub(at))
		case !run.end.IsZero() && run.end.Before(at):
			c.finishedBefore++
			c.statusLag = max(c.statusLag, at.Sub(run.end))
		case !run.end.IsZero() && run.end.Sub(at) <= nodeReaction:
			c.finishedWithin++
		default:
			ended := "never ended"
			if !run.end.IsZero() {
				ended = fmt.Sprintf("ended %s later with exit %s", run.end.Sub(at).Round(100*time.Millisecond), run.exitCode)
			}
			c.missed = append(c.missed, pod+" "+ended)
		}
	}
	slices.Sort(c.lags)
	slices.Sort(c.missed)
	return c
}

// String is the note a scenario prints.
func (c disruptionCounts) String() string {
	lag := "-"
	if n := len(c.lags); n > 0 {
		lag = fmt.Sprintf("median %s, max %s", c.lags[n/2].Round(10*time.Millisecond), c.lags[n-1].Round(10*time.Millisecond))
	}
	return fmt.Sprintf("%d pods deleted or evicted: %d runners stopped by SIGTERM (exit 143; from the disruption to the exit: %s), "+
		"%d had not started their runner, %d runners had already finished (their pods still Running up to %s after the exit), "+
		"%d finished on their own within %s, %d ran on unstopped",
		c.injected, c.stopped, lag, c.notStarted, c.finishedBefore, c.statusLag.Round(100*time.Millisecond),
		c.finishedWithin, nodeReaction, len(c.missed))
}
