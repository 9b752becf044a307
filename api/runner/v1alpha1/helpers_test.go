package runnerv1alpha1_test

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

func progressOf(current int64, stage, message string) tasksv1.TaskProgress {
	at := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	return tasksv1.TaskProgress{Current: ptr.To(current), Total: ptr.To[int64](1000), Percent: ptr.To(int32(current / 10)),
		Stage: stage, Message: message, UpdateTime: &at}
}
