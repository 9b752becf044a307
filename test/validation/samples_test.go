package validation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// samplesDir returns config/samples of this module.
func samplesDir() string {
	root, err := testutil.ModuleRoot()
	if err != nil {
		panic(err) // the suite cannot find its own module: nothing below could work
	}
	return filepath.Join(root, "config", "samples")
}

// sampleFiles lists the manifests in config/samples, kustomization.yaml aside, sorted.
func sampleFiles() ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(samplesDir(), "*.yaml"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range paths {
		if name := filepath.Base(p); name != "kustomization.yaml" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, errors.New("config/samples holds no manifests")
	}
	sort.Strings(names)
	return names, nil
}

// decodeManifests reads every YAML document of a file; empty documents (a trailing ---) are skipped.
func decodeManifests(path string) ([]*unstructured.Unstructured, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	decoder := utilyaml.NewYAMLOrJSONDecoder(f, 4096)
	var objs []*unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		err := decoder.Decode(&obj.Object)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s, document %d: %w", filepath.Base(path), len(objs)+1, err)
		}
		if len(obj.Object) > 0 {
			objs = append(objs, obj)
		}
	}
}

// newNamespace creates a namespace that is deleted after the spec, so samples can keep their fixed names.
func newNamespace(ctx context.Context, prefix string) string {
	GinkgoHelper()
	namespace := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix}}
	Expect(k8sClient.Create(ctx, namespace)).To(Succeed())
	DeferCleanup(k8sClient.Delete, namespace)
	return namespace.Name
}

// expectSecretKeysExist checks that every apiKeySecretRef of a VideoTask in objs names a key that the
// stored Secret really has, so the LLM sample works once its placeholder is replaced.
func expectSecretKeysExist(ctx context.Context, namespace string, objs []*unstructured.Unstructured) {
	GinkgoHelper()
	for _, obj := range objs {
		if obj.GetKind() != "VideoTask" {
			continue
		}
		var task tasksv1alpha1.VideoTask
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: namespace, Name: obj.GetName()}, &task)).To(Succeed())
		llm := task.Spec.Expressions.LLM
		if llm == nil || llm.APIKeySecretRef == nil {
			continue
		}
		var secret corev1.Secret
		ref := llm.APIKeySecretRef
		Expect(k8sClient.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, &secret)).
			To(Succeed(), "VideoTask %s names Secret %s, which the samples do not create", task.Name, ref.Name)
		Expect(secret.Data).To(HaveKey(ref.Key))
	}
}

var _ = Describe("config/samples", func() {
	files, listErr := sampleFiles()

	It("lists every sample in kustomization.yaml", func() {
		Expect(listErr).NotTo(HaveOccurred())
		body, err := os.ReadFile(filepath.Join(samplesDir(), "kustomization.yaml"))
		Expect(err).NotTo(HaveOccurred())
		var kustomization struct {
			Resources []string `json:"resources"`
		}
		Expect(yaml.Unmarshal(body, &kustomization)).To(Succeed())
		Expect(kustomization.Resources).To(ConsistOf(files))
	})

	It("cover every kind of the API", func() {
		Expect(listErr).NotTo(HaveOccurred())
		kinds := map[string]bool{}
		for _, name := range files {
			objs, err := decodeManifests(filepath.Join(samplesDir(), name))
			Expect(err).NotTo(HaveOccurred())
			for _, obj := range objs {
				kinds[obj.GetKind()] = true
			}
		}
		Expect(kinds).To(HaveKey("VideoTask"))
		Expect(kinds).To(HaveKey("SlideTask"))
		Expect(kinds).To(HaveKey("CleanupPolicy"))
	})

	for _, name := range files {
		It("applies "+name+" with strict field validation", func(ctx context.Context) {
			objs, err := decodeManifests(filepath.Join(samplesDir(), name))
			Expect(err).NotTo(HaveOccurred())
			Expect(objs).NotTo(BeEmpty())

			namespace := newNamespace(ctx, "samples-")
			for _, obj := range objs {
				Expect(obj.GetNamespace()).To(BeEmpty(), "%s/%s: samples leave the namespace to kubectl -n",
					obj.GetKind(), obj.GetName())
				obj.SetNamespace(namespace)
				// Strict turns a misspelt or removed field into an error instead of a silent drop.
				Expect(k8sClient.Create(ctx, obj, client.FieldValidation(metav1.FieldValidationStrict))).
					To(Succeed(), "%s/%s", obj.GetKind(), obj.GetName())
			}
			expectSecretKeysExist(ctx, namespace, objs)
		})
	}
})

