#!/usr/bin/env bash
# Builds the kubectl-langflix release archives and the krew manifest that points at them:
#
#   dist/plugin/kubectl-langflix_<os>_<arch>.tar.gz          the binary (kubectl-langflix, .exe on windows)
#   dist/plugin/kubectl-langflix_<os>_<arch>.tar.gz.sha256   "<sum>  <archive>", for `sha256sum -c`
#   dist/plugin/langflix.yaml                                plugins/langflix.yaml rendered for PLUGIN_VERSION
#
# PLUGIN_VERSION defaults to the tag at HEAD when it is vX.Y.Z, else v0.0.0-dev.<commit> (krew wants semver).
# PLUGIN_PLATFORMS (default: every platform of the manifest) picks os/arch pairs, e.g. "linux/amd64".
# Archives are reproducible: static binaries built with -trimpath, tar entries sorted, owned by 0:0 and
# dated at the commit time, gzip without a name or time stamp.
set -euo pipefail

cd "$(dirname "$0")/.."
DIST="${DIST:-dist/plugin}"
TEMPLATE=plugins/langflix.yaml
GO="${GO:-go}"

platforms_of_manifest() {
  sed -n 's|.*/kubectl-langflix_\([a-z0-9]*\)_\([a-z0-9]*\)\.tar\.gz".*|\1/\2|p' "$TEMPLATE"
}

version() {
  local tag
  tag=$(git describe --tags --exact-match 2>/dev/null || true)
  if [[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "$tag"
  else
    echo "v0.0.0-dev.$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  fi
}

PLUGIN_VERSION="${PLUGIN_VERSION:-$(version)}"
PLATFORMS="${PLUGIN_PLATFORMS:-$(platforms_of_manifest | tr '\n' ' ')}"
EPOCH="$(git log -1 --format=%ct 2>/dev/null || echo 0)"

rm -rf "$DIST"
mkdir -p "$DIST"
for platform in $PLATFORMS; do
  os="${platform%/*}" arch="${platform#*/}"
  name="kubectl-langflix_${os}_${arch}"
  bin=kubectl-langflix
  [[ "$os" == windows ]] && bin=kubectl-langflix.exe
  stage="$DIST/.stage/$name"
  mkdir -p "$stage"
  echo "[plugin-dist] $name ($PLUGIN_VERSION)" >&2
  CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" "$GO" build -trimpath \
    -ldflags "-s -w -X github.com/langflix/langflix-operator/internal/kubectlplugin.Version=$PLUGIN_VERSION" \
    -o "$stage/$bin" ./cmd/kubectl-langflix
  # -X ignores a symbol that does not exist; a binary that runs here must report the version it was given.
  if [[ "$os/$arch" == "$("$GO" env GOOS)/$("$GO" env GOARCH)" ]]; then
    reported=$("$stage/$bin" --version)
    [[ "$reported" == "kubectl langflix version $PLUGIN_VERSION" ]] || { echo "[plugin-dist] $bin reports '$reported'" >&2; exit 1; }
  fi
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" -C "$stage" -cf - "$bin" |
    gzip -n -9 >"$DIST/$name.tar.gz"
  (cd "$DIST" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
done
rm -rf "$DIST/.stage"

# Render the krew-release-bot template: the tag, then each addURIAndSha call into "uri:" and "sha256:" of
# the archive built above. Platform entries ("  - selector:" up to the next one) are buffered and dropped
# when their archive was not built (PLUGIN_PLATFORMS narrower than the manifest), so the manifest never
# lists an archive without its sum.
awk -v version="$PLUGIN_VERSION" -v dist="$DIST" '
  function flush() { if (entry != "" && keep) printf "%s", entry; entry = ""; keep = 0 }
  /^#/ { next }
  {
    gsub(/\{\{ \.TagName \}\}/, version)
    if ($0 ~ /^  - selector:/) { flush(); inplatforms = 1 }
    else if (inplatforms && $0 !~ /^    /) { flush(); inplatforms = 0 }
    line = $0 "\n"
    if (match($0, /\{\{addURIAndSha "[^"]*" \.TagName \}\}/)) {
      uri = substr($0, RSTART + 16, RLENGTH - 16)
      sub(/" \.TagName \}\}$/, "", uri)
      file = uri; sub(/.*\//, "", file)
      indent = substr($0, 1, RSTART - 1)
      if ((getline sum < (dist "/" file ".sha256")) > 0) {
        split(sum, f, " ")
        line = indent "uri: " uri "\n" indent "sha256: " f[1] "\n"
        keep = 1
      } else {
        line = ""
      }
    }
    if (inplatforms) entry = entry line; else printf "%s", line
  }
  END { flush() }' "$TEMPLATE" >"$DIST/langflix.yaml"

if ! grep -q '^    sha256: [0-9a-f]\{64\}$' "$DIST/langflix.yaml" || grep -q '{{' "$DIST/langflix.yaml"; then
  echo "[plugin-dist] rendering $TEMPLATE failed:" >&2
  cat "$DIST/langflix.yaml" >&2
  exit 1
fi
echo "[plugin-dist] wrote $(ls "$DIST" | tr '\n' ' ')" >&2
