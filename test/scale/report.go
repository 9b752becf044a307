package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
)

// figure is one line of the report: a measured value against its target.
type figure struct {
	section, name, value, target string
	// pass is nil for a figure without a target (reported for context).
	pass *bool
}

func (f figure) result() string {
	switch {
	case f.pass == nil:
		return ""
	case *f.pass:
		return "PASS"
	default:
		return "MISS"
	}
}

// report collects the figures and the tables behind them.
type report struct {
	title   string
	figures []figure
	tables  []table
	notes   []string
}

// table is a breakdown printed under the figures.
type table struct {
	title  string
	header []string
	rows   [][]string
}

func (r *report) add(section, name, value, target string, pass *bool) {
	r.figures = append(r.figures, figure{section: section, name: name, value: value, target: target, pass: pass})
}

func (r *report) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// atMost and equal build a pass for a figure with a target.
func atMost(v, limit float64) *bool { ok := v <= limit; return &ok }
func equal(v, want float64) *bool   { ok := v == want; return &ok }

// misses counts the figures that missed their target.
func (r *report) misses() int {
	n := 0
	for _, f := range r.figures {
		if f.pass != nil && !*f.pass {
			n++
		}
	}
	return n
}

// sorted returns the figures grouped by section, in the order of the items (the section names
// start with their number), measurement order within a section.
func (r *report) sorted() []figure {
	out := slices.Clone(r.figures)
	sort.SliceStable(out, func(i, j int) bool { return out[i].section < out[j].section })
	return out
}

// print writes the report as aligned text.
func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\n==== %s\n", r.title)
	width := 0
	for _, f := range r.figures {
		width = max(width, len(f.name))
	}
	section := ""
	for _, f := range r.sorted() {
		if f.section != section {
			section = f.section
			fmt.Fprintf(w, "\n%s\n", section)
		}
		target := f.target
		if target == "" {
			target = "-"
		}
		fmt.Fprintf(w, "  %-*s  %-28s target %-14s %s\n", width, f.name, f.value, target, f.result())
	}
	for _, t := range r.tables {
		fmt.Fprintf(w, "\n%s\n", t.title)
		widths := make([]int, len(t.header))
		for _, row := range append([][]string{t.header}, t.rows...) {
			for i, c := range row {
				widths[i] = max(widths[i], len(c))
			}
		}
		for _, row := range append([][]string{t.header}, t.rows...) {
			fmt.Fprint(w, " ")
			for i, c := range row {
				fmt.Fprintf(w, " %-*s", widths[i], c)
			}
			fmt.Fprintln(w)
		}
	}
	if len(r.notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range r.notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	fmt.Fprintf(w, "\n%d figure(s) missed their target\n", r.misses())
}

// markdown writes the report as Markdown tables, for docs/benchmarks.md.
func (r *report) markdown(w io.Writer) {
	fmt.Fprintf(w, "### %s\n\n", r.title)
	fmt.Fprintln(w, "| figure | measured | target | result |")
	fmt.Fprintln(w, "| --- | --- | --- | --- |")
	section := ""
	for _, f := range r.sorted() {
		if f.section != section {
			section = f.section
			fmt.Fprintf(w, "| **%s** | | | |\n", section)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", f.name, f.value, f.target, f.result())
	}
	for _, t := range r.tables {
		fmt.Fprintf(w, "\n%s\n\n| %s |\n|%s\n", t.title, strings.Join(t.header, " | "), strings.Repeat(" --- |", len(t.header)))
		for _, row := range t.rows {
			fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
		}
	}
	if len(r.notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range r.notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
	fmt.Fprintln(w)
}

func (r *report) writeMarkdown(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	r.markdown(f)
	return f.Close()
}

// countTable turns counts by key into sorted rows of key, count and count per unit.
func countTable(title, unit string, counts map[string]float64, per float64) table {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t := table{title: title, header: []string{"request", "count", "per " + unit}}
	for _, k := range keys {
		t.rows = append(t.rows, []string{k, fmt.Sprintf("%.0f", counts[k]), fmt.Sprintf("%.3f", counts[k]/per)})
	}
	return t
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }
func mib(b int64) string             { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
