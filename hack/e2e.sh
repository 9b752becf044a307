#!/usr/bin/env bash
# End-to-end tests (`make test-e2e`): builds bin/manager, bin/langflix-runner and bin/chaos-runner, brings up a
# local cluster of its own (hack/local-cluster.sh, with localnode running the images as those binaries), runs
# the Ginkgo suite in test/e2e against it, then the short version of the fault harness (hack/chaos.sh: one
# operator kill, one deleted pod, one eviction, deleted Jobs, refused manifests; about 2-3 minutes), and stops
# the cluster afterwards.
#
# The suite's cluster lives apart from the demo's (hack/demo.sh uses the default cluster folder and ports),
# so both can run on one machine. The suite installs the Helm chart itself and removes it in its last spec.
#
# Environment:
#   E2E_KEEP_CLUSTER=1   reuse a running cluster and leave it running afterwards (its kubeconfig is printed);
#                        without it every run resets the cluster state first and stops the cluster at the end,
#                        keeping its logs in E2E_CLUSTER_DIR until the next run
#   E2E_CLUSTER_DIR      cluster state, logs and volumes (default ~/.cache/langflix/e2e-cluster)
#   E2E_PORT_BASE        the cluster's port base (default 37400; see hack/local-cluster.sh); the operator's
#                        metrics and probe endpoints listen on BASE+81 and BASE+82, Kueue on BASE+83 to +85,
#                        redis-server on BASE+86, the fault harness's operator probes on BASE+87
#   E2E_GO_TEST_FLAGS    extra `go test` flags, e.g. "-ginkgo.focus=SlideTask" (default: none)
#   E2E_CHAOS=0          skip the short fault harness (default: run it; E2E_CHAOS_SCENARIOS picks scenarios,
#                        default 1,2,3,5)
#   E2E_KUEUE=0          do not start Kueue beside the cluster (hack/kueue.sh); its spec is then skipped
#
# Kueue (hack/kueue.sh, built by hack/build-tools.sh) runs beside the cluster for the queue specs, and stops
# before the cluster does. The queue specs also run a redis-server on the host, on BASE+86.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
export LANGFLIX_CACHE="$CACHE"
export LANGFLIX_CLUSTER_DIR="${E2E_CLUSTER_DIR:-$CACHE/e2e-cluster}"
export LANGFLIX_CLUSTER_PORT_BASE="${E2E_PORT_BASE:-37400}"
CLUSTER="$ROOT/hack/local-cluster.sh"

log() { printf '[e2e] %s\n' "$*" >&2; }

started=$SECONDS
log "building bin/manager, bin/langflix-runner and bin/chaos-runner"
"$ROOT/hack/build-binaries.sh" manager runner chaos-runner
"$ROOT/hack/build-k8s-binaries.sh" cluster >/dev/null

# localnode runs a pod's image as a local binary: the chart's images (any tag) become the binaries just built.
export LOCALNODE_IMAGE_MAP="langflix-operator:*=$ROOT/bin/manager langflix-runner:*=$ROOT/bin/langflix-runner langflix-chaos-runner:*=$ROOT/bin/chaos-runner"

teardown() {
  local code=$?
  if [[ "${E2E_KEEP_CLUSTER:-}" == 1 ]]; then
    log "cluster and Kueue kept (E2E_KEEP_CLUSTER=1): export KUBECONFIG=$LANGFLIX_CLUSTER_DIR/kubeconfig"
    log "stop them with: export LANGFLIX_CLUSTER_DIR=$LANGFLIX_CLUSTER_DIR LANGFLIX_CLUSTER_PORT_BASE=$LANGFLIX_CLUSTER_PORT_BASE; $ROOT/hack/kueue.sh stop; $CLUSTER down"
  else
    # Kueue is a client of the apiserver: it stops first.
    "$ROOT/hack/kueue.sh" stop || true
    "$CLUSTER" down || true
  fi
  log "finished in $((SECONDS - started)) s (exit $code)"
  exit "$code"
}
trap teardown EXIT

# Every run starts from a fresh cluster state: nothing an earlier run left (tasks, a Lease still held by an
# operator that could not release it) changes what this one sees. A kept cluster is reused as it is.
if [[ "${E2E_KEEP_CLUSTER:-}" != 1 ]]; then
  "$ROOT/hack/kueue.sh" stop || true # its pid file lives in the folder that reset deletes
  "$CLUSTER" reset
fi
"$CLUSTER" up
eval "$("$CLUSTER" env)"
export E2E_KUEUE="${E2E_KUEUE:-1}"
if [[ "$E2E_KUEUE" == 1 ]]; then
  log "starting Kueue beside the cluster"
  "$ROOT/hack/kueue.sh" start
fi

export E2E_KUBECONFIG="$KUBECONFIG"
export E2E_CLUSTER_DIR="$LANGFLIX_CLUSTER_DIR"
export E2E_K8S_BIN
E2E_K8S_BIN=$("$ROOT/hack/build-k8s-binaries.sh" path)
export E2E_METRICS_PORT="${E2E_METRICS_PORT:-$((LANGFLIX_CLUSTER_PORT_BASE + 81))}"
export E2E_PROBE_PORT="${E2E_PROBE_PORT:-$((LANGFLIX_CLUSTER_PORT_BASE + 82))}"
export E2E_REDIS_PORT="${E2E_REDIS_PORT:-$((LANGFLIX_CLUSTER_PORT_BASE + 86))}"

log "running the suite (cluster ready after $((SECONDS - started)) s)"
read -r -a extra <<<"${E2E_GO_TEST_FLAGS:-}"
go test -tags e2e ./test/e2e/ -count=1 -v -timeout 40m -ginkgo.v "${extra[@]}"

# The suite uninstalled its release; the short fault harness runs its own operator on the same cluster.
if [[ "${E2E_CHAOS:-1}" != 0 ]]; then
  chaos_started=$SECONDS
  log "running the short fault harness (hack/chaos.sh, CHAOS_SHORT=1)"
  CHAOS_ATTACH=1 CHAOS_SHORT=1 CHAOS_SCENARIOS="${E2E_CHAOS_SCENARIOS:-1,2,3,5}" \
    CHAOS_PROBE_PORT="$((LANGFLIX_CLUSTER_PORT_BASE + 87))" "$ROOT/hack/chaos.sh"
  log "fault harness took $((SECONDS - chaos_started)) s"
fi
