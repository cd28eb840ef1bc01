"""`make demo-ml` end to end on the Java-trained model: daily CSV files retrained through the Java
steps as docs/ml.md tells ("Retrain on your own data"), then `python -m onering_ml.demo` (what
`make demo-ml` runs) on that lake: `onering register` logs the Java model to a native MLflow,
BentoML loads it, and the Streamlit page in Debian's headless chromium shows its prediction. The
screenshot is docs/img/streamlit-prediction.png.

Expected values come from outside the servers: the probability from Python xgboost on the lake's
own model.json and feature row (in platform/mlflow's venv, which has xgboost), the pooled AUC from
the lake's training.json. Needs the onering CLI (`make build`); runs in the streamlit venv.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import requests

from onering_ml import contract, native, procs

BROWSER = procs.ML / "tests" / "browser"
SCREENSHOT = procs.ROOT / "docs" / "img" / "streamlit-prediction.png"
SYMBOLS = ("ACME", "GLOBEX", "INITECH")
WEEKDAYS = 70  # 20 for the z-score window, 5 for the label, and enough labelled dates for 4 folds
UP = "OneRing ML path is up"
XGB_PREDICT = """
import json, sys
import numpy as np, pyarrow.parquet as pq, xgboost as xgb
model, table, symbol, features = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
frame = pq.read_table(table).to_pandas()
row = frame[frame["symbol"] == symbol].sort_values("trade_date").tail(1)
booster = xgb.Booster(model_file=model)
print(float(booster.predict(xgb.DMatrix(row[features].astype("float64"), missing=np.nan))[0]))
"""


def write_csv(folder: Path, symbol: str, seed: int) -> None:
    """A random walk pulled back toward its start: mean reversion for the model to find."""
    rng = np.random.default_rng(seed)
    days, d = [], date(2026, 1, 5)
    while len(days) < WEEKDAYS:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    close, start = [], 100.0 + 10 * seed
    price = start
    for _ in days:
        price = price + 0.15 * (start - price) + rng.normal(0, 1.5)
        close.append(round(price, 2))
    c = np.array(close)
    o = np.round(c + rng.normal(0, 0.3, len(c)), 2)
    frame = pd.DataFrame({"date": [x.isoformat() for x in days], "open": o,
                          "high": np.round(np.maximum(o, c) + 0.5, 2), "low": np.round(np.minimum(o, c) - 0.5, 2),
                          "close": c, "volume": rng.integers(100_000, 200_000, len(c))})
    frame.to_csv(folder / f"{symbol}.csv", index=False)


def onering(*args: str, timeout: float = 900) -> dict:
    """A step of the CLI from the repository root, as docs/ml.md runs them; its JSON result."""
    r = subprocess.run([str(native.ONERING_CLI), *args], cwd=procs.ROOT, capture_output=True, text=True, timeout=timeout,
                       env={**os.environ, "ONERING_HEAP": "1g"})
    assert r.returncode == 0, f"onering {' '.join(args)} exited {r.returncode}:\n{r.stderr[-3000:]}"
    result = json.loads([line for line in r.stdout.splitlines() if line.strip()][-1])
    assert result["status"] == "success", result
    return result


@pytest.fixture(scope="module")
def csv_lake(tmp_path_factory) -> Path:
    """A lake the Java steps built from imported CSV files, exactly as docs/ml.md's retrain recipe."""
    if not (procs.ROOT / "pipelines" / "cli" / "target" / "onering-cli.jar").exists():
        pytest.fail("the onering CLI is not built: run `make build` (make test builds it first)")
    base = tmp_path_factory.mktemp("csv")
    prices = base / "prices"
    prices.mkdir()
    for i, s in enumerate(SYMBOLS, start=1):
        write_csv(prices, s, i)
    common = ["--lake", str(base / "lake"), "--data-dir", str(base / "data")]
    onering("migrate", *common)
    ingest = onering("ingest", "csv", "--csv-dir", str(prices), "--run-date", "2026-05-01", *common)
    assert ingest["rows_out"] == len(SYMBOLS)
    onering("silver-csv", *common)
    onering("quality-silver", *common)  # publishes the import (write-audit-publish)
    onering("gold", *common)
    onering("publish-gold", *common)
    assert onering("features", *common)["rows_out"] == len(SYMBOLS) * WEEKDAYS
    train = onering("train", *common)
    assert train["details"]["folds"] == 4
    return base / "lake"


