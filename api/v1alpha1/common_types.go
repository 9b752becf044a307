package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// StoragePath is a path relative to the storage root, or a URL with one of the schemes s3, gs, file or https.
// Relative paths may not start with "/" nor contain a ".." segment, so they always stay inside the storage
// volume. A file:// URL names a path in the runner container's own file system (for images that bundle
// media); the runner's root file system is read-only, so such a URL can only be read.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=2048
// +kubebuilder:validation:XValidation:rule="self.contains('://') || !self.startsWith('/')",message="must be a path relative to the storage root (no leading '/') or a URL"
// +kubebuilder:validation:XValidation:rule="self.contains('://') || !self.matches('(^|/)[.][.](/|$)')",message="must not contain a '..' path segment"
// +kubebuilder:validation:XValidation:rule="!self.contains('://') || self.matches('^(s3|gs|file|https)://[^ ]+$')",message="URLs must use the s3://, gs://, file:// or https:// scheme"
// +kubebuilder:validation:XValidation:rule="!self.startsWith('file://') || !self.matches('^file://[^/]*/+(proc|sys|dev|run|var/+run)(/|$)')",message="file:// URLs must not point into /proc, /sys, /dev, /run or /var/run, where the runner's process state and credentials live"
// +kubebuilder:validation:XValidation:rule="!self.startsWith('file://') || !self.matches('(/[.][.]?(/|$))|%')",message="file:// URLs must not contain '.' or '..' segments or percent-encoding"
type StoragePath string

// RelativePath is a path relative to the storage root: no leading "/" and no ".." segment.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=1024
// +kubebuilder:validation:XValidation:rule="!self.startsWith('/')",message="must be relative to the storage root (no leading '/')"
// +kubebuilder:validation:XValidation:rule="!self.matches('(^|/)[.][.](/|$)')",message="must not contain a '..' path segment"
type RelativePath string

// TimeLimits bounds one attempt of a task, like Celery's soft and hard time limits, plus the time its
// runner may take to start. All are whole seconds, like the Job's activeDeadlineSeconds. startSeconds counts
// while the attempt waits for its runner (scheduling, image pull, volumes); softSeconds and hardSeconds count
// from the runner's own start, so time spent unscheduled never eats into them. The Job's
// activeDeadlineSeconds is startSeconds + hardSeconds, a backstop that Kubernetes enforces even if the
// operator and the runner both fail to.
// +kubebuilder:validation:XValidation:rule="!has(self.softSeconds) || !has(self.hardSeconds) || self.softSeconds <= self.hardSeconds",message="spec.timeLimits.softSeconds must not exceed spec.timeLimits.hardSeconds"
type TimeLimits struct {
	// softSeconds is when the runner stops starting new work, stops gracefully and keeps partial results
	// (reason SoftTimeLimitExceeded), in seconds after the runner started. It may not exceed hardSeconds;
	// equal to hardSeconds, it turns the graceful stop off and the hard limit ends the attempt.
	// +kubebuilder:default=1500
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=86400
	// +optional
	SoftSeconds int32 `json:"softSeconds,omitempty"`

	// hardSeconds is when the runner stops at once (reason HardTimeLimitExceeded, never retried), in seconds
	// after the runner started. The runner enforces it itself; Kubernetes stops the attempt at the latest
	// startSeconds + hardSeconds after its Job started (activeDeadlineSeconds). At most 86400 (24 hours).
	// +kubebuilder:default=1800
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=86400
	// +optional
	HardSeconds int32 `json:"hardSeconds,omitempty"`

	// startSeconds is how long an attempt may wait for its runner to run, in seconds after its Job started
	// (time a Job spends suspended does not count). An attempt whose pod still does not run by then
	// (unschedulable, an image that cannot be pulled, ...) fails with reason StartTimeLimitExceeded and is
	// retried like any failed attempt. A configuration error that cannot heal by waiting (a missing Secret,
	// PersistentVolumeClaim or ServiceAccount) fails the task sooner, after the operator's grace period
	// (reason PodConfigurationError). At most 86400 (24 hours).
	// +kubebuilder:default=600
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=86400
	// +optional
	StartSeconds int32 `json:"startSeconds,omitempty"`
}

