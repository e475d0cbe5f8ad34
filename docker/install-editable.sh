#!/bin/sh
# Install the core and the chosen packs editable from /app (development images), plus debugpy.
# Usage: install-editable.sh PACK...
set -eu
set -- -e . $(for pack in "$@"; do printf -- '-e ./domains/%s ' "$pack"; done)
pip install "$@" debugpy==1.8.14
