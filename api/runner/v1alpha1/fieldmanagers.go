package runnerv1alpha1

// Field managers of the two writers of a task's status under server-side apply. The operator owns the
// status except status.progress, which the runner owns; neither overwrites the other's fields.
const (
	FieldManagerOperator = "langflix-operator"
	FieldManagerRunner   = "langflix-runner"
)
