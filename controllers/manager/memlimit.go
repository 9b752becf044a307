package manager

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// memoryLimitShare is the part of the container's memory limit the Go heap may use before the garbage
// collector works harder to stay below it; the rest is for the runtime, stacks and what the kernel counts
// besides.
const memoryLimitShare = 0.9

// cgroupMemoryLimitFiles are where cgroup v2 and v1 publish the container's memory limit.
var cgroupMemoryLimitFiles = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// setMemoryLimit gives the Go runtime a soft memory limit of 90 % of the container's memory limit, unless
// GOMEMLIMIT sets one: by default the heap may grow to twice what is live before a collection, and with
// thousands of tasks cached that slack alone can pass the container's limit and get the manager
// OOM-killed. It returns the limit set, 0 when none (no GOMEMLIMIT, no cgroup limit: outside a
// container, or a container without a limit).
func setMemoryLimit(getenv func(string) string, files []string) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return 0
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		limit, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
		// "max" (v2) or a huge number (v1, 2^63 rounded to pages) mean no limit.
		if err != nil || limit <= 0 || limit >= 1<<60 {
			return 0
		}
		soft := SoftMemoryLimit(limit)
		debug.SetMemoryLimit(soft)
		return soft
	}
	return 0
}

// SoftMemoryLimit is the Go memory limit the manager gives itself in a container with this memory limit
// (bytes). The scale benchmark, which runs the manager as a local process, sets GOMEMLIMIT to it to run
// the manager as the chart's container would.
func SoftMemoryLimit(containerLimit int64) int64 {
	return int64(float64(containerLimit) * memoryLimitShare)
}
