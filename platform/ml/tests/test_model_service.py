"""The BentoML model service over HTTP, served by `bentoml serve` from its venv, against a real
MLflow server (the champion registered there) and the real Feast feature server over Redis.
Expected answers are computed apart from the service: features straight from the Parquet with
pyarrow, probabilities by mlflow.pyfunc in platform/mlflow's venv. Runs in the streamlit venv:
    PYTHONPATH=platform/ml .cache/venvs/streamlit/bin/python -m pytest -p onering_ml.testkit platform/ml/tests
"""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest
import requests

from onering_ml import contract, native, testkit


@pytest.fixture(scope="session")
def features():
    return contract.load().feature_names


@pytest.fixture(scope="session")
def latest(feature_table):
    frame = pq.read_table(str(feature_table)).to_pandas()
    return frame.sort_values("event_timestamp").groupby("symbol").tail(1).set_index("symbol").sort_index()


def post(url: str, path: str, body: dict | None = None) -> requests.Response:
    return requests.post(f"{url}/{path}", json=body or {}, timeout=120)


def test_not_ready_until_a_model_is_registered_then_ready(service_history):
    before, after = service_history
    assert before["readyz"] == 503
    assert before["predict"].status_code == 503
    body = before["predict"].json()
    assert body["error"].startswith("no model loaded yet") and "alias 'champion'" in body["hint"]
    assert after["readyz"] == 200


def test_predict_serves_the_latest_online_features_and_the_champions_probability(
        bento_server, champion, mlflow_server, feature_table, latest, features):
    symbols = list(latest.index)
    expected = testkit.pyfunc_predict(mlflow_server.url, f"models:/onering/{champion['version']}", feature_table,
                                      [(s, str(latest.loc[s, "trade_date"])) for s in symbols])
    for symbol, p in zip(symbols, expected):
        r = post(bento_server.url, "predict", {"symbol": symbol})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["source"] == "online"
        assert body["probability"] == pytest.approx(p, abs=1e-6)
        assert body["label"] == int(p >= 0.5)
        assert body["model"] == {"name": "onering", "alias": "champion", "version": champion["version"],
                                 "run_id": champion["run_id"]}
        assert list(body["features"]) == features
        assert body["features"] == pytest.approx({f: latest.loc[symbol, f].item() for f in features}, rel=1e-12)
        assert body["as_of"].startswith(latest.loc[symbol, "event_timestamp"].strftime("%Y-%m-%dT%H:%M:%S"))


def test_predict_for_a_date_uses_that_days_row(bento_server, champion, mlflow_server, feature_table, features):
    frame = pq.read_table(str(feature_table)).to_pandas()
    row = frame[frame["symbol"] == "MSFT"].iloc[30]
    day = str(row["trade_date"])
    (p,) = testkit.pyfunc_predict(mlflow_server.url, f"models:/onering/{champion['version']}", feature_table,
                                  [("MSFT", day)])
    r = post(bento_server.url, "predict", {"symbol": "MSFT", "date": day})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"] == "offline" and body["probability"] == pytest.approx(p, abs=1e-6)
    assert body["features"] == pytest.approx({f: row[f].item() for f in features}, rel=1e-12)


@pytest.mark.parametrize("body, status, message", [
    ({"symbol": "NOPE"}, 404, "unknown symbol 'NOPE'"),
    ({"symbol": "NOPE", "date": "2026-05-04"}, 404, "unknown symbol 'NOPE'"),
    ({"symbol": "MSFT", "date": "2001-01-02"}, 404, "no features for 'MSFT' on 2001-01-02: its rows run from"),
    ({"symbol": "MSFT", "date": "yesterday"}, 400, "date must be YYYY-MM-DD"),
    ({"symbol": " "}, 400, "symbol is empty"),
])
def test_bad_requests_get_a_clear_json_error_never_a_trace(bento_server, body, status, message):
    r = post(bento_server.url, "predict", body)
    assert r.status_code == status, r.text
    answer = r.json()
    assert message in answer["error"] and answer["hint"]
    assert "Traceback" not in r.text


def test_a_request_without_a_symbol_is_a_400(bento_server):
    r = post(bento_server.url, "predict", {})
    assert r.status_code == 400 and "Traceback" not in r.text


def test_reload_picks_up_a_new_champion(bento_server, champion, mlflow_server, feature_table):
    same = post(bento_server.url, "reload").json()
    assert same["changed"] is False and same["model"]["version"] == champion["version"]
    newer = native.train_fixture_model(feature_table, mlflow_server.url)
    assert newer["version"] != champion["version"]
    answer = post(bento_server.url, "reload").json()
    assert answer == {"previous": {"name": "onering", "alias": "champion", "version": champion["version"],
                                   "run_id": champion["run_id"]},
                      "model": {"name": "onering", "alias": "champion", "version": newer["version"],
                                "run_id": newer["run_id"]},
                      "changed": True}
    assert post(bento_server.url, "predict", {"symbol": "AAPL"}).json()["model"]["version"] == newer["version"]
    assert post(bento_server.url, "model").json()["version"] == newer["version"]
