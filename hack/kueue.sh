#!/usr/bin/env bash
# Kueue (sigs.k8s.io/kueue, the Kubernetes batch queueing engine) on a local cluster, as a process beside it,
# for the end-to-end suite and experiments. The manager is built from the Go module proxy by
# hack/build-tools.sh; its CRDs are applied from the Go module cache (nothing of Kueue is copied into the clone).
#
#   hack/kueue.sh install-crds   server-side apply Kueue's CRDs and wait until they are served
#   hack/kueue.sh start          install-crds, then start the manager and wait until it is ready
#   hack/kueue.sh stop           stop the manager (the CRDs and Kueue objects stay)
#   hack/kueue.sh status         show whether it runs, its pid, ports and log
#   hack/kueue.sh env            print exports: eval "$(hack/kueue.sh env)" (KUEUE_BIN, KUEUE_CRDS, KUEUE_LOG, ...)
#
# Kueue runs without webhooks and without cert-manager: internalCertManagement is off and no webhook
# configuration is registered with the API server, so nothing calls its webhook server. What follows:
#   - a Job must be created suspended (spec.suspend: true) with the kueue.x-k8s.io/queue-name label; Kueue's
#     mutating webhook would otherwise suspend it at admission. An unsuspended Job with the label starts at once
#     and is only suspended by Kueue's Job reconciler afterwards, once its pods may have started;
#   - nothing validates Kueue's own objects at apply beyond the CRD schemas (the CEL rules in them still run);
#   - Kueue v0.17.0 still serves its webhook and metrics over TLS: the webhook server reads a certificate from
#     webhook.certDir (generated here per cluster), and the metrics server, with internal certificates off,
#     reads one from the fixed path /etc/kueue/metrics/certs (tls.crt, tls.key; not configurable in v0.17.0).
#     start writes a self-signed pair there when none exists, which needs root; otherwise it says what to run.
#     Turning the metrics server off (metrics.bindAddress "0") does not avoid it: cmd/kueue/main.go builds the
#     certificate watcher, which reads the pair at once and exits without it, whenever internalCertManagement
#     is off, before the bind address is looked at.
#
# Stop Kueue before the cluster (hack/local-cluster.sh down knows nothing of it): clients first, then the
# apiserver, as with every component. State lives in the cluster folder of hack/local-cluster.sh (LANGFLIX_CLUSTER_DIR, default
# ~/.cache/langflix/cluster): kueue/config.yaml, kueue/webhook-certs/, logs/kueue.log, run/kueue.pid.
#
# Environment:
#   LANGFLIX_CLUSTER_PORT_BASE  as for hack/local-cluster.sh (default 36400); Kueue listens on 127.0.0.1 at
#                               BASE+83 (webhook), BASE+84 (health probes), BASE+85 (metrics)
#   KUEUE_KUBECONFIG            the cluster to run against (default: the local cluster's admin kubeconfig)
#   KUEUE_FRAMEWORKS            integrations to enable, comma separated (default batch/job)
#   KUEUE_LOG_LEVEL             zap log level: debug, info, error or a number (default info)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
CLUSTER_DIR="${LANGFLIX_CLUSTER_DIR:-$CACHE/cluster}"
KUEUE_DIR="$CLUSTER_DIR/kueue"
LOGS="$CLUSTER_DIR/logs"
RUN="$CLUSTER_DIR/run"
LOG_FILE="$LOGS/kueue.log"
PID_FILE="$RUN/kueue.pid"
CONFIG_FILE="$KUEUE_DIR/config.yaml"
WEBHOOK_CERT_DIR="$KUEUE_DIR/webhook-certs"
# Fixed in Kueue v0.17.0's cmd/kueue/main.go when internalCertManagement is disabled.
METRICS_CERT_DIR=/etc/kueue/metrics/certs
KUBECONFIG_FILE="${KUEUE_KUBECONFIG:-$CLUSTER_DIR/kubeconfig}"

