"""The prediction app: pick a symbol, see its price with SMA-20 and z-score, its current features,
the model's prediction (probability, label, version) from the BentoML service, and the model's
walk-forward fold metrics from MLflow.

    streamlit run platform/ml/streamlit/app.py        (PYTHONPATH=platform/ml)

Settings (read once, from the environment; docs/ml.md):
  ONERING_MODEL_URL        the model service (default http://127.0.0.1:3000)
  MLFLOW_TRACKING_URI      MLflow (default http://127.0.0.1:5000)
  ONERING_FEATURES_TABLE   the feature table, a folder or s3:// URI (default data/lake/gold/features_daily)
  ONERING_MODEL_NAME / ONERING_MODEL_ALIAS   the registered model and alias (onering / champion)
A service that is down is said so, with what to run; the page never shows a trace.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import altair as alt
import pandas as pd
import requests
import streamlit as st

from onering_ml import contract as contract_mod
from onering_ml import table as table_mod

# MLflow's client retries for minutes by default; a page should say "down" sooner.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
START_HINT = "start the ML services with `make demo-ml` (or `make up PROFILES=ml` for the Docker stack)"
FOLD_PREFIX = "fold."
WHO = ["model", "majority", "z_rule"]


@dataclass(frozen=True)
class Settings:
    model_url: str
    mlflow_url: str
    features_table: str
    model_name: str
    alias: str

    @staticmethod
    def from_env(env=os.environ) -> "Settings":
        return Settings(model_url=env.get("ONERING_MODEL_URL", "http://127.0.0.1:3000").rstrip("/"),
                        mlflow_url=env.get("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000"),
                        features_table=env.get("ONERING_FEATURES_TABLE", "data/lake/gold/features_daily"),
                        model_name=env.get("ONERING_MODEL_NAME", "onering"),
                        alias=env.get("ONERING_MODEL_ALIAS", "champion"))


@st.cache_data(ttl=60, show_spinner=False)
def load_table(uri: str) -> pd.DataFrame:
    return table_mod.read(uri, contract_mod.load())


def predict(s: Settings, symbol: str) -> tuple[dict | None, str | None]:
    """(prediction, None) or (None, what went wrong and what to do)."""
    try:
        r = requests.post(f"{s.model_url}/predict", json={"symbol": symbol}, timeout=30)
    except requests.RequestException:
        return None, f"The model service at {s.model_url} is not answering: {START_HINT}."
    try:
        body = r.json()
    except ValueError:
        body = {}
    if r.status_code != 200:
        detail = body.get("error") or f"HTTP {r.status_code}"
        hint = body.get("hint") or START_HINT
        return None, f"The model service could not predict {symbol}: {detail}. Next: {hint}."
    return body, None


def fold_metrics(s: Settings, run_id: str | None) -> tuple[pd.DataFrame | None, dict, str | None]:
    """The champion's walk-forward folds (one row per fold: the model's scores beside the baselines')
    and its pooled scores, from MLflow. The register step logs `fold.<who>.<metric>` once per fold,
    at step = the fold's number, and `overall.<who>.<metric>` (docs/ml.md, MLflow)."""
    from mlflow import MlflowClient

    try:
        client = MlflowClient(s.mlflow_url)
        if run_id is None:
            run_id = client.get_model_version_by_alias(s.model_name, s.alias).run_id
        latest = client.get_run(run_id).data.metrics
        rows: dict[int, dict] = {}
        overall = {}
        for name, value in latest.items():
            if name.startswith(FOLD_PREFIX):
                for m in client.get_metric_history(run_id, name):
                    rows.setdefault(int(m.step), {})[name[len(FOLD_PREFIX):]] = m.value
            else:
                overall[name] = value
    except Exception as e:  # noqa: BLE001 - the page says what failed instead of a trace
        return None, {}, f"MLflow at {s.mlflow_url} did not give the model's metrics ({type(e).__name__}): {START_HINT}."
    folds = pd.DataFrame.from_dict(rows, orient="index").sort_index() if rows else None
    if folds is not None:
        folds = folds[sorted(folds.columns, key=column_order)]
        folds.index.name = "fold"
    return folds, overall, None


