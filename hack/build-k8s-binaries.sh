#!/usr/bin/env bash
# Builds the Kubernetes binaries this project needs from the Go module proxy, at pinned versions, and caches
# them outside the clone. Nothing is downloaded prebuilt: every binary is compiled here from module sources.
#
#   hack/build-k8s-binaries.sh envtest   # kube-apiserver, etcd, kubectl (what envtest needs)
#   hack/build-k8s-binaries.sh cluster   # the above plus kube-controller-manager, kube-scheduler, helm
#   hack/build-k8s-binaries.sh path      # print the folder that holds the binaries (for KUBEBUILDER_ASSETS)
#   hack/build-k8s-binaries.sh NAME      # one of etcd, kube-apiserver, kubectl, kube-controller-manager, ...
#
# A binary that is already cached for its pinned version is not rebuilt, so a warm run takes well under a
# second and prints nothing but the path. A cold run takes about 20 minutes on 2 cores and says so: one line per binary
# (which, how many of how many, the expected time, its log), a line a minute while a long build runs, and the
# end of the log when a build fails. Set LANGFLIX_CACHE to move the cache (default ~/.cache/langflix).
# Only the summary path goes to stdout; progress goes to stderr.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.37.2}"
# The staging modules (k8s.io/api, client-go, ...) are published as v0.MINOR.PATCH of the same release.
K8S_STAGING_VERSION="v0.${K8S_VERSION#v1.}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
HELM_VERSION="${HELM_VERSION:-v3.22.0}"

CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
BIN_DIR="$CACHE/k8s/$K8S_VERSION/bin"
SRC_DIR="$CACHE/k8s/$K8S_VERSION/src"
LOG_DIR="$CACHE/k8s/$K8S_VERSION/logs"
GO="${GO:-go}"
# Seconds between "still building" lines during a long build.
HEARTBEAT="${BUILD_HEARTBEAT_SECONDS:-60}"

log() { printf '[build-k8s] %s\n' "$*" >&2; }

# Cold build times measured on a 2-core machine of the CI kind, for the progress lines.
expected_time() {
  case "$1" in
    kube-apiserver) echo "about 11 min" ;;
    kube-controller-manager) echo "about 3-6 min" ;;
    helm) echo "about 4 min" ;;
    etcd) echo "about 1-2 min" ;;
    *) echo "about 1 min" ;;
  esac
}

# stamp records the exact version a cached binary was built from; a version bump rebuilds it.
stamp_of() {
  case "$1" in
    etcd) echo "$ETCD_VERSION" ;;
    helm) echo "$HELM_VERSION+k8s$K8S_VERSION" ;;
    *) echo "$K8S_VERSION" ;;
  esac
}
# cached, run_logged and in_dir.
# shellcheck source=lib/build.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/build.sh"

# kubernetes_module prepares a module that requires k8s.io/kubernetes and replaces each staging module it
# requires at v0.0.0 with its published version (kubernetes' own replace directives point at ./staging and
# are ignored when it is a dependency).
kubernetes_module() {
  local dir="$SRC_DIR/kubernetes"
  [[ -f "$dir/.ready" ]] && return
  mkdir -p "$dir"
  log "      downloading k8s.io/kubernetes $K8S_VERSION sources from the Go module proxy"
  run_logged kubernetes-module in_dir "$dir" env GOFLAGS=-mod=mod "$GO" mod download -json "k8s.io/kubernetes@$K8S_VERSION"
  local gomod
  gomod=$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p' "$LOG_DIR/kubernetes-module.log")
  [[ -f "$gomod" ]] || { log "could not download k8s.io/kubernetes@$K8S_VERSION (log: $LOG_DIR/kubernetes-module.log)"; exit 1; }
  {
    echo "module langflix.local/k8sbuild"
    echo
    echo "go 1.25"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    grep -E '^[[:space:]]+k8s\.io/[a-z0-9-]+ v0\.0\.0$' "$gomod" | awk -v v="$K8S_STAGING_VERSION" '{print "replace " $1 " => " $1 " " v}'
  } >"$dir/go.mod"
  touch "$dir/.ready"
}

plain_module() { # name requirement version
  local dir="$SRC_DIR/$1"
  mkdir -p "$dir"
  [[ -f "$dir/go.mod" ]] || printf 'module langflix.local/%sbuild\n\ngo 1.25\n\nrequire %s %s\n' "$1" "$2" "$3" >"$dir/go.mod"
}

# build NAME: compiles one binary into BIN_DIR (through a temporary file, so an interrupted build never
# leaves a binary that looks complete) and stamps it with its version.
build() {
  local name="$1" dir pkg ldflags minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  case "$name" in
    etcd)
      plain_module etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
      dir="$SRC_DIR/etcd" pkg=go.etcd.io/etcd/server/v3 ldflags="-s -w"
      ;;
    helm)
      plain_module helm helm.sh/helm/v3 "$HELM_VERSION"
      dir="$SRC_DIR/helm" pkg=helm.sh/helm/v3/cmd/helm
      # Helm assumes Kubernetes v1.20 when it renders without a cluster unless told the version it ships with.
      ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
      for p in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
        ldflags+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$minor"
      done
      ;;
    *)
      kubernetes_module
      dir="$SRC_DIR/kubernetes" pkg="k8s.io/kubernetes/cmd/$name"
      ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION \
-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
-X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
      ;;
  esac
  run_logged "$name" in_dir "$dir" env CGO_ENABLED=0 GOFLAGS=-mod=mod "$GO" build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/$name.tmp" "$pkg"
  mv "$BIN_DIR/$name.tmp" "$BIN_DIR/$name"
  printf '%s' "$(stamp_of "$name")" >"$BIN_DIR/.$name.version"
}

main() {
  local what="${1:-envtest}" names=()
  case "$what" in
    path) echo "$BIN_DIR"; return ;;
    envtest) names=(etcd kube-apiserver kubectl) ;;
    cluster) names=(etcd kube-apiserver kubectl kube-controller-manager kube-scheduler helm) ;;
    etcd | helm | kube-apiserver | kubectl | kube-controller-manager | kube-scheduler) names=("$what") ;;
    *) log "unknown target '$what' (envtest|cluster|path|<binary>)"; exit 2 ;;
  esac
  # Every folder is made before anything is written to it: on a new machine none of them exists.
  mkdir -p "$BIN_DIR" "$SRC_DIR" "$LOG_DIR"
  # One build at a time per cache: a second caller waits instead of racing on the same outputs.
  exec 9>"$CACHE/k8s/$K8S_VERSION/.lock"
  if ! flock -n 9; then
    log "another build holds $CACHE/k8s/$K8S_VERSION/.lock; waiting for it"
    flock 9
  fi

  local missing=() name i=0 start total_start=$SECONDS
  for name in "${names[@]}"; do cached "$name" || missing+=("$name"); done
  if ((${#missing[@]} == 0)); then
    echo "$BIN_DIR"
    return
  fi
  log "building ${#missing[@]} of ${#names[@]} binaries from source into $BIN_DIR (first run: about 20 min on 2 cores; logs in $LOG_DIR)"
  for name in "${missing[@]}"; do
    i=$((i + 1)) start=$SECONDS
    log "[$i/${#missing[@]}] $name $(stamp_of "$name"): building, $(expected_time "$name") cold (log: $LOG_DIR/$name.log)"
    build "$name"
    log "[$i/${#missing[@]}] $name built in $((SECONDS - start)) s"
  done
  log "done in $((SECONDS - total_start)) s"
  echo "$BIN_DIR"
}

main "$@"
