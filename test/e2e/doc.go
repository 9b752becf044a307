// Package e2e is the end-to-end suite: the operator installed with its Helm chart into a real local cluster
// (hack/local-cluster.sh), whose node runs every pod as a local process, so each task runs the real runner
// with real ffmpeg over real files.
//
// The specs are built only with the e2e build tag, so `go test ./...` leaves them out. Run them with
//
//	make test-e2e
//
// which builds the binaries, starts a cluster of its own, runs `go test -tags e2e ./test/e2e/` with the
// E2E_* variables below and stops the cluster (E2E_KEEP_CLUSTER=1 keeps it). By hand, against a running cluster
// whose localnode maps the images langflix-operator:* and langflix-runner:* to bin/manager and
// bin/langflix-runner:
//
//	E2E_KUBECONFIG=<admin kubeconfig> E2E_CLUSTER_DIR=<LANGFLIX_CLUSTER_DIR> \
//	E2E_K8S_BIN=$(hack/build-k8s-binaries.sh path) go test -tags e2e ./test/e2e/ -v
//
// E2E_METRICS_PORT and E2E_PROBE_PORT choose the operator's host ports (pods share the host network).
package e2e
