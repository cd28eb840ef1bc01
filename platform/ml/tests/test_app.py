"""The Streamlit prediction app: its logic with streamlit.testing's AppTest against the real model
service and MLflow (and with the service down), then the real page from `streamlit run` in Debian's
headless chromium (docs/img/streamlit-prediction.png is test_demo_ml's, on the Java-trained model)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pyarrow.parquet as pq
import pytest
import requests
from streamlit.testing.v1 import AppTest

from onering_ml import native, procs

APP = native.APP_DIR / "app.py"
BROWSER = procs.ML / "tests" / "browser"


def app(monkeypatch, *, model_url: str, mlflow_url: str, table) -> AppTest:
    monkeypatch.setenv("ONERING_MODEL_URL", model_url)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_url)
    monkeypatch.setenv("ONERING_FEATURES_TABLE", str(table))
    return AppTest.from_file(str(APP), default_timeout=300).run()


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def test_the_app_shows_the_services_prediction_and_the_fold_metrics(monkeypatch, bento_server, mlflow_server,
                                                                    feature_table, champion):
    at = app(monkeypatch, model_url=bento_server.url, mlflow_url=mlflow_server.url, table=feature_table)
    assert not at.exception, at.exception
    assert not at.error, texts(at.error)
    symbols = sorted(pq.read_table(str(feature_table), columns=["symbol"])["symbol"].unique().to_pylist())
    assert at.selectbox[0].options == symbols
    for symbol in (symbols[0], symbols[-1]):
        at.selectbox[0].set_value(symbol).run()
        expected = requests.post(f"{bento_server.url}/predict", json={"symbol": symbol}, timeout=60).json()
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["Probability"] == f"{expected['probability']:.1%}"
        assert metrics["Label"] == str(expected["label"])
        assert metrics["Model version"] == expected["model"]["version"]
    folds = at.dataframe[-1].value
    history = requests.get(f"{mlflow_server.url}/api/2.0/mlflow/metrics/get-history",
                           params={"run_id": expected["model"]["run_id"], "metric_key": "fold.model.auc"},
                           timeout=30).json()["metrics"]
    assert sorted(folds.index) == sorted(m["step"] for m in history) == [1, 2, 3]
    for m in history:
        assert folds.loc[m["step"], "model.auc"] == pytest.approx(m["value"])


def test_with_the_model_service_down_the_app_says_so_and_what_to_run(monkeypatch, mlflow_server, feature_table, champion):
    down = f"http://127.0.0.1:{procs.free_port()}"
    at = app(monkeypatch, model_url=down, mlflow_url=mlflow_server.url, table=feature_table)
    assert not at.exception, at.exception
    errors = texts(at.error)
    assert len(errors) == 1 and f"The model service at {down} is not answering" in errors[0]
    assert "make demo-ml" in errors[0]
    assert not at.metric, "no prediction is shown without the service"
    assert len(at.dataframe) == 2, "the table's latest features and the fold metrics still show"


def test_with_mlflow_down_too_the_app_still_draws_the_chart_and_features(monkeypatch, feature_table):
    down = f"http://127.0.0.1:{procs.free_port()}"
    at = app(monkeypatch, model_url=down, mlflow_url=down, table=feature_table)
    assert not at.exception, at.exception
    assert any("did not give the model's metrics" in w for w in texts(at.warning))
    assert len(at.dataframe) == 1


def test_the_real_page_in_chromium_shows_the_prediction(ml_work, bento_server, mlflow_server, feature_table):
    node = shutil.which("node")
    assert node, "node is needed for the browser test (Debian's nodejs)"
    if not (BROWSER / "node_modules" / "playwright-core").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=BROWSER, check=True, timeout=600)
    page = native.streamlit(ml_work, model_url=bento_server.url, mlflow_url=mlflow_server.url, table=feature_table)
    screenshot = ml_work / "streamlit-fixture.png"
    try:
        r = subprocess.run([node, "page.mjs", page.url, "Walk-forward folds", str(screenshot), "240000"],
                           cwd=BROWSER, capture_output=True, text=True, timeout=400)
        assert r.returncode == 0, r.stderr[-3000:]
        text = json.loads(r.stdout.strip().splitlines()[-1])["text"]
    finally:
        page.stop()
    first = sorted(pq.read_table(str(feature_table), columns=["symbol"])["symbol"].unique().to_pylist())[0]
    expected = requests.post(f"{bento_server.url}/predict", json={"symbol": first}, timeout=60).json()
    assert "Probability" in text and f"{expected['probability']:.1%}" in text
    assert "Model version" in text and expected["model"]["version"] in text
    assert screenshot.stat().st_size > 20_000
