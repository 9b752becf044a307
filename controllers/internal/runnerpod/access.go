package runnerpod

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// EnsureAccess makes sure a namespace has the runner's ServiceAccount and a RoleBinding that grants
// it the runner ClusterRole (get tasks, patch their status) in that namespace only. Both are created once
// and left alone afterwards; creating them again is a no-op, so no read (and no cluster-wide cache of
// ServiceAccounts) is needed.
func EnsureAccess(ctx context.Context, c client.Client, namespace string, cfg Config) error {
	labels := map[string]string{tasksv1.LabelManagedBy: tasksv1.ManagedByValue}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{
		Name: cfg.ServiceAccountName, Namespace: namespace, Labels: labels,
	}}
	if err := c.Create(ctx, sa); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create runner ServiceAccount %s/%s: %w", namespace, sa.Name, err)
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: cfg.ServiceAccountName, Namespace: namespace, Labels: labels},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: cfg.ClusterRoleName},
		Subjects: []rbacv1.Subject{{
			Kind: rbacv1.ServiceAccountKind, Name: cfg.ServiceAccountName, Namespace: namespace,
		}},
	}
	if err := c.Create(ctx, rb); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create runner RoleBinding %s/%s: %w", namespace, rb.Name, err)
	}
	return nil
}
