"""The ML path's servers on this machine, each the real program from its venv: Redis (Debian's
redis-server), the MLflow server (platform/mlflow's venv, SQLite backend, proxied artifacts), Feast
(platform/featurestore's venv: apply, materialize, the feature server), the BentoML model service
and the Streamlit app. The tests and `make demo-ml` start them through these functions, so both run
the same commands. Standard library only.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from onering_ml.procs import ML, ROOT, Server, free_port, venv_bin

FEAST_REPO = ROOT / "platform" / "featurestore" / "feast_repo"
BENTO_DIR = ML / "bento_service"
APP_DIR = ML / "streamlit"
# The Python path every ML process gets: onering_ml, importable from any service's venv.
PYTHONPATH = str(ML)
# How long a server may take to answer its health check before the start counts as failed.
STARTUP_SECONDS = float(os.environ.get("ONERING_ML_STARTUP_SECONDS", "300"))


def redis(work: Path, port: int | None = None) -> Server:
    exe = shutil.which("redis-server")
    if not exe:
        raise FileNotFoundError("redis-server not found: `apt-get install redis-server` "
                                "(ops/scripts/install-ci-tools.sh installs it)")
    port = port or free_port()
    data = work / "redis"
    data.mkdir(parents=True, exist_ok=True)
    s = Server("redis", [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                         "--dir", str(data), "--daemonize", "no"], log=work / "logs" / "redis.log")
    s.url = f"127.0.0.1:{port}"
    s.start()
    deadline = time.monotonic() + 30
    try:
        while not _redis_ping(port):
            if not s.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer PING on port {port}:\n{s.tail()}")
            time.sleep(0.2)
    except BaseException:
        s.stop()
        raise
    return s


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
            c.sendall(b"PING\r\n")
            return c.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def mlflow(work: Path, port: int | None = None) -> Server:
    port = port or free_port()
    store = work / "mlflow"
    store.mkdir(parents=True, exist_ok=True)
    s = Server("mlflow", [str(venv_bin("mlflow", "mlflow")), "server", "--host", "127.0.0.1", "--port", str(port),
                          "--workers", "1", "--backend-store-uri", f"sqlite:///{store / 'mlflow.db'}",
                          "--serve-artifacts", "--artifacts-destination", str(store / "artifacts")],
               # The server's job runner (huey workers, for GenAI jobs) is three more processes the
               # ML path never uses.
               env={"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}, log=work / "logs" / "mlflow.log")
    s.url = f"http://127.0.0.1:{port}"
    # Generous: on a loaded two-core machine the first start (database migrations) takes minutes.
    return s.start().wait(f"{s.url}/health", timeout=STARTUP_SECONDS)


@dataclass(frozen=True)
class FeastEnv:
    """What feature_store.yaml and definitions.py read from the environment."""
    table: Path
    registry: Path
    redis: str

    def env(self) -> dict[str, str]:
        return {"ONERING_FEATURES_TABLE": str(self.table), "ONERING_FEAST_REGISTRY": str(self.registry),
                "ONERING_FEAST_REDIS": self.redis, "PYTHONPATH": PYTHONPATH}


def feast(fenv: FeastEnv, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`feast -c feast_repo <args>` in the featurestore venv; raises with Feast's output on failure."""
    cmd = [str(venv_bin("featurestore", "feast")), "-c", str(FEAST_REPO), *args]
    r = subprocess.run(cmd, env={**os.environ, **fenv.env()}, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"`feast {' '.join(args)}` exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return r


def materialize(fenv: FeastEnv, start: datetime, end: datetime) -> subprocess.CompletedProcess:
    return feast(fenv, "materialize", start.strftime("%Y-%m-%dT%H:%M:%S"), end.strftime("%Y-%m-%dT%H:%M:%S"))


def _in_venv(venv: str, code: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Runs Python code with a service's venv (for what needs its libraries, from any venv); returns stdout."""
    r = subprocess.run([str(venv_bin(venv, "python")), "-c", code, *args],
                       env={**os.environ, **(env or {}), "PYTHONPATH": PYTHONPATH},
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"python in the {venv} venv failed:\n{r.stderr[-3000:]}")
    return r.stdout


def materialize_all(fenv: FeastEnv) -> subprocess.CompletedProcess:
    """`feast materialize` over the table's whole span of event times."""
    out = _in_venv("featurestore", "import sys; from onering_ml import table; "
                                   "print(*(t.isoformat() for t in table.window(sys.argv[1])))", str(fenv.table))
    start, end = (datetime.fromisoformat(t) for t in out.split())
    return materialize(fenv, start, end)


def fixture_table(out: Path) -> Path:
    """The fixture feature table (onering_ml.fixtures, numpy and pyarrow: the featurestore venv)."""
    _in_venv("featurestore", "import sys; from onering_ml import fixtures; fixtures.main(['--out', sys.argv[1]])", str(out))
    return out


def feature_server(fenv: FeastEnv, work: Path, port: int | None = None) -> Server:
    port = port or free_port()
    s = Server("feast", [str(venv_bin("featurestore", "feast")), "-c", str(FEAST_REPO), "serve",
                         "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
               env=fenv.env(), log=work / "logs" / "feast.log")
    s.url = f"http://127.0.0.1:{port}"
    return s.start().wait(f"{s.url}/health", timeout=STARTUP_SECONDS)


def bento(work: Path, *, mlflow_url: str, feast_url: str, table: Path | str, port: int | None = None,
          wait_ready: bool = True, extra_env: dict[str, str] | None = None) -> Server:
    port = port or free_port()
    s = Server("bentoml", [str(venv_bin("bentoml", "bentoml")), "serve", "service:OneRingModel",
                           "--host", "127.0.0.1", "--port", str(port)],
               cwd=BENTO_DIR, log=work / "logs" / "bentoml.log",
               env={"PYTHONPATH": PYTHONPATH, "BENTOML_HOME": str(work / "bentoml"),
                    "BENTOML_DO_NOT_TRACK": "true", "MLFLOW_TRACKING_URI": mlflow_url,
                    "ONERING_FEAST_URL": feast_url, "ONERING_FEATURES_TABLE": str(table), **(extra_env or {})})
    s.url = f"http://127.0.0.1:{port}"
    s.start()
    # Alive first (the process answers), then ready (a model is loaded) if asked.
    s.wait(f"{s.url}/livez", timeout=STARTUP_SECONDS)
    return s.wait(f"{s.url}/readyz", timeout=STARTUP_SECONDS) if wait_ready else s


def streamlit(work: Path, *, model_url: str, mlflow_url: str, table: Path | str, port: int | None = None) -> Server:
    port = port or free_port()
    s = Server("streamlit", [str(venv_bin("streamlit", "streamlit")), "run", str(APP_DIR / "app.py"),
                             "--server.address", "127.0.0.1", "--server.port", str(port),
                             "--server.headless", "true", "--browser.gatherUsageStats", "false",
                             "--client.toolbarMode", "viewer"],
               cwd=APP_DIR, log=work / "logs" / "streamlit.log",
               env={"PYTHONPATH": PYTHONPATH, "ONERING_MODEL_URL": model_url, "MLFLOW_TRACKING_URI": mlflow_url,
                    "ONERING_FEATURES_TABLE": str(table)})
    s.url = f"http://127.0.0.1:{port}"
    return s.start().wait(f"{s.url}/_stcore/health", timeout=STARTUP_SECONDS)


ONERING_CLI = ROOT / "ops" / "scripts" / "onering"
# Where the Java train step keeps the newest model's folder (dev.onering.ml.ModelArtifacts.LATEST).
LATEST_MODEL = "gold/ml/models/onering/latest.json"


def trained_model(lake: str) -> Path | None:
    """The Java train step's latest.json under a local lake, or None (no model trained there yet)."""
    if "://" in lake:
        return None
    latest = Path(lake).resolve() / LATEST_MODEL
    return latest if latest.is_file() else None


def register_trained_model(lake: str, mlflow_url: str, work: Path, timeout: float = 900) -> dict:
    """The Java `register` step (`onering register`, what the ML DAG runs) on the lake's newest trained
    model: logs it to MLflow, registers a version of `onering` and moves `champion` to it if it wins
    on the holdout. Returns the step's details (runId, version, promoted, reason, ...)."""
    if not ONERING_CLI.exists() or not (ROOT / "pipelines" / "cli" / "target" / "onering-cli.jar").exists():
        raise FileNotFoundError("the onering CLI is not built (pipelines/cli/target/onering-cli.jar): run `make build`")
    lake_arg = lake if "://" in lake else str(Path(lake).resolve())
    cmd = [str(ONERING_CLI), "register", "--lake", lake_arg, "--data-dir", str(work / "cli"),
           "--run-id", "demo-ml-" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")]
    r = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "ONERING_MLFLOW_URL": mlflow_url,
                                           "ONERING_HEAP": os.environ.get("ONERING_HEAP", "1g")},
                       capture_output=True, text=True, timeout=timeout)
    lines = [line for line in r.stdout.splitlines() if line.strip()]
    try:
        result = json.loads(lines[-1])
    except (IndexError, ValueError):
        result = {}
    if r.returncode != 0 or result.get("status") != "success":
        raise RuntimeError(f"`onering register` exited {r.returncode}: {result.get('error') or r.stderr[-3000:]}")
    return result["details"]


def champion_version(mlflow_url: str) -> dict:
    """The model version the alias `champion` points at (MLflow's REST API), as MLflow returns it."""
    q = urllib.parse.urlencode({"name": "onering", "alias": "champion"})
    with urllib.request.urlopen(f"{mlflow_url}/api/2.0/mlflow/registered-models/alias?{q}", timeout=30) as r:
        return json.load(r)["model_version"]


def train_fixture_model(table: Path, mlflow_url: str) -> dict:
    """Runs onering_ml.fixture_model in platform/mlflow's venv; returns what it registered."""
    r = subprocess.run([str(venv_bin("mlflow", "python")), "-m", "onering_ml.fixture_model",
                        "--features", str(table), "--mlflow-url", mlflow_url],
                       env={**os.environ, "PYTHONPATH": PYTHONPATH}, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise RuntimeError(f"fixture model training failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])
