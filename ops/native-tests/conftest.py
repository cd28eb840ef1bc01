"""Tests on the native stack, run with the Airflow venv's python (`make native-test`):

    .cache/venvs/airflow/bin/python -m pytest ops/native-tests

The running native stack (ops/scripts/native.py up) gives them Airflow's settings exactly as its
Airflow processes have them: its metadata database, the DAG and plugin folders, and the endpoints
the operators read. Airflow reads its configuration when first imported, so this happens here,
before any test module imports it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "ops" / "scripts"))
sys.path.insert(0, str(ROOT / "platform" / "airflow" / "plugins"))

import native  # noqa: E402

STACK = native.load_state()
if STACK is None or not native.running_pids():
    raise pytest.UsageError("the native stack is not running: `ops/scripts/native.py up` first "
                            "(`make native-test` starts and stops it)")
os.environ.update(STACK.airflow_env())


@pytest.fixture(scope="session")
def stack() -> native.Native:
    return STACK


@pytest.fixture(scope="session")
def spec():
    from onering_airflow import spec as onering_spec
    return onering_spec.load(ROOT / "pipelines" / "spec" / "medallion.yaml")
