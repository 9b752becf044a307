package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// The CRD schema is the one place the API's defaults live. Objects a test builds in Go and hands to code
// without an API server in between (a reconciler's plan, the Job builder, the runner contract) get those
// defaults here, from the generated CRDs and by the API server's own defaulting algorithm, rather than
// from a second copy of the defaults in Go.

var (
	schemasOnce sync.Once
	schemas     map[string]*structuralschema.Structural
	schemasErr  error
)

// crdDir is config/crd/bases of this repository, found from this file's own path so that tests of every
// package read the same files.
func crdDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "config", "crd", "bases")
}

func loadSchemas() {
	schemas = map[string]*structuralschema.Structural{}
	for kind, plural := range map[string]string{
		tasksv1alpha1.KindVideoTask:     tasksv1alpha1.ResourceVideoTasks,
		tasksv1alpha1.KindSlideTask:     tasksv1alpha1.ResourceSlideTasks,
		tasksv1alpha1.KindCleanupPolicy: tasksv1alpha1.ResourceCleanupPolicies,
	} {
		s, err := structuralSchema(filepath.Join(crdDir(), tasksv1alpha1.GroupVersion.Group+"_"+plural+".yaml"))
		if err != nil {
			schemasErr = err
			return
		}
		schemas[kind] = s
	}
}

func structuralSchema(path string) (*structuralschema.Structural, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(data, &crd); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, v := range crd.Spec.Versions {
		if v.Name != tasksv1alpha1.GroupVersion.Version || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
			continue
		}
		var internal apiextensions.JSONSchemaProps
		if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return structuralschema.NewStructural(&internal)
	}
	return nil, fmt.Errorf("%s has no version %s", path, tasksv1alpha1.GroupVersion.Version)
}

// Default fills in the CRD schema's defaults of a VideoTask, SlideTask or CleanupPolicy in place, as the
// API server does before it stores the object. It panics on any other type or an unreadable CRD: it is
// called from builders with objects a test controls.
func Default(obj k8sruntime.Object) {
	var kind string
	switch obj.(type) {
	case *tasksv1alpha1.VideoTask:
		kind = tasksv1alpha1.KindVideoTask
	case *tasksv1alpha1.SlideTask:
		kind = tasksv1alpha1.KindSlideTask
	case *tasksv1alpha1.CleanupPolicy:
		kind = tasksv1alpha1.KindCleanupPolicy
	default:
		panic(fmt.Sprintf("testutil.Default: %T is not a tasks.langflix.io kind", obj))
	}
	schemasOnce.Do(loadSchemas)
	if schemasErr != nil {
		panic(fmt.Sprintf("testutil.Default: read the CRDs (run make manifests): %v", schemasErr))
	}
	u, err := k8sruntime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		panic(fmt.Sprintf("testutil.Default(%T): %v", obj, err))
	}
	structuraldefaulting.Default(u, schemas[kind])
	if err := k8sruntime.DefaultUnstructuredConverter.FromUnstructured(u, obj); err != nil {
		panic(fmt.Sprintf("testutil.Default(%T): %v", obj, err))
	}
}
