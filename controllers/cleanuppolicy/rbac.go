package cleanuppolicy

// The cleanup controller's permissions, generated (with the task controllers') into config/rbac/role.yaml
// by `make manifests`. It watches the Jobs its CronJobs start and reads their pods only to learn a
// finished run's summary.

// +kubebuilder:rbac:groups=tasks.langflix.io,resources=cleanuppolicies,verbs=get;list;watch;patch;delete
// +kubebuilder:rbac:groups=tasks.langflix.io,resources=cleanuppolicies/status,verbs=get;patch
// +kubebuilder:rbac:groups=tasks.langflix.io,resources=cleanuppolicies/finalizers,verbs=update
// +kubebuilder:rbac:groups=batch,resources=cronjobs,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=pods,verbs=list
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
