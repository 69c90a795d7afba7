#!/usr/bin/env bash
# Installs what unika needs to build, test and benchmark on Debian 12.
# Idempotent; run as root (or through sudo).
set -euo pipefail
packages=(build-essential cmake pkg-config libsodium-dev libxxhash-dev check
          libutf8proc-dev python3 cppcheck clang
          # the PostgreSQL extension (bindings/postgresql, docs/postgresql.md)
          postgresql-15 postgresql-server-dev-15 postgresql-15-hll)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
