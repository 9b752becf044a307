#!/usr/bin/env bash
# Builds the extra upstream programs that the scale, queueing and API-lint work needs from the Go module proxy,
# at pinned versions, and caches them outside the clone (the same way hack/build-k8s-binaries.sh builds
# Kubernetes). Nothing is downloaded prebuilt and nothing fetched is copied into the clone: files the programs
# need at run time (kwok's stages, Kueue's CRDs) are read from the Go module cache.
#
#   hack/build-tools.sh kwok            # kwok (simulated nodes and pods, sigs.k8s.io/kwok cmd/kwok)
#   hack/build-tools.sh kueue           # the Kueue manager (sigs.k8s.io/kueue cmd/kueue)
#   hack/build-tools.sh golangci-kal    # golangci-lint v2 with kube-api-linter compiled in as a module plugin
#   hack/build-tools.sh all             # the three above
#   hack/build-tools.sh path [TOOL]     # print the folder that holds the binaries, or one binary's path
#   hack/build-tools.sh kueue-crds      # print the folder of Kueue's CRDs (in the module cache)
#   hack/build-tools.sh kwok-stages [fast|langflix]
#                                       # write a kwok stage config and print its path (see below)
#
# A binary that is already cached for its pinned version is not rebuilt, so a warm run takes well under a
# second and prints nothing but the path. A cold run says what it does: one line per binary (which, how many of
# how many, the expected time, its log), a line a minute while a long build runs, and the end of the log when
# a build fails. Set LANGFLIX_CACHE to move the cache (default ~/.cache/langflix). Only paths go to stdout.
#
# kwok stage configs (kwok does nothing without them):
#   fast      kwok's own "fast" stages from the module: nodes Ready at once, pods Running, then Succeeded at once
#             (pods owned by a Job), deleted pods removed.
#   langflix  kwok's node-initialize, pod-ready and pod-delete stages plus this project's hack/kwok/ stages: a
#             Job's pod stays Running for KWOK_RUN_MS milliseconds (default 10000, plus a random 0..KWOK_JITTER_MS,
#             default 0), then Succeeds with exit code 0, or, for KWOK_FAIL_PERCENT percent of the pods (default
#             0), fails with exit code KWOK_EXIT_CODE (default 1). A pod's annotations override this per pod:
#             kwok.langflix.io/outcome (Succeeded|Failed), kwok.langflix.io/run-duration (a Go duration such as
#             30s), kwok.langflix.io/exit-code, kwok.langflix.io/termination-message.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
KUEUE_VERSION="${KUEUE_VERSION:-v0.17.0}"
GOLANGCI_LINT_VERSION="${GOLANGCI_LINT_VERSION:-v2.15.0}"
# kube-api-linter has no release tags; this pseudo-version is what the module proxy served as latest.
KUBE_API_LINTER_VERSION="${KUBE_API_LINTER_VERSION:-v0.0.0-20260716143926-092fe0c72997}"

CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
TOOLS_DIR="$CACHE/tools"
BIN_DIR="$TOOLS_DIR/bin"
SRC_DIR="$TOOLS_DIR/src"
LOG_DIR="$TOOLS_DIR/logs"
STAGE_DIR="$TOOLS_DIR/kwok-stages"
GO="${GO:-go}"
# Seconds between "still building" lines during a long build.
HEARTBEAT="${BUILD_HEARTBEAT_SECONDS:-60}"

log() { printf '[build-tools] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Cold build times for the progress lines, from the CPU time measured on a 2-core machine of the CI kind
# (kwok 4.5, Kueue 9, golangci-kal 3.5 CPU-minutes): wall time on an idle machine, several times that on a
# busy one (all three took 43 min at a load average of 17).
expected_time() {
  case "$1" in
    kwok) echo "about 3 min cold on 2 idle cores" ;;
    kueue) echo "about 6 min cold on 2 idle cores" ;;
    golangci-kal) echo "about 2-3 min cold on 2 idle cores" ;;
  esac
}

