// Package v1alpha1 contains the tasks.langflix.io/v1alpha1 API: VideoTask, SlideTask and CleanupPolicy.
//
// +kubebuilder:object:generate=true
// +groupName=tasks.langflix.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Kind names of the tasks.langflix.io kinds, for labels, owner references, Job names and logs.
const (
	KindVideoTask     = "VideoTask"
	KindSlideTask     = "SlideTask"
	KindCleanupPolicy = "CleanupPolicy"
)

// Resource names (plural, lower case) of the kinds, as they appear in API paths and RBAC rules.
const (
	ResourceVideoTasks      = "videotasks"
	ResourceSlideTasks      = "slidetasks"
	ResourceCleanupPolicies = "cleanuppolicies"
)

var (
	// GroupVersion is the group and version of every kind in this package.
	GroupVersion = schema.GroupVersion{Group: "tasks.langflix.io", Version: "v1alpha1"}

	// SchemeBuilder registers the kinds of this package with a runtime.Scheme. It depends only on
	// apimachinery, so clients can import this package without controller-runtime.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the kinds of this package to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&VideoTask{}, &VideoTaskList{},
		&SlideTask{}, &SlideTaskList{},
		&CleanupPolicy{}, &CleanupPolicyList{},
	)
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
