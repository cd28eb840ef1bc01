#!/usr/bin/env bash
# `make up PROFILES="..."`: preflight, build the local images, start the selected profiles (core
# always) and wait until every service is healthy and every init service has finished.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"

requested="${*:-}"
profiles="$(profiles_csv "${requested:-$(env_value ONERING_PROFILES core)}")"
check_profiles "$profiles"
require_env_file
"${ONERING_ROOT}/ops/scripts/preflight.sh" "${profiles//,/ }"

compose="$(compose_cmd)" || die "Docker Compose not found"
cd "$ONERING_ROOT"
export COMPOSE_PROFILES="$profiles" DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
log "starting profiles ${profiles} with ${compose}"
if [[ "$compose" == "docker compose" ]]; then
  # --wait returns once services are healthy and one-shot services have completed; it exits 1
  # when a one-shot service exits that no started service waits for with
  # service_completed_successfully (docker/compose#10596), so `make stack-check` requires a
  # waiter for every init service in every profile.
  $compose up --detach --build --wait --wait-timeout "${UP_TIMEOUT:-1200}" || {
    err "not every service became healthy; 'make status' shows which, 'make logs SERVICE=name' why"
    exit 1
  }
else
  $compose up --detach --build
  retry "${UP_TIMEOUT:-1200}" "every service healthy" python3 "${ONERING_ROOT}/ops/scripts/stack.py" status || {
    python3 "${ONERING_ROOT}/ops/scripts/stack.py" status || true
    exit 1
  }
fi
python3 "${ONERING_ROOT}/ops/scripts/stack.py" status