# stamp records the exact versions a cached binary was built from; a version bump rebuilds it.
stamp_of() {
  case "$1" in
    kwok) echo "$KWOK_VERSION" ;;
    kueue) echo "$KUEUE_VERSION" ;;
    golangci-kal) echo "golangci-lint $GOLANGCI_LINT_VERSION + kube-api-linter $KUBE_API_LINTER_VERSION" ;;
  esac
}
# cached, run_logged and in_dir.
# shellcheck source=lib/build.sh
source "$ROOT/hack/lib/build.sh"

# build_module NAME PACKAGE@VERSION...: an empty module that requires the given main packages. `go get` of
# each package (not just its module) records every go.sum line the build needs; with only the module root
# required, the build stops on missing go.sum entries. The stamp file makes a version bump start afresh.
build_module() {
  local name="$1" dir="$SRC_DIR/$1" stamp
  shift
  stamp="$(stamp_of "$name")"
  if [[ -f "$dir/.ready" && "$(cat "$dir/.ready")" == "$stamp" ]]; then
    # The generated main follows this script, not the stamp.
    if [[ -n "${MAIN_GO:-}" ]]; then printf '%s' "$MAIN_GO" >"$dir/main.go"; fi
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  printf 'module langflix.local/%sbuild\n\ngo 1.26\n' "${name//-/}" >"$dir/go.mod"
  if [[ -n "${MAIN_GO:-}" ]]; then printf '%s' "$MAIN_GO" >"$dir/main.go"; fi
  log "      resolving $* from the Go module proxy"
  run_logged "$name-module" in_dir "$dir" env GOFLAGS=-mod=mod "$GO" get "$@"
  printf '%s' "$stamp" >"$dir/.ready"
}

# golangci_kal_main is what `golangci-lint custom` would generate (its cmd/golangci-lint with one extra
# import per plugin), written here because `custom` clones golangci-lint with git from the internet.
golangci_kal_main() {
  cat <<EOF
// Code generated by hack/build-tools.sh: golangci-lint $GOLANGCI_LINT_VERSION with kube-api-linter compiled in.
package main

import (
	"fmt"
	"os"
	"runtime"

	"github.com/golangci/golangci-lint/v2/pkg/commands"
	"github.com/golangci/golangci-lint/v2/pkg/exitcodes"

	// Registers the "kubeapilinter" module plugin (linters.settings.custom.kubeapilinter, type: module).
	_ "sigs.k8s.io/kube-api-linter"
)

// version is set by the linker.
var version = "unknown"

func main() {
	info := commands.BuildInfo{Version: version, Commit: "kube-api-linter $KUBE_API_LINTER_VERSION", Date: "(unknown)", GoVersion: runtime.Version()}
	if err := commands.Execute(info); err != nil {
		_, _ = fmt.Fprintf(os.Stderr, "The command is terminated due to an error: %v\n", err)
		os.Exit(exitcodes.Failure)
	}
}
EOF
}

