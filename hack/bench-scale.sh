#!/usr/bin/env bash
# make bench-scale: what the operator costs a cluster at the size of a real catalogue (issue 11). On a local
# control plane built from source (hack/local-cluster.sh) without localnode, with nodes simulated by kwok
# (hack/kwok.sh: pods run for SCALE_RUN_MS, then succeed), the program in test/scale runs, side by side in one
# run: N bare Jobs from one file, then N VideoTasks from one file with the operator, N finished tasks left
# idle, a manager restart, and fake runners reporting progress. The manager is bin/manager, run as a local
# process with the flags, environment and ServiceAccount of the chart's default values (so its RSS can be
# read from /proc); everything else of the chart (CRDs, RBAC, admission policies) is installed as helm
# renders it. `make bench` (the runner against bare ffmpeg) runs first, before the cluster starts.
#
# Environment:
#   SCALE_N               task counts, one fresh cluster each (default "10000"; e.g. "1000 10000")
#   SCALE_IDLE            idle time with N finished tasks (default 10m)
#   SCALE_RUN_MS          how long a simulated pod runs before it succeeds (default 30000)
#   SCALE_PROGRESS_TASKS  running tasks whose fake runner reports progress every 100 ms (default 20)
#   SCALE_POD_GC_THRESHOLD
#                         the kube-controller-manager's --terminated-pod-gc-threshold (default N/10): the pod
#                         garbage collector deletes finished pods while the operator works (figure 5)
#   SCALE_FFMPEG_BENCH    0 skips `make bench`
#   SCALE_KEEP_CLUSTER    1 leaves the cluster and kwok running at the end
#   SCALE_HELM_ARGS       extra `helm template` flags, to measure other settings than the chart's defaults
#                         (e.g. "--set concurrency=8"); the report then is not the defaults' report
#   LANGFLIX_CLUSTER_DIR, LANGFLIX_CLUSTER_PORT_BASE
#                         the cluster's folder and ports (default ~/.cache/langflix/scale-cluster, 45400); its
#                         state is reset at the start of each run
# The report is printed and written to bin/bench-scale-N<N>.md; the work files (manifests, the manager's log,
# the audit log) are in $LANGFLIX_CLUSTER_DIR/bench.
#
# The cluster's own limits are raised so that they do not decide the figures for either side: the
# kube-controller-manager (Job controller, garbage collector) and kube-scheduler get 500 requests/s, and the
# Job controller 50 parallel syncs. The operator keeps the chart's defaults.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
export LANGFLIX_CLUSTER_DIR="${LANGFLIX_CLUSTER_DIR:-$CACHE/scale-cluster}"
export LANGFLIX_CLUSTER_PORT_BASE="${LANGFLIX_CLUSTER_PORT_BASE:-45400}"
export LANGFLIX_LOCALNODE=false
SCALE_N="${SCALE_N:-10000}"
SCALE_IDLE="${SCALE_IDLE:-10m}"
SCALE_RUN_MS="${SCALE_RUN_MS:-30000}"
SCALE_PROGRESS_TASKS="${SCALE_PROGRESS_TASKS:-20}"
WORK="$LANGFLIX_CLUSTER_DIR/bench"
BENCH_OUT="$CACHE/bench-scale-ffmpeg.txt"

log() { printf '[bench-scale] %s\n' "$*" >&2; }

stop_all() {
  if [[ "${SCALE_KEEP_CLUSTER:-0}" == 1 ]]; then
    log "SCALE_KEEP_CLUSTER=1: cluster left running (hack/kwok.sh stop; hack/local-cluster.sh down, with LANGFLIX_CLUSTER_DIR=$LANGFLIX_CLUSTER_DIR)"
    return
  fi
  hack/kwok.sh stop || true
  hack/local-cluster.sh down || true
}

log "building: Kubernetes binaries, kwok, bin/manager, the scale program"
K8S_BIN=$(hack/build-k8s-binaries.sh path)
hack/build-k8s-binaries.sh cluster >/dev/null
hack/build-tools.sh kwok >/dev/null
hack/build-binaries.sh manager
go build -o bin/bench-scale ./test/scale

if [[ "${SCALE_FFMPEG_BENCH:-1}" != 0 ]]; then
  log "make bench (runner vs bare ffmpeg), output in $BENCH_OUT"
  mkdir -p "$(dirname "$BENCH_OUT")"
  make --no-print-directory bench | tee "$BENCH_OUT"
fi

trap stop_all EXIT
for n in $SCALE_N; do
  log "==== N=$n: fresh cluster in $LANGFLIX_CLUSTER_DIR (ports from $LANGFLIX_CLUSTER_PORT_BASE)"
  hack/kwok.sh stop || true
  hack/local-cluster.sh reset
  mkdir -p "$WORK"
  bin/bench-scale audit-policy >"$WORK/audit-policy.yaml"
  : >"$WORK/audit.log"
  pod_gc_threshold="${SCALE_POD_GC_THRESHOLD:-$((n / 10))}"
  LANGFLIX_APISERVER_ARGS="--audit-policy-file=$WORK/audit-policy.yaml --audit-log-path=$WORK/audit.log --audit-log-format=json --audit-log-maxsize=0" \
    LANGFLIX_KCM_ARGS="--kube-api-qps=500 --kube-api-burst=1000 --concurrent-job-syncs=50 --concurrent-gc-syncs=50 --terminated-pod-gc-threshold=$pod_gc_threshold" \
    LANGFLIX_SCHEDULER_ARGS="--kube-api-qps=500 --kube-api-burst=1000" \
    hack/local-cluster.sh up
  KWOK_RUN_MS="$SCALE_RUN_MS" hack/kwok.sh start langflix
  nodes=$((n / 1500 + 2))
  hack/kwok.sh nodes "$nodes"
  # The operator's Jobs carry no toleration: on this cluster, which has no other node, the simulated nodes
  # take every pod.
  for ((i = 0; i < nodes; i++)); do
    "$K8S_BIN/kubectl" --kubeconfig "$LANGFLIX_CLUSTER_DIR/kubeconfig" taint node "kwok-node-$i" kwok.x-k8s.io/node:NoSchedule- >/dev/null
  done
  read -r -a helm_args <<<"${SCALE_HELM_ARGS:-}"
  "$K8S_BIN/helm" template langflix-operator charts/langflix-operator --namespace langflix-system --include-crds \
    "${helm_args[@]}" >"$WORK/chart.yaml"

  args=(--kubeconfig "$LANGFLIX_CLUSTER_DIR/kubeconfig" --kubectl "$K8S_BIN/kubectl" --chart "$WORK/chart.yaml"
    --manager bin/manager --work-dir "$WORK" --root "$ROOT" --cluster-dir "$LANGFLIX_CLUSTER_DIR"
    --audit-log "$WORK/audit.log" --n "$n" --idle "$SCALE_IDLE" --progress-tasks "$SCALE_PROGRESS_TASKS"
    --metrics-port $((LANGFLIX_CLUSTER_PORT_BASE + 81)) --probe-port $((LANGFLIX_CLUSTER_PORT_BASE + 82))
    --pod-gc-threshold "$pod_gc_threshold" --report "bin/bench-scale-N$n.md")
  [[ -f "$BENCH_OUT" && "${SCALE_FFMPEG_BENCH:-1}" != 0 ]] && args+=(--ffmpeg-bench "$BENCH_OUT")
  bin/bench-scale "${args[@]}"
  log "report: bin/bench-scale-N$n.md"
done
