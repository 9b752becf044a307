package v1alpha1_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// The README's API section describes the schema; these tests keep it from drifting. test/validation creates
// its YAML examples on a real API server with strict field validation.

// readmeKinds says which CRDs a "###" heading of the API section describes. Paths under a heading that is
// not listed must exist in some kind.
var readmeKinds = map[string][]string{
	"VideoTask":             {"videotasks"},
	"What the learner sees": {"videotasks"},
	"SlideTask":             {"slidetasks"},
	"CleanupPolicy":         {"cleanuppolicies"},
	"Task status":           {"videotasks", "slidetasks"},
	"":                      nil, // the section's introduction
	"(outside the section)": nil,
}

var (
	codeSpan  = regexp.MustCompile("`([^`]+)`")
	fieldPath = regexp.MustCompile(`^(spec|status)(\.[A-Za-z]+)+$`)
)

// readmePaths maps each heading of README.md's API section to the spec. and status. paths it names in code
// spans; paths named elsewhere in the README are under "(outside the section)".
func readmePaths(t *testing.T) (map[string][]string, []readmeRow) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string][]string{}
	var rows []readmeRow
	inSection, heading, inCode := false, "(outside the section)", false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			inCode = !inCode
			continue
		case inCode:
			continue
		case strings.HasPrefix(line, "## "):
			inSection = line == "## The three APIs"
			heading = "(outside the section)"
			if inSection {
				heading = ""
			}
			continue
		case strings.HasPrefix(line, "### ") && inSection:
			heading = strings.TrimPrefix(line, "### ")
			if _, ok := readmeKinds[heading]; !ok {
				t.Errorf("README: heading %q of the API section is not in readmeKinds: say which kind it describes", heading)
			}
			continue
		}
		for _, m := range codeSpan.FindAllStringSubmatch(line, -1) {
			if fieldPath.MatchString(m[1]) {
				paths[heading] = append(paths[heading], m[1])
			}
		}
		if inSection && strings.HasPrefix(line, "| `spec.") {
			rows = append(rows, parseRow(heading, line))
		}
	}
	return paths, rows
}

// readmeRow is a row of a "| Field | Default | Meaning |" table: the paths of its first cell and the code
// spans of its second.
type readmeRow struct {
	heading  string
	line     string
	paths    []string
	defaults []string
}

func parseRow(heading, line string) readmeRow {
	cells := strings.Split(line, "|")
	row := readmeRow{heading: heading, line: line}
	if len(cells) < 4 {
		return row
	}
	for _, m := range codeSpan.FindAllStringSubmatch(cells[1], -1) {
		row.paths = append(row.paths, m[1])
	}
	for _, m := range codeSpan.FindAllStringSubmatch(cells[2], -1) {
		row.defaults = append(row.defaults, m[1])
	}
	return row
}

// schemaAt returns the schema of a dotted path (spec.x.y) of a CRD, or nil.
func schemaAt(t *testing.T, crd, path string) map[string]any {
	t.Helper()
	cur := rootSchema(t, crd)
	for _, name := range strings.Split(path, ".") {
		props, _ := cur["properties"].(map[string]any)
		next, ok := props[name].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}

var rootSchemas = map[string]map[string]any{}

func rootSchema(t *testing.T, plural string) map[string]any {
	t.Helper()
	if s, ok := rootSchemas[plural]; ok {
		return s
	}
	data, err := os.ReadFile(crdFile(plural))
	if err != nil {
		t.Fatal(err)
	}
	var crd struct {
		Spec struct {
			Versions []struct {
				Name   string `json:"name"`
				Schema struct {
					OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatal(err)
	}
	for _, v := range crd.Spec.Versions {
		if v.Name == tasksv1.GroupVersion.Version {
			rootSchemas[plural] = v.Schema.OpenAPIV3Schema
			return v.Schema.OpenAPIV3Schema
		}
	}
	t.Fatalf("%s has no version %s", plural, tasksv1.GroupVersion.Version)
	return nil
}

var allKinds = []string{"videotasks", "slidetasks", "cleanuppolicies"}

func TestREADMENamesOnlyFieldsOfTheSchema(t *testing.T) {
	paths, _ := readmePaths(t)
	if len(paths) == 0 {
		t.Fatal("README.md names no spec. or status. paths")
	}
	for heading, list := range paths {
		kinds := readmeKinds[heading]
		for _, p := range list {
			if len(kinds) == 0 {
				found := false
				for _, k := range allKinds {
					found = found || schemaAt(t, k, p) != nil
				}
				if !found {
					t.Errorf("README (%s) names `%s`, which no kind has", heading, p)
				}
				continue
			}
			for _, k := range kinds {
				if schemaAt(t, k, p) == nil {
					t.Errorf("README section %q names `%s`, which %s does not have", heading, p, k)
				}
			}
		}
	}
}

// Every field directly under spec and status is named in the section of its kind, so a new field cannot
// ship undocumented.
func TestREADMENamesEveryTopLevelField(t *testing.T) {
	paths, _ := readmePaths(t)
	named := func(headings []string, path string) bool {
		for _, h := range headings {
			for _, p := range paths[h] {
				if p == path || strings.HasPrefix(p, path+".") {
					return true
				}
			}
		}
		return false
	}
	sections := map[string]map[string][]string{
		"videotasks":      {"spec": {"VideoTask", "What the learner sees"}, "status": {"Task status"}},
		"slidetasks":      {"spec": {"SlideTask"}, "status": {"Task status"}},
		"cleanuppolicies": {"spec": {"CleanupPolicy"}, "status": {"CleanupPolicy"}},
	}
	for kind, bySection := range sections {
		for top, headings := range bySection {
			props, _ := schemaAt(t, kind, top)["properties"].(map[string]any)
			if len(props) == 0 {
				t.Fatalf("%s has no %s properties", kind, top)
			}
			for name := range props {
				if path := top + "." + name; !named(headings, path) {
					t.Errorf("README does not name `%s` of %s (sections %q)", path, kind, headings)
				}
			}
		}
	}
}

// The Default column of the README's field tables is the schema's default.
func TestREADMEDefaultsAreTheSchemaDefaults(t *testing.T) {
	_, rows := readmePaths(t)
	if len(rows) < 20 {
		t.Fatalf("found %d field table rows in README.md; the tables moved?", len(rows))
	}
	for _, row := range rows {
		kinds := readmeKinds[row.heading]
		for i, path := range row.paths {
			if !fieldPath.MatchString(path) {
				continue
			}
			for _, k := range kinds {
				s := schemaAt(t, k, path)
				if s == nil {
					continue // reported by TestREADMENamesOnlyFieldsOfTheSchema
				}
				def, ok := s["default"]
				if !ok {
					continue
				}
				want := strings.Trim(string(mustJSON(t, def)), `"`)
				var got string
				switch {
				case len(row.defaults) == len(row.paths):
					got = row.defaults[i]
				case len(row.defaults) == 1:
					got = row.defaults[0]
				}
				if got != want {
					t.Errorf("README: `%s` defaults to %q in the schema, the table says %q\n%s", path, want, got, row.line)
				}
			}
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	out, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.TrimSpace(string(out)))
}
