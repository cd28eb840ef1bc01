"""`make demo-ml`: the ML path's servers on this machine, on the demo's feature table, until Ctrl-C.

Starts Redis, Feast (apply, materialize, the feature server), MLflow with the model registered as
`onering@champion`, the BentoML model service and the Streamlit app, prints their URLs, and on
Ctrl-C (or SIGTERM) stops every one of them, process groups and all.

The feature table is the lake's gold/features_daily (written by the `features` step of `make demo`);
without one it writes the fixture table and says so. The model registered is trained here by
onering_ml.fixture_model (Python xgboost, the train step's MLflow contract) until the Java train
step's model file is wired in: `register_model` is the one place that changes.
State lives under data/ml/ (MLflow's database and artifacts, Redis, the Feast registry, logs).

    python -m onering_ml.demo [--lake data/lake] [--work data/ml]
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from onering_ml import native, procs
from onering_ml import table as table_mod

# The ports each service usually has; a busy one is replaced by a free one.
PORTS = {"mlflow": 5000, "bentoml": 3000, "streamlit": 8501, "feast": 6566, "redis": 6379}


def port(name: str) -> int:
    wanted = int(os.environ.get(f"ONERING_DEMO_{name.upper()}_PORT", PORTS[name]))
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", wanted))
            return wanted
        except OSError:
            return procs.free_port()


def say(msg: str) -> None:
    print(f"[demo-ml] {msg}", flush=True)


def feature_table(lake: str, work: Path) -> Path:
    table = Path(table_mod.location(lake))
    if any(table.glob("*.parquet")) or any(table.glob("*/*.parquet")):
        say(f"feature table: {table}")
        return table
    table = native.fixture_table(work / "fixture" / "features_daily")
    say(f"no feature table at {table_mod.location(lake)} (run `make demo` first for the real one); "
        f"using the fixture table {table}")
    return table


def register_model(table: Path, mlflow_url: str) -> dict:
    """The model served: today the fixture trainer's, on this table (see the module's doc)."""
    say("training the fixture model (Python xgboost) and registering it as onering@champion ...")
    return native.train_fixture_model(table, mlflow_url)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="make demo-ml", description=__doc__.split("\n\n")[0])
    p.add_argument("--lake", default=os.environ.get("ONERING_LAKE", "data/lake"), help="the lake root (default data/lake)")
    p.add_argument("--work", type=Path, default=Path("data/ml"), help="where the servers keep state (default data/ml)")
    a = p.parse_args(argv)
    work = a.work.resolve()
    started: list[procs.Server] = []
    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    def up(server: procs.Server) -> procs.Server:
        started.append(server)
        return server

    try:
        table = feature_table(a.lake, work)
        say("starting redis-server ...")
        redis = up(native.redis(work, port("redis")))
        fenv = native.FeastEnv(table=table, registry=work / "feast" / "registry.db", redis=redis.url)
        say("feast apply, feast materialize ...")
        native.feast(fenv, "apply")
        native.materialize_all(fenv)
        feast = up(native.feature_server(fenv, work, port("feast")))
        say("starting the MLflow server ...")
        mlflow = up(native.mlflow(work, port("mlflow")))
        model = register_model(table, mlflow.url)
        say(f"registered onering version {model['version']} (run {model['run_id']})")
        say("starting the BentoML model service ...")
        bento = up(native.bento(work, mlflow_url=mlflow.url, feast_url=feast.url, table=table, port=port("bentoml")))
        say("starting the Streamlit app ...")
        app = up(native.streamlit(work, model_url=bento.url, mlflow_url=mlflow.url, table=table, port=port("streamlit")))
        print(f"""
OneRing ML path is up (logs in {work / 'logs'}):
  Streamlit app    {app.url}
  Model service    {bento.url}   (POST /predict {{"symbol": "..."}}, /model, /reload)
  MLflow           {mlflow.url}
  Feast server     {feast.url}
  Redis            {redis.url}
Ctrl-C stops them all.""", flush=True)
        while not stop.wait(2):
            dead = [s.name for s in started if not s.alive()]
            if dead:
                say(f"{', '.join(dead)} stopped unexpectedly; see {work / 'logs'}. Stopping the rest.")
                return 1
        return 0
    except (RuntimeError, TimeoutError, FileNotFoundError) as e:
        print(f"[demo-ml] failed: {e}", file=sys.stderr)
        return 1
    finally:
        say("stopping ...")
        for server in reversed(started):
            server.stop()
        left = [s.name for s in started if s.alive()]
        say("stopped." if not left else f"could not stop: {left}")


if __name__ == "__main__":
    sys.exit(main())
