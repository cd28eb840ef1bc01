#!/usr/bin/env bash
# Installs what `make stack-check` needs on a fresh Debian machine (CI and developers):
# docker-compose 1.29 (only to validate compose.yaml; no Docker engine), promtool (Debian's
# `prometheus` package ships it), PyYAML and pytest for /usr/bin/python3, shellcheck, and Debian's
# chromium, which the report tests open their pages in (a test that skips in CI tests nothing, so
# with CI=true they fail without it); for the ML path's tests (make test-ml): redis-server
# (Feast's online store) and a font for the Streamlit page; psql (postgresql-client) for the
# native stack. Idempotent: installs only what is missing.
set -euo pipefail

need=()
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
[[ -x "${CHROMIUM:-/usr/bin/chromium}" ]] || need+=(chromium)
/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1 || need+=(python3-yaml)
/usr/bin/python3 -c 'import pytest' >/dev/null 2>&1 || need+=(python3-pytest)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
# psql: the native stack (make native-test) provisions its Postgres with platform/postgres/init.sh.
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)

if ((${#need[@]} == 0)); then
  echo "install-ci-tools: docker-compose, promtool, shellcheck, chromium, python3-yaml, python3-pytest, redis-server, psql already present"
  exit 0
fi
sudo=""
if [[ "$(id -u)" != "0" ]]; then sudo="sudo"; fi
echo "install-ci-tools: installing ${need[*]}"
$sudo apt-get update -qq
# --no-install-recommends: docker-compose would otherwise pull in the Docker engine, prometheus
# its node exporter, chromium its desktop extras; only the programs are needed here. The
# prometheus package's service is not started in a container without systemd.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
docker-compose version --short
promtool --version | sed -n 1p
"${CHROMIUM:-/usr/bin/chromium}" --version
