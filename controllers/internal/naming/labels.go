package naming

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// Labels are the labels of an object's Jobs (and CronJob) and their pods; the operator finds its children
// by them, and caches only Jobs that carry LabelManagedBy.
func Labels(kind, name string) map[string]string {
	return map[string]string{
		tasksv1.LabelTask:      name,
		tasksv1.LabelKind:      kind,
		tasksv1.LabelManagedBy: tasksv1.ManagedByValue,
	}
}

// SetControllerReference makes owner (of kind) the controlling owner of obj, so that deleting the owner
// deletes obj (and, through a Job, its pods).
func SetControllerReference(owner metav1.Object, kind string, obj metav1.Object) {
	obj.SetOwnerReferences([]metav1.OwnerReference{{
		APIVersion:         tasksv1.GroupVersion.String(),
		Kind:               kind,
		Name:               owner.GetName(),
		UID:                owner.GetUID(),
		Controller:         ptr.To(true),
		BlockOwnerDeletion: ptr.To(true),
	}})
}
