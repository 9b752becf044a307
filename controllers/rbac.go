package controllers

// The operator's permissions, generated into config/rbac/role.yaml by `make manifests`. Least privilege:
// it reads pods only to learn a finished runner's exit, creates the runner's ServiceAccount and RoleBinding
// but never reads or changes others, and may bind only the runner ClusterRole.

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
