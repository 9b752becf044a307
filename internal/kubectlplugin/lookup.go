package kubectlplugin

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// findTask gets the task named by arg ("NAME" or "KIND/NAME") in namespace, looking in each kind of kinds.
// A name that exists as both a VideoTask and a SlideTask is an error that says how to pick one.
func findTask(ctx context.Context, c client.Reader, kinds []taskKind, namespace, arg string) (tasksv1alpha1.Task, error) {
	kinds, name, err := splitTaskArg(arg, kinds)
	if err != nil {
		return nil, err
	}
	var found []tasksv1alpha1.Task
	for _, k := range kinds {
		obj := k.newObj()
		err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, obj)
		switch {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			return nil, fmt.Errorf("getting %s %s/%s: %w", k.Kind, namespace, name, err)
		}
		found = append(found, obj)
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no %s named %q in namespace %q", kindNames(kinds), name, namespace)
	case 1:
		return found[0], nil
	default:
		return nil, fmt.Errorf("both a VideoTask and a SlideTask are named %q in namespace %q: "+
			"pick one with --kind or as vt/%s or st/%s", name, namespace, name, name)
	}
}

// kindNames is "VideoTask or SlideTask".
func kindNames(kinds []taskKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.Kind
	}
	return strings.Join(names, " or ")
}
