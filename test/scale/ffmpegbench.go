package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// runnerDirectRatio reads the runner/direct metric from the output of `make bench` (BenchmarkCut).
func runnerDirectRatio(path string) (float64, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "BenchmarkCut") {
			continue
		}
		fields := strings.Fields(line)
		for i := 1; i < len(fields); i++ {
			if fields[i] == "runner/direct" {
				v, err := strconv.ParseFloat(fields[i-1], 64)
				if err != nil {
					return 0, "", fmt.Errorf("%s: runner/direct %q: %w", path, fields[i-1], err)
				}
				return v, strings.Join(fields, " "), nil
			}
		}
	}
	return 0, "", fmt.Errorf("%s holds no BenchmarkCut line with runner/direct", path)
}
