#!/usr/bin/env bash
# Install what a fresh machine lacks, then run the whole test suite (every tier).
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
command -v wrk >/dev/null || missing+=(wrk)  # the load generator of benchmarks/run_all.py
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "Missing ${missing[*]}: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing ${missing[*]} from Debian's packages" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check "hatch>=1.16"
# The test environment installs the versions in constraints.txt, so a new upstream release cannot
# change what CI tests; docs/decisions.md says how to refresh them.
PIP_CONSTRAINT="$PWD/constraints.txt" exec hatch run test-all "$@"
