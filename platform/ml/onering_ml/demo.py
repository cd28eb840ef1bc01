"""`make demo-ml`: the ML path's servers on this machine, on the demo's feature table, until Ctrl-C.

Starts Redis, Feast (apply, materialize, the feature server), MLflow with the model registered as
`onering@champion`, the BentoML model service and the Streamlit app, prints their URLs, and on
Ctrl-C (or SIGTERM) stops every one of them, process groups and all.

The feature table is the lake's gold/features_daily (written by the `features` step of `make demo`)
and the model is the one the Java `train` step of that run trained (gold/ml/models/onering/): the
Java `register` step (`onering register`, as the ML DAG runs it) logs it to this MLflow and points
`champion` at it, BentoML loads it from there, Streamlit shows its prediction. Without a feature
table or a trained model (no `make demo` yet, or too few days for the folds) it falls back to the
fixture table and a fixture model (onering_ml.fixture_model, Python xgboost) and says so.
State lives under data/ml/ (MLflow's database and artifacts, Redis, the Feast registry, logs); a
second start keeps the registry, so `champion` moves only when the new model wins on the holdout.
The fixture's MLflow keeps its state apart (data/ml/fixture/), so it never competes with the Java model.

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


def feature_table(lake: str, work: Path) -> tuple[Path, bool]:
    """(the table, whether it is the lake's own)."""
    table = Path(table_mod.location(lake))
    if any(table.glob("*.parquet")) or any(table.glob("*/*.parquet")):
        say(f"feature table: {table}")
        return table, True
    table = native.fixture_table(work / "fixture" / "features_daily")
    say(f"no feature table at {table_mod.location(lake)} (run `make demo` first for the real one); "
        f"using the fixture table {table}")
    return table, False


def register_model(lake: str, table: Path, own_table: bool, java_model: bool, mlflow_url: str, work: Path) -> dict:
    """The model served: the lake's Java-trained one through `onering register`, else the fixture's.
    Returns {version, run_id} of the champion after registering."""
    if java_model:
        say(f"registering the model `make demo` trained ({native.trained_model(lake).parent}) "
            "with `onering register` ...")
        r = native.register_trained_model(lake, mlflow_url, work)
        say(f"logged MLflow run {r['runId']} as version {r['version']}: {r['reason']}")
    else:
        why = "no trained model in the lake" if own_table else "the fixture table"
        say(f"{why} (run `make demo`, 60 days, for the Java-trained one); training the fixture model "
            "(Python xgboost) and registering it as onering@champion ...")
        native.train_fixture_model(table, mlflow_url)
    champion = native.champion_version(mlflow_url)
    return {"version": champion["version"], "run_id": champion["run_id"]}


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
        table, own_table = feature_table(a.lake, work)
        say("starting redis-server ...")
        redis = up(native.redis(work, port("redis")))
        fenv = native.FeastEnv(table=table, registry=work / "feast" / "registry.db", redis=redis.url)
        say("feast apply, feast materialize ...")
        native.feast(fenv, "apply")
        native.materialize_all(fenv)
        feast = up(native.feature_server(fenv, work, port("feast")))
        java_model = own_table and native.trained_model(a.lake) is not None
        say("starting the MLflow server ...")
        # The fixture's registry apart: a fixture champion never stands in the way of the Java model
        # (register compares the new model with the champion, and MLflow 3 keeps a Python-logged
        # model where the Java side does not read it).
        mlflow = up(native.mlflow(work if java_model else work / "fixture", port("mlflow")))
        model = register_model(a.lake, table, own_table, java_model, mlflow.url, work)
        say(f"serving onering@champion: version {model['version']} (run {model['run_id']})")
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