// RetryPolicy says how often and how late a failed attempt is retried. The delay before retry n (1-based) is
// min(backoffBaseSeconds * 2^(n-1), backoffCapSeconds), the seed's countdown=60*2**retries. Invalid input and
// time limits are never retried.
// +kubebuilder:validation:XValidation:rule="!has(self.backoffBaseSeconds) || !has(self.backoffCapSeconds) || self.backoffBaseSeconds <= self.backoffCapSeconds",message="spec.retry.backoffBaseSeconds must not exceed spec.retry.backoffCapSeconds"
type RetryPolicy struct {
	// maxRetries is how many times a failed attempt is retried; 0 disables retries.
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=20
	// +optional
	MaxRetries *int32 `json:"maxRetries,omitempty"`

	// backoffBaseSeconds is the delay before the first retry, in seconds; each further retry doubles it.
	// +kubebuilder:default=60
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=86400
	// +optional
	BackoffBaseSeconds int32 `json:"backoffBaseSeconds,omitempty"`

	// backoffCapSeconds is the longest delay between two attempts, in seconds.
	// +kubebuilder:default=600
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=86400
	// +optional
	BackoffCapSeconds int32 `json:"backoffCapSeconds,omitempty"`
}

// TaskTemplate holds the fields every task kind shares: where its files live and how its Jobs run. A task is
// one run: each field that defines the run is immutable (a transition rule self == oldSelf on the field);
// the fields that say how the operator treats the task (resources, suspend, ttlSecondsAfterFinished) may
// change. Optional fields without a default can also not be added or removed after creation: a rule on each
// task kind's spec says so, since a field's own rule does not run when the field is absent.
type TaskTemplate struct {
	// storage is the volume that holds the task's inputs and outputs, mounted into the runner at /data, for
	// example {persistentVolumeClaim: {claimName: media}}. Relative paths in the spec are resolved against it.
	// Every task author may use persistentVolumeClaim, emptyDir and ephemeral volumes; any other volume type
	// (hostPath, nfs, csi, secret, ...) needs the right to create pods in the namespace and may be disabled
	// altogether by the operator's installation (ValidatingAdmissionPolicy langflix-task-author-rights).
	// It must set exactly one volume type: a pod cannot mount anything else. Immutable.
	// +kubebuilder:validation:XValidation:rule="[has(self.hostPath), has(self.emptyDir), has(self.gcePersistentDisk), has(self.awsElasticBlockStore), has(self.gitRepo), has(self.secret), has(self.nfs), has(self.iscsi), has(self.glusterfs), has(self.persistentVolumeClaim), has(self.rbd), has(self.flexVolume), has(self.cinder), has(self.cephfs), has(self.flocker), has(self.downwardAPI), has(self.fc), has(self.azureFile), has(self.configMap), has(self.vsphereVolume), has(self.quobyte), has(self.azureDisk), has(self.photonPersistentDisk), has(self.projected), has(self.portworxVolume), has(self.scaleIO), has(self.storageos), has(self.csi), has(self.ephemeral), has(self.image)].filter(x, x).size() == 1",message="spec.storage must set exactly one volume type, such as persistentVolumeClaim"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.storage is immutable: a task is one run; create a new task instead"
	// +required
	Storage corev1.VolumeSource `json:"storage,omitempty,omitzero"`

	// output is the folder for the results, relative to the storage root or a URL. When unset, the results
	// go to "<namespace>/<name>/". Immutable.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.output is immutable: a task is one run; create a new task instead"
	// +optional
	Output StoragePath `json:"output,omitempty"`

	// timeLimits are the soft and hard time limits of one attempt, and how long it may wait for its runner
	// to start. Immutable.
	// +kubebuilder:default={}
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.timeLimits is immutable: a task is one run; create a new task instead"
	// +optional
	TimeLimits TimeLimits `json:"timeLimits,omitempty,omitzero"`

	// retry says how failed attempts are retried. Immutable.
	// +kubebuilder:default={}
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.retry is immutable: a task is one run; create a new task instead"
	// +optional
	Retry RetryPolicy `json:"retry,omitempty,omitzero"`

	// resources are the runner container's compute resources. When empty, the operator's defaults apply.
	// A change applies to the next attempt; a running attempt keeps what it started with. A request may not
	// exceed its limit.
	// +kubebuilder:validation:XValidation:rule="!has(self.requests) || !has(self.limits) || ['cpu', 'memory', 'ephemeral-storage'].all(r, !(r in self.requests) || !(r in self.limits) || quantity(string(self.requests[r])).compareTo(quantity(string(self.limits[r]))) <= 0)",message="spec.resources: every request must be less than or equal to its limit"
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// priorityClassName is the PriorityClass of the runner pods. A priority class can preempt other pods, so
	// only users who may create pods in the namespace may set it, unless the operator's installation allows
	// the class for every task author. Immutable.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')",message="spec.priorityClassName must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.')"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.priorityClassName is immutable: a task is one run; create a new task instead"
	// +optional
	PriorityClassName string `json:"priorityClassName,omitempty"`

	// serviceAccountName runs the runner under this ServiceAccount instead of the one the operator manages
	// ("langflix-runner"). It must be allowed to get and patch the task's status. Only a user who may create
	// pods in the namespace (and so could run a pod under any of its ServiceAccounts anyway) may set it; the
	// operator's admission policy rejects it for everyone else. Immutable.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')",message="spec.serviceAccountName must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.')"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.serviceAccountName is immutable: a task is one run; create a new task instead"
	// +optional
	ServiceAccountName string `json:"serviceAccountName,omitempty"`

	// suspend stops the task: a running attempt's pod is removed and no new attempt starts until suspend is
	// false again, as with a Job's suspend. It may change after creation.
	// +kubebuilder:default=false
	// +optional
	Suspend *bool `json:"suspend,omitempty"`

	// ttlSecondsAfterFinished deletes the task this many seconds after it finished, as with a Job's field of
	// the same name. It may change after creation. When unset, the task is kept until deleted.
	// +kubebuilder:validation:Minimum=0
	// +optional
	TTLSecondsAfterFinished *int32 `json:"ttlSecondsAfterFinished,omitempty"`

	// priority orders the task among the tasks that wait for the operator's capacity (its cluster and
	// per-namespace limits on running tasks): a higher priority is admitted first; tasks of equal priority
	// are admitted oldest first, the namespaces taking turns so that none starves another. It may change
	// while the task waits. It is not a pod priority (that is priorityClassName), and it does not order tasks
	// that Kueue admits (queueName): Kueue orders those by their WorkloadPriorityClass. Unset means 0.
	// +kubebuilder:validation:Minimum=-1000
	// +kubebuilder:validation:Maximum=1000
	// +optional
	Priority *int32 `json:"priority,omitempty"`

	// queueName hands the task's attempts to Kueue: it names a Kueue LocalQueue in the task's namespace.
	// Each attempt's Job is created suspended with the label kueue.x-k8s.io/queue-name, Kueue starts it when
	// its ClusterQueue has quota, and the operator's own limits on running tasks do not apply. When unset, the
	// namespace's annotation tasks.langflix.io/queue-name names the queue, if it has one. It cannot change
	// after creation.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.queueName is immutable: a task is one run; create a new task instead"
	// +optional
	QueueName string `json:"queueName,omitempty"`
}

