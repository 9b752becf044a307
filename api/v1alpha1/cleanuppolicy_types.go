package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CleanupPolicySpec deletes old files from a storage volume on a schedule, the seed's
// cleanup_old_files(days=7) on a 02:00 beat schedule.
type CleanupPolicySpec struct {
	// schedule is a cron expression of exactly five fields (minute hour day-of-month month day-of-week).
	// +kubebuilder:default="0 2 * * *"
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self.matches('^[^ \\t]+([ \\t]+[^ \\t]+){4}$')",message="spec.schedule must have exactly 5 cron fields (minute hour day-of-month month day-of-week)"
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9A-Za-z*/,?-]+([ \\t]+[0-9A-Za-z*/,?-]+){4}$')",message="spec.schedule has a character that is not allowed in a cron field"
	// +optional
	Schedule string `json:"schedule,omitempty"`

	// timeZone is the IANA time zone the schedule is read in, such as UTC or Asia/Seoul.
	// +kubebuilder:default=UTC
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^(UTC|Local|[A-Z][A-Za-z_+-]*(/[A-Za-z0-9_+-]+){1,2}|Etc/[A-Za-z0-9_+-]+)$')",message="spec.timeZone must be an IANA time zone name such as UTC or Asia/Seoul"
	// +kubebuilder:validation:XValidation:rule="self != 'Local'",message="spec.timeZone must not be Local: the controller's local zone is not portable"
	// +optional
	TimeZone string `json:"timeZone,omitempty"`

	// retentionDays keeps files modified within this many days.
	// +kubebuilder:default=7
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3650
	// +optional
	RetentionDays int32 `json:"retentionDays,omitempty"`

	// storage is the volume to clean, mounted at /data in the cleanup Job. It must set exactly one volume
	// type.
	// +kubebuilder:validation:XValidation:rule="[has(self.hostPath), has(self.emptyDir), has(self.gcePersistentDisk), has(self.awsElasticBlockStore), has(self.gitRepo), has(self.secret), has(self.nfs), has(self.iscsi), has(self.glusterfs), has(self.persistentVolumeClaim), has(self.rbd), has(self.flexVolume), has(self.cinder), has(self.cephfs), has(self.flocker), has(self.downwardAPI), has(self.fc), has(self.azureFile), has(self.configMap), has(self.vsphereVolume), has(self.quobyte), has(self.azureDisk), has(self.photonPersistentDisk), has(self.projected), has(self.portworxVolume), has(self.scaleIO), has(self.storageos), has(self.csi), has(self.ephemeral), has(self.image)].filter(x, x).size() == 1",message="spec.storage must set exactly one volume type, such as persistentVolumeClaim"
	// +required
	Storage corev1.VolumeSource `json:"storage,omitempty,omitzero"`

	// paths are the folders to clean, relative to the storage root. When unset, the whole volume is cleaned.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	// +listType=atomic
	// +optional
	Paths []RelativePath `json:"paths,omitempty"`

	// include lists glob patterns (relative to the storage root, ** matches any folders); when set, only
	// matching files are deleted.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	// +listType=atomic
	// +optional
	Include []string `json:"include,omitempty"`

	// exclude lists glob patterns of files never deleted.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	// +listType=atomic
	// +optional
	Exclude []string `json:"exclude,omitempty"`

	// mode is what a run does with the files it selects: Delete them, or DryRun (report what would be
	// deleted, in status.lastRun, without deleting anything).
	// +kubebuilder:default=Delete
	// +optional
	Mode CleanupMode `json:"mode,omitempty"`

	// suspend stops scheduling new runs, as with a CronJob's suspend; a run that already started finishes.
	// +kubebuilder:default=false
	// +optional
	Suspend *bool `json:"suspend,omitempty"`

	// resources are the cleanup container's compute resources. A request of cpu, memory or
	// ephemeral-storage may not exceed its limit.
	// +kubebuilder:validation:XValidation:rule="!has(self.requests) || !has(self.limits) || ['cpu', 'memory', 'ephemeral-storage'].all(r, !(r in self.requests) || !(r in self.limits) || quantity(string(self.requests[r])).compareTo(quantity(string(self.limits[r]))) <= 0)",message="spec.resources: every request must be less than or equal to its limit"
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// successfulJobsHistoryLimit is how many finished Jobs to keep.
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +optional
	SuccessfulJobsHistoryLimit *int32 `json:"successfulJobsHistoryLimit,omitempty"`

	// failedJobsHistoryLimit is how many failed Jobs to keep.
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +optional
	FailedJobsHistoryLimit *int32 `json:"failedJobsHistoryLimit,omitempty"`
}

