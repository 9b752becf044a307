package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// series is one time series of a scrape: its labels and value.
type series struct {
	labels map[string]string
	value  float64
}

// key identifies a series within its metric: its labels, sorted.
func (s series) key() string {
	parts := make([]string, 0, len(s.labels))
	for k, v := range s.labels {
		parts = append(parts, fmt.Sprintf("%s=%q", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// samples is one scrape of a Prometheus endpoint: the series of every counter, gauge and untyped metric,
// and of every histogram its _sum and _count.
type samples map[string][]series

// parseMetrics reads the Prometheus text format.
func parseMetrics(r io.Reader) (samples, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("parse metrics: %w", err)
	}
	out := samples{}
	for name, fam := range families {
		for _, m := range fam.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if h := m.GetHistogram(); h != nil {
				out[name+"_sum"] = append(out[name+"_sum"], series{labels: labels, value: h.GetSampleSum()})
				out[name+"_count"] = append(out[name+"_count"], series{labels: labels, value: float64(h.GetSampleCount())})
				continue
			}
			var v float64
			switch {
			case m.Counter != nil:
				v = m.GetCounter().GetValue()
			case m.Gauge != nil:
				v = m.GetGauge().GetValue()
			case m.Untyped != nil:
				v = m.GetUntyped().GetValue()
			default:
				continue
			}
			out[name] = append(out[name], series{labels: labels, value: v})
		}
	}
	return out, nil
}

// sum adds up the series of metric name whose labels match every pair in match.
func (s samples) sum(name string, match map[string]string) float64 {
	var total float64
	for _, ser := range s[name] {
		if matches(ser.labels, match) {
			total += ser.value
		}
	}
	return total
}

// delta is after minus before for the series of metric name whose labels match, summed per group of the
// label values named in by (joined with "/"). A series missing before counts from zero: a counter that was
// never incremented is absent.
func delta(before, after samples, name string, match map[string]string, by ...string) map[string]float64 {
	old := map[string]float64{}
	for _, ser := range before[name] {
		old[ser.key()] = ser.value
	}
	out := map[string]float64{}
	for _, ser := range after[name] {
		if !matches(ser.labels, match) {
			continue
		}
		d := ser.value - old[ser.key()]
		if d == 0 {
			continue
		}
		group := make([]string, 0, len(by))
		for _, b := range by {
			group = append(group, ser.labels[b])
		}
		out[strings.Join(group, "/")] += d
	}
	return out
}

func matches(labels, match map[string]string) bool {
	for k, v := range match {
		if labels[k] != v {
			return false
		}
	}
	return true
}