// TaskPhase is a coarse summary of where a task is in its life, for people (kubectl columns, the kubectl
// plugin). Programs should read the conditions; new phases may be added.
// +kubebuilder:validation:Enum=Pending;Queued;Running;Succeeded;Failed;Cancelled
type TaskPhase string

const (
	// TaskPending: accepted, no attempt running yet (first attempt not created, or waiting for a retry's backoff).
	TaskPending TaskPhase = "Pending"
	// TaskQueued: the attempt's Job exists but its pod is not running yet.
	TaskQueued TaskPhase = "Queued"
	// TaskRunning: the attempt's pod runs.
	TaskRunning TaskPhase = "Running"
	// TaskSucceeded: an attempt finished and its results are in status.result. Terminal.
	TaskSucceeded TaskPhase = "Succeeded"
	// TaskFailed: the task failed for good (reason says why). Terminal.
	TaskFailed TaskPhase = "Failed"
	// TaskCancelled: spec.suspend stopped the task before it finished; clearing suspend resumes it.
	TaskCancelled TaskPhase = "Cancelled"
)

// TaskProgress is the runner's progress report. The runner owns it (field manager "langflix-runner");
// the operator never writes it, and removes it once a newer attempt than the one that wrote it starts.
// +kubebuilder:validation:MinProperties=1
type TaskProgress struct {
	// attempt is the number of the attempt whose runner wrote this progress. Progress of an earlier
	// attempt is stale: the operator removes it when the next attempt starts. Unset when the runner did not
	// say (a runner older than the field).
	// +kubebuilder:validation:Minimum=1
	// +optional
	Attempt int32 `json:"attempt,omitempty"`
	// current is the number of work units done.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Current *int64 `json:"current,omitempty"`
	// total is the number of work units of the whole run.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Total *int64 `json:"total,omitempty"`
	// percent is current/total as a whole percentage.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +optional
	Percent *int32 `json:"percent,omitempty"`
	// stage is the pipeline stage that runs: probe, subtitles, expressions, translation, clips, slides,
	// videos, shorts, manifest.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +optional
	Stage string `json:"stage,omitempty"`
	// message says what the runner does right now.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Message string `json:"message,omitempty"`
	// updateTime is when the runner last wrote progress.
	// +optional
	UpdateTime *metav1.Time `json:"updateTime,omitempty"`
}

