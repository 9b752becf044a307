#!/usr/bin/env bash
# Installs the system packages the runner and the tests need (Debian): ffmpeg, a CJK font, espeak-ng for
# slide audio, redis-server for the cache tests, openssl for the local cluster's certificates, curl and
# iproute2 (ss) with which hack/local-cluster.sh checks its components. A minimal Debian lacks the last three.
set -euo pipefail
packages=(ffmpeg fonts-noto-cjk fontconfig espeak-ng redis-server openssl curl iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "system packages present: ${packages[*]}"
  exit 0
fi
echo "installing: ${missing[*]}"
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
