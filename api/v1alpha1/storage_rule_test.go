package v1alpha1_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// The "exactly one volume type" CEL rule on spec.storage lists the volume types one by one (CEL cannot
// count the fields of an object). A Kubernetes upgrade that adds a volume type must add it to the rule, or
// a storage of only that type would be rejected; this test names the missing ones.
func TestStorageRuleListsEveryVolumeType(t *testing.T) {
	typ := reflect.TypeFor[corev1.VolumeSource]()
	for _, plural := range []string{"videotasks", "slidetasks", "cleanuppolicies"} {
		data, err := os.ReadFile(crdFile(plural))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if !strings.Contains(text, "has(self."+name+")") {
				t.Errorf("%s: the storage rule does not count volume type %q", plural, name)
			}
		}
	}
}
