package kubectlplugin

import "time"

// etaWindow is how many of the runner's latest progress reports the rate is taken over. The runner writes at
// most every 2s and only on change, so 8 reports cover at least the last ~15s: enough to smooth one slow
// clip, short enough to follow the pipeline from a cheap stage (subtitles) into an expensive one (clips).
const etaWindow = 8

// etaMinSpan is how much of the runner's time the window must cover before an estimate is shown. The first
// reports of a run jump (probe and subtitles take a second, then the clips take minutes), and a rate from
// them promises seconds for a run of minutes.
const etaMinSpan = 10 * time.Second

// progressSample is one progress report: the percent the runner wrote and its status.progress.updateTime.
type progressSample struct {
	Percent int32
	At      time.Time
}

// etaEstimator estimates the time left of one attempt from the rate at which the runner's percent moves
// between its own timestamps (status.progress.updateTime). It uses the runner's clock, not the watcher's, so
// a slow watch connection or a re-list that delivers several reports at once does not distort the rate.
type etaEstimator struct {
	samples []progressSample
}

// Observe records a progress report. Reports without a timestamp, or older than the last one (the same
// report delivered again with an operator-side status change), are ignored. updateTime has a resolution of
// one second, so a report in the same second as the last one but further along (the runner's final flush)
// replaces it. A percent lower than the last one means a new run started (another attempt, or a runner
// restart), so the history is dropped.
func (e *etaEstimator) Observe(percent int32, at time.Time) {
	if at.IsZero() {
		return
	}
	if n := len(e.samples); n > 0 {
		last := &e.samples[n-1]
		switch {
		case at.Before(last.At):
			return
		case at.Equal(last.At):
			if percent > last.Percent {
				last.Percent = percent
			}
			return
		case percent < last.Percent:
			e.Reset()
		}
	}
	e.samples = append(e.samples, progressSample{Percent: percent, At: at})
	if len(e.samples) > etaWindow {
		e.samples = e.samples[len(e.samples)-etaWindow:]
	}
}

// Reset forgets the history, for a new attempt.
func (e *etaEstimator) Reset() { e.samples = e.samples[:0] }

// Estimate returns the time left after the latest report, and false when there is no rate yet: reports
// spanning less than etaMinSpan, or no percent gained over the window (a stage that reports messages
// without percent).
func (e *etaEstimator) Estimate() (time.Duration, bool) {
	n := len(e.samples)
	if n == 0 {
		return 0, false
	}
	last := e.samples[n-1]
	if last.Percent >= 100 {
		return 0, true
	}
	if n < 2 {
		return 0, false
	}
	first := e.samples[0]
	gained := float64(last.Percent - first.Percent)
	elapsed := last.At.Sub(first.At)
	if gained <= 0 || elapsed < etaMinSpan {
		return 0, false
	}
	left := float64(100-last.Percent) * float64(elapsed) / gained
	return time.Duration(left).Round(time.Second), true
}
