package runnerv1alpha1_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The contract is imported by the operator and by the runner image; it must not drag either's
// dependencies into the other, so it may import only the standard library, apimachinery and the API types.
func TestContractImportsOnlyStdlibApimachineryAndTheAPI(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := func(path string) bool {
		first := strings.Split(path, "/")[0]
		return !strings.Contains(first, ".") || // the standard library
			strings.HasPrefix(path, "k8s.io/apimachinery/") ||
			path == "github.com/langflix/langflix-operator/api/v1alpha1"
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !allowed(path) {
				t.Errorf("%s imports %s", f, path)
			}
		}
	}
}
