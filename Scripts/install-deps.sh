#!/usr/bin/env bash
# Installs the Debian packages loom builds against, when missing: libsqlite3-dev (GRDB) and
# libopenblas-dev (cblas.h). Uses sudo when not root.
set -euo pipefail
missing=()
for pkg in libsqlite3-dev libopenblas-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages present: libsqlite3-dev libopenblas-dev"
    exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
