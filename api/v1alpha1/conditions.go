package v1alpha1

// Condition types of VideoTask and SlideTask.
const (
	// ConditionRunning is True while an attempt's pod runs.
	ConditionRunning = "Running"
	// ConditionSucceeded is True once the task succeeded.
	ConditionSucceeded = "Succeeded"
	// ConditionFailed is True once the task failed for good.
	ConditionFailed = "Failed"
	// ConditionSuspended is True while spec.suspend holds the task.
	ConditionSuspended = "Suspended"
	// ConditionReady is True when the object's children are in place (CleanupPolicy: the CronJob).
	ConditionReady = "Ready"
)

// Reasons used in status.reason and in conditions.
const (
	ReasonInvalidInput          = "InvalidInput"
	ReasonHardTimeLimitExceeded = "HardTimeLimitExceeded"
	ReasonSoftTimeLimitExceeded = "SoftTimeLimitExceeded"
	ReasonBackoffLimitExceeded  = "BackoffLimitExceeded"
	ReasonAttemptFailed         = "AttemptFailed"
	ReasonRetryScheduled        = "RetryScheduled"
	ReasonJobCreated            = "JobCreated"
	ReasonPodRunning            = "PodRunning"
	ReasonCompleted             = "Completed"
	ReasonSuspended             = "Suspended"
	ReasonNotSuspended          = "NotSuspended"
	ReasonJobMissing            = "JobMissing"
	ReasonCronJobReady          = "CronJobReady"
	ReasonCronJobInvalid        = "CronJobInvalid"
)

// Labels and annotations the operator puts on its children.
const (
	// LabelTask names the task a Job belongs to.
	LabelTask = "tasks.langflix.io/task"
	// LabelKind is the task's kind (VideoTask, SlideTask, CleanupPolicy).
	LabelKind = "tasks.langflix.io/kind"
	// LabelAttempt is the attempt number (1-based) of a task's Job.
	LabelAttempt = "tasks.langflix.io/attempt"
	// LabelManagedBy marks objects the operator manages.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedByValue is LabelManagedBy's value.
	ManagedByValue = "langflix-operator"
)

// Field managers of the two writers of a task's status.
const (
	FieldManagerOperator = "langflix-operator"
	FieldManagerRunner   = "langflix-runner"
)
