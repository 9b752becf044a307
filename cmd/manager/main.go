// Command manager runs the langflix-operator: the VideoTask, SlideTask and CleanupPolicy controllers.
package main

import (
	"os"

	"github.com/langflix/langflix-operator/controllers/manager"
)

func main() {
	os.Exit(manager.Main(os.Args[1:]))
}
