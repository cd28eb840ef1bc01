#!/usr/bin/env bash
# `make stack-check`: every static check of the stack, no Docker engine needed.
#   1. stack_lint.py: compose invariants, Dockerfile bases, DAGs vs the spec, Grafana files;
#   2. shellcheck on the stack's shell scripts;
#   3. pytest ops/tests: the same checks fed broken input, docker-compose 1.29 `config` for every
#      profile, promtool, the DAG factory, the step contract, make init, status and smoke logic.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"
cd "$ONERING_ROOT"
py=/usr/bin/python3
[[ -x "$py" ]] || py=python3

"$py" ops/scripts/stack_lint.py

scripts=(ops/scripts/functions.sh ops/scripts/init-env.sh ops/scripts/preflight.sh ops/scripts/up.sh
         ops/scripts/reset-data.sh ops/scripts/airbyte.sh ops/scripts/stack-check.sh
         ops/scripts/install-ci-tools.sh ops/scripts/ml-test.sh platform/postgres/init.sh)
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck -x -e SC1091 "${scripts[@]}"
  shellcheck -s sh platform/minio/init.sh platform/onering/onering
  ok "shellcheck: ${#scripts[@]} bash scripts and 2 sh scripts"
else
  for s in "${scripts[@]}"; do bash -n "$s"; done
  warn "shellcheck not installed (ops/scripts/install-ci-tools.sh installs it): syntax checked with bash -n only"
fi

# Byte-code would land in the mounted plugin folder; keep the tree clean.
PYTHONDONTWRITEBYTECODE=1 "$py" -m pytest -q -p no:cacheprovider ops/tests
