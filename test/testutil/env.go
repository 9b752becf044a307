// Package testutil holds what the operator's test suites share: starting a real kube-apiserver and etcd
// (envtest) with the project's CRDs installed, the Gomega timeouts for eventual assertions, and kueue-style
// builders that start from a valid VideoTask, SlideTask or CleanupPolicy.
package testutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// Timeout and Interval bound every Eventually/Consistently against the API server. The server runs on a
// 2-core machine next to other builds, so Timeout is generous; Interval keeps polling cheap.
const (
	Timeout  = 20 * time.Second
	Interval = 100 * time.Millisecond
)

// assetsHint tells a developer how to get the envtest binaries; they are built from source, never downloaded.
const assetsHint = "run `make test` or export KUBEBUILDER_ASSETS=$(hack/build-k8s-binaries.sh path) " +
	"after `hack/build-k8s-binaries.sh envtest`"

// Scheme returns a scheme with the built-in Kubernetes kinds and the tasks.langflix.io kinds.
func Scheme() *k8sruntime.Scheme {
	s := k8sruntime.NewScheme()
	// Registering static types only fails on a programming error, so a panic is the right report.
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(tasksv1alpha1.AddToScheme(s))
	return s
}

// StartEnv starts etcd and kube-apiserver from KUBEBUILDER_ASSETS, installs the CRDs from
// config/crd/bases and returns the environment (call Stop on it in AfterSuite), its admin config and a
// client that knows the tasks.langflix.io kinds. It fails the running spec (use it in BeforeSuite) when the
// binaries are missing or a CRD is rejected, so an API server that refuses a CRD shows its exact error.
func StartEnv() (*envtest.Environment, *rest.Config, client.Client) {
	ginkgo.GinkgoHelper()

	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		ginkgo.Fail("KUBEBUILDER_ASSETS is not set: " + assetsHint)
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(assets, bin)); err != nil {
			ginkgo.Fail(fmt.Sprintf("KUBEBUILDER_ASSETS=%s has no %s: %s", assets, bin, assetsHint))
		}
	}

	root, err := ModuleRoot()
	gomega.Expect(err).NotTo(gomega.HaveOccurred())

	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: assets,
	}
	cfg, err := env.Start()
	gomega.Expect(err).NotTo(gomega.HaveOccurred(), "starting envtest and installing the CRDs")

	c, err := client.New(cfg, client.Options{Scheme: Scheme()})
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	return env, cfg, c
}

// ModuleRoot returns the folder that holds the operator's go.mod. It starts from this source file, which
// works for a normal build, and falls back to the working directory, which `go test` sets to the package
// folder, for binaries built with -trimpath.
func ModuleRoot() (string, error) {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, dir := range starts {
		if root, ok := findUp(dir, "go.mod"); ok {
			return root, nil
		}
	}
	return "", errors.New("no go.mod above this package or the working directory")
}

// findUp returns the nearest folder at or above dir that contains name.
func findUp(dir, name string) (string, bool) {
	for {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
