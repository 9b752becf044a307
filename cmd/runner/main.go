// Command langflix-runner does the work of one LangFlix task inside its Kubernetes Job. See
// runner/cli for the commands and their flags.
package main

import (
	"os"

	"github.com/langflix/langflix-operator/runner/cli"
	"github.com/langflix/langflix-operator/runner/failure"
)

func main() {
	os.Exit(failure.ExitCode(cli.Execute()))
}
