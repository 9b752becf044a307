// Package integration runs kubectl-langflix's commands, exactly as a user types them, against a real
// kube-apiserver and etcd (envtest, KUBEBUILDER_ASSETS=$(hack/build-k8s-binaries.sh path)). No operator and
// no runner run: the specs write task status the way they would, and watch what the plugin makes of it.
package integration
