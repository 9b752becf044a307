#!/usr/bin/env bash
# The README's first command as a new user runs it: `make demo` with a project cache and a cluster folder that
# do not exist yet, on ports of its own. It catches what a developer's machine hides (a folder used before
# anything created it, a tool found only because an earlier run left it), and checks that the first run
# shows the Kubernetes build's progress, one line per binary.
#
# Go's own module and build caches stay as they are (a new machine would have empty ones too, which only
# makes the run longer: the Kubernetes binaries are then a relink of a few minutes instead of a 20-minute build).
#
# Environment: FRESH_DIR (default: a new temporary folder; must not exist yet), FRESH_PORT_BASE (default
# 41400), FRESH_KEEP=1 keeps the folder and leaves the cluster running.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

log() { printf '[fresh-check] %s\n' "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

if [[ -n "${FRESH_DIR:-}" ]]; then
  [[ ! -e "$FRESH_DIR" ]] || die "FRESH_DIR=$FRESH_DIR exists; the check needs a folder that does not"
  dir="$FRESH_DIR"
else
  dir="$(mktemp -u -d "${TMPDIR:-/tmp}/langflix-fresh.XXXXXX")"
fi
export LANGFLIX_CACHE="$dir/cache" LANGFLIX_CLUSTER_DIR="$dir/cluster"
export LANGFLIX_CLUSTER_PORT_BASE="${FRESH_PORT_BASE:-41400}"
output="${TMPDIR:-/tmp}/langflix-fresh-demo.$$.log"

finish() {
  local code=$?
  if [[ "${FRESH_KEEP:-}" == 1 ]]; then
    log "kept $dir (cluster running; stop it with LANGFLIX_CLUSTER_DIR=$LANGFLIX_CLUSTER_DIR LANGFLIX_CLUSTER_PORT_BASE=$LANGFLIX_CLUSTER_PORT_BASE hack/local-cluster.sh down)"
  else
    LANGFLIX_CACHE="$LANGFLIX_CACHE" hack/local-cluster.sh down >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
  rm -f "$output"
  exit "$code"
}
trap finish EXIT

log "make demo with LANGFLIX_CACHE=$LANGFLIX_CACHE and LANGFLIX_CLUSTER_DIR=$LANGFLIX_CLUSTER_DIR (neither exists)"
started=$SECONDS
if ! make demo 2>&1 | tee "$output"; then
  die "make demo failed on a new cache after $((SECONDS - started)) s"
fi

# The first run built every Kubernetes binary, and said so as it went.
missing=()
for bin in etcd kube-apiserver kubectl kube-controller-manager kube-scheduler helm; do
  grep -Eq "^\[build-k8s\] \[[0-9]+/6\] $bin .*: building, .*log: " "$output" || missing+=("$bin: no 'building' line")
  grep -Eq "^\[build-k8s\] \[[0-9]+/6\] $bin built in [0-9]+ s" "$output" || missing+=("$bin: no 'built' line")
done
((${#missing[@]} == 0)) || die "the first run did not show the build's progress: ${missing[*]}"
grep -q "demo finished in" "$output" || die "make demo exited 0 without its closing line"
log "passed in $((SECONDS - started)) s: make demo ran to the end on a new cache and showed each binary's build"