// readmeExamples returns the YAML blocks of README.md that hold tasks.langflix.io objects.
func readmeExamples() ([]string, error) {
	root, err := testutil.ModuleRoot()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		return nil, err
	}
	var blocks []string
	for _, part := range strings.Split(string(data), "```yaml\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		if strings.Contains(block, "apiVersion: "+tasksv1alpha1.GroupVersion.Group+"/") {
			blocks = append(blocks, block)
		}
	}
	if len(blocks) == 0 {
		return nil, errors.New("README.md has no tasks.langflix.io YAML example")
	}
	return blocks, nil
}

var _ = Describe("README.md", func() {
	It("has examples the API server accepts with strict field validation", func(ctx context.Context) {
		blocks, err := readmeExamples()
		Expect(err).NotTo(HaveOccurred())
		namespace := newNamespace(ctx, "readme-")
		for i, block := range blocks {
			obj := &unstructured.Unstructured{}
			Expect(yaml.Unmarshal([]byte(block), &obj.Object)).To(Succeed(), "README example %d", i+1)
			obj.SetNamespace(namespace)
			// Strict turns a misspelt or removed field into an error instead of a silent drop.
			Expect(k8sClient.Create(ctx, obj, client.FieldValidation(metav1.FieldValidationStrict))).
				To(Succeed(), "README example %d: %s/%s", i+1, obj.GetKind(), obj.GetName())
		}
	})
})

// demoManifests returns the objects hack/demo.sh applies (its `kubectl apply -f - <<EOF` block), with the
// script's own variables filled in.
func demoManifests() ([]*unstructured.Unstructured, error) {
	root, err := testutil.ModuleRoot()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(root, "hack", "demo.sh"))
	if err != nil {
		return nil, err
	}
	script := string(data)
	_, rest, ok := strings.Cut(script, "apply -f - <<EOF\n")
	if !ok {
		return nil, errors.New("hack/demo.sh: no `kubectl apply -f - <<EOF` block")
	}
	manifest, _, _ := strings.Cut(rest, "\nEOF\n")
	// NAME=value lines at the top of the script; values are plain words (a comment may follow).
	vars := regexp.MustCompile(`(?m)^([A-Z_]+)=([A-Za-z0-9._/-]+)`).FindAllStringSubmatch(script, -1)
	for _, v := range vars {
		manifest = strings.ReplaceAll(manifest, "$"+v[1], v[2])
	}
	if strings.Contains(manifest, "$") {
		return nil, fmt.Errorf("hack/demo.sh: a variable of the manifest is not a plain NAME=value line:\n%s", manifest)
	}
	decoder := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(manifest), 4096)
	var objs []*unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		err := decoder.Decode(&obj.Object)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("hack/demo.sh manifest, document %d: %w", len(objs)+1, err)
		}
		if len(obj.Object) > 0 {
			objs = append(objs, obj)
		}
	}
}

var _ = Describe("hack/demo.sh", func() {
	It("applies tasks the API server accepts with strict field validation", func(ctx context.Context) {
		objs, err := demoManifests()
		Expect(err).NotTo(HaveOccurred())
		Expect(objs).To(HaveLen(3), "a VideoTask, a SlideTask and a CleanupPolicy")
		namespace := newNamespace(ctx, "demo-")
		for _, obj := range objs {
			obj.SetNamespace(namespace)
			Expect(k8sClient.Create(ctx, obj, client.FieldValidation(metav1.FieldValidationStrict))).
				To(Succeed(), "%s/%s", obj.GetKind(), obj.GetName())
		}
	})
})
