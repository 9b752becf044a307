package subtitles

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

// fuzzMinimizeTime replaces go test's default -fuzzminimizetime of 60s for this package's fuzz targets.
//
// The fuzzing engine minimizes every input that reaches new coverage, not only failing ones, and its
// minimizer tries every removable byte range: O(n²) runs of the fuzz function for an n-byte input. The
// engine's inputs grow to several KiB, so each minimization runs into the 60-second cap. The worker does no
// fuzzing meanwhile, and its runs are only counted when minimization ends, so the log shows
// "execs: ... (0/sec)" for the rest of a short run: it looks like a hang in Parse, but the stack of a
// stalled worker is in internal/fuzz.minimizeBytes, running Parse on fast inputs. Two seconds still
// shrink most inputs (the linear passes come first) and leave the run to exploring.
const fuzzMinimizeTime = "2s"

func TestMain(m *testing.M) {
	flag.Parse()
	if !flagGiven("test.fuzzminimizetime") {
		if err := flag.Set("test.fuzzminimizetime", fuzzMinimizeTime); err != nil {
			fmt.Fprintln(os.Stderr, "set -test.fuzzminimizetime:", err)
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}

// flagGiven reports whether the named flag was set on the command line, so that an explicit
// -fuzzminimizetime still wins over the package default.
func flagGiven(name string) bool {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
