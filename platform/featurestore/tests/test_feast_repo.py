"""Feast for real: `feast apply` and `feast materialize` on the repo against Debian's redis-server,
then online reads compared with the feature table's latest row per symbol, computed here with
pyarrow and pandas straight from the Parquet (not through onering_ml). Runs in the featurestore venv:
    PYTHONPATH=platform/ml .cache/venvs/featurestore/bin/python -m pytest -p onering_ml.testkit platform/featurestore/tests
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import date, timedelta

import pyarrow.parquet as pq
import pytest
import yaml

from onering_ml import native, procs

SPEC = procs.ROOT / "pipelines" / "spec" / "features.yaml"


@pytest.fixture(scope="module")
def spec():
    return yaml.safe_load(SPEC.read_text())


@pytest.fixture(scope="module")
def store(materialized):
    os.environ.update(materialized.env())
    from feast import FeatureStore

    return FeatureStore(repo_path=str(native.FEAST_REPO))


def latest_rows(table_dir, until: date | None = None):
    frame = pq.read_table(str(table_dir)).to_pandas()
    if until is not None:
        frame = frame[frame["trade_date"] <= until]
    return frame.sort_values("event_timestamp").groupby("symbol").tail(1).set_index("symbol").sort_index()


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == pytest.approx(b, rel=1e-12, abs=1e-12) if isinstance(b, float) else a == b


def test_the_registered_view_is_the_contract_features_and_attributes_without_the_label(store, spec):
    view = store.get_feature_view("features_daily")
    declared = [f["name"] for f in spec["features"]] + [a["name"] for a in spec["attributes"]]
    assert [f.name for f in view.features] == declared
    assert spec["label"]["name"] not in [f.name for f in view.features]
    assert [e for e in view.entities] == ["symbol"]
    assert view.batch_source.timestamp_field == "event_timestamp"


def test_online_features_are_the_latest_row_per_symbol(store, spec, feature_table):
    expected = latest_rows(feature_table)
    names = [f["name"] for f in spec["features"]] + [a["name"] for a in spec["attributes"]]
    got = store.get_online_features(features=[f"features_daily:{n}" for n in names],
                                    entity_rows=[{"symbol": s} for s in expected.index]).to_dict()
    assert got["symbol"] == list(expected.index)
    mismatches = [(sym, n, got[n][i], expected.loc[sym, n]) for i, sym in enumerate(expected.index) for n in names
                  if not same(got[n][i], expected.loc[sym, n].item() if hasattr(expected.loc[sym, n], "item") else expected.loc[sym, n])]
    assert mismatches == []


def test_an_unknown_symbol_has_no_online_features(store, spec):
    name = spec["features"][0]["name"]
    got = store.get_online_features(features=[f"features_daily:{name}"], entity_rows=[{"symbol": "NOPE"}]).to_dict()
    assert got[name] == [None]


def test_the_materialize_step_loads_the_run_dates_rows_and_prints_a_step_result(ml_work, feature_table, materialized, tmp_path):
    """The ML DAG's step, into a fresh Redis: for a run date in the middle of the table, each
    symbol's online row is its latest dated on or before that day, never a later one."""
    redis = native.redis(ml_work / "step")
    try:
        fenv = native.FeastEnv(table=feature_table, registry=tmp_path / "registry.db", redis=redis.url)
        dates = sorted(pq.read_table(str(feature_table), columns=["trade_date"])["trade_date"].to_pylist())
        run_date = dates[len(dates) // 2]
        result_file = tmp_path / "result.json"
        r = subprocess.run([sys.executable, "-m", "onering_ml.materialize", "--run-date", run_date.isoformat(),
                            "--result", str(result_file)], env={**os.environ, **fenv.env()},
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr[-3000:]
        result = json.loads(r.stdout.strip().splitlines()[-1])
        assert json.loads(result_file.read_text()) == result
        expected = latest_rows(feature_table, until=run_date)
        assert result["status"] == "success" and result["step"] == "materialize"
        assert result["rows_out"] == len(expected)
        assert result["details"]["latest_date_per_symbol"] == {s: str(d) for s, d in expected["trade_date"].items()}

        os.environ.update(fenv.env())
        from feast import FeatureStore

        got = FeatureStore(repo_path=str(native.FEAST_REPO)).get_online_features(
            features=["features_daily:close"], entity_rows=[{"symbol": s} for s in expected.index]).to_dict()
        assert got["close"] == pytest.approx(list(expected["close"]), rel=1e-12)
    finally:
        redis.stop()


def test_the_materialize_step_fails_clearly_before_the_table_starts(feature_table, materialized, tmp_path):
    r = subprocess.run([sys.executable, "-m", "onering_ml.materialize", "--run-date", "2001-01-01"],
                       env={**os.environ, **materialized.env()}, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1
    result = json.loads(r.stdout.strip().splitlines()[-1])
    assert result["status"] == "failed"
    assert "run the features step for 2001-01-01 first" in result["error"]
    assert "Traceback" not in r.stdout + r.stderr


S3PROXY_LIB = procs.ROOT / "pipelines" / "native" / "s3proxy" / "target" / "lib"


@pytest.fixture(scope="module")
def s3_lake(ml_work, feature_table):
    """S3Proxy (the native stack's S3, from `make build`) with the feature table uploaded as the
    stack keeps it, bucket `gold`, key prefix `features_daily/`: what s3a://gold/features_daily names."""
    if not S3PROXY_LIB.is_dir():
        pytest.fail(f"{S3PROXY_LIB} is missing: run `make build` (the native stack's S3Proxy)")
    from pyarrow import fs as pafs

    base = ml_work / "s3"
    (base / "gold").mkdir(parents=True)
    port, secret = procs.free_port(), "s3-test-secret"
    conf = ml_work / "s3proxy.conf"
    conf.write_text("\n".join([f"s3proxy.endpoint=http://127.0.0.1:{port}", "s3proxy.authorization=aws-v2-or-v4",
                               "s3proxy.identity=onering", f"s3proxy.credential={secret}",
                               "jclouds.provider=filesystem", f"jclouds.filesystem.basedir={base}", ""]))
    s = procs.Server("s3proxy", ["java", "-Xmx256m", "-cp", f"{S3PROXY_LIB}/*", "org.gaul.s3proxy.Main",
                                 "--properties", str(conf)], log=ml_work / "logs" / "s3proxy.log")
    s.url = f"http://127.0.0.1:{port}"
    # Any HTTP answer (403 without a signature) means it listens.
    s.start().wait(f"{s.url}/", timeout=native.STARTUP_SECONDS, ready=lambda status: status is not None)
    # Through the S3 API, as the features step writes it (a copied file has no ETag in S3Proxy).
    s3 = pafs.S3FileSystem(endpoint_override=s.url, access_key="onering", secret_key=secret, region="us-east-1")
    for f in sorted(feature_table.rglob("*.parquet")):
        with s3.open_output_stream(f"gold/features_daily/{f.relative_to(feature_table).as_posix()}") as out:
            out.write(f.read_bytes())
    yield {"ONERING_FEATURES_TABLE": "s3a://gold/features_daily", "ONERING_S3_ENDPOINT": s.url,
           "ONERING_S3_ACCESS_KEY": "onering", "ONERING_S3_SECRET_KEY": secret,
           "AWS_ACCESS_KEY_ID": "onering", "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-east-1"}
    s.stop()


def test_the_materialize_step_reads_the_stacks_table_from_s3(ml_work, feature_table, s3_lake, tmp_path):
    """As the stack's Airflow runs it: the table at s3a://gold/features_daily, the endpoint and keys
    in the ONERING_S3_* and AWS_* settings the operator passes on (no FEAST_* variable). Feast's file
    store reads s3:// through s3fs; without it in the lock the step failed only on the stack."""
    redis = native.redis(ml_work / "s3-step")
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ONERING_", "FEAST_", "AWS_"))}
        env.update({**s3_lake, "ONERING_FEAST_REGISTRY": str(tmp_path / "registry.db"),
                    "ONERING_FEAST_REDIS": redis.url, "PYTHONPATH": native.PYTHONPATH})
        run_date = max(pq.read_table(str(feature_table), columns=["trade_date"])["trade_date"].to_pylist())
        r = subprocess.run([sys.executable, "-m", "onering_ml.materialize", "--run-date", run_date.isoformat()],
                           env=env, capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
        result = json.loads(r.stdout.strip().splitlines()[-1])
        expected = latest_rows(feature_table, until=run_date)
        assert result["status"] == "success" and result["rows_out"] == len(expected)
        assert result["details"]["latest_date_per_symbol"] == {s: str(d) for s, d in expected["trade_date"].items()}

        # What Feast itself read from S3 is in Redis now.
        os.environ.update({k: env[k] for k in env if k.startswith(("ONERING_", "AWS_"))})
        from feast import FeatureStore

        got = FeatureStore(repo_path=str(native.FEAST_REPO)).get_online_features(
            features=["features_daily:close"], entity_rows=[{"symbol": s} for s in expected.index]).to_dict()
        assert got["close"] == pytest.approx(list(expected["close"]), rel=1e-12)
    finally:
        redis.stop()
