package v1alpha1_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// The schema's default markers cannot name Go constants, so the generated CRDs are compared with them here:
// the runner's flag defaults are these constants, and this test keeps them in step with the schema, where
// the defaults are applied.
func TestSchemaDefaultsAreTheGoDefaults(t *testing.T) {
	cases := []struct {
		crd  string
		path string // dotted path below spec, through properties
		want any
	}{
		{"videotasks", "source.language", tasksv1.DefaultLanguage},
		{"videotasks", "targetLanguage", tasksv1.DefaultTargetLanguage},
		{"videotasks", "expressions.maxCount", tasksv1.DefaultMaxCount},
		{"videotasks", "expressions.level", string(tasksv1.DefaultLevel)},
		{"videotasks", "expressions.extractor", string(tasksv1.DefaultExtractor)},
		{"videotasks", "render.educationalVideo", string(tasksv1.DefaultEducationalVideo)},
		{"videotasks", "render.shorts", string(tasksv1.DefaultShorts)},
		{"videotasks", "render.slides", string(tasksv1.DefaultSlideImages)},
		{"videotasks", "render.repeatCount", tasksv1.DefaultRepeatCount},
		{"videotasks", "render.subtitles", string(tasksv1.DefaultSubtitles)},
		{"videotasks", "render.shortsSubtitles", string(tasksv1.DefaultSubtitles)},
		{"slidetasks", "format", string(tasksv1.DefaultSlideFormat)},
		{"slidetasks", "size.width", tasksv1.DefaultSlideWidth},
		{"slidetasks", "size.height", tasksv1.DefaultSlideHeight},
		{"slidetasks", "durationSeconds", tasksv1.DefaultSlideDurationSeconds},
		{"slidetasks", "audio", string(tasksv1.DefaultSlideAudio)},
		{"cleanuppolicies", "retentionDays", tasksv1.DefaultRetentionDays},
		{"cleanuppolicies", "mode", string(tasksv1.DefaultCleanupMode)},
	}
	bounds := []struct {
		crd, path, key string
		want           int
	}{
		{"videotasks", "expressions.maxCount", "maximum", tasksv1.MaxMaxCount},
		{"slidetasks", "size.width", "minimum", tasksv1.MinSlideSide},
		{"slidetasks", "size.width", "maximum", tasksv1.MaxSlideSide},
		{"slidetasks", "size.height", "minimum", tasksv1.MinSlideSide},
		{"slidetasks", "size.height", "maximum", tasksv1.MaxSlideSide},
		{"slidetasks", "durationSeconds", "maximum", tasksv1.MaxSlideDurationSeconds},
	}
	specs := map[string]map[string]any{}
	spec := func(crd string) map[string]any {
		if s, ok := specs[crd]; ok {
			return s
		}
		s := loadSpecSchema(t, crd)
		specs[crd] = s
		return s
	}
	for _, tc := range cases {
		prop := property(t, spec(tc.crd), tc.path)
		got, ok := prop["default"]
		if !ok {
			t.Errorf("%s spec.%s has no default in the schema, Go says %v", tc.crd, tc.path, tc.want)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s spec.%s: schema default %v, Go constant %v", tc.crd, tc.path, got, tc.want)
		}
	}
	for _, b := range bounds {
		prop := property(t, spec(b.crd), b.path)
		if got := fmt.Sprint(prop[b.key]); got != fmt.Sprint(b.want) {
			t.Errorf("%s spec.%s %s: schema %s, Go constant %d", b.crd, b.path, b.key, got, b.want)
		}
	}
}

// The slides' character budget in the CEL rule is the Go constant.
func TestSlidesCharacterBudgetIsTheGoConstant(t *testing.T) {
	data, err := os.ReadFile(crdFile("slidetasks"))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("<= %d", tasksv1.MaxSlidesCharacters); !strings.Contains(strings.Join(strings.Fields(string(data)), " "), want) {
		t.Errorf("no CEL rule of the SlideTask CRD bounds the slides with %q", want)
	}
}

func crdFile(plural string) string {
	return filepath.Join("..", "..", "config", "crd", "bases", "tasks.langflix.io_"+plural+".yaml")
}

func loadSpecSchema(t *testing.T, plural string) map[string]any {
	t.Helper()
	return property(t, rootSchema(t, plural), "spec")
}

func property(t *testing.T, schema map[string]any, path string) map[string]any {
	t.Helper()
	cur := schema
	for _, name := range strings.Split(path, ".") {
		props, _ := cur["properties"].(map[string]any)
		next, ok := props[name].(map[string]any)
		if !ok {
			t.Fatalf("schema has no property %q (path %s)", name, path)
		}
		cur = next
	}
	return cur
}

// Defaults are written once, on the field they belong to. An object that groups defaulted fields defaults
// to {} (so the API server applies its fields' defaults when it is absent) and never repeats them: a
// default like {soft: "25m", hard: "30m"} would be a second copy that can drift from the fields' own.
func TestObjectDefaultsAreEmpty(t *testing.T) {
	var walk func(crd, path string, s map[string]any)
	walk = func(crd, path string, s map[string]any) {
		if def, ok := s["default"]; ok && s["type"] == "object" {
			if m, _ := def.(map[string]any); len(m) != 0 {
				t.Errorf("%s %s defaults to %v: an object's default must be {} and its fields carry their own", crd, path, def)
			}
		}
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			if child, ok := p.(map[string]any); ok {
				walk(crd, path+"."+name, child)
			}
		}
	}
	for _, crd := range []string{"videotasks", "slidetasks", "cleanuppolicies"} {
		walk(crd, "spec", loadSpecSchema(t, crd))
	}
}
