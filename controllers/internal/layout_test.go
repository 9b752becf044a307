package internal_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/langflix/langflix-operator/"

// Imports run one way: each reconciler package stands on this shared layer and on no other reconciler,
// and the shared layer never reaches up into a reconciler or the manager wiring.
func TestImportsRunOneWay(t *testing.T) {
	forbidden := map[string][]string{
		"controllers/internal":      {"controllers/task", "controllers/cleanuppolicy", "controllers/manager"},
		"controllers/task":          {"controllers/cleanuppolicy", "controllers/manager"},
		"controllers/cleanuppolicy": {"controllers/task", "controllers/manager"},
	}
	for dir, bad := range forbidden {
		root := filepath.Join("..", "..", dir)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range bad {
					if p == module+b || strings.HasPrefix(p, module+b+"/") {
						t.Errorf("%s imports %s: %s may not depend on it", path, p, dir)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
