"""Shared fixtures for the stack's static tests (run with /usr/bin/python3 -m pytest ops/tests)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "ops" / "scripts"))
sys.path.insert(0, str(ROOT / "platform" / "airflow" / "plugins"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def generated_env(tmp_path_factory) -> Path:
    """A .env as `make init` writes it, in a temporary place (never the repository's .env)."""
    out = tmp_path_factory.mktemp("env") / ".env"
    subprocess.run(["bash", str(ROOT / "ops/scripts/init-env.sh"), "--output", str(out)],
                   check=True, capture_output=True, text=True)
    return out
