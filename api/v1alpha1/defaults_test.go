package v1alpha1_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// The schema's default markers cannot name Go constants, so the generated CRDs are compared with them here:
// the constants are the one place defaults are read from (operator fallbacks, runner flag defaults), and
// this test keeps the schema in step.
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
		{"videotasks", "render.educationalVideo", tasksv1.DefaultEducationalVideo},
		{"videotasks", "render.combinedVideo", tasksv1.DefaultCombinedVideo},
		{"videotasks", "render.shorts", tasksv1.DefaultShorts},
		{"videotasks", "render.slides", tasksv1.DefaultSlides},
		{"videotasks", "render.repeatCount", tasksv1.DefaultRepeatCount},
		{"videotasks", "timeLimits.soft", tasksv1.DefaultSoftTimeLimit},
		{"videotasks", "timeLimits.hard", tasksv1.DefaultHardTimeLimit},
		{"videotasks", "timeLimits.start", tasksv1.DefaultStartTimeLimit},
		{"slidetasks", "timeLimits.start", tasksv1.DefaultStartTimeLimit},
		{"videotasks", "retry.maxRetries", tasksv1.DefaultMaxRetries},
		{"videotasks", "retry.backoffBase", tasksv1.DefaultBackoffBase},
		{"videotasks", "retry.backoffCap", tasksv1.DefaultBackoffCap},
		{"slidetasks", "format", string(tasksv1.DefaultSlideFormat)},
		{"slidetasks", "size.width", tasksv1.DefaultSlideWidth},
		{"slidetasks", "size.height", tasksv1.DefaultSlideHeight},
		{"slidetasks", "durationSeconds", tasksv1.DefaultSlideDurationSeconds},
		{"slidetasks", "timeLimits.soft", tasksv1.DefaultSoftTimeLimit},
		{"cleanuppolicies", "schedule", tasksv1.DefaultSchedule},
		{"cleanuppolicies", "timeZone", tasksv1.DefaultTimeZone},
		{"cleanuppolicies", "retentionDays", tasksv1.DefaultRetentionDays},
		{"cleanuppolicies", "successfulJobsHistoryLimit", tasksv1.DefaultSuccessfulJobsHistoryLimit},
		{"cleanuppolicies", "failedJobsHistoryLimit", tasksv1.DefaultFailedJobsHistoryLimit},
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
		if !sameDefault(got, tc.want) {
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

func sameDefault(schema, goValue any) bool {
	if d, ok := goValue.(time.Duration); ok {
		s, ok := schema.(string)
		if !ok {
			return false
		}
		parsed, err := time.ParseDuration(s)
		return err == nil && parsed == d
	}
	return fmt.Sprint(schema) == fmt.Sprint(goValue)
}

func crdFile(plural string) string {
	return filepath.Join("..", "..", "config", "crd", "bases", "tasks.langflix.io_"+plural+".yaml")
}

func loadSpecSchema(t *testing.T, plural string) map[string]any {
	t.Helper()
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
		t.Fatalf("%s: %v", plural, err)
	}
	for _, v := range crd.Spec.Versions {
		if v.Name == tasksv1.GroupVersion.Version {
			return property(t, v.Schema.OpenAPIV3Schema, "spec")
		}
	}
	t.Fatalf("%s has no version %s", plural, tasksv1.GroupVersion.Version)
	return nil
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