@pytest.fixture(scope="module")
def demo(csv_lake, tmp_path_factory):
    """`python -m onering_ml.demo --lake <csv lake>` until its servers are up: (process, urls, output)."""
    work = tmp_path_factory.mktemp("demo-ml")
    out = work / "demo-ml.out"
    ports = {f"ONERING_DEMO_{n.upper()}_PORT": str(procs.free_port())
             for n in ("mlflow", "bentoml", "streamlit", "feast", "redis")}
    with open(out, "wb") as f:
        proc = subprocess.Popen([str(procs.venv_bin("featurestore", "python")), "-m", "onering_ml.demo",
                                 "--lake", str(csv_lake), "--work", str(work / "state")],
                                cwd=procs.ROOT, stdout=f, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, **ports, "PYTHONPATH": native.PYTHONPATH})
    deadline = time.monotonic() + 3 * native.STARTUP_SECONDS
    try:
        while UP not in out.read_text(errors="replace"):
            assert proc.poll() is None, f"demo-ml exited {proc.returncode}:\n{out.read_text(errors='replace')[-4000:]}"
            assert time.monotonic() < deadline, f"demo-ml not up in time:\n{out.read_text(errors='replace')[-4000:]}"
            time.sleep(1)
        text = out.read_text(errors="replace")
        urls = {name: re.search(rf"{label}\s+(http://\S+)", text).group(1)
                for name, label in (("app", "Streamlit app"), ("model", "Model service"), ("mlflow", "MLflow"))}
        yield proc, urls, out
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def test_demo_ml_serves_the_java_trained_model_and_the_page_shows_its_prediction(csv_lake, demo):
    proc, urls, out = demo
    latest = json.loads((csv_lake / native.LATEST_MODEL).read_text())
    model_dir = csv_lake / latest["dir"]
    training = json.loads((model_dir / "training.json").read_text())

    # The champion is the run `onering register` logged for the lake's model, not a fixture's.
    champion = requests.get(f"{urls['mlflow']}/api/2.0/mlflow/registered-models/alias",
                            params={"name": "onering", "alias": "champion"}, timeout=30).json()["model_version"]
    run = requests.get(f"{urls['mlflow']}/api/2.0/mlflow/runs/get", params={"run_id": champion["run_id"]},
                       timeout=30).json()["run"]
    tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
    assert tags["mlflow.source.name"] == "onering train"
    assert tags["onering.run_id"] == latest["run_id"]

    # The service's probability is the Java model's on the table's latest row, by Python xgboost.
    table = csv_lake / "gold" / "features_daily"
    symbol = sorted(pq.read_table(str(table), columns=["symbol"])["symbol"].unique().to_pylist())[0]
    r = subprocess.run([str(procs.venv_bin("mlflow", "python")), "-c", XGB_PREDICT, str(model_dir / "model.json"),
                        str(table), symbol, json.dumps(contract.load().feature_names)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    expected = float(r.stdout.strip().splitlines()[-1])
    body = requests.post(f"{urls['model']}/predict", json={"symbol": symbol}, timeout=120).json()
    assert body["model"]["version"] == champion["version"] and body["model"]["run_id"] == champion["run_id"]
    assert body["probability"] == pytest.approx(expected, abs=1e-6)

    # The page, in chromium: that prediction, the version, and the folds' pooled AUC from training.json.
    node = shutil.which("node")
    assert node, "node is needed for the browser test (Debian's nodejs)"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run([node, "page.mjs", urls["app"], "Pooled out of fold", str(SCREENSHOT), "240000"],
                       cwd=BROWSER, capture_output=True, text=True, timeout=400)
    assert r.returncode == 0, r.stderr[-3000:]
    text = json.loads(r.stdout.strip().splitlines()[-1])["text"]
    assert symbol in text
    assert f"{body['probability']:.1%}" in text
    assert "Model version" in text and champion["version"] in text
    assert f"model.auc {training['overall']['model']['auc']:.4f}" in text
    assert SCREENSHOT.stat().st_size > 20_000

    # Ctrl-C (SIGTERM here) stops every server it started.
    os.killpg(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=120) == 0, out.read_text(errors="replace")[-3000:]
    assert "stopped." in out.read_text(errors="replace")
    for url in urls.values():
        assert procs.http_status(url, timeout=2) is None, f"{url} still answers after demo-ml stopped"
