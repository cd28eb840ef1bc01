#!/usr/bin/env bash
# `make test-ml`: the ML path's Python tests, each suite with its service's venv (make py-setup),
# against the real programs: redis-server, Feast, the MLflow server, BentoML, Streamlit, Evidently,
# Debian's chromium (driven by npm playwright-core, pinned in platform/ml/tests/browser).
#   featurestore venv: platform/featurestore/tests  (feast apply/materialize, online reads, the materialize step)
#   evidently venv:    platform/ml/drift/tests      (drift.py on a table with a known shift, MLflow logging)
#   streamlit venv:    platform/ml/tests            (the model service over HTTP, the app: AppTest and chromium;
#                                                    make demo-ml on a lake the onering CLI builds: needs make build)
#   airflow venv:      platform/ml/dag_tests        (the onering_ml DAG's python steps with dag.test();
#                                                    runs once platform/airflow has its lock)
# `ml-test.sh drift` (or featurestore, serving) runs one suite.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"
cd "$ONERING_ROOT"

venvs="${ONERING_VENVS:-${ONERING_ROOT}/.cache/venvs}"
export PYTHONPATH="${ONERING_ROOT}/platform/ml" PYTHONDONTWRITEBYTECODE=1

declare -A suite_venv=([featurestore]=featurestore [drift]=evidently [serving]=streamlit [dag]=airflow)
declare -A suite_dir=([featurestore]=platform/featurestore/tests [drift]=platform/ml/drift/tests [serving]=platform/ml/tests
                      [dag]=platform/ml/dag_tests)
suites=("$@")
if ((${#suites[@]} == 0)); then
  suites=(featurestore drift serving)
  [[ -f platform/airflow/requirements.lock ]] && suites+=(dag)
fi

browser=platform/ml/tests/browser
installed() { (cd "${browser}" && node -p "require('./node_modules/playwright-core/package.json').version" 2>/dev/null) || true; }
wanted() { (cd "${browser}" && node -p "require('./package.json').dependencies['playwright-core']"); }
if [[ " ${suites[*]} " == *" serving "* ]] && [[ "$(installed)" != "$(wanted)" ]]; then
  log "ml-test: npm ci in ${browser} (playwright-core, no browser download)"
  (cd "${browser}" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent) \
    || die "ml-test: npm ci failed in ${browser}; check the npm registry"
fi

for suite in "${suites[@]}"; do
  [[ -n "${suite_venv[$suite]:-}" ]] || die "ml-test: unknown suite '${suite}'; known: ${!suite_venv[*]}"
  python="${venvs}/${suite_venv[$suite]}/bin/python"
  [[ -x "${python}" ]] || die "ml-test: ${python} missing: run make py-setup"
  log "ml-test: ${suite} (${suite_venv[$suite]} venv)"
  "${python}" -m pytest -q -p no:cacheprovider -p onering_ml.testkit "${suite_dir[$suite]}"
done
