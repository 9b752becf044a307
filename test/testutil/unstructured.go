package testutil

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
)

// ToUnstructured converts a typed object to its JSON map form, for tests that must send what a typed client
// cannot express (a malformed duration, an unknown field) or that edit a manifest field by path.
func ToUnstructured(obj k8sruntime.Object) *unstructured.Unstructured {
	m, err := k8sruntime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		panic(fmt.Sprintf("testutil.ToUnstructured(%T): %v", obj, err))
	}
	return &unstructured.Unstructured{Object: m}
}

// WithField returns a copy of obj, as unstructured, with the field at path set to value (a string, int64,
// bool, map[string]any or []any, as in JSON), or removed when value is nil.
func WithField(obj k8sruntime.Object, value any, path ...string) *unstructured.Unstructured {
	u := ToUnstructured(obj)
	if value == nil {
		unstructured.RemoveNestedField(u.Object, path...)
		return u
	}
	if err := unstructured.SetNestedField(u.Object, value, path...); err != nil {
		panic(fmt.Sprintf("testutil.WithField(%v): %v", path, err))
	}
	return u
}
