// Package namespaces reads the operator's per-namespace settings from Namespace annotations: the limit on
// running tasks (tasks.langflix.io/max-running-tasks) and the default Kueue LocalQueue
// (tasks.langflix.io/queue-name). Annotations on the Namespace, rather than an object inside it, because
// tenants usually may change what is in their namespace but not the Namespace itself: a tenant must not be
// able to raise its own limit.
package namespaces

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// Settings are a namespace's settings for the operator.
type Settings struct {
	// MaxRunningTasks overrides the operator's per-namespace limit when set; 0 means no limit.
	MaxRunningTasks *int
	// QueueName is the Kueue LocalQueue of the namespace's tasks that name none themselves.
	QueueName string
	// Problems says which annotations were ignored and why, for the log and the tasks' messages.
	Problems []string
}

// maxAnnotatedLimit bounds the annotation, so that a typo of many digits reads as a mistake.
const maxAnnotatedLimit = 1_000_000

// Parse reads the settings from a Namespace's annotations. An annotation that cannot be read is ignored and
// named in Problems: the operator then falls back to its flags, as if the annotation were absent.
func Parse(annotations map[string]string) Settings {
	var s Settings
	if v, ok := annotations[tasksv1.AnnotationMaxRunningTasks]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		switch {
		case err != nil || n < 0 || n > maxAnnotatedLimit:
			s.Problems = append(s.Problems, fmt.Sprintf("annotation %s=%q is not a whole number from 0 to %d; the operator's per-namespace limit applies",
				tasksv1.AnnotationMaxRunningTasks, v, maxAnnotatedLimit))
		default:
			s.MaxRunningTasks = &n
		}
	}
	if v, ok := annotations[tasksv1.AnnotationQueueName]; ok {
		if errs := validation.IsDNS1123Label(v); len(errs) > 0 {
			s.Problems = append(s.Problems, fmt.Sprintf("annotation %s=%q is not a LocalQueue name (%s); tasks without spec.queueName are not handed to Kueue",
				tasksv1.AnnotationQueueName, v, strings.Join(errs, "; ")))
		} else {
			s.QueueName = v
		}
	}
	return s
}

// Equal reports whether two settings say the same.
func (s Settings) Equal(o Settings) bool {
	if (s.MaxRunningTasks == nil) != (o.MaxRunningTasks == nil) ||
		(s.MaxRunningTasks != nil && *s.MaxRunningTasks != *o.MaxRunningTasks) || s.QueueName != o.QueueName ||
		len(s.Problems) != len(o.Problems) {
		return false
	}
	for i := range s.Problems {
		if s.Problems[i] != o.Problems[i] {
			return false
		}
	}
	return true
}
