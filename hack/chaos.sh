#!/usr/bin/env bash
# The fault harness of issue 8 (`make chaos`): on a local cluster of its own (hack/local-cluster.sh: real
# kube-apiserver, kube-controller-manager and kube-scheduler, localnode running pods as processes) it runs the
# operator (bin/manager, on the host, as its ServiceAccount) with the runner image mapped to a small fake
# runner (test/chaos/fakerunner, bin/chaos-runner) and a few real runner tasks, injects faults and prints, per
# scenario, tasks / succeeded / failed / duplicates / lost / retries consumed (test/chaos).
#
#   hack/chaos.sh                       all six scenarios at full size (about 30-40 min on 2 busy cores)
#   CHAOS_SHORT=1 hack/chaos.sh         the short version (a fraction of the tasks, one fault of each kind)
#   CHAOS_SCENARIOS=1,3 hack/chaos.sh   some scenarios only
#
# Environment:
#   CHAOS_CLUSTER_DIR    cluster state, logs, volumes (default ~/.cache/langflix/chaos-cluster); the results
#                        table is appended to $CHAOS_CLUSTER_DIR/chaos-results.txt
#   CHAOS_PORT_BASE      the cluster's port base (default 38400; see hack/local-cluster.sh); the operator's probe
#                        listens on BASE+87 (BASE+83 to +86 are Kueue's and redis-server's in make test-e2e)
#   CHAOS_KEEP_CLUSTER=1 reuse a running cluster and leave it running
#   CHAOS_ATTACH=1       use the running cluster of LANGFLIX_CLUSTER_DIR/LANGFLIX_CLUSTER_PORT_BASE as it is (no
#                        reset, up or down; its localnode must map langflix-chaos-runner:* to bin/chaos-runner):
#                        hack/e2e.sh runs the short version this way after the end-to-end suite
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
export LANGFLIX_CACHE="$CACHE"
if [[ "${CHAOS_ATTACH:-}" != 1 ]]; then
  export LANGFLIX_CLUSTER_DIR="${CHAOS_CLUSTER_DIR:-$CACHE/chaos-cluster}"
  export LANGFLIX_CLUSTER_PORT_BASE="${CHAOS_PORT_BASE:-38400}"
fi
CLUSTER="$ROOT/hack/local-cluster.sh"

log() { printf '[chaos] %s\n' "$*" >&2; }

started=$SECONDS
log "building bin/manager, bin/langflix-runner and bin/chaos-runner"
"$ROOT/hack/build-binaries.sh" manager runner chaos-runner
"$ROOT/hack/build-k8s-binaries.sh" cluster >/dev/null

if [[ "${CHAOS_ATTACH:-}" != 1 ]]; then
  export LOCALNODE_IMAGE_MAP="langflix-chaos-runner:*=$ROOT/bin/chaos-runner langflix-runner:*=$ROOT/bin/langflix-runner langflix-operator:*=$ROOT/bin/manager"
  teardown() {
    local code=$?
    if [[ "${CHAOS_KEEP_CLUSTER:-}" == 1 ]]; then
      log "cluster kept (CHAOS_KEEP_CLUSTER=1): export KUBECONFIG=$LANGFLIX_CLUSTER_DIR/kubeconfig"
    else
      "$CLUSTER" down || true
    fi
    log "finished in $((SECONDS - started)) s (exit $code)"
    exit "$code"
  }
  trap teardown EXIT
  [[ "${CHAOS_KEEP_CLUSTER:-}" == 1 ]] || "$CLUSTER" reset
  "$CLUSTER" up
fi
eval "$("$CLUSTER" env)"

export CHAOS_ROOT="$ROOT" CHAOS_BIN="$ROOT/bin" CHAOS_KUBECONFIG="$KUBECONFIG" CHAOS_CLUSTER_DIR="$LANGFLIX_CLUSTER_DIR"
export CHAOS_KUBECTL
CHAOS_KUBECTL="$("$ROOT/hack/build-k8s-binaries.sh" path)/kubectl"
export CHAOS_CLUSTER_SCRIPT="$CLUSTER"
export CHAOS_PROBE_PORT="${CHAOS_PROBE_PORT:-$((LANGFLIX_CLUSTER_PORT_BASE + 87))}"

args=(-chaos.scenarios="${CHAOS_SCENARIOS:-1,2,3,4,5,6}")
[[ "${CHAOS_SHORT:-}" == 1 ]] && args+=(-chaos.short)
log "running the scenarios (cluster ready after $((SECONDS - started)) s)"
go test -tags chaos ./test/chaos/ -run '^TestChaos$' -count=1 -v -timeout 120m -args "${args[@]}"