# build NAME: compiles one binary into BIN_DIR (through a temporary file, so an interrupted build never
# leaves a binary that looks complete), checks it reports its version, and stamps it.
build() {
  local name="$1" dir="$SRC_DIR/$1" pkg ldflags="-s -w" want
  case "$name" in
    kwok)
      build_module kwok "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
      pkg=sigs.k8s.io/kwok/cmd/kwok want="${KWOK_VERSION#v}"
      ;;
    kueue)
      build_module kueue "sigs.k8s.io/kueue/cmd/kueue@$KUEUE_VERSION"
      pkg=sigs.k8s.io/kueue/cmd/kueue want=""
      # Without these the manager logs the placeholders gitCommit=abcd01234 buildDate=2025-01-01; a module
      # from the proxy carries no commit, so say so.
      ldflags+=" -X sigs.k8s.io/kueue/pkg/version.GitVersion=$KUEUE_VERSION"
      ldflags+=" -X sigs.k8s.io/kueue/pkg/version.GitCommit=unknown -X sigs.k8s.io/kueue/pkg/version.BuildDate=unknown"
      ;;
    golangci-kal)
      MAIN_GO="$(golangci_kal_main)" build_module golangci-kal \
        "github.com/golangci/golangci-lint/v2/pkg/commands@$GOLANGCI_LINT_VERSION" \
        "sigs.k8s.io/kube-api-linter@$KUBE_API_LINTER_VERSION"
      pkg=. want="${GOLANGCI_LINT_VERSION#v}"
      ldflags+=" -X main.version=${GOLANGCI_LINT_VERSION#v}"
      ;;
  esac
  run_logged "$name" in_dir "$dir" env CGO_ENABLED=0 GOFLAGS=-mod=mod "$GO" build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/$name.tmp" "$pkg"
  if [[ -n "$want" ]]; then
    local reported
    reported=$("$BIN_DIR/$name.tmp" --version 2>&1 || true)
    [[ "$reported" == *"$want"* ]] || die "$name reports '$reported', not version $want"
  fi
  mv "$BIN_DIR/$name.tmp" "$BIN_DIR/$name"
  printf '%s' "$(stamp_of "$name")" >"$BIN_DIR/.$name.version"
}

# module_dir MODULE VERSION: the module's folder in the Go module cache (downloads it when missing).
module_dir() {
  local dir
  dir=$(cd "$SRC_DIR" && GOFLAGS=-mod=mod "$GO" mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d "$dir" ]] || die "could not find $1@$2 in the Go module cache"
  echo "$dir"
}

# kwok_stages VARIANT: one file of Stage objects for kwok -c. Upstream stages are read from the module cache;
# this project's own are rendered from hack/kwok/ with the KWOK_* settings in the header.
kwok_stages() {
  local variant="${1:-langflix}" mod out upstream=() ours=()
  mod=$(module_dir sigs.k8s.io/kwok "$KWOK_VERSION")
  case "$variant" in
    fast)
      out="$STAGE_DIR/fast.yaml"
      upstream=(node/fast/node-initialize.yaml pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml)
      ;;
    langflix)
      local run_ms="${KWOK_RUN_MS:-10000}" jitter_ms="${KWOK_JITTER_MS:-0}" fail="${KWOK_FAIL_PERCENT:-0}" code="${KWOK_EXIT_CODE:-1}"
      [[ "$run_ms" =~ ^[0-9]+$ && "$jitter_ms" =~ ^[0-9]+$ ]] || die "KWOK_RUN_MS and KWOK_JITTER_MS must be whole milliseconds"
      if ! [[ "$fail" =~ ^[0-9]+$ ]] || ((fail > 100)); then die "KWOK_FAIL_PERCENT must be 0..100, not '$fail'"; fi
      if ! [[ "$code" =~ ^[0-9]+$ ]] || ((code < 1 || code > 255)); then die "KWOK_EXIT_CODE must be 1..255, not '$code'"; fi
      out="$STAGE_DIR/langflix-run${run_ms}ms-jitter${jitter_ms}ms-fail${fail}pct-exit${code}.yaml"
      upstream=(node/fast/node-initialize.yaml pod/fast/pod-ready.yaml pod/fast/pod-delete.yaml)
      # kwok draws the delay between durationMilliseconds and jitterDurationMilliseconds (an upper bound).
      local f
      for f in pod-run-then-succeed pod-run-then-fail; do
        ours+=("$(sed -E \
          -e "s/^( *durationMilliseconds:) [0-9]+ # langflix:run-ms$/\1 $run_ms/" \
          -e "s/^( *jitterDurationMilliseconds:) [0-9]+ # langflix:run-ms-upper$/\1 $((run_ms + jitter_ms))/" \
          -e "s/^( *weight:) [0-9]+ # langflix:succeed-percent$/\1 $((100 - fail))/" \
          -e "s/^( *weight:) [0-9]+ # langflix:fail-percent$/\1 $fail/" \
          -e "s/\) [0-9]+ \}\}\{\{\/\* langflix:exit-code \*\/\}\}$/) $code }}/" \
          "$ROOT/hack/kwok/$f.yaml")")
        if grep -Eq '[0-9] # langflix:|\{\{/\* langflix:' <<<"${ours[-1]}"; then
          die "hack/kwok/$f.yaml: a 'langflix:' marker was not rendered"
        fi
      done
      ;;
    *) die "unknown kwok stage variant '$variant' (fast|langflix)" ;;
  esac
  mkdir -p "$STAGE_DIR"
  {
    echo "# kwok $KWOK_VERSION stages ($variant), written by hack/build-tools.sh; do not edit."
    local f
    for f in "${upstream[@]}"; do
      [[ -f "$mod/kustomize/stage/$f" ]] || die "kwok $KWOK_VERSION has no kustomize/stage/$f"
      echo "---"
      echo "# from sigs.k8s.io/kwok@$KWOK_VERSION kustomize/stage/$f"
      cat "$mod/kustomize/stage/$f"
    done
    for f in "${ours[@]}"; do
      echo "---"
      printf '%s\n' "$f"
    done
  } >"$out.tmp"
  mv "$out.tmp" "$out"
  echo "$out"
}

