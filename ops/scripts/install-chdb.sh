#!/usr/bin/env bash
# Installs chDB (the ClickHouse engine as a shared library) for the embedded Silver store.
# Idempotent: a no-op when libchdb.so of the pinned version is already in place. Prints the
# library's path on stdout. Installs under <repo>/.cache/chdb (ONERING_CHDB_PREFIX overrides),
# where dev.onering.serving.clickhouse.ChDb looks for it.
# Why npm: chDB publishes its prebuilt libchdb.so as an npm package; Maven Central has no build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"

# The one place the chDB version is pinned.
CHDB_NPM_PACKAGE="@chdb/lib-linux-x64-gnu"
CHDB_VERSION="26.7.3-stable.1"

prefix="${ONERING_CHDB_PREFIX:-${ONERING_ROOT}/.cache/chdb}"
package_dir="${prefix}/node_modules/${CHDB_NPM_PACKAGE}"
lib="${package_dir}/libchdb.so"

installed_version() {
  [[ -f "${package_dir}/package.json" ]] || return 0
  sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "${package_dir}/package.json" | head -n 1
}

if [[ -f "${lib}" && "$(installed_version)" == "${CHDB_VERSION}" ]]; then
  echo "${lib}"
  exit 0
fi

command -v npm >/dev/null 2>&1 \
  || die "install-chdb: npm is not installed; install Node.js and npm (apt-get install npm), then re-run $0"

mkdir -p "${prefix}"
log "install-chdb: installing ${CHDB_NPM_PACKAGE}@${CHDB_VERSION} into ${prefix} (~570 MB)"
npm install --prefix "${prefix}" --no-audit --no-fund --loglevel=error \
  "${CHDB_NPM_PACKAGE}@${CHDB_VERSION}" >&2

[[ -f "${lib}" ]] \
  || die "install-chdb: npm finished but ${lib} is missing; check the layout of ${CHDB_NPM_PACKAGE}@${CHDB_VERSION}"
echo "${lib}"
