package kubectlplugin

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// taskKey identifies one task across kinds and namespaces.
type taskKey struct {
	Kind, Namespace, Name string
}

func (k taskKey) String() string { return k.Namespace + "/" + k.Name }

// snapshot is what the plugin shows of one task at one moment: the parts of its spec and status that
// watch, the summary and retry need. Both task kinds map onto it, and a recorded stream of them is what the
// golden test replays.
type snapshot struct {
	Key            taskKey
	Phase          tasksv1alpha1.TaskPhase
	Progress       tasksv1alpha1.TaskProgress
	Attempts       int32
	MaxRetries     int32
	JobName        string
	Reason         string
	Message        string
	Created        time.Time
	StartTime      time.Time
	CompletionTime time.Time
	NextRetryTime  time.Time
	Result         *tasksv1alpha1.TaskResult
	// Output is the task's output folder: spec.output, or the operator's default "<namespace>/<name>/".
	Output string
	// Storage says which volume holds the output, e.g. "pvc/langflix-media".
	Storage string
	// Deleted is true when the watch saw the task go away before it finished.
	Deleted bool
}

// finished reports whether the task will not change any more on its own: Succeeded, Failed, or deleted.
// Cancelled is not finished: clearing spec.suspend resumes the task.
func (s snapshot) finished() bool { return s.Deleted || s.Phase.IsFinished() }

// snapshotOf reads a task object.
func snapshotOf(t tasksv1alpha1.Task) snapshot {
	st := t.GetTaskStatus()
	tmpl := t.GetTemplate()
	s := snapshot{
		Key:        taskKey{Kind: kindOf(t).Kind, Namespace: t.GetNamespace(), Name: t.GetName()},
		Phase:      st.Phase,
		Attempts:   st.Attempts,
		MaxRetries: ptr.Deref(tmpl.Retry.MaxRetries, 0),
		JobName:    st.JobName,
		Reason:     st.Reason,
		Message:    st.Message,
		Created:    t.GetCreationTimestamp().Time,
		Output:     string(tmpl.Output),
		Storage:    describeStorage(tmpl.Storage),
	}
	if s.Output == "" {
		// The operator's default (controllers.defaultOutput); the API does not store it.
		s.Output = t.GetNamespace() + "/" + t.GetName() + "/"
	}
	if st.Progress != nil {
		s.Progress = *st.Progress.DeepCopy()
	}
	if st.StartTime != nil {
		s.StartTime = st.StartTime.Time
	}
	if st.CompletionTime != nil {
		s.CompletionTime = st.CompletionTime.Time
	}
	if st.NextRetryTime != nil {
		s.NextRetryTime = st.NextRetryTime.Time
	}
	if st.Result != nil {
		s.Result = st.Result.DeepCopy()
	}
	return s
}

// progressTime is status.progress.updateTime, zero when the runner has not written progress.
func (s snapshot) progressTime() time.Time {
	if s.Progress.UpdateTime == nil {
		return time.Time{}
	}
	return s.Progress.UpdateTime.Time
}

// describeStorage names the volume that holds a task's files in kubectl's "kind/name" style.
func describeStorage(v corev1.VolumeSource) string {
	switch {
	case v.PersistentVolumeClaim != nil:
		return "pvc/" + v.PersistentVolumeClaim.ClaimName
	case v.HostPath != nil:
		return "hostPath " + v.HostPath.Path
	case v.NFS != nil:
		return "nfs " + v.NFS.Server + ":" + v.NFS.Path
	case v.EmptyDir != nil:
		return "emptyDir (gone with the pod)"
	case v.CSI != nil:
		return "csi/" + v.CSI.Driver
	case v.Ephemeral != nil:
		return "ephemeral volume"
	default:
		return "the task's storage volume"
	}
}
