#!/usr/bin/env bash
# `make clean-cache`: stops every local cluster whose state lives under the project cache (the demo's, the e2e
# suite's, and any other made with LANGFLIX_CLUSTER_DIR below it), then deletes the cache: the Kubernetes
# binaries, tools, cluster state and the demo film. Go's own caches and the Debian packages are left alone
# (README: "To remove everything the project installed").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
[[ -d "$CACHE" ]] || { echo "nothing to clean: $CACHE does not exist"; exit 0; }
# A cluster folder is one with a run/ folder of pid files (hack/local-cluster.sh).
while IFS= read -r run; do
  dir=$(dirname "$run")
  echo "stopping the cluster in $dir"
  LANGFLIX_CACHE="$CACHE" LANGFLIX_CLUSTER_DIR="$dir" "$ROOT/hack/local-cluster.sh" down || true
done < <(find "$CACHE" -mindepth 2 -maxdepth 3 -type d -name run)
du -sh "$CACHE" 2>/dev/null || true
rm -rf "$CACHE"
echo "removed $CACHE"
