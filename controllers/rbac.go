package controllers

// The operator's permissions, generated into config/rbac/role.yaml by `make manifests`. Least privilege:
// it reads pods only to learn a finished runner's exit, creates the runner's ServiceAccount and RoleBinding
// but never reads or changes others, may bind only the runner ClusterRole, and writes one Secret per task
// namespace, its copy of the runner cache's Redis URL (runner_cache.go; by server-side apply, which checks
// create and patch against that name), never reading any Secret there. Reading the cache Secret in its own
// namespace is a Role of the installation (config/rbac/cache_secret_role.yaml), not part of this ClusterRole.

// +kubebuilder:rbac:groups=tasks.langflix.io,resources=videotasks;slidetasks;cleanuppolicies,verbs=get;list;watch;patch;delete
// +kubebuilder:rbac:groups=tasks.langflix.io,resources=videotasks/status;slidetasks/status;cleanuppolicies/status,verbs=get;patch
// +kubebuilder:rbac:groups=tasks.langflix.io,resources=videotasks/finalizers;slidetasks/finalizers;cleanuppolicies/finalizers,verbs=update
// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch;create;patch;delete;deletecollection
// +kubebuilder:rbac:groups=batch,resources=cronjobs,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups="",resources=pods,verbs=list
// +kubebuilder:rbac:groups="",resources=serviceaccounts,verbs=create
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=rolebindings,verbs=create
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=clusterroles,verbs=bind,resourceNames=langflix-runner
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=create;patch,resourceNames=langflix-runner-cache
