package manager

import (
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
	ctrlcache "sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestCacheOptionsStripJobs(t *testing.T) {
	opts := CacheOptions(Options{})
	if opts.DefaultTransform == nil {
		t.Fatal("every cached object should lose its managed fields")
	}
	jobTransform := ownTransform[*batchv1.Job](t, opts)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "t-vt-1", Labels: map[string]string{"a": "b"},
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kube-controller-manager"}}},
		Spec: batchv1.JobSpec{Suspend: ptr.To(true), Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"a": "b"}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "runner", Env: []corev1.EnvVar{{Name: "X", Value: "y"}}}}},
		}},
		Status: batchv1.JobStatus{Ready: ptr.To[int32](1)},
	}
	out, err := jobTransform(job)
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*batchv1.Job)
	if got.ManagedFields != nil || len(got.Spec.Template.Spec.Containers) != 0 || got.Spec.Template.Labels != nil {
		t.Errorf("managed fields and pod template should be gone: %+v", got)
	}
	if got.Labels["a"] != "b" || !ptr.Deref(got.Spec.Suspend, false) || ptr.Deref(got.Status.Ready, 0) != 1 {
		t.Errorf("labels, spec and status the operator reads must stay: %+v", got)
	}
}

func TestCacheOptionsStripPods(t *testing.T) {
	podTransform := ownTransform[*corev1.Pod](t, CacheOptions(Options{}))
	now := metav1.Now()
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "t-vt-1-abcde", Labels: map[string]string{"a": "b"},
			Finalizers: []string{"tasks.langflix.io/result"}, DeletionTimestamp: &now,
			ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kubelet"}}},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "runner", Env: []corev1.EnvVar{{Name: "X", Value: "y"}}}}},
		Status: corev1.PodStatus{Phase: corev1.PodSucceeded, ContainerStatuses: []corev1.ContainerStatus{{Name: "runner",
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Message: `{"reason":"Completed"}`}}}}},
	}
	out, err := podTransform(pod)
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*corev1.Pod)
	if got.ManagedFields != nil || len(got.Spec.Containers) != 0 || got.Spec.NodeName != "" {
		t.Errorf("managed fields and spec should be gone: %+v", got)
	}
	if got.Labels["a"] != "b" || len(got.Finalizers) != 1 || got.DeletionTimestamp == nil || got.Status.Phase != corev1.PodSucceeded ||
		got.Status.ContainerStatuses[0].State.Terminated.Message == "" {
		t.Errorf("metadata and status the operator reads must stay: %+v", got)
	}
}

// ownTransform is the cache transform for objects of type T, which must be cached by the operator's label
// only.
func ownTransform[T client.Object](t *testing.T, opts ctrlcache.Options) toolscache.TransformFunc {
	t.Helper()
	for obj, by := range opts.ByObject {
		if _, ok := obj.(T); !ok {
			continue
		}
		if by.Label == nil || by.Label.String() != "app.kubernetes.io/managed-by=langflix-operator" {
			t.Errorf("%T is cached by the operator's label only, got selector %v", obj, by.Label)
		}
		if by.Transform == nil {
			t.Fatalf("no transform for %T", obj)
		}
		return by.Transform
	}
	t.Fatalf("no cache settings for %T", *new(T))
	return nil
}
