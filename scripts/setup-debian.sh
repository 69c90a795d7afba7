#!/usr/bin/env bash
# Installs what unika needs to build, test and benchmark on Debian 12.
# Idempotent; run as root (or through sudo).
set -euo pipefail
packages=(build-essential g++ cmake pkg-config libsodium-dev libxxhash-dev check
          libutf8proc-dev python3 cppcheck clang
          # man pages and shell completions, as installed (tests/install, tests/cli)
          man-db zsh
          # the PostgreSQL extension (bindings/postgresql, docs/postgresql.md)
          postgresql-15 postgresql-server-dev-15 postgresql-15-hll)
# The Python package's tests: an offline `pip install --no-build-isolation`
# into a throwaway venv (setuptools, wheel, pip, venv), and its optional
# NumPy and pandas paths. Installed without their recommends (which would
# bring scipy, matplotlib and numba).
python_packages=(python3-setuptools python3-wheel python3-pip python3-venv
                 python3-numpy python3-pandas)
missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
mapfile -t need < <(missing "${packages[@]}")
mapfile -t need_py < <(missing "${python_packages[@]}")
if ((${#need[@]} + ${#need_py[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  install=($SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq)
  ((${#need[@]} == 0)) || "${install[@]}" "${need[@]}"
  ((${#need_py[@]} == 0)) || "${install[@]}" --no-install-recommends "${need_py[@]}"
fi
