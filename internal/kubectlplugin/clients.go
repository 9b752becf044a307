package kubectlplugin

import (
	"fmt"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// scheme knows the built-in kinds (Jobs, Pods) and the tasks.langflix.io kinds.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	// Registering static types only fails on a programming error.
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(tasksv1alpha1.AddToScheme(s))
	return s
}()

// restConfig is the client configuration kubectl's flags and kubeconfig select.
func (o *Options) restConfig() (*rest.Config, error) {
	cfg, err := o.ConfigFlags.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	return cfg, nil
}

// taskClient returns a client that reads, creates and watches tasks.
func (o *Options) taskClient() (client.WithWatch, error) {
	cfg, err := o.restConfig()
	if err != nil {
		return nil, err
	}
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	return c, nil
}

// kubeClient returns the typed clientset, for what the controller-runtime client cannot do (streaming logs).
func (o *Options) kubeClient() (kubernetes.Interface, error) {
	cfg, err := o.restConfig()
	if err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes clientset: %w", err)
	}
	return cs, nil
}

// namespace is the namespace of -n, else the kubeconfig context's, else "default".
func (o *Options) namespace() (string, error) {
	ns, _, err := o.ConfigFlags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return "", fmt.Errorf("kubeconfig namespace: %w", err)
	}
	return ns, nil
}
