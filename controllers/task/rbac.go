package task

// The task controllers' permissions, generated (with the cleanup controller's) into
// config/rbac/role.yaml by `make manifests`. Least privilege: runner pods are watched (why one does not
// start, when one ends), patched only to remove the operator's result finalizer, and deleted only when a
// pod of an earlier attempt still runs before the next attempt starts; events are listed only for the Job
// controller's FailedCreate; the runner's ServiceAccount and RoleBinding are created but never read or
// changed, and only the runner ClusterRole may be bound. One Secret per task namespace is written, the
// operator's copy of the runner cache's Redis URL (runnerpod.EnsureCacheSecret; by server-side apply, which checks create and
// patch against that name), and no Secret there is ever read. Reading the cache Secret in the operator's own
// namespace is a Role of the installation (config/rbac/cache_secret_role.yaml), not part of this role.

// +kubebuilder:rbac:groups=tasks.langflix.io,resources=videotasks;slidetasks,verbs=get;list;watch;patch;delete
// +kubebuilder:rbac:groups=tasks.langflix.io,resources=videotasks/status;slidetasks/status,verbs=get;patch
// +kubebuilder:rbac:groups=tasks.langflix.io,resources=videotasks/finalizers;slidetasks/finalizers,verbs=update
// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch;create;patch;delete;deletecollection
// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch;patch;delete
// +kubebuilder:rbac:groups="",resources=events,verbs=list
// +kubebuilder:rbac:groups="",resources=serviceaccounts,verbs=create
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=rolebindings,verbs=create
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=clusterroles,verbs=bind,resourceNames=langflix-runner
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=create;patch,resourceNames=langflix-runner-cache

// The admission queue reads Namespaces' annotations (their limit on running tasks, their default Kueue
// LocalQueue): metadata only, watched when the operator serves every namespace, read by name in each namespace
// it is limited to. Kueue's Workloads are read to show why a Job waits, and their spec.active is patched to
// stop (and resume) a suspended task's Workload, since Kueue would resume a Job suspended behind its back.
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups=kueue.x-k8s.io,resources=workloads,verbs=get;list;watch;patch
