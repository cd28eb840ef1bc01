"""A model that honours the MLflow side of the contract, trained with Python xgboost, for the tests
and `make demo-ml` until the Java `train` step's model is there (docs/ml.md says which is served).

What it logs is what the Java register step logs: a run in experiment `onering` with params, the
model's metrics per walk-forward fold (`fold.model.auc`, `.accuracy`, `.log_loss` at step = the
fold's number) and pooled (`overall.model.auc`, ...; no baselines here), the model as an MLflow model with the `xgboost` (JSON) and `python_function` flavors, a
version of registered model `onering` carrying the run id, and the alias `champion` on it.
Runs in platform/mlflow's venv (mlflow, xgboost, scikit-learn).

    python -m onering_ml.fixture_model --features DIR --mlflow-url URL
"""
from __future__ import annotations

import argparse
import json
import sys

import mlflow
import numpy as np
import pandas as pd
import xgboost as xgb
from mlflow import MlflowClient
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

from onering_ml import contract as contract_mod
from onering_ml import table as table_mod

MODEL_NAME = "onering"
ALIAS = "champion"
EXPERIMENT = "onering"
PARAMS = {"objective": "binary:logistic", "max_depth": 3, "eta": 0.1, "subsample": 0.8, "seed": 42,
          "eval_metric": "logloss", "nthread": 1}
ROUNDS = 60


def folds(dates: list, k: int, purge: int) -> list[tuple[set, set]]:
    """Walk-forward folds by date: the test windows split the last half of the dates in k; each
    fold trains on every date before its test window less a purge gap of `purge` dates."""
    n = len(dates)
    start = n // 2
    edges = [start + (n - start) * i // k for i in range(k + 1)]
    out = []
    for i in range(k):
        test = set(dates[edges[i]:edges[i + 1]])
        train = set(dates[: max(0, edges[i] - purge)])
        out.append((train, test))
    return out


def train(frame: pd.DataFrame, features: list[str], label: str, k: int, purge: int):
    labelled = frame[frame[label].notna()]
    dates = sorted(labelled["trade_date"].unique())
    per_fold = []
    for i, (tr, te) in enumerate(folds(dates, k, purge), start=1):
        a = labelled[labelled["trade_date"].isin(tr)]
        b = labelled[labelled["trade_date"].isin(te)]
        booster = xgb.train(PARAMS, xgb.DMatrix(a[features], label=a[label].astype(int)), ROUNDS)
        p = booster.predict(xgb.DMatrix(b[features]))
        y = b[label].astype(int).to_numpy()
        m = {"auc": roc_auc_score(y, p) if len(np.unique(y)) > 1 else float("nan"),
             "accuracy": accuracy_score(y, p >= 0.5), "log_loss": log_loss(y, p, labels=[0, 1])}
        per_fold.append({name: float(v) for name, v in m.items()})
    metrics = {f"overall.model.{name}": float(np.nanmean([m[name] for m in per_fold]))
               for name in ("auc", "accuracy", "log_loss")}
    final = xgb.train(PARAMS, xgb.DMatrix(labelled[features], label=labelled[label].astype(int)), ROUNDS)
    return final, per_fold, metrics, labelled


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m onering_ml.fixture_model",
                                description="Train, log and register a fixture model as the train step would.")
    p.add_argument("--features", required=True, help="the feature table folder (gold/features_daily)")
    p.add_argument("--mlflow-url", required=True)
    p.add_argument("--folds", type=int, default=3)
    p.add_argument("--features-spec", help="features.yaml (default: the repository's)")
    a = p.parse_args(argv)
    c = contract_mod.load(a.features_spec)
    frame = table_mod.read(a.features, c)
    booster, per_fold, metrics, labelled = train(frame, c.feature_names, c.label.name, a.folds, c.label_horizon_days)

    mlflow.set_tracking_uri(a.mlflow_url)
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(run_name="fixture-xgboost") as run:
        mlflow.log_params({**PARAMS, "rounds": ROUNDS, "folds": a.folds, "purge_days": c.label_horizon_days})
        mlflow.log_metrics(metrics)
        for i, m in enumerate(per_fold, start=1):
            mlflow.log_metrics({f"fold.model.{name}": v for name, v in m.items()}, step=i)
        mlflow.set_tags({"onering.trainer": "fixture (python xgboost)",
                         "onering.features": ",".join(c.feature_names),
                         "onering.train_start": str(labelled["trade_date"].min()),
                         "onering.train_end": str(labelled["trade_date"].max())})
        info = mlflow.xgboost.log_model(booster, name="model", model_format="json",
                                        input_example=labelled[c.feature_names].head(3),
                                        # Declared, not inferred: inference re-imports the model in
                                        # a subprocess, which takes a minute and adds nothing here.
                                        pip_requirements=[f"xgboost=={xgb.__version__}"],
                                        registered_model_name=MODEL_NAME)
    client = MlflowClient(a.mlflow_url)
    version = info.registered_model_version
    client.set_registered_model_alias(MODEL_NAME, ALIAS, version)
    print(json.dumps({"run_id": run.info.run_id, "model": MODEL_NAME, "version": str(version),
                      "alias": ALIAS, "metrics": metrics}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