def column_order(name: str) -> tuple:
    """model / majority / z_rule side by side for each metric, then the rest (test_rows)."""
    who, _, metric = name.partition(".")
    metrics = ["auc", "log_loss", "accuracy"]
    return (metrics.index(metric) if metric in metrics else len(metrics), WHO.index(who) if who in WHO else len(WHO),
            name)


def price_charts(rows: pd.DataFrame, c: contract_mod.Contract) -> tuple[alt.Chart, alt.Chart]:
    # SMA-20 from the contract's own columns: sma_20_dist = close / SMA-20 - 1.
    data = pd.DataFrame({"date": pd.to_datetime(rows[c.date]), "close": rows["close"],
                         "SMA-20": rows["close"] / (1 + rows["sma_20_dist"]), "z-score": rows["zscore_20"]})
    long = data.melt(id_vars="date", value_vars=["close", "SMA-20"], var_name="series", value_name="price")
    price = alt.Chart(long).mark_line().encode(
        x=alt.X("date:T", title=None), y=alt.Y("price:Q", scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", legend=alt.Legend(orient="top"))).properties(height=260)
    bands = alt.Chart(pd.DataFrame({"z": [-2.0, 0.0, 2.0]})).mark_rule(strokeDash=[4, 4], color="gray").encode(y="z:Q")
    z = alt.Chart(data).mark_line(color="#b45309").encode(x=alt.X("date:T", title=None),
                                                         y=alt.Y("z-score:Q", title="z-score (20 d)"))
    return price, (z + bands).properties(height=160)


def main() -> None:
    s = Settings.from_env()
    c = contract_mod.load()
    st.set_page_config(page_title="OneRing predictions", layout="wide")
    st.title("OneRing predictions")
    st.caption(f"Label: {c.label.description} (horizon {c.label_horizon_days} days). "
               f"Model `{s.model_name}@{s.alias}`, served at {s.model_url}.")
    try:
        table = load_table(s.features_table)
    except FileNotFoundError as e:
        st.error(f"{e}")
        st.stop()
    symbols = sorted(table[c.entity.name].unique())
    if not symbols:
        st.error(f"The feature table {s.features_table} has no rows: run the features step (make demo).")
        st.stop()
    symbol = st.selectbox("Symbol", symbols)
    rows = table[table[c.entity.name] == symbol]

    left, right = st.columns([3, 2])
    with left:
        st.subheader(f"{symbol}: close and SMA-20")
        price, z = price_charts(rows, c)
        st.altair_chart(price, use_container_width=True)
        st.altair_chart(z, use_container_width=True)

    prediction, problem = predict(s, symbol)
    with right:
        st.subheader("Prediction")
        if problem:
            st.error(problem)
            features = rows.iloc[-1][c.feature_names].to_dict()
            caption = f"Latest row of the feature table ({rows.iloc[-1][c.date]}); no prediction."
        else:
            a, b, m = st.columns(3)
            a.metric("Probability", f"{prediction['probability']:.1%}")
            b.metric("Label", prediction["label"])
            m.metric("Model version", prediction["model"]["version"])
            st.caption(f"P({c.label.name} = 1) for {symbol} from `{prediction['model']['name']}` version "
                       f"{prediction['model']['version']} (run {prediction['model'].get('run_id')}); "
                       f"features as of {prediction.get('as_of')} ({prediction.get('source')} store).")
            features = prediction["features"]
            caption = "The features the model was given."
        st.subheader("Current features")
        # Tall enough for every feature: the inputs are read together, not scrolled through.
        st.dataframe(pd.DataFrame({"feature": list(features), "value": list(features.values())}),
                     hide_index=True, use_container_width=True, height=35 * (len(features) + 1) + 3)
        st.caption(caption)

    st.subheader("Walk-forward folds")
    folds, overall, problem = fold_metrics(s, prediction["model"].get("run_id") if prediction else None)
    if problem:
        st.warning(problem)
    elif folds is None:
        st.info("The model's run has no per-fold metrics (fold.<who>.<metric>).")
    else:
        st.dataframe(folds, use_container_width=True)
        pooled = {k[len("overall."):]: v for k, v in overall.items() if k.startswith("overall.")}
        if pooled:
            st.caption("Pooled out of fold: " + ", ".join(f"{k} {v:.4f}" for k, v in sorted(
                pooled.items(), key=lambda kv: column_order(kv[0]))))


main()