// OutputKind is a kind of file a run produces.
// +kubebuilder:validation:Enum=Clips;Slides;Videos;Shorts
type OutputKind string

const (
	// OutputClips are the context and expression clips cut from the video.
	OutputClips OutputKind = "Clips"
	// OutputSlides are the slide images (and, for a SlideTask with format MP4, their videos).
	OutputSlides OutputKind = "Slides"
	// OutputVideos are the educational videos, the combined one included.
	OutputVideos OutputKind = "Videos"
	// OutputShorts are the vertical shorts.
	OutputShorts OutputKind = "Shorts"
)

// OutputCount is how many files of one kind a run produced.
type OutputCount struct {
	// kind is the kind of file: Clips, Slides, Videos or Shorts.
	// +required
	Kind OutputKind `json:"kind,omitempty"`
	// count is how many files of that kind were produced; kinds without files are left out.
	// +kubebuilder:validation:Minimum=1
	// +required
	Count int32 `json:"count,omitempty"`
}

// ResultCompleteness says whether a run produced every output it planned.
// +kubebuilder:validation:Enum=Complete;Partial
type ResultCompleteness string

const (
	// ResultComplete: every expression has all its requested outputs.
	ResultComplete ResultCompleteness = "Complete"
	// ResultPartial: the run stopped early (the soft time limit, a termination) and kept the expressions it
	// finished.
	ResultPartial ResultCompleteness = "Partial"
)

// TaskResult summarises what a finished attempt produced; the full list lives in the manifest.
// +kubebuilder:validation:MinProperties=1
type TaskResult struct {
	// expressions is how many expressions were processed.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Expressions *int32 `json:"expressions,omitempty"`
	// manifest is the path of manifest.json relative to the storage root (or its URL). It is the output
	// folder (up to 2048 characters) plus the file name, within the runner's 4096-byte termination message.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	Manifest string `json:"manifest,omitempty"`
	// outputs counts the files produced, one entry per kind that has any.
	// +listType=map
	// +listMapKey=kind
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=8
	// +optional
	Outputs []OutputCount `json:"outputs,omitempty"`
	// completeness is Complete when every expression has all its requested outputs, Partial when the run
	// stopped early (the soft time limit) and kept only the expressions it finished.
	// +optional
	Completeness ResultCompleteness `json:"completeness,omitempty"`
}

// MaxPreviousAttempts bounds status.previousAttempts: the newest ones are kept.
const MaxPreviousAttempts = 10

// AttemptStatus is one attempt of a task: the Job that runs it, when it started and how it ended. An
// attempt is identified by its Job's UID, not only its name, so a Job that vanished and a Job of the same
// name created by someone else are never taken for it.
type AttemptStatus struct {
	// number is the attempt's number, from 1.
	// +kubebuilder:validation:Minimum=1
	// +required
	Number int32 `json:"number,omitempty"`
	// jobName is the name of the attempt's Job.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +optional
	JobName string `json:"jobName,omitempty"`
	// jobUID is the UID of the attempt's Job, as the API server returned it when the operator created the
	// Job; empty until then.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +optional
	JobUID types.UID `json:"jobUID,omitempty"`
	// createTime is when the attempt's Job was created.
	// +optional
	CreateTime *metav1.Time `json:"createTime,omitempty"`
	// startTime is when the attempt's runner was first seen running.
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty"`
	// finishTime is when the attempt ended; unset while it runs.
	// +optional
	FinishTime *metav1.Time `json:"finishTime,omitempty"`
	// reason says how the attempt ended, once it did: Completed, AttemptFailed, InvalidInput,
	// SoftTimeLimitExceeded, HardTimeLimitExceeded, StartTimeLimitExceeded, PodConfigurationError,
	// JobDeleted, JobRejected, JobNameConflict.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +optional
	Reason string `json:"reason,omitempty"`
	// message explains reason.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	// +optional
	Message string `json:"message,omitempty"`
}

