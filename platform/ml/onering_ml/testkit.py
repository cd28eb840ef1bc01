"""Pytest fixtures for the ML path's tests: the real servers, started once per test session
(`pytest -p onering_ml.testkit`), stopped at its end.

The two inputs the Java side will produce are made here until it does, each in one fixture so the
lead can swap it: `feature_table` (the Spark `features` step's output; $ONERING_TEST_FEATURES_TABLE
points at a real one instead) and `champion` (the Java `train` step's registered model; the fixture
trains one with Python xgboost and logs it with the same flavors, metrics and alias).
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from onering_ml import native, procs


@pytest.fixture(scope="session")
def ml_work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ml")


@pytest.fixture(scope="session")
def feature_table(ml_work) -> Path:
    """gold/features_daily: the fixture table, or $ONERING_TEST_FEATURES_TABLE."""
    given = os.environ.get("ONERING_TEST_FEATURES_TABLE")
    if given:
        return Path(given)
    return native.fixture_table(ml_work / "lake" / "gold" / "features_daily")


@pytest.fixture(scope="session")
def redis_server(ml_work):
    s = native.redis(ml_work)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def feast_env(ml_work, feature_table, redis_server) -> native.FeastEnv:
    return native.FeastEnv(table=feature_table, registry=ml_work / "feast" / "registry.db", redis=redis_server.url)


@pytest.fixture(scope="session")
def materialized(feast_env) -> native.FeastEnv:
    """`feast apply` then `feast materialize START END` over the whole table, into Redis."""
    native.feast(feast_env, "apply")
    native.materialize_all(feast_env)
    return feast_env


@pytest.fixture(scope="session")
def feature_server(ml_work, materialized):
    s = native.feature_server(materialized, ml_work)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def mlflow_server(ml_work):
    s = native.mlflow(ml_work)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def champion(feature_table, mlflow_server) -> dict:
    """The registered model `onering` with alias `champion`: {run_id, version, metrics, ...}."""
    return native.train_fixture_model(feature_table, mlflow_server.url)


@pytest.fixture(scope="session")
def bento_server(ml_work, mlflow_server, feature_server, feature_table, champion):
    s = native.bento(ml_work, mlflow_url=mlflow_server.url, feast_url=feature_server.url, table=feature_table)
    yield s
    s.stop()


PREDICT_SCRIPT = """
import json, sys
import mlflow, pyarrow.parquet as pq
from onering_ml import contract
url, uri, table, rows = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
mlflow.set_tracking_uri(url)
c = contract.load()
frame = pq.read_table(table).to_pandas()
model = mlflow.pyfunc.load_model(uri)
out = []
for symbol, day in rows:
    row = frame[(frame["symbol"] == symbol) & (frame["trade_date"].astype(str) == day)]
    out.append(float(model.predict(row[c.feature_names])[0]))
print(json.dumps(out))
"""


def pyfunc_predict(mlflow_url: str, model_uri: str, table: Path, rows: list[tuple[str, str]]) -> list[float]:
    """P(label = 1) for (symbol, trade date) rows of the table, by mlflow.pyfunc in platform/mlflow's
    venv: the reference the model service's answers are checked against."""
    r = subprocess.run([str(procs.venv_bin("mlflow", "python")), "-c", PREDICT_SCRIPT, mlflow_url, model_uri,
                        str(table), json.dumps(rows)], env={**os.environ, "PYTHONPATH": native.PYTHONPATH},
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"pyfunc prediction failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])
