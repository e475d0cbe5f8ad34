#!/bin/sh
# Install the core and the chosen packs from a wheel folder, offline, then drop the wheels.
# Usage: install-wheels.sh WHEEL_DIR PACK... [-- EXTRA_REQUIREMENT...]
set -eu
wheels=$1
shift
requirements="codexcontinue"
for pack in "$@"; do
  requirements="$requirements codexcontinue-$pack"
done
# shellcheck disable=SC2086 # word splitting of $requirements is intended
pip install --no-cache-dir --no-index --find-links "$wheels" $requirements
rm -rf "$wheels"