// QueueStatus says what a task waits for before its attempt's runner may start.
// +kubebuilder:validation:MinProperties=1
type QueueStatus struct {
	// position is the task's place among the tasks that wait for the operator's capacity, 1 being the next to
	// start. It is exact up to 10; beyond that it is written when it crosses 20, 50, 100, 200, 500, 1000, 2000,
	// 5000 or 10000, so that thousands of waiting tasks are not rewritten at every start. Unset for tasks that
	// Kueue admits.
	// +kubebuilder:validation:Minimum=1
	// +optional
	Position int32 `json:"position,omitempty"`
	// localQueue is the Kueue LocalQueue the attempt's Job was submitted to, for tasks that Kueue admits.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +optional
	LocalQueue string `json:"localQueue,omitempty"`
	// workload is the Kueue Workload of the attempt's Job, once Kueue created it.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Workload string `json:"workload,omitempty"`
	// identicalTask is the task with the same inputs, options and storage that this one waits for, to be
	// served from its result instead of doing the same work twice.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +optional
	IdenticalTask string `json:"identicalTask,omitempty"`
}

// TaskStatus is the observed state of a VideoTask or SlideTask.
// +kubebuilder:validation:MinProperties=1
type TaskStatus struct {
	// conditions are the latest observations. Ready, Reconciling and Stalled summarise the task for GitOps
	// tools (kstatus reads a queued or running task as InProgress, a succeeded one as Current, a failed one
	// as Failed); a step the operator could not carry out (reason JobCreateFailed, ...) shows in Ready with
	// the API server's message. Running, Succeeded, Failed and Suspended follow the phase.
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// observedGeneration is the metadata.generation this status was computed for.
	// +kubebuilder:validation:Minimum=1
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// phase summarises the task's state for people: the PHASE column of kubectl get and the kubectl
	// plugin. It follows the conditions, which programs should read instead.
	// +optional
	Phase TaskPhase `json:"phase,omitempty"`
	// progress is written by the runner while an attempt runs.
	// +optional
	Progress *TaskProgress `json:"progress,omitempty"`
	// attempts is how many attempts (Jobs) have been started; unset before the first. A disruption that
	// Kubernetes absorbs within an attempt (an eviction, a preemption, a node drain, a deleted pod) is not a
	// new attempt: the Job replaces the pod.
	// +kubebuilder:validation:Minimum=1
	// +optional
	Attempts int32 `json:"attempts,omitempty"`
	// jobName is the Job of the current or last attempt.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +optional
	JobName string `json:"jobName,omitempty"`
	// currentAttempt is the current or last attempt: its Job, when it started and, once it ended, how.
	// +optional
	CurrentAttempt *AttemptStatus `json:"currentAttempt,omitempty"`
	// previousAttempts are the attempts before the current one, oldest first; only the newest 10 are kept.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=10
	// +listType=atomic
	// +optional
	PreviousAttempts []AttemptStatus `json:"previousAttempts,omitempty"`
	// startTime is when the first attempt started.
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty"`
	// completionTime is when the task reached Succeeded or Failed.
	// +optional
	CompletionTime *metav1.Time `json:"completionTime,omitempty"`
	// nextRetryTime is when the next attempt starts, while a retry waits for its backoff.
	// +optional
	NextRetryTime *metav1.Time `json:"nextRetryTime,omitempty"`
	// queue says what the task waits for while it is Queued without a running attempt: its place among the
	// tasks waiting for the operator's capacity, its Kueue LocalQueue and Workload, or the identical task whose
	// result it will reuse. Unset once its runner starts.
	// +optional
	Queue QueueStatus `json:"queue,omitzero"`
	// result summarises a successful (or partial) run.
	// +optional
	Result *TaskResult `json:"result,omitempty"`
	// reason is a CamelCase word for the last failure or state change, such as InvalidInput,
	// HardTimeLimitExceeded, SoftTimeLimitExceeded, BackoffLimitExceeded, JobRejected, QuotaExceeded, or
	// why a queued attempt's pod does not run yet (Unschedulable, FailedCreate, or the runner container's
	// waiting reason such as CreateContainerConfigError or ImagePullBackOff).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Reason string `json:"reason,omitempty"`
	// message is a human-readable explanation of reason.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32768
	// +optional
	Message string `json:"message,omitempty"`
}
