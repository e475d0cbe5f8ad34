#!/bin/sh
# Build wheels of the core, the chosen packs and every dependency into one folder.
# Usage: build-wheels.sh OUT_DIR PACK...
set -eu
out=$1
shift
targets="."
for pack in "$@"; do
  targets="$targets ./domains/$pack"
done
# shellcheck disable=SC2086 # word splitting of $targets is intended
pip wheel --wheel-dir "$out" $targets
