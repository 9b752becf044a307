package runnerv1alpha1_test

import (
	"reflect"
	"slices"
)

// zeroFields lists the fields of struct v whose value is zero, looking into embedded structs. Booleans
// count as set: false is as much a value as true, and Args renders both.
func zeroFields(v any) []string {
	var out []string
	var walk func(rv reflect.Value)
	walk = func(rv reflect.Value) {
		for i := range rv.NumField() {
			f := rv.Type().Field(i)
			fv := rv.Field(i)
			if f.Anonymous && fv.Kind() == reflect.Struct {
				walk(fv)
				continue
			}
			if fv.Kind() != reflect.Bool && fv.IsZero() {
				out = append(out, f.Name)
			}
		}
	}
	walk(reflect.ValueOf(v))
	return out
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