// CleanupMode is what a cleanup run does with the files it selects.
// +kubebuilder:validation:Enum=Delete;DryRun
type CleanupMode string

const (
	// CleanupDelete deletes the selected files.
	CleanupDelete CleanupMode = "Delete"
	// CleanupDryRun reports what would be deleted without deleting anything.
	CleanupDryRun CleanupMode = "DryRun"
)

// CleanupOutcome is how a cleanup Job ended.
// +kubebuilder:validation:Enum=Succeeded;Failed
type CleanupOutcome string

const (
	// CleanupSucceeded: the Job completed. Files it could not handle are counted in errors.
	CleanupSucceeded CleanupOutcome = "Succeeded"
	// CleanupFailed: the Job failed; message says why.
	CleanupFailed CleanupOutcome = "Failed"
)

// CleanupRun is the outcome of one cleanup Job.
type CleanupRun struct {
	// jobName is the Job of that run.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +required
	JobName string `json:"jobName,omitempty"`
	// outcome is how the Job ended: Succeeded or Failed.
	// +required
	Outcome CleanupOutcome `json:"outcome,omitempty"`
	// completionTime is when it finished.
	// +optional
	CompletionTime *metav1.Time `json:"completionTime,omitempty"`
	// mode is what the run did with the files it selected: Delete, or DryRun (nothing was deleted). Unset
	// when the run left no summary.
	// +optional
	Mode CleanupMode `json:"mode,omitempty"`
	// filesDeleted is how many files were deleted (or would be, in a dry run).
	// +kubebuilder:validation:Minimum=0
	// +optional
	FilesDeleted *int64 `json:"filesDeleted,omitempty"`
	// bytesFreed is how many bytes they held.
	// +kubebuilder:validation:Minimum=0
	// +optional
	BytesFreed *int64 `json:"bytesFreed,omitempty"`
	// errors is how many files or folders could not be handled.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Errors *int64 `json:"errors,omitempty"`
	// message explains a failed run.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32768
	// +optional
	Message string `json:"message,omitempty"`
}

// CleanupPolicyStatus is the observed state of a CleanupPolicy.
// +kubebuilder:validation:MinProperties=1
type CleanupPolicyStatus struct {
	// conditions are the latest observations: Ready (the CronJob is in place), Reconciling (the operator is
	// still at it, or retries a failed step) and Stalled (the API server rejects the CronJob: only a spec
	// change helps), each with the reason and, for failures, the API server's message.
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
	// cronJobName is the CronJob that runs the cleanup.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=52
	// +optional
	CronJobName string `json:"cronJobName,omitempty"`
	// lastScheduleTime is when a cleanup Job was last scheduled.
	// +optional
	LastScheduleTime *metav1.Time `json:"lastScheduleTime,omitempty"`
	// lastSuccessfulTime is when a cleanup Job last completed.
	// +optional
	LastSuccessfulTime *metav1.Time `json:"lastSuccessfulTime,omitempty"`
	// lastRun is the outcome of the latest finished run.
	// +optional
	LastRun *CleanupRun `json:"lastRun,omitempty"`
}

// CleanupPolicy deletes files older than retentionDays from a storage volume on a cron schedule, through a
// CronJob that runs the runner's cleanup command.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="metadata.name must be at most 63 characters: it becomes the tasks.langflix.io/task label of the policy's CronJob, Jobs and pods"
// +kubebuilder:resource:shortName=clp,categories=langflix
// +kubebuilder:printcolumn:name="Schedule",type=string,JSONPath=`.spec.schedule`
// +kubebuilder:printcolumn:name="Retention",type=integer,JSONPath=`.spec.retentionDays`,description="days kept"
// +kubebuilder:printcolumn:name="Suspend",type=boolean,JSONPath=`.spec.suspend`
// +kubebuilder:printcolumn:name="Last Schedule",type=date,JSONPath=`.status.lastScheduleTime`
// +kubebuilder:printcolumn:name="Deleted",type=integer,JSONPath=`.status.lastRun.filesDeleted`,description="files deleted by the last run"
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type CleanupPolicy struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired cleanup.
	// +required
	Spec CleanupPolicySpec `json:"spec,omitempty,omitzero"`

	// status is the observed state.
	// +optional
	Status CleanupPolicyStatus `json:"status,omitempty,omitzero"`
}

// CleanupPolicyList is a list of CleanupPolicies.
// +kubebuilder:object:root=true
type CleanupPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []CleanupPolicy `json:"items"`
}
