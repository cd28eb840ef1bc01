#!/usr/bin/env bash
# Makes one virtualenv per Python service from its committed lock file, with uv:
#   platform/<service>/requirements.lock  ->  .cache/venvs/<service>/
# `py-setup.sh` makes every one; `py-setup.sh airflow mlflow` only those. Idempotent: a venv whose
# recorded lock hash matches its lock file is left alone, so a second run takes a second.
# `py-setup.sh --lock [service...]` re-resolves requirements.in into requirements.lock instead.
# The services pin their conflicting stacks (fastapi, numpy, pydantic, sqlalchemy) apart, hence one
# venv each. The Dockerfiles install from the same locks, so the images run the versions tested here.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"

# The one place uv's version is pinned; it is bootstrapped from PyPI into .cache/venvs/_uv.
UV_VERSION="0.13.8"
# The Python every venv and lock is made for: the machine's 3.11, never a download.
PYTHON_VERSION="3.11"
export UV_PYTHON_DOWNLOADS=never
# uv's wheel cache: shared by every venv, kept out of the repo.
export UV_CACHE_DIR="${UV_CACHE_DIR:-${ONERING_ROOT}/.cache/uv}"

venvs="${ONERING_VENVS:-${ONERING_ROOT}/.cache/venvs}"
python="$(command -v "python${PYTHON_VERSION}" || command -v python3 || true)"
[[ -n "${python}" ]] || die "py-setup: no python${PYTHON_VERSION} on PATH; install Python ${PYTHON_VERSION}"
"${python}" -c "import sys; sys.exit(sys.version_info[:2] != (${PYTHON_VERSION/./, }))" \
  || die "py-setup: ${python} is not Python ${PYTHON_VERSION}; put a ${PYTHON_VERSION} first on PATH"

uv="${venvs}/_uv/bin/uv"
if [[ ! -x "${uv}" ]] || [[ "$("${uv}" --version | awk '{print $2}')" != "${UV_VERSION}" ]]; then
  log "py-setup: installing uv ${UV_VERSION} into ${venvs}/_uv"
  rm -rf "${venvs}/_uv"
  "${python}" -m venv "${venvs}/_uv"
  "${venvs}/_uv/bin/pip" install -q --disable-pip-version-check "uv==${UV_VERSION}" \
    || die "py-setup: pip could not install uv ${UV_VERSION} from PyPI; check the network or a pip proxy"
fi

cd "${ONERING_ROOT}"  # lock annotations name paths relative to the repo
lock_mode=0
if [[ "${1:-}" == "--lock" ]]; then lock_mode=1; shift; fi

known=()
for f in "${ONERING_ROOT}"/platform/*/requirements.in; do
  [[ -f "$f" ]] && known+=("$(basename "$(dirname "$f")")")
done
services=("$@")
((${#services[@]} > 0)) || services=("${known[@]}")

for service in "${services[@]}"; do
  dir="${ONERING_ROOT}/platform/${service}"
  [[ -f "${dir}/requirements.in" ]] \
    || die "py-setup: ${dir}/requirements.in not found; the services with one: ${known[*]}"
  if ((lock_mode)); then
    log "py-setup: resolving ${service}/requirements.in"
    # --universal: one lock valid for every platform and Python >= 3.11, so the images (Linux,
    # maybe another 3.x) and this machine install the same versions.
    "${uv}" pip compile --quiet --universal --python-version "${PYTHON_VERSION}" --generate-hashes \
      --no-header --annotation-style line "${dir}/requirements.in" -o "${dir}/requirements.lock"
    continue
  fi
  lock="${dir}/requirements.lock"
  [[ -f "${lock}" ]] || die "py-setup: ${lock} is missing; make it with: ops/scripts/py-setup.sh --lock ${service}"
  venv="${venvs}/${service}"
  want="$(sha256sum "${lock}" | awk '{print $1}')"
  if [[ -x "${venv}/bin/python" && "$(cat "${venv}/.lock-sha256" 2>/dev/null)" == "${want}" ]]; then
    continue
  fi
  log "py-setup: ${service}: creating ${venv} from requirements.lock"
  rm -rf "${venv}"
  "${uv}" venv --quiet --python "${python}" "${venv}"
  "${uv}" pip sync --quiet --python "${venv}/bin/python" --require-hashes "${lock}" \
    || die "py-setup: ${service}: installing ${lock} failed (see above); a changed requirements.in needs: ops/scripts/py-setup.sh --lock ${service}"
  echo "${want}" > "${venv}/.lock-sha256"
  ok "py-setup: ${service} -> ${venv}"
done
