#!/usr/bin/env bash
# `make reset-data`: stop the stack and delete its volumes (lake, databases, logs); images stay,
# so the next `make up` starts clean without downloading or building again. .env is kept.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"

project="$(env_value COMPOSE_PROJECT_NAME onering)"
if [[ "${FORCE:-0}" != "1" ]]; then
  if [[ ! -t 0 ]]; then
    die "reset-data deletes every volume of project '${project}'; run it as 'make reset-data FORCE=1'"
  fi
  read -r -p "Delete all data of project '${project}' (lake, databases, logs)? Images are kept. [y/N] " answer
  [[ "$answer" == [yY]* ]] || { log "nothing deleted"; exit 0; }
fi
compose="$(compose_cmd)" || die "Docker Compose not found"
cd "$ONERING_ROOT"
COMPOSE_PROFILES="core,streaming,ml,bi,governance,ci,secrets,tools" $compose down --volumes --remove-orphans
ok "volumes of '${project}' deleted; images kept. 'make up' starts from empty stores."
