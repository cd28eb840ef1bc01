#!/usr/bin/env bash
# Makes the class-data-sharing archive ops/scripts/onering maps into every CLI run: a small run of
# the pipeline's JVM steps (3 days, 300 ticks per symbol-day, in a temporary folder) with
# -XX:ArchiveClassesAtExit, so the JVM writes out the classes it loaded. Once per build: a no-op
# when the archive for the jars in pipelines/cli/target exists; older archives are removed.
# About 90 s on two cores. `make build` runs it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"

target="${ONERING_ROOT}/pipelines/cli/target"
[[ -f "${target}/onering-cli.jar" ]] || die "cds-archive: ${target}/onering-cli.jar is missing; build it with 'make build'"
archive="$(onering_cds_archive "${target}")"
[[ -f "${archive}" ]] && exit 0

work="$(mktemp -d "${TMPDIR:-/tmp}/onering-cds.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
log "cds-archive: recording the classes a run loads, once per build (about 90 s)"
# Every step but drift, which runs Evidently in Python: nothing of it is in the JVM.
steps="migrate,generate,ingest-csv,silver,silver-csv,quality-silver,load-silver,gold,publish-gold,features,train"
if ! ONERING_JAVA_OPTS="-XX:ArchiveClassesAtExit=${work}/onering.jsa ${ONERING_JAVA_OPTS:-}" \
  "${ONERING_ROOT}/ops/scripts/onering" run --days 3 --ticks-per-day 300 --run-id cds-archive --steps "${steps}" \
  --lake "${work}/lake" --data-dir "${work}/data" --out "${work}/out" >"${work}/run.log" 2>&1; then
  tail -n 30 "${work}/run.log" >&2
  die "cds-archive: the recording run failed (above); runs work without the archive, only slower"
fi
mkdir -p "$(dirname "${archive}")"
rm -f "$(dirname "${archive}")"/onering-*.jsa
mv "${work}/onering.jsa" "${archive}"
ok "cds-archive: ${archive}"