PORT_BASE="${LANGFLIX_CLUSTER_PORT_BASE:-36400}"
WEBHOOK_PORT=$((PORT_BASE + 83))
HEALTH_PORT=$((PORT_BASE + 84))
METRICS_PORT=$((PORT_BASE + 85))
STOP_TIMEOUT=10
READY_TIMEOUT=90

log() { printf '[kueue] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

kubectl() { "$("$ROOT/hack/build-k8s-binaries.sh" path)/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
kueue_bin() { "$ROOT/hack/build-tools.sh" kueue >/dev/null && "$ROOT/hack/build-tools.sh" path kueue; }
crd_dir() { "$ROOT/hack/build-tools.sh" kueue-crds; }

# pid_of prints the manager's pid; a pid file whose process is gone or is another program does not count.
# stop_process.
# shellcheck source=lib/process.sh
source "$ROOT/hack/lib/process.sh"
pid_of() {
  local pid argv0
  [[ -f "$PID_FILE" ]] || return 1
  pid=$(<"$PID_FILE")
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n 1)
  [[ "$(basename "$argv0")" == kueue ]] || return 1
  echo "$pid"
}

port_in_use() { [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]; }

# self_signed DIR CN SAN: an EC P-256 key and a self-signed serving certificate as DIR/tls.key, DIR/tls.crt.
self_signed() {
  local dir="$1" tmp
  tmp=$(mktemp -d "$dir.XXXXXX")
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -sha256 \
    -subj "/CN=$2" -addext "subjectAltName=$3" -addext "extendedKeyUsage=serverAuth" \
    -keyout "$tmp/tls.key" -out "$tmp/tls.crt" 2>/dev/null
  chmod 600 "$tmp/tls.key"
  chmod 755 "$tmp"
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

ensure_certs() {
  mkdir -p "$KUEUE_DIR"
  [[ -s "$WEBHOOK_CERT_DIR/tls.crt" && -s "$WEBHOOK_CERT_DIR/tls.key" ]] ||
    self_signed "$WEBHOOK_CERT_DIR" kueue-webhook-service "DNS:localhost,IP:127.0.0.1"
  [[ -s "$METRICS_CERT_DIR/tls.crt" && -s "$METRICS_CERT_DIR/tls.key" ]] && return
  if mkdir -p "$(dirname "$METRICS_CERT_DIR")" 2>/dev/null && [[ -w "$(dirname "$METRICS_CERT_DIR")" ]]; then
    log "writing a self-signed metrics certificate to $METRICS_CERT_DIR (Kueue v0.17.0 reads it from there)"
    self_signed "$METRICS_CERT_DIR" kueue-metrics "DNS:localhost,IP:127.0.0.1"
  else
    die "Kueue reads its metrics certificate from $METRICS_CERT_DIR, which is missing and not writable here; run once: sudo $0 start"
  fi
}

write_config() {
  local frameworks="${KUEUE_FRAMEWORKS:-batch/job}" f
  mkdir -p "$KUEUE_DIR"
  {
    echo "# Written by hack/kueue.sh: Kueue without webhooks or cert-manager, listening on loopback only."
    echo "apiVersion: config.kueue.x-k8s.io/v1beta2"
    echo "kind: Configuration"
    echo "namespace: kueue-system"
    echo "health:"
    echo "  healthProbeBindAddress: 127.0.0.1:$HEALTH_PORT"
    echo "metrics:"
    echo "  bindAddress: 127.0.0.1:$METRICS_PORT"
    echo "webhook:"
    echo "  host: 127.0.0.1"
    echo "  port: $WEBHOOK_PORT"
    echo "  certDir: $WEBHOOK_CERT_DIR"
    echo "leaderElection:"
    echo "  leaderElect: false"
    echo "internalCertManagement:"
    echo "  enable: false"
    echo "clientConnection:"
    echo "  qps: 50"
    echo "  burst: 100"
    echo "integrations:"
    echo "  frameworks:"
    for f in ${frameworks//,/ }; do echo "  - $f"; done
    echo "featureGates:"
    echo "  # The visibility API server would listen on a fixed port (8082) and needs an APIService to be of use."
    echo "  VisibilityOnDemand: false"
  } >"$CONFIG_FILE.tmp"
  mv "$CONFIG_FILE.tmp" "$CONFIG_FILE"
}

install_crds() {
  [[ -f "$KUBECONFIG_FILE" ]] || die "no kubeconfig at $KUBECONFIG_FILE (start the cluster: hack/local-cluster.sh up)"
  local dir names
  dir=$(crd_dir)
  # Server-side: the Workload CRD (1.4 MB of YAML) is far over the 256 KiB last-applied annotation that a
  # client-side apply would write.
  kubectl apply --server-side --force-conflicts --field-manager=langflix-kueue-install -f "$dir" >/dev/null
  names=$(kubectl get -f "$dir" -o name)
  # shellcheck disable=SC2086
  kubectl wait --for=condition=Established --timeout=60s $names >/dev/null
  log "Kueue CRDs installed from $dir"
}

ready() { curl -sf "http://127.0.0.1:$HEALTH_PORT/readyz" >/dev/null; }

start() {
  local pid bin
  if pid=$(pid_of); then
    log "already running (pid $pid)"
    return
  fi
  bin=$(kueue_bin)
  install_crds
  ensure_certs
  write_config
  local port
  for port in "$WEBHOOK_PORT" "$HEALTH_PORT" "$METRICS_PORT"; do
    port_in_use "$port" && die "port $port is in use by another program (set LANGFLIX_CLUSTER_PORT_BASE)"
  done
  mkdir -p "$LOGS" "$RUN"
  printf '\n==== %s starting kueue\n' "$(date -Is)" >>"$LOG_FILE"
  # setsid: the manager outlives this script and gets no signal meant for the caller's terminal.
  KUBECONFIG="$KUBECONFIG_FILE" setsid "$bin" --config="$CONFIG_FILE" --zap-log-level="${KUEUE_LOG_LEVEL:-info}" \
    >>"$LOG_FILE" 2>&1 </dev/null &
  local started=$!
  echo "$started" >"$PID_FILE"
  log "started kueue (pid $started, health 127.0.0.1:$HEALTH_PORT, log $LOG_FILE)"
  local deadline=$((SECONDS + READY_TIMEOUT))
  until ready; do
    # kill -0, not pid_of: right after the fork the child may not have exec'd kueue yet, and pid_of, which
    # checks the program's name, would take a starting Kueue for a dead one.
    if ! kill -0 "$started" 2>/dev/null; then
      tail -n 30 "$LOG_FILE" >&2 || true
      die "kueue exited while starting (log: $LOG_FILE)"
    fi
    ((SECONDS < deadline)) || die "kueue not ready after ${READY_TIMEOUT}s (log: $LOG_FILE)"
    sleep 0.5
  done
  log "kueue ready"
}

stop() { stop_process kueue; }

status() {
  local pid
  if pid=$(pid_of); then
    echo "kueue running: pid $pid, webhook 127.0.0.1:$WEBHOOK_PORT, health 127.0.0.1:$HEALTH_PORT, metrics 127.0.0.1:$METRICS_PORT"
    echo "  ready: $(ready && echo yes || echo no), config $CONFIG_FILE, log $LOG_FILE"
  else
    echo "kueue not running (log $LOG_FILE)"
  fi
}

env_exports() {
  printf 'export KUEUE_BIN=%q\n' "$("$ROOT/hack/build-tools.sh" path kueue)"
  printf 'export KUEUE_CRDS=%q\n' "$(crd_dir)"
  printf 'export KUEUE_CONFIG=%q\n' "$CONFIG_FILE"
  printf 'export KUEUE_LOG=%q\n' "$LOG_FILE"
  printf 'export KUEUE_HEALTH_ADDR=%q\n' "127.0.0.1:$HEALTH_PORT"
  printf 'export KUEUE_METRICS_ADDR=%q\n' "127.0.0.1:$METRICS_PORT"
}

case "${1:-}" in
  install-crds) install_crds ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) env_exports ;;
  *) echo "usage: $0 install-crds|start|stop|status|env" >&2; exit 2 ;;
esac
