#!/usr/bin/env bash
# Builds the Kubernetes binaries this project needs from the Go module proxy, at pinned versions, and caches
# them outside the clone. Nothing is downloaded prebuilt: every binary is compiled here from module sources.
#
#   hack/build-k8s-binaries.sh envtest   # kube-apiserver, etcd, kubectl (what envtest needs)
#   hack/build-k8s-binaries.sh cluster   # the above plus kube-controller-manager, kube-scheduler, helm
#   hack/build-k8s-binaries.sh path      # print the folder that holds the binaries (for KUBEBUILDER_ASSETS)
#
# A binary that is already cached for its pinned version is not rebuilt, so a warm run takes well under a
# second. Set LANGFLIX_CACHE to move the cache (default ~/.cache/langflix).
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.37.2}"
# The staging modules (k8s.io/api, client-go, ...) are published as v0.MINOR.PATCH of the same release.
K8S_STAGING_VERSION="v0.${K8S_VERSION#v1.}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"

CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
BIN_DIR="$CACHE/k8s/$K8S_VERSION/bin"
SRC_DIR="$CACHE/k8s/$K8S_VERSION/src"
GO="${GO:-go}"

log() { printf '[build-k8s] %s\n' "$*" >&2; }

# stamp records the exact version a cached binary was built from; a version bump rebuilds it.
stamp_ok() { [[ -x "$BIN_DIR/$1" && -f "$BIN_DIR/.$1.version" && "$(cat "$BIN_DIR/.$1.version")" == "$2" ]]; }
write_stamp() { printf '%s' "$2" >"$BIN_DIR/.$1.version"; }

# kubernetes_module prepares a module that requires k8s.io/kubernetes and replaces each staging module it
# requires at v0.0.0 with its published version (kubernetes' own replace directives point at ./staging and
# are ignored when it is a dependency).
kubernetes_module() {
  local dir="$SRC_DIR/kubernetes"
  [[ -f "$dir/.ready" ]] && { echo "$dir"; return; }
  mkdir -p "$dir"
  local gomod
  gomod=$(cd "$dir" && GOFLAGS=-mod=mod "$GO" mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [[ -f "$gomod" ]] || { log "could not download k8s.io/kubernetes@$K8S_VERSION"; exit 1; }
  {
    echo "module langflix.local/k8sbuild"
    echo
    echo "go 1.25"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    grep -E '^[[:space:]]+k8s\.io/[a-z0-9-]+ v0\.0\.0$' "$gomod" | awk -v v="$K8S_STAGING_VERSION" '{print "replace " $1 " => " $1 " " v}'
  } >"$dir/go.mod"
  log "staging modules replaced: $(grep -c '^replace' "$dir/go.mod")"
  touch "$dir/.ready"
  echo "$dir"
}

plain_module() { # name requirement version
  local dir="$SRC_DIR/$1"
  mkdir -p "$dir"
  [[ -f "$dir/go.mod" ]] || printf 'module langflix.local/%sbuild\n\ngo 1.25\n\nrequire %s %s\n' "$1" "$2" "$3" >"$dir/go.mod"
  echo "$dir"
}

build_k8s() { # binary
  local bin="$1"
  stamp_ok "$bin" "$K8S_VERSION" && return
  local dir start
  dir=$(kubernetes_module)
  start=$(date +%s)
  log "building $bin $K8S_VERSION (cold: kube-apiserver ~11 min, others 1-3 min on 2 cores)"
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION \
-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
-X k8s.io/component-base/version.gitTreeState=clean \
-X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod "$GO" build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/$bin.tmp" "k8s.io/kubernetes/cmd/$bin")
  mv "$BIN_DIR/$bin.tmp" "$BIN_DIR/$bin"
  write_stamp "$bin" "$K8S_VERSION"
  log "built $bin in $(($(date +%s) - start)) s"
}

build_etcd() {
  stamp_ok etcd "$ETCD_VERSION" && return
  local dir start
  dir=$(plain_module etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION")
  start=$(date +%s)
  log "building etcd $ETCD_VERSION (cold ~2 min)"
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod "$GO" build -trimpath -ldflags "-s -w" -o "$BIN_DIR/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv "$BIN_DIR/etcd.tmp" "$BIN_DIR/etcd"
  write_stamp etcd "$ETCD_VERSION"
  log "built etcd in $(($(date +%s) - start)) s"
}

build_helm() {
  stamp_ok helm "$HELM_VERSION+k8s$K8S_VERSION" && return
  local dir start
  dir=$(plain_module helm helm.sh/helm/v3 "$HELM_VERSION")
  start=$(date +%s)
  log "building helm $HELM_VERSION (cold ~4 min)"
  # Helm assumes Kubernetes v1.20 when it renders without a cluster unless told the version it ships with.
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}" helm_k8s=""
  for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
    helm_k8s+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$minor"
  done
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod "$GO" build -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION $helm_k8s" -o "$BIN_DIR/helm.tmp" helm.sh/helm/v3/cmd/helm)
  mv "$BIN_DIR/helm.tmp" "$BIN_DIR/helm"
  write_stamp helm "$HELM_VERSION+k8s$K8S_VERSION"
  log "built helm in $(($(date +%s) - start)) s"
}

main() {
  local what="${1:-envtest}"
  if [[ "$what" == path ]]; then echo "$BIN_DIR"; return; fi
  mkdir -p "$BIN_DIR" "$SRC_DIR"
  # One build at a time per cache: a second caller waits instead of racing on the same outputs.
  exec 9>"$CACHE/k8s/$K8S_VERSION/.lock"
  flock 9
  case "$what" in
    envtest) build_etcd; build_k8s kube-apiserver; build_k8s kubectl ;;
    cluster) build_etcd; build_k8s kube-apiserver; build_k8s kubectl
             build_k8s kube-controller-manager; build_k8s kube-scheduler; build_helm ;;
    etcd|helm) "build_$what" ;;
    kube-apiserver|kubectl|kube-controller-manager|kube-scheduler) build_k8s "$what" ;;
    *) log "unknown target '$what' (envtest|cluster|path|<binary>)"; exit 2 ;;
  esac
  echo "$BIN_DIR"
}

main "$@"
