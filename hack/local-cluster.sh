#!/usr/bin/env bash
# A real, local Kubernetes cluster for end-to-end tests and demos, without containers: etcd, kube-apiserver,
# kube-controller-manager and kube-scheduler built from source (hack/build-k8s-binaries.sh), plus localnode
# (hack/localnode), a node that runs each pod's containers as local processes.
#
#   hack/local-cluster.sh up                     start what is not running and wait until the cluster is usable
#   hack/local-cluster.sh down                   stop: node, scheduler, controller-manager, apiserver, etcd
#   hack/local-cluster.sh env                    print exports: eval "$(hack/local-cluster.sh env)"
#   hack/local-cluster.sh status                 show what runs, where, and its memory
#   hack/local-cluster.sh pvc NAMESPACE NAME [DIR]  create a hostPath PersistentVolume and a claim bound to it
#   hack/local-cluster.sh restart COMPONENT      stop one component (SIGTERM) and start it again, e.g. kube-apiserver
#   hack/local-cluster.sh reset                  down, then delete the cluster's state (not the binaries)
#
# Everything listens on 127.0.0.1. State lives in ~/.cache/langflix/cluster (LANGFLIX_CLUSTER_DIR): pki/,
# logs/<component>.log, run/<component>.pid, etcd/, node/ (localnode: pods/<ns>_<pod>/<container>.log),
# media/ (the langflix-media volume) and the admin kubeconfig.
#
# Environment:
#   LANGFLIX_CLUSTER_PORT_BASE  ports are BASE+79 etcd, +80 etcd peer, +43 apiserver, +57 controller-manager,
#                               +59 scheduler, +50 localnode (default 36400); LANGFLIX_<COMPONENT>_PORT overrides one
#   LOCALNODE_IMAGE_MAP         extra --image-map rules, whitespace separated PATTERN=PATH, tried before the
#                               default busybox:*=/bin/ (e.g. "example.com/langflix/langflix-runner:*=$HOME/.cache/langflix/bin/langflix-runner")
#   LOCALNODE_ARGS              extra localnode flags (e.g. "--pass-env LANGFLIX_LLM_URL --restart-backoff 2s")
#   LANGFLIX_LOCALNODE          false: `up` starts no localnode, for clusters whose pods run on simulated nodes only
#                               (hack/kwok.sh); nothing then runs a pod on this machine (default true)
#   LANGFLIX_APISERVER_ARGS, LANGFLIX_KCM_ARGS, LANGFLIX_SCHEDULER_ARGS
#                               extra flags, whitespace separated, after the defaults (a repeated flag's last value
#                               wins), e.g. LANGFLIX_KCM_ARGS="--kube-api-qps=500 --concurrent-job-syncs=50" for scale
#                               tests; they apply when the component starts
# When the localnode sources, image maps or flags change, `up` restarts localnode alone.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
CLUSTER_DIR="${LANGFLIX_CLUSTER_DIR:-$CACHE/cluster}"
PKI="$CLUSTER_DIR/pki"
LOGS="$CLUSTER_DIR/logs"
RUN="$CLUSTER_DIR/run"
ETCD_DATA="$CLUSTER_DIR/etcd"
NODE_STATE="$CLUSTER_DIR/node"
MEDIA_DIR="$CLUSTER_DIR/media"
VOLUMES_DIR="$CLUSTER_DIR/volumes"
KUBECONFIG_FILE="$CLUSTER_DIR/kubeconfig"
NODE_NAME="${LOCALNODE_NAME:-localnode}"

PORT_BASE="${LANGFLIX_CLUSTER_PORT_BASE:-36400}"
ETCD_PORT="${LANGFLIX_ETCD_PORT:-$((PORT_BASE + 79))}"
ETCD_PEER_PORT="${LANGFLIX_ETCD_PEER_PORT:-$((PORT_BASE + 80))}"
API_PORT="${LANGFLIX_APISERVER_PORT:-$((PORT_BASE + 43))}"
KCM_PORT="${LANGFLIX_KCM_PORT:-$((PORT_BASE + 57))}"
SCHED_PORT="${LANGFLIX_SCHEDULER_PORT:-$((PORT_BASE + 59))}"
NODE_PORT="${LANGFLIX_NODE_PORT:-$((PORT_BASE + 50))}"
SERVICE_CIDR="10.96.0.0/16"
SERVICE_IP="10.96.0.1" # first address of SERVICE_CIDR: the kubernetes Service, in the apiserver's SANs

# Start order; down stops in reverse (clients first, etcd last).
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler localnode)
STOP_TIMEOUT=10

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

