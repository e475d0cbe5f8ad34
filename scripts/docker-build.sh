#!/usr/bin/env bash
# Build the stack's images with the right compose overlay.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'HELP'
Usage: scripts/docker-build.sh dev|prod build[:SERVICE] [docker compose build options]

  dev build             build every image, development targets (docker-compose.dev.yml)
  prod build            build every image, production targets (docker-compose.prod.yml)
  dev build:backend     build one service's image (backend, frontend, ml, ollama, jupyter in dev)

Environment:
  CODEXCONTINUE_IMAGE_PACKS  packs baked into the images (default: "legal health finance developer")
  CODEXCONTINUE_VERSION      image tag (default: latest)
  DOCKER                     the docker command (default: docker)

Examples:
  scripts/docker-build.sh prod build
  CODEXCONTINUE_IMAGE_PACKS="legal" scripts/docker-build.sh prod build:backend --no-cache
HELP
}

if [[ $# -lt 2 || $1 == "-h" || $1 == "--help" ]]; then
  usage
  [[ $# -ge 1 && ($1 == "-h" || $1 == "--help") ]] && exit 0
  exit 2
fi

environment=$1
action=$2
shift 2
case $environment in
  dev | prod) ;;
  *) echo "Unknown environment '$environment': use dev or prod (see --help)" >&2; exit 2 ;;
esac
case $action in
  build) service=() ;;
  build:?*) service=("${action#build:}") ;;
  *) echo "Unknown action '$action': use build or build:SERVICE (see --help)" >&2; exit 2 ;;
esac

exec ${DOCKER:-docker} compose -f docker-compose.yml -f "docker-compose.$environment.yml" \
  --profile all build "$@" "${service[@]}"
