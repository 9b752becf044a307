package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/langflix/langflix-operator/controllers/manager"
)

// benchFieldManager is the field manager and user agent of this program's own requests.
const benchFieldManager = "langflix-bench-scale"

// cluster holds the clients of the cluster under test, all as the admin user of its kubeconfig.
type cluster struct {
	cfg       *rest.Config
	client    client.Client
	clientset kubernetes.Interface
	dynamic   dynamic.Interface
	kubectl   string
	kubecfg   string
}

func newCluster(kubeconfig, kubectl string) (*cluster, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	// The harness's own watches and writes must never be what limits a figure.
	cfg.QPS, cfg.Burst = 1000, 2000
	cfg.UserAgent = benchFieldManager
	// The operator's scheme, plus the CRD kind to wait for CRDs.
	scheme := manager.Scheme()
	utilruntime.Must(apiextensionsv1.AddToScheme(scheme))
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("clientset: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("dynamic client: %w", err)
	}
	return &cluster{cfg: cfg, client: c, clientset: cs, dynamic: dyn, kubectl: kubectl, kubecfg: kubeconfig}, nil
}

// apiserverMetrics scrapes the API server's own /metrics.
func (c *cluster) apiserverMetrics(ctx context.Context) (samples, error) {
	raw, err := c.clientset.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("apiserver metrics: %w", err)
	}
	return parseMetrics(bytes.NewReader(raw))
}

// createNamespace creates a namespace, waiting for an earlier one of the same name to go first.
func (c *cluster) createNamespace(ctx context.Context, name string) error {
	if err := c.deleteNamespace(ctx, name, 10*time.Minute); err != nil {
		return err
	}
	ns := &corev1.Namespace{}
	ns.Name = name
	if err := c.client.Create(ctx, ns); err != nil {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}

// deleteNamespace deletes a namespace and waits until it is gone; it returns how long that took.
func (c *cluster) deleteNamespace(ctx context.Context, name string, timeout time.Duration) error {
	ns := &corev1.Namespace{}
	ns.Name = name
	if err := c.client.Delete(ctx, ns); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("delete namespace %s: %w", name, err)
	}
	return waitFor(ctx, timeout, "namespace "+name+" deleted", func() (bool, error) {
		err := c.client.Get(ctx, client.ObjectKey{Name: name}, &corev1.Namespace{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// kubectlCreate runs `kubectl create -f file` as a user would and returns how long the command took.
func (c *cluster) kubectlCreate(ctx context.Context, file string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, c.kubectl, "--kubeconfig", c.kubecfg, "create", "-f", file, "-o", "name")
	cmd.Stdout = nil
	cmd.Stderr = os.Stderr
	began := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("kubectl create -f %s: %w", file, err)
	}
	return time.Since(began), nil
}

// waitFor polls cond every 200 ms until it is true, it fails, or timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, what string, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		ok, err := cond()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: timed out after %s", what, timeout)
		case <-t.C:
		}
	}
}
