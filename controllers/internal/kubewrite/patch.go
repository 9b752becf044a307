package kubewrite

import (
	"context"
	"fmt"

	"k8s.io/klog/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Patch changes obj with mutate and sends only the difference as a JSON merge patch, so the write never
// overwrites fields others changed meanwhile (it carries no resourceVersion) and never sends what did not
// change. obj is updated with the server's answer. what names the change for the error ("update CronJob");
// the object's namespace/name follows it.
func Patch(ctx context.Context, c client.Client, obj client.Object, what string, mutate func()) error {
	base, ok := obj.DeepCopyObject().(client.Object)
	if !ok {
		return fmt.Errorf("%s: %T cannot be copied", what, obj)
	}
	mutate()
	if err := c.Patch(ctx, obj, client.MergeFrom(base)); err != nil {
		return fmt.Errorf("%s %s: %w", what, klog.KObj(obj), err)
	}
	return nil
}
