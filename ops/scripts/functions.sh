# shellcheck shell=bash
# Shared helpers for the stack scripts. Source it; do not run it.
#   source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"

ONERING_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ONERING_ROOT

if [[ -t 2 ]]; then
  _c_red=$'\033[31m'; _c_yel=$'\033[33m'; _c_grn=$'\033[32m'; _c_off=$'\033[0m'
else
  _c_red=""; _c_yel=""; _c_grn=""; _c_off=""
fi

log()  { printf '%s\n' "$*" >&2; }
ok()   { printf '%sOK%s   %s\n' "$_c_grn" "$_c_off" "$*" >&2; }
warn() { printf '%sWARN%s %s\n' "$_c_yel" "$_c_off" "$*" >&2; }
err()  { printf '%sFAIL%s %s\n' "$_c_red" "$_c_off" "$*" >&2; }
die()  { err "$*"; exit 1; }

# retry SECONDS DESCRIPTION COMMAND...: run COMMAND until it succeeds or SECONDS have passed.
# Polls every 2 s; the deadline, not a fixed sleep, bounds the wait.
retry() {
  local max_wait="$1" what="$2"; shift 2
  local deadline=$((SECONDS + max_wait))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      err "$what: not ready after ${max_wait}s"
      return 1
    fi
    sleep 2
  done
  ok "$what"
}

# The compose command: Docker Compose v2 when present, else the v1 binary.
compose_cmd() {
  if docker compose version >/dev/null 2>&1; then
    echo "docker compose"
  elif command -v docker-compose >/dev/null 2>&1; then
    echo "docker-compose"
  else
    return 1
  fi
}

# profiles_csv "streaming bi" -> "core,streaming,bi" (core always first, no duplicates).
profiles_csv() {
  local out="core" p
  for p in ${1//,/ }; do
    [[ "$p" == "core" || ",$out," == *",$p,"* ]] && continue
    out="$out,$p"
  done
  echo "$out"
}

# The known profiles and the Docker memory (MiB) each one adds when running.
declare -A PROFILE_MEMORY_MB=(
  [core]=8192 [streaming]=3072 [ml]=3072 [bi]=2048 [governance]=5120 [ci]=6144 [secrets]=1024
)

check_profiles() {
  local p
  for p in ${1//,/ }; do
    [[ -n "${PROFILE_MEMORY_MB[$p]:-}" ]] || die "unknown profile '$p'; known: ${!PROFILE_MEMORY_MB[*]}"
  done
}

# Reads KEY from .env (the value after the first '='), or prints the default.
env_value() {
  local key="$1" default="${2:-}" file="${ONERING_ROOT}/.env" line
  if [[ -f "$file" ]]; then
    line="$(grep -E "^${key}=" "$file" | tail -n 1 || true)"
    if [[ -n "$line" ]]; then
      echo "${line#*=}"
      return
    fi
  fi
  echo "$default"
}

require_env_file() {
  [[ -f "${ONERING_ROOT}/.env" ]] || die ".env is missing: run 'make init' first (it generates the passwords)"
}

# onering_cds_archive TARGET: the class-data-sharing archive for the CLI built in TARGET
# (pipelines/cli/target). Named by a digest of the jars' names, sizes and times, so a rebuild
# looks for a new one: the JVM refuses an archive whose jars changed, with a warning, and runs
# without it.
onering_cds_archive() {
  local target="$1" digest
  # Names relative to TARGET: the same build gives the same name however TARGET is spelled.
  digest="$(cd "$target" && stat -c '%n %s %Y' onering-cli.jar lib/*.jar | md5sum | cut -c1-16)"
  echo "${ONERING_ROOT}/.cache/cds/onering-${digest}.jsa"
}
