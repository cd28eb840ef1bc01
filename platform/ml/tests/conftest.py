"""The model service started before any model is registered, so its not-ready state is observed,
then the champion is registered and the same server becomes ready: the session's `bento_server`."""
from __future__ import annotations

import time

import pytest
import requests

from onering_ml import native, procs


@pytest.fixture(scope="session")
def service_history(request, ml_work, mlflow_server, feature_server, feature_table):
    s = native.bento(ml_work, mlflow_url=mlflow_server.url, feast_url=feature_server.url, table=feature_table,
                     wait_ready=False, extra_env={"ONERING_MODEL_RETRY_SECONDS": "2"})
    request.addfinalizer(s.stop)
    before = {"readyz": procs.http_status(f"{s.url}/readyz"),
              "predict": requests.post(f"{s.url}/predict", json={"symbol": "AAPL"}, timeout=60)}
    request.getfixturevalue("champion")  # registers the model and sets the alias
    s.wait(f"{s.url}/readyz", timeout=native.STARTUP_SECONDS)
    return before, {"readyz": procs.http_status(f"{s.url}/readyz"), "server": s}


@pytest.fixture(scope="session")
def bento_server(service_history):
    return service_history[1]["server"]
