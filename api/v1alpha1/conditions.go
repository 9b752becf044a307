package v1alpha1

// Condition types of VideoTask and SlideTask. Ready, Reconciling and Stalled are the summary conditions
// GitOps tools read (kstatus, Argo CD, Flux): a task that is still working is Reconciling, one that failed
// for good is Stalled, one that succeeded is Ready. Running, Succeeded, Failed and Suspended say the same in
// the task's own terms.
const (
	// ConditionReady is True once the task succeeded (CleanupPolicy: while its CronJob is in place). While a
	// task works, or after it failed, it is False with the reason why.
	ConditionReady = "Ready"
	// ConditionReconciling is True while the operator still works towards the task's end: an attempt is
	// queued or runs, a retry waits for its backoff, or a step failed and is retried.
	ConditionReconciling = "Reconciling"
	// ConditionStalled is True when the task cannot make progress without a change by the user: it failed for
	// good, or the API server rejects what the operator must create.
	ConditionStalled = "Stalled"
	// ConditionRunning is True while an attempt's pod runs.
	ConditionRunning = "Running"
	// ConditionSucceeded is True once the task succeeded.
	ConditionSucceeded = "Succeeded"
	// ConditionFailed is True once the task failed for good.
	ConditionFailed = "Failed"
	// ConditionSuspended is True while spec.suspend holds the task.
	ConditionSuspended = "Suspended"
)

// Reasons used in status.reason and in conditions. The reasons a runner reports (InvalidInput,
// SoftTimeLimitExceeded, Completed) are part of the runner contract (api/runner/v1alpha1), which refers to
// these constants.
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
	ReasonFinished              = "Finished"
	ReasonNotStalled            = "NotStalled"
)

// Reasons of attempts that ended without the runner's word, and of attempts that wait. Each says which
// failures count as an attempt and which are final; README and docs/reliability.md list them.
const (
	// ReasonJobDeleted: the attempt's Job vanished (deleted by a person, a TTL or a policy) after the
	// operator created it. The attempt counts as failed and is retried after the backoff.
	ReasonJobDeleted = "JobDeleted"
	// ReasonJobRejected: the API server refused the attempt's Job for good (invalid, or denied by an
	// admission policy or webhook). Final.
	ReasonJobRejected = "JobRejected"
	// ReasonJobNameConflict: a Job of the attempt's name exists and is not the task's. Final.
	ReasonJobNameConflict = "JobNameConflict"
	// ReasonQuotaExceeded: a ResourceQuota refused the attempt's Job; retried with backoff, task Pending.
	ReasonQuotaExceeded = "QuotaExceeded"
	// ReasonStartTimeLimitExceeded: the attempt's runner did not run within spec.timeLimits.startSeconds. Retried.
	ReasonStartTimeLimitExceeded = "StartTimeLimitExceeded"
	// ReasonPodConfigurationError: the attempt's pod cannot start until someone changes the cluster (a
	// missing Secret, ConfigMap, PersistentVolumeClaim or ServiceAccount, an invalid image name), and did
	// not for the operator's grace period. Final.
	ReasonPodConfigurationError = "PodConfigurationError"
	// ReasonWaitingForPreviousAttempt: the next attempt waits until no pod of an earlier one runs.
	ReasonWaitingForPreviousAttempt = "WaitingForPreviousAttempt"
	// ReasonUnschedulable: the scheduler cannot place the attempt's pod (its message says why).
	ReasonUnschedulable = "Unschedulable"
	// ReasonFailedCreate: the Job controller cannot create the attempt's pod (its event says why).
	ReasonFailedCreate = "FailedCreate"
)

// Reasons of a task that waits before its attempt's runner may start, and of one served from an earlier
// identical run.
const (
	// ReasonWaitingForCapacity: the operator's limit on running tasks (cluster-wide or the namespace's) is
	// reached; the task is Queued at status.queue.position and starts when its turn comes.
	ReasonWaitingForCapacity = "WaitingForCapacity"
	// ReasonWaitingForIdenticalTask: a task with the same inputs, options and storage is already running
	// (status.queue.identicalTask); this one starts when it finished, and is served from its result.
	ReasonWaitingForIdenticalTask = "WaitingForIdenticalTask"
	// ReasonWaitingForKueue: the attempt's Job waits for Kueue, which has not reported on it yet (no Workload,
	// or a Workload without a verdict). Once it has, the task's reason is the Workload's own (Pending,
	// Inadmissible, QuotaReserved, Evicted, ...) and its message Kueue's.
	ReasonWaitingForKueue = "WaitingForKueue"
	// ReasonCacheHit: the runner found the complete result of an identical earlier run (same input bytes,
	// options and storage) in the cache and linked its outputs into this task's output folder instead of
	// doing the work again.
	ReasonCacheHit = "CacheHit"
)

// Reasons of a reconcile step that failed. The operator writes the step's reason and the API server's
// message to status before it retries with backoff, so a failure shows in status, not only in its log.
const (
	ReasonListJobsFailed      = "ListJobsFailed"
	ReasonListPodsFailed      = "ListPodsFailed"
	ReasonListEventsFailed    = "ListEventsFailed"
	ReasonDeletePodFailed     = "DeletePodFailed"
	ReasonReleasePodFailed    = "ReleasePodFailed"
	ReasonDeleteJobFailed     = "DeleteJobFailed"
	ReasonClearProgressFailed = "ClearProgressFailed"
	ReasonJobCreateFailed     = "JobCreateFailed"
	ReasonSuspendJobFailed    = "SuspendJobFailed"
	ReasonRunnerAccessFailed  = "RunnerAccessFailed"
	ReasonFinalizerFailed     = "FinalizerFailed"
	ReasonCronJobSyncFailed   = "CronJobSyncFailed"
	ReasonDeleteExpiredFailed = "DeleteExpiredFailed"
	// ReasonListIdenticalTasksFailed: the operator could not list the tasks that ask for the same work.
	ReasonListIdenticalTasksFailed = "ListIdenticalTasksFailed"
	// ReasonKueueWorkloadFailed: the operator could not read or patch the Kueue Workload of the task's Job.
	ReasonKueueWorkloadFailed = "KueueWorkloadFailed"
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
	// FinalizerResult is on every runner pod of a task attempt (through the Job's pod template): it keeps
	// a finished pod, and with it the runner's termination message, until the operator has recorded the
	// attempt's outcome in the task's status. Pods whose end does not decide the attempt (an eviction, a
	// deleted pod the Job replaces) are released as soon as they are terminal, so a node drain never
	// waits for it.
	FinalizerResult = "tasks.langflix.io/result"
	// ManagedByValue is LabelManagedBy's value: the operator's name.
	ManagedByValue = "langflix-operator"

	// AnnotationMaxRunningTasks on a Namespace overrides the operator's per-namespace limit on running tasks
	// (--max-running-tasks-per-namespace) for that namespace: a whole number, 0 for no limit. It sits on the
	// Namespace, which tenants usually may not change, so that they cannot raise their own limit.
	AnnotationMaxRunningTasks = "tasks.langflix.io/max-running-tasks"
	// AnnotationQueueName on a Namespace is the Kueue LocalQueue of its tasks that set no spec.queueName.
	AnnotationQueueName = "tasks.langflix.io/queue-name"
	// LabelKueueQueueName is Kueue's label that hands a Job to a LocalQueue.
	LabelKueueQueueName = "kueue.x-k8s.io/queue-name"
)
