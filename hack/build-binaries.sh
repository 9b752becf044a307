#!/usr/bin/env bash
# Builds the project's own programs into bin/ with the version stamped in, the one place that knows the
# version's linker flag (make build, make demo and make test-e2e all call it):
#
#   hack/build-binaries.sh [manager] [runner] [plugin] [chaos-runner]     (default: manager and runner)
#
# chaos-runner is test/chaos/fakerunner, the stand-in runner of the fault harness (make chaos).
#
# -X silently ignores a symbol that does not exist, so a renamed variable would leave every build reporting
# "dev": after building, the runner is asked for its version and the build fails when it is not the stamped one.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN="${BIN:-bin}"
VERSION="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
VERSION_SYMBOL=github.com/langflix/langflix-operator/runner/cli.Version
# kubectl-langflix's version; hack/plugin-dist.sh stamps the release archives with the same symbol.
PLUGIN_VERSION_SYMBOL=github.com/langflix/langflix-operator/internal/kubectlplugin.Version

targets=("$@")
((${#targets[@]} > 0)) || targets=(manager runner)
mkdir -p "$BIN"
for target in "${targets[@]}"; do
  case "$target" in
    manager) go build -o "$BIN/manager" ./cmd/manager ;;
    runner)
      go build -ldflags "-X $VERSION_SYMBOL=$VERSION" -o "$BIN/langflix-runner" ./cmd/runner
      reported=$("$BIN/langflix-runner" version)
      [[ "$reported" == "langflix-runner $VERSION "* ]] || {
        echo "build-binaries: $BIN/langflix-runner reports '$reported', not version $VERSION: is $VERSION_SYMBOL still the version variable?" >&2
        exit 1
      }
      ;;
    plugin)
      go build -ldflags "-X $PLUGIN_VERSION_SYMBOL=$VERSION" -o "$BIN/kubectl-langflix" ./cmd/kubectl-langflix
      reported=$("$BIN/kubectl-langflix" --version)
      [[ "$reported" == "kubectl langflix version $VERSION" ]] || {
        echo "build-binaries: $BIN/kubectl-langflix reports '$reported', not version $VERSION: is $PLUGIN_VERSION_SYMBOL still the version variable?" >&2
        exit 1
      }
      ;;
    chaos-runner) go build -o "$BIN/chaos-runner" ./test/chaos/fakerunner ;;
    *) echo "build-binaries: unknown target '$target' (manager|runner|plugin|chaos-runner)" >&2; exit 2 ;;
  esac
done
