"""The drift report with the real Evidently, on a fixture table whose one feature is shifted in the
current window: that feature is flagged, an unshifted one is not, the windows hold the rows they
should (counted here with pyarrow), and the report lands in an MLflow run when asked. Runs in the
evidently venv: PYTHONPATH=platform/ml .cache/venvs/evidently/bin/python -m pytest -p onering_ml.testkit platform/ml/drift/tests
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pyarrow.dataset as ds
import pytest
import yaml

from onering_ml import fixtures, procs

DRIFT = Path(__file__).resolve().parents[1] / "drift.py"
SPEC = procs.ROOT / "pipelines" / "spec" / "features.yaml"
SHIFTED, STEADY = "volume_ratio_20", "ret_1"
FIRST = date(2026, 3, 2)
# Reference: the training window; current: the last 30 days, where SHIFTED moves by +1.5.
REF = (FIRST + timedelta(days=30), FIRST + timedelta(days=119))
CUR = (FIRST + timedelta(days=120), FIRST + timedelta(days=149))


@pytest.fixture(scope="module")
def shifted_table(tmp_path_factory) -> Path:
    spec = fixtures.Spec(symbols=8, days=150, seed=11,
                         shifts=[fixtures.Shift(SHIFTED, start=CUR[0], scale=1.0, offset=1.5)])
    return fixtures.write(fixtures.frame(spec), tmp_path_factory.mktemp("drift") / "features_daily")


def run_drift(table: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(DRIFT), "--features", str(table),
                           "--reference-start", REF[0].isoformat(), "--reference-end", REF[1].isoformat(),
                           "--current-start", CUR[0].isoformat(), "--current-end", CUR[1].isoformat(),
                           "--out", str(out), *extra], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def drift_run(shifted_table, tmp_path_factory):
    out = tmp_path_factory.mktemp("drift-out")
    r = run_drift(shifted_table, out)
    assert r.returncode == 0, r.stderr[-3000:]
    return out, json.loads(r.stdout.strip().splitlines()[-1])


def test_the_shifted_feature_is_flagged_and_a_steady_one_is_not(drift_run):
    out, summary = drift_run
    table = {row["name"]: row for row in json.loads((out / "drift_table.json").read_text())}
    assert table[SHIFTED]["drifted"] is True, table[SHIFTED]
    assert table[STEADY]["drifted"] is False, table[STEADY]
    assert SHIFTED in summary["drifted"] and STEADY not in summary["drifted"]


def test_the_table_has_every_contract_feature_in_order_with_evidentlys_stattest(drift_run):
    out, _ = drift_run
    rows = json.loads((out / "drift_table.json").read_text())
    features = [f["name"] for f in yaml.safe_load(SPEC.read_text())["features"]]
    assert [r["name"] for r in rows] == features
    for r in rows:
        assert set(r) == {"name", "drift_score", "stattest", "threshold", "drifted"}
        assert isinstance(r["drift_score"], float) and r["stattest"]


def test_the_windows_hold_the_rows_of_their_dates(drift_run, shifted_table):
    _, summary = drift_run
    dates = ds.dataset(str(shifted_table), format="parquet").to_table(columns=["trade_date"])["trade_date"].to_pylist()
    assert summary["reference_rows"] == sum(REF[0] <= d <= REF[1] for d in dates)
    assert summary["current_rows"] == sum(CUR[0] <= d <= CUR[1] for d in dates)


def test_the_evidently_report_is_written_as_html_and_json(drift_run):
    out, _ = drift_run
    html = (out / "drift.html").read_text()
    assert "<html" in html.lower() and SHIFTED in html
    snapshot = json.loads((out / "drift.json").read_text())
    assert any(SHIFTED in json.dumps(m) for m in snapshot["metrics"])


def test_an_empty_window_is_a_clear_error(shifted_table, tmp_path):
    r = subprocess.run([sys.executable, str(DRIFT), "--features", str(shifted_table),
                        "--reference-start", "2001-01-01", "--reference-end", "2001-02-01",
                        "--current-start", CUR[0].isoformat(), "--current-end", CUR[1].isoformat(),
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1
    assert "the reference window 2001-01-01..2001-02-01 has no rows" in r.stderr
    assert "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, str(DRIFT), "--features", str(shifted_table), "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "--reference-start" in r.stderr


def test_the_report_is_logged_to_the_models_mlflow_run(shifted_table, mlflow_server, tmp_path):
    from mlflow import MlflowClient

    client = MlflowClient(mlflow_server.url)
    run = client.create_run(client.create_experiment("drift-test"))
    r = run_drift(shifted_table, tmp_path, "--mlflow-url", mlflow_server.url, "--run-id", run.info.run_id)
    assert r.returncode == 0, r.stderr[-3000:]
    logged = {f.path for f in client.list_artifacts(run.info.run_id, "drift")}
    assert logged == {"drift/drift.html", "drift/drift.json", "drift/drift_table.json"}
    local = client.download_artifacts(run.info.run_id, "drift/drift_table.json", str(tmp_path / "dl"))
    assert json.loads(Path(local).read_text()) == json.loads((tmp_path / "drift_table.json").read_text())
    metrics = client.get_run(run.info.run_id).data.metrics
    drifted = sum(row["drifted"] for row in json.loads((tmp_path / "drift_table.json").read_text()))
    assert metrics["drifted_features"] == drifted >= 1
