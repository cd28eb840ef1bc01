#!/usr/bin/env bash
# Before `make up`: Docker present and running, enough memory / CPU / disk for the selected
# profiles, the ports they publish free on 127.0.0.1, and .env generated.
#
#   ops/scripts/preflight.sh [PROFILES]            e.g. "core streaming bi"
#   ops/scripts/preflight.sh --facts MEM_MB,CPUS,DISK_GB [PROFILES]   (tests: skip Docker queries)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"

facts=""
if [[ "${1:-}" == "--facts" ]]; then
  facts="$2"; shift 2
fi
requested="${*:-}"
profiles="$(profiles_csv "${requested:-$(env_value ONERING_PROFILES core)}")"
check_profiles "$profiles"
failures=0
fail() { err "$*"; failures=$((failures + 1)); }

# Ports each profile publishes: the .env variable and its default.
declare -A PROFILE_PORTS=(
  [core]="MINIO_API_PORT:9000 MINIO_CONSOLE_PORT:9001 CLICKHOUSE_HTTP_PORT:8123 CLICKHOUSE_NATIVE_PORT:19000 POSTGRES_PORT:5432 AIRFLOW_PORT:8080 SPARK_MASTER_UI_PORT:8081 SPARK_WORKER_UI_PORT:8082"
  [streaming]="FLINK_UI_PORT:8083 PULSAR_BROKER_PORT:6650 PULSAR_ADMIN_PORT:8090"
  [ml]="MLFLOW_PORT:5000 REDIS_PORT:6379 FEAST_PORT:6566 BENTOML_PORT:3001 STREAMLIT_PORT:8501"
  [bi]="METABASE_PORT:3000 PROMETHEUS_PORT:9090 GRAFANA_PORT:3002"
  [governance]="OPENMETADATA_PORT:8585 OPENMETADATA_INGESTION_PORT:8084"
  [ci]="JENKINS_PORT:8086"
  [secrets]="INFISICAL_PORT:8087"
)

need_mb=0
for p in ${profiles//,/ }; do need_mb=$((need_mb + ${PROFILE_MEMORY_MB[$p]})); done
need_cpus=2
need_disk_gb=$((15 + 5 * ($(tr -cd ',' <<<"$profiles" | wc -c))))

if [[ -n "$facts" ]]; then
  IFS=, read -r mem_mb cpus disk_gb <<<"$facts"
  running=0
else
  command -v docker >/dev/null 2>&1 || die "docker not found: install Docker Desktop or Docker Engine, then run 'make preflight' again"
  docker info >/dev/null 2>&1 || die "the Docker daemon does not answer: start Docker, then run 'make preflight' again"
  compose_cmd >/dev/null || die "neither 'docker compose' (v2) nor 'docker-compose' found: install the Compose plugin"
  ok "Docker $(docker version --format '{{.Server.Version}}' 2>/dev/null) with $(compose_cmd)"
  mem_mb=$(( $(docker info --format '{{.MemTotal}}') / 1024 / 1024 ))
  cpus=$(docker info --format '{{.NCPU}}')
  root_dir="$(docker info --format '{{.DockerRootDir}}' 2>/dev/null || true)"
  [[ -d "$root_dir" ]] || root_dir="$ONERING_ROOT"   # Docker Desktop: the VM disk is not visible
  disk_gb=$(( $(df -Pk "$root_dir" | awk 'NR==2 {print $4}') / 1024 / 1024 ))
  running=$(docker ps -q --filter "label=com.docker.compose.project=$(env_value COMPOSE_PROJECT_NAME onering)" | wc -l)
fi

if ((mem_mb < need_mb)); then
  fail "Docker has ${mem_mb} MiB of memory; profiles ${profiles} need ${need_mb} MiB. Give Docker more memory (Docker Desktop: Settings > Resources) or start fewer profiles."
else
  ok "memory: ${mem_mb} MiB available, ${need_mb} MiB needed for ${profiles}"
fi
if ((cpus < need_cpus)); then
  fail "Docker has ${cpus} CPU(s); the stack needs at least ${need_cpus}"
elif ((cpus < 4)); then
  warn "Docker has ${cpus} CPUs: it works, but Spark and Airflow will be slow (4 recommended)"
else
  ok "CPUs: ${cpus}"
fi
if ((disk_gb < need_disk_gb)); then
  fail "only ${disk_gb} GB free for Docker; ${need_disk_gb} GB needed for the images and data of ${profiles}"
else
  ok "disk: ${disk_gb} GB free, ${need_disk_gb} GB needed"
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ((running > 0)); then
  warn "the stack is already running (${running} containers): ports not checked"
else
  busy=()
  for p in ${profiles//,/ }; do
    for entry in ${PROFILE_PORTS[$p]}; do
      var="${entry%%:*}"
      port="$(env_value "$var" "${entry#*:}")"
      if port_in_use "$port"; then busy+=("$port ($var)"); fi
    done
  done
  if ((${#busy[@]})); then
    fail "ports in use on 127.0.0.1: ${busy[*]}. Stop what uses them or set other ports in .env"
  else
    ok "ports of ${profiles} are free"
  fi
fi

if [[ ! -f "${ONERING_ROOT}/.env" ]]; then
  fail ".env is missing: run 'make init' (it generates every password)"
fi

if ((failures)); then
  err "preflight: ${failures} problem(s); fix them and run 'make preflight' again"
  exit 1
fi
ok "preflight passed for profiles ${profiles}"