k8s_bin_dir() { "$ROOT/hack/build-k8s-binaries.sh" path; }
kubectl() { "$(k8s_bin_dir)/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

port_of() {
  case "$1" in
    etcd) echo "$ETCD_PORT" ;;
    kube-apiserver) echo "$API_PORT" ;;
    kube-controller-manager) echo "$KCM_PORT" ;;
    kube-scheduler) echo "$SCHED_PORT" ;;
    localnode) echo "$NODE_PORT" ;;
  esac
}

# pid_of prints the pid of a running component; a pid file whose process is gone or is another program
# (pid reuse) does not count.
pid_of() {
  local pidfile="$RUN/$1.pid" pid argv0
  [[ -f "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n 1)
  [[ "$(basename "$argv0")" == "$1"* ]] || return 1
  echo "$pid"
}
running() { pid_of "$1" >/dev/null; }

port_in_use() { [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]; }

# ---------------------------------------------------------------------------------------------------------
# Binaries

# localnode_bin builds hack/localnode unless a binary for the same sources and Go version is cached, and
# prints its path. The cache key is a hash of the module's non-test sources.
localnode_bin() {
  local src="$ROOT/hack/localnode" hash bin
  hash=$({
    go env GOVERSION
    cd "$src" && find . -type f \( \( -name '*.go' ! -name '*_test.go' \) -o -name go.mod -o -name go.sum \) -print0 |
      sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16)
  bin="$CACHE/bin/localnode-$hash"
  if [[ ! -x "$bin" ]]; then
    log "building localnode ($hash; first run about 3-8 min on 2 cores)"
    mkdir -p "$CACHE/bin"
    (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" .)
    mv "$bin.tmp" "$bin"
    # Other worktrees may run other localnode sources at the same time: only day-old builds are pruned.
    find "$CACHE/bin" -maxdepth 1 -name 'localnode-*' ! -name "localnode-$hash" -mtime +1 -delete
  fi
  echo "$bin"
}

# ---------------------------------------------------------------------------------------------------------
# Certificates and kubeconfigs (openssl, EC P-256 keys: fast to generate, accepted everywhere here)

gen_key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; chmod 600 "$1"; }

gen_ca() {
  gen_key "$PKI/ca.key"
  cat >"$PKI/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
[dn]
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
EOF
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=langflix-local-ca" -days 3650 -sha256 \
    -config "$PKI/ca.cnf" -extensions v3_ca -out "$PKI/ca.crt" 2>/dev/null
}

# gen_cert NAME SUBJECT serverAuth|clientAuth [SUBJECT_ALT_NAMES]
gen_cert() {
  local name="$1" subject="$2" usage="$3" sans="${4:-}"
  gen_key "$PKI/$name.key"
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints = critical, CA:FALSE"
    echo "keyUsage = critical, digitalSignature, keyEncipherment"
    echo "extendedKeyUsage = $usage"
    [[ -n "$sans" ]] && echo "subjectAltName = $sans"
  } >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 3650 -sha256 \
    -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

ensure_pki() {
  [[ -f "$PKI/.complete" ]] && return
  log "generating certificates in $PKI"
  rm -rf "$PKI"
  mkdir -p "$PKI"
  gen_ca
  gen_cert apiserver "/CN=kube-apiserver" serverAuth \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$SERVICE_IP"
  gen_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  gen_cert admin "/O=system:masters/CN=langflix-admin" clientAuth
  gen_cert kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
  gen_cert kube-scheduler "/CN=system:kube-scheduler" clientAuth
  # localnode's informers watch Secrets and ConfigMaps cluster-wide, which the Node authorizer never allows a
  # node identity, so this development node runs with cluster-admin rights.
  gen_cert localnode "/O=system:masters/CN=localnode" clientAuth
  gen_cert localnode-serving "/CN=$NODE_NAME" serverAuth "DNS:localhost,DNS:$NODE_NAME,IP:127.0.0.1"
  gen_key "$PKI/sa.key"
  openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  touch "$PKI/.complete"
}

# write_kubeconfig FILE USER: a kubeconfig for USER's client certificate (pki/USER.crt).
write_kubeconfig() {
  local file="$1" user="$2"
  cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: langflix-local
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$user.crt")
    client-key-data: $(base64 -w0 "$PKI/$user.key")
contexts:
- name: langflix-local
  context:
    cluster: langflix-local
    user: $user
    namespace: default
current-context: langflix-local
EOF
  chmod 600 "$file.tmp"
  mv "$file.tmp" "$file"
}

write_kubeconfigs() {
  write_kubeconfig "$KUBECONFIG_FILE" admin
  local c
  for c in kube-controller-manager kube-scheduler localnode; do
    write_kubeconfig "$CLUSTER_DIR/$c.kubeconfig" "$c"
  done
}

# ---------------------------------------------------------------------------------------------------------
# Processes

# extra_args VAR: the words of environment variable VAR, one per line (read -a: no glob expansion).
extra_args() {
  local words=()
  read -r -a words <<<"${!1:-}"
  ((${#words[@]} == 0)) || printf '%s\n' "${words[@]}"
}

# localnode_enabled: whether `up` runs localnode (LANGFLIX_LOCALNODE, default true).
localnode_enabled() { [[ "${LANGFLIX_LOCALNODE:-true}" != false ]]; }

# command_of NAME: the command line of a component, one word per line (so it can be compared and stored).
command_of() {
  local bin
  bin="$(k8s_bin_dir)"
  case "$1" in
    etcd)
      # --unsafe-no-fsync: the data is disposable (reset deletes it) and fsync on a shared disk slows every write.
      printf '%s\n' "$bin/etcd" --name=local --data-dir="$ETCD_DATA" \
        --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster="local=http://127.0.0.1:$ETCD_PEER_PORT" \
        --unsafe-no-fsync --log-level=warn
      ;;
    kube-apiserver)
      printf '%s\n' "$bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
        --bind-address=127.0.0.1 --secure-port="$API_PORT" --advertise-address=127.0.0.1 \
        --endpoint-reconciler-type=none --service-cluster-ip-range="$SERVICE_CIDR" \
        --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
        --service-account-issuer=https://kubernetes.default.svc.cluster.local \
        --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
        --authorization-mode=Node,RBAC --allow-privileged=true \
        --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
        --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP,Hostname
      extra_args LANGFLIX_APISERVER_ARGS
      ;;
    kube-controller-manager)
      printf '%s\n' "$bin/kube-controller-manager" --kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
        --authentication-kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
        --authorization-kubeconfig="$CLUSTER_DIR/kube-controller-manager.kubeconfig" \
        --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false --cluster-name=langflix-local \
        --controllers='*,-node-ipam-controller,-node-lifecycle-controller' \
        --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" --use-service-account-credentials=true \
        --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
        --kube-api-qps=100 --kube-api-burst=200 --concurrent-job-syncs=10
      extra_args LANGFLIX_KCM_ARGS
      ;;
    kube-scheduler)
      printf '%s\n' "$bin/kube-scheduler" --kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
        --authentication-kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
        --authorization-kubeconfig="$CLUSTER_DIR/kube-scheduler.kubeconfig" \
        --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --leader-elect=false
      extra_args LANGFLIX_SCHEDULER_ARGS
      ;;
    localnode)
      local rule rules=() extra=()
      # read -a splits on whitespace without glob expansion (patterns contain '*').
      read -r -a rules <<<"${LOCALNODE_IMAGE_MAP:-}"
      for rule in "${rules[@]}"; do extra+=(--image-map="$rule"); done
      read -r -a rules <<<"${LOCALNODE_ARGS:-}"
      extra+=("${rules[@]}")
      printf '%s\n' "$LOCALNODE_BIN" --kubeconfig="$CLUSTER_DIR/localnode.kubeconfig" --nodename="$NODE_NAME" \
        --state-dir="$NODE_STATE" --listen-address="127.0.0.1:$NODE_PORT" \
        --tls-cert-file="$PKI/localnode-serving.crt" --tls-private-key-file="$PKI/localnode-serving.key" \
        --client-ca-file="$PKI/ca.crt" "${extra[@]}" --image-map='busybox:*=/bin/'
      ;;
  esac
}

start() {
  local name="$1" port cmd=()
  port=$(port_of "$name")
  if port_in_use "$port"; then
    die "port $port for $name is in use by another program (set LANGFLIX_CLUSTER_PORT_BASE or LANGFLIX_*_PORT)"
  fi
  if [[ "$name" == etcd ]] && port_in_use "$ETCD_PEER_PORT"; then
    die "etcd peer port $ETCD_PEER_PORT is in use (set LANGFLIX_CLUSTER_PORT_BASE or LANGFLIX_ETCD_PEER_PORT)"
  fi
  mapfile -t cmd < <(command_of "$name")
  printf '%s\n' "${cmd[@]}" >"$RUN/$name.cmd"
  printf '\n==== %s starting %s\n' "$(date -Is)" "$name" >>"$LOGS/$name.log"
  # setsid: the component outlives this script and gets no signal meant for the caller's terminal.
  setsid "${cmd[@]}" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
  log "started $name (pid $!, port $port)"
}

# wait_until WHAT COMPONENT SECONDS CHECK...: poll CHECK until it succeeds; fail early if COMPONENT died.
wait_until() {
  local what="$1" component="$2" timeout="$3"
  shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$component" ]] && ! running "$component"; then
      tail -n 30 "$LOGS/$component.log" >&2 || true
      die "$component exited while waiting for $what (log: $LOGS/$component.log)"
    fi
    ((SECONDS < deadline)) || die "timed out after ${timeout}s waiting for $what (logs: $LOGS)"
    sleep 0.3
  done
}

etcd_healthy() { curl -sf "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
api_ready() {
  curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "https://127.0.0.1:$API_PORT/readyz" | grep -q ok
}
component_healthy() { curl -sfk "https://127.0.0.1:$1/healthz" | grep -q ok; }
node_ready_untainted() {
  local out
  out=$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}|{.spec.taints}')
  [[ "$out" == "True|" ]]
}
default_sa_exists() { kubectl -n default get serviceaccount default; }
root_ca_published() { kubectl -n default get configmap kube-root-ca.crt; }

# stop_group NAME...: SIGTERM to each, SIGKILL to whatever is still alive after STOP_TIMEOUT seconds.
stop_group() {
  local name pid pids=() deadline
  for name in "$@"; do
    if pid=$(pid_of "$name"); then
      log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$name:$pid")
    fi
    rm -f "$RUN/$name.pid"
  done
  deadline=$((SECONDS + STOP_TIMEOUT))
  for entry in "${pids[@]}"; do
    name="${entry%%:*}" pid="${entry##*:}"
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop within ${STOP_TIMEOUT}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# ---------------------------------------------------------------------------------------------------------
# Volumes

# ensure_pvc NAMESPACE NAME DIR: a hostPath PersistentVolume "<namespace>-<name>" for DIR, pre-bound to a
# claim NAME in NAMESPACE (storageClassName "", ReadWriteOnce and ReadWriteMany). Idempotent; a volume left
# Released by a deleted claim of the same name is made available to the new claim again.
ensure_pvc() {
  local ns="$1" name="$2" dir="$3" pv="$1-$2" phase
  mkdir -p "$dir"
  kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns" >/dev/null
  phase=$(kubectl get pv "$pv" -o jsonpath='{.status.phase}' 2>/dev/null || true)
  if [[ "$phase" == Released ]]; then
    kubectl patch pv "$pv" --type=merge -p '{"spec":{"claimRef":{"uid":null,"resourceVersion":null}}}' >/dev/null
  fi
  kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolume
metadata:
  name: $pv
  labels:
    langflix.dev/local-volume: "true"
spec:
  capacity:
    storage: 100Gi
  accessModes: [ReadWriteOnce, ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  hostPath:
    path: $dir
    type: DirectoryOrCreate
  claimRef:
    namespace: $ns
    name: $name
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: $name
  namespace: $ns
spec:
  accessModes: [ReadWriteOnce, ReadWriteMany]
  storageClassName: ""
  volumeName: $pv
  resources:
    requests:
      storage: 100Gi
EOF
  wait_until "claim $ns/$name to be bound" "" 60 claim_bound "$ns" "$name"
  log "claim $ns/$name bound to $pv ($dir)"
}
claim_bound() { [[ "$(kubectl -n "$1" get pvc "$2" -o jsonpath='{.status.phase}')" == Bound ]]; }

# ---------------------------------------------------------------------------------------------------------
# Commands

cmd_up() {
  local started=$SECONDS name all_running=true wanted=("${COMPONENTS[@]}")
  "$ROOT/hack/build-k8s-binaries.sh" cluster >/dev/null
  if localnode_enabled; then
    LOCALNODE_BIN=$(localnode_bin)
  else
    wanted=("${COMPONENTS[@]/localnode/}")
  fi
  mkdir -p "$LOGS" "$RUN" "$ETCD_DATA" "$NODE_STATE" "$MEDIA_DIR" "$VOLUMES_DIR"
  chmod 700 "$ETCD_DATA"
  ensure_pki
  write_kubeconfigs

  for name in "${wanted[@]}"; do [[ -z "$name" ]] || running "$name" || all_running=false; done
  if ! localnode_enabled; then
    if running localnode; then
      log "LANGFLIX_LOCALNODE=false: stopping localnode"
      stop_group localnode
    fi
  elif running localnode && [[ "$(command_of localnode)" != "$(cat "$RUN/localnode.cmd" 2>/dev/null)" ]]; then
    log "localnode binary or flags changed: restarting it"
    stop_group localnode
    all_running=false
  fi
  if $all_running; then
    log "already running (kubeconfig: $KUBECONFIG_FILE)"
    return 0
  fi

  running etcd || start etcd
  wait_until "etcd health" etcd 30 etcd_healthy
  running kube-apiserver || start kube-apiserver
  wait_until "kube-apiserver /readyz" kube-apiserver 90 api_ready
  running kube-controller-manager || start kube-controller-manager
  running kube-scheduler || start kube-scheduler
  if localnode_enabled; then running localnode || start localnode; fi
  wait_until "kube-controller-manager health" kube-controller-manager 60 component_healthy "$KCM_PORT"
  wait_until "kube-scheduler health" kube-scheduler 60 component_healthy "$SCHED_PORT"
  if localnode_enabled; then wait_until "node $NODE_NAME Ready without taints" localnode 60 node_ready_untainted; fi
  wait_until "default ServiceAccount" kube-controller-manager 60 default_sa_exists
  wait_until "kube-root-ca.crt ConfigMap" kube-controller-manager 60 root_ca_published
  ensure_pvc default langflix-media "$MEDIA_DIR"
  log "cluster up in $((SECONDS - started)) s$(localnode_enabled || echo ' (no localnode)'); kubeconfig: $KUBECONFIG_FILE"
}

cmd_down() {
  stop_group localnode kube-scheduler kube-controller-manager
  stop_group kube-apiserver
  stop_group etcd
  log "stopped"
}

cmd_env() {
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
  echo "export PATH=$(k8s_bin_dir):\$PATH"
}

cmd_status() {
  local name pid rss total=0 any=false
  for name in "${COMPONENTS[@]}"; do
    if pid=$(pid_of "$name"); then
      any=true
      rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
      total=$((total + rss))
      printf '%-24s running  pid %-7s port %-6s rss %4d MiB\n' "$name" "$pid" "$(port_of "$name")" $((rss / 1024))
    else
      printf '%-24s stopped\n' "$name"
    fi
  done
  $any || return 0
  printf '%-24s %d MiB\n' "total rss" $((total / 1024))
  echo "kubeconfig: $KUBECONFIG_FILE"
  echo "logs:       $LOGS"
  if running kube-apiserver && api_ready 2>/dev/null; then
    kubectl get nodes -o wide 2>/dev/null || true
  fi
}

cmd_pvc() {
  [[ $# -ge 2 ]] || die "usage: $0 pvc NAMESPACE NAME [DIR]"
  api_ready || die "the cluster is not running (hack/local-cluster.sh up)"
  ensure_pvc "$1" "$2" "${3:-$VOLUMES_DIR/$1_$2}"
}

# cmd_restart COMPONENT: stop one running component and start it again with the same command line, then
# wait until it serves again (the fault the chaos harness injects into the control plane).
cmd_restart() {
  local name="${1:-}" started=$SECONDS
  [[ " ${COMPONENTS[*]} " == *" $name "* ]] || die "usage: $0 restart ${COMPONENTS[*]}"
  running "$name" || die "$name is not running (hack/local-cluster.sh up)"
  [[ "$name" != localnode ]] || LOCALNODE_BIN=$(localnode_bin)
  stop_group "$name"
  start "$name"
  case "$name" in
    etcd) wait_until "etcd health" etcd 30 etcd_healthy ;;
    kube-apiserver) wait_until "kube-apiserver /readyz" kube-apiserver 90 api_ready ;;
    kube-controller-manager) wait_until "kube-controller-manager health" "$name" 60 component_healthy "$KCM_PORT" ;;
    kube-scheduler) wait_until "kube-scheduler health" "$name" 60 component_healthy "$SCHED_PORT" ;;
    localnode) wait_until "node $NODE_NAME Ready without taints" localnode 60 node_ready_untainted ;;
  esac
  log "restarted $name in $((SECONDS - started)) s"
}

cmd_reset() {
  cmd_down
  rm -rf "$CLUSTER_DIR"
  log "removed $CLUSTER_DIR"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    up | down | env | status | pvc | restart | reset) "cmd_$cmd" "$@" ;;
    *) die "usage: $0 up|down|env|status|pvc NAMESPACE NAME [DIR]|restart COMPONENT|reset" ;;
  esac
}

main "$@"
