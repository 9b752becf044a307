#!/usr/bin/env bash
# kwok (sigs.k8s.io/kwok) beside a local cluster: simulated nodes whose pods go Running, then Succeeded or
# Failed by stage rules, against the real kube-apiserver, controller-manager and scheduler. For scale and
# fault tests; the binary is built from the Go module proxy by hack/build-tools.sh.
#
#   hack/kwok.sh start [fast|langflix]   start kwok with that stage file (default langflix, see below)
#   hack/kwok.sh nodes N                 make sure simulated nodes kwok-node-0 .. kwok-node-(N-1) exist and are Ready
#   hack/kwok.sh stop                    stop kwok (the Node objects stay; delete them with kubectl)
#   hack/kwok.sh status
#
# Stages: `hack/build-tools.sh kwok-stages langflix` (KWOK_RUN_MS, KWOK_JITTER_MS, KWOK_FAIL_PERCENT,
# KWOK_EXIT_CODE, and per-pod annotations; see that script) or `fast` (kwok's own: pods finish at once).
# A running kwok keeps the stages it started with: stop and start again to change them.
#
# kwok manages only nodes annotated kwok.x-k8s.io/node=fake. Those nodes carry the taint
# kwok.x-k8s.io/node=fake:NoSchedule and the label type=kwok, so only pods that tolerate the taint land there
# (real pods keep running on localnode). The local cluster runs no node-lifecycle controller, which is the only
# thing that removes the node.kubernetes.io/not-ready taint every new Node gets: `nodes` removes it once kwok
# has made the node Ready. The cluster folder and ports are those of hack/local-cluster.sh
# (LANGFLIX_CLUSTER_DIR, LANGFLIX_CLUSTER_PORT_BASE); kwok itself opens no port. Stop kwok before the cluster
# (hack/local-cluster.sh down knows nothing of it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
CLUSTER_DIR="${LANGFLIX_CLUSTER_DIR:-$CACHE/cluster}"
LOGS="$CLUSTER_DIR/logs"
RUN="$CLUSTER_DIR/run"
LOG_FILE="$LOGS/kwok.log"
PID_FILE="$RUN/kwok.pid"
KUBECONFIG_FILE="${KWOK_KUBECONFIG:-$CLUSTER_DIR/kubeconfig}"
STOP_TIMEOUT=10

log() { printf '[kwok] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

kubectl() { "$("$ROOT/hack/build-k8s-binaries.sh" path)/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# stop_process.
# shellcheck source=lib/process.sh
source "$ROOT/hack/lib/process.sh"
pid_of() {
  local pid argv0
  [[ -f "$PID_FILE" ]] || return 1
  pid=$(<"$PID_FILE")
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n 1)
  [[ "$(basename "$argv0")" == kwok ]] || return 1
  echo "$pid"
}

start() {
  local variant="${1:-langflix}" pid bin stages
  if pid=$(pid_of); then
    log "already running (pid $pid, stages $(tr '\0' ' ' <"/proc/$pid/cmdline" | sed -n 's/.*--config=\([^ ]*\).*/\1/p'))"
    return
  fi
  [[ -f "$KUBECONFIG_FILE" ]] || die "no kubeconfig at $KUBECONFIG_FILE (start the cluster: hack/local-cluster.sh up)"
  "$ROOT/hack/build-tools.sh" kwok >/dev/null
  bin=$("$ROOT/hack/build-tools.sh" path kwok)
  stages=$("$ROOT/hack/build-tools.sh" kwok-stages "$variant")
  mkdir -p "$LOGS" "$RUN"
  printf '\n==== %s starting kwok with %s\n' "$(date -Is)" "$stages" >>"$LOG_FILE"
  setsid "$bin" --kubeconfig="$KUBECONFIG_FILE" --config="$stages" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    >>"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  sleep 1
  pid_of >/dev/null || { tail -n 20 "$LOG_FILE" >&2; die "kwok exited at once (log: $LOG_FILE)"; }
  log "started kwok (pid $!, stages $stages, log $LOG_FILE)"
}

node_manifest() {
  cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $1
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    type: kwok
    kubernetes.io/hostname: $1
spec:
  taints:
  - key: kwok.x-k8s.io/node
    value: fake
    effect: NoSchedule
EOF
}

nodes() {
  local count="${1:-1}" i name deadline
  [[ "$count" =~ ^[0-9]+$ ]] || die "nodes needs a count"
  pid_of >/dev/null || die "kwok is not running (hack/kwok.sh start)"
  for ((i = 0; i < count; i++)); do
    name="kwok-node-$i"
    kubectl get node "$name" >/dev/null 2>&1 || node_manifest "$name" | kubectl create -f - >/dev/null
  done
  for ((i = 0; i < count; i++)); do
    name="kwok-node-$i"
    deadline=$((SECONDS + 60))
    until [[ "$(kubectl get node "$name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]; do
      ((SECONDS < deadline)) || die "node $name not Ready after 60s (log: $LOG_FILE)"
      sleep 0.5
    done
    kubectl taint node "$name" node.kubernetes.io/not-ready:NoSchedule- >/dev/null 2>&1 || true
  done
  log "$count simulated node(s) Ready: kwok-node-0..kwok-node-$((count - 1)) (taint kwok.x-k8s.io/node=fake:NoSchedule, label type=kwok)"
}

stop() { stop_process kwok; }

status() {
  local pid
  if pid=$(pid_of); then
    echo "kwok running: pid $pid, log $LOG_FILE"
    tr '\0' '\n' <"/proc/$pid/cmdline" | grep -- '--config=' | sed 's/^/  stages /'
  else
    echo "kwok not running (log $LOG_FILE)"
  fi
}

case "${1:-}" in
  start) start "${2:-langflix}" ;;
  nodes) nodes "${2:-1}" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [fast|langflix]|nodes N|stop|status" >&2; exit 2 ;;
esac
