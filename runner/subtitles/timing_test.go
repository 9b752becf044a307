package subtitles

import (
	"testing"
	"time"
)

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"00:02:17,250", at(2, 17, 250), true},
		{"00:02:17.250", at(2, 17, 250), true},
		{"01:00:00,000", time.Hour, true},
		{"02.345", 0, false},
		{"00:02.345", at(0, 2, 345), true},
		{"0:00:01.23", at(0, 1, 230), true},
		{"0:00:04:56", at(0, 4, 560), true},
		{"00:00:01,5", at(0, 1, 500), true},
		{"00:04:56", at(4, 56, 0), true},
		{"  00:00:01,000  ", at(0, 1, 0), true},
		{"123:00:00,000", 123 * time.Hour, true},
		{"00:60:00,000", 0, false},
		{"00:00:60,000", 0, false},
		{"00:00:01,0000", 0, false},
		{"00:00:0x,000", 0, false},
		{"-00:00:01,000", 0, false},
		{"0:00:00:04:56", 0, false},
		{"", 0, false},
		{"999999:00:00,000", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseTimestamp(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseTimestamp(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseTimingLine(t *testing.T) {
	tests := []struct {
		line       string
		start, end time.Duration
		ok         bool
	}{
		{"00:00:00.000 --> 00:00:01.234 position:60%,end align:start size:35%", 0, at(0, 1, 234), true},
		{"00:02.345 --> 00:03.456 position:10 align:end", at(0, 2, 345), at(0, 3, 456), true},
		{"00:00:01,000-->00:00:02,000", at(0, 1, 0), at(0, 2, 0), true},
		{"00:00:01,000 --> 00:00:02,000 X1:100 X2:200 Y1:10 Y2:20", at(0, 1, 0), at(0, 2, 0), true},
		{"00:00:01,000 -->", 0, 0, false},
		{"00:00:01,000 --> soon", 0, 0, false},
		{"00:00:01,000 00:00:02,000", 0, 0, false},
	}
	for _, tt := range tests {
		start, end, ok := parseTimingLine(tt.line)
		if start != tt.start || end != tt.end || ok != tt.ok {
			t.Errorf("parseTimingLine(%q) = %v, %v, %v; want %v, %v, %v", tt.line, start, end, ok, tt.start, tt.end, tt.ok)
		}
	}
}

func TestIsTimingLine(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"00:00:01,000 --> 00:00:02,000", true},
		{"00:00:0x,000 --> broken", true},
		{"Go --> there", false},
		{"1", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isTimingLine(tt.line); got != tt.want {
			t.Errorf("isTimingLine(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}
