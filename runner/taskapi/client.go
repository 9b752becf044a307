// Package taskapi is the runner's access to its own task object in the API server: it reads the task (a
// SlideTask's content) and is the client the progress sink applies status.progress through. The runner's
// ServiceAccount may only get its tasks and patch their status, in its own namespace.
package taskapi

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// getTimeout bounds reading the task; the runner cannot start without it, but a hung API server must not
// hold the attempt until its hard time limit.
const getTimeout = 30 * time.Second

// NewDynamicFromEnv returns a client for the cluster the runner runs in: the in-cluster configuration, or
// else KUBECONFIG (a runner started by hand against a cluster).
func NewDynamicFromEnv() (dynamic.Interface, error) {
	cfg, err := rest.InClusterConfig()
	if err != nil {
		rules := clientcmd.NewDefaultClientConfigLoadingRules()
		cfg, err = clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig()
		if err != nil {
			return nil, fmt.Errorf("kubernetes client config (neither in-cluster nor KUBECONFIG): %w", err)
		}
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes dynamic client: %w", err)
	}
	return client, nil
}

// GetSlideTask reads the SlideTask ref names. It is decoded tolerantly (runnerv1.DecodeSlideTask): fields
// the runner does not know yet are ignored.
func GetSlideTask(ctx context.Context, client dynamic.Interface, ref runnerv1.TaskRef) (*tasksv1.SlideTask, error) {
	if ref.Kind != tasksv1.KindSlideTask {
		return nil, fmt.Errorf("task %s %s/%s is not a %s", ref.Kind, ref.Namespace, ref.Name, tasksv1.KindSlideTask)
	}
	if err := ref.Validate(); err != nil {
		return nil, err
	}
	gvr, _ := ref.Resource()
	ctx, cancel := context.WithTimeout(ctx, getTimeout)
	defer cancel()
	u, err := client.Resource(gvr).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("get %s %s/%s: %w", ref.Kind, ref.Namespace, ref.Name, err)
	}
	data, err := u.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode %s %s/%s: %w", ref.Kind, ref.Namespace, ref.Name, err)
	}
	return runnerv1.DecodeSlideTask(data)
}