main() {
  local what="${1:-all}" names=()
  case "$what" in
    path)
      if [[ -n "${2:-}" ]]; then echo "$BIN_DIR/$2"; else echo "$BIN_DIR"; fi
      return
      ;;
    all) names=(kwok kueue golangci-kal) ;;
    kwok | kueue | golangci-kal) names=("$what") ;;
    kueue-crds | kwok-stages) ;;
    *) log "unknown target '$what' (kwok|kueue|golangci-kal|all|path [TOOL]|kueue-crds|kwok-stages [fast|langflix])"; exit 2 ;;
  esac
  # Every folder is made before anything is written to it: on a new machine none of them exists.
  mkdir -p "$BIN_DIR" "$SRC_DIR" "$LOG_DIR"
  case "$what" in
    kueue-crds)
      local crds
      crds="$(module_dir sigs.k8s.io/kueue "$KUEUE_VERSION")/config/components/crd/bases"
      [[ -d "$crds" ]] || die "Kueue $KUEUE_VERSION has no config/components/crd/bases"
      echo "$crds"
      return
      ;;
    kwok-stages) kwok_stages "${2:-langflix}"; return ;;
  esac

  local missing=() name
  for name in "${names[@]}"; do cached "$name" || missing+=("$name"); done
  if ((${#missing[@]} == 0)); then
    echo "$BIN_DIR"
    return
  fi
  # One build at a time per cache: a second caller waits instead of racing on the same outputs, then builds
  # only what the first one left.
  exec 9>"$TOOLS_DIR/.lock"
  if ! flock -n 9; then
    log "another build holds $TOOLS_DIR/.lock; waiting for it"
    flock 9
    missing=()
    for name in "${names[@]}"; do cached "$name" || missing+=("$name"); done
  fi
  local i=0 start total_start=$SECONDS
  if ((${#missing[@]} > 0)); then
    log "building ${#missing[@]} of ${#names[@]} tools from source into $BIN_DIR (logs in $LOG_DIR)"
    for name in "${missing[@]}"; do
      i=$((i + 1)) start=$SECONDS
      log "[$i/${#missing[@]}] $name $(stamp_of "$name"): building, $(expected_time "$name") (log: $LOG_DIR/$name.log)"
      build "$name"
      log "[$i/${#missing[@]}] $name built in $((SECONDS - start)) s"
    done
    log "done in $((SECONDS - total_start)) s"
  fi
  echo "$BIN_DIR"
}

main "$@"
