"""The model service: the champion model from MLflow, served by BentoML, with each symbol's
features read from Feast.

    bentoml serve service:OneRingModel -p 3000        (cwd platform/ml/bento_service, PYTHONPATH platform/ml)

POST /predict {"symbol": "AAPL"}                 -> the probability that the label is 1 for the symbol's
                                                    latest features, from Feast's online store
POST /predict {"symbol": "AAPL", "date": "2026-08-03"} -> the same for that trade date's row of the
                                                    feature table (the offline store's Parquet)
POST /model                                      -> the loaded model: name, alias, version, run id
POST /reload                                     -> load the model the alias points at now (the ML
                                                    DAG's deploy step calls it after training)
GET /readyz                                      -> 503 until a model is loaded, then 200

Every error is a JSON object {"error": ..., "hint": ...} with a 4xx or 503 status, never a trace.
Configuration is read once (Settings.from_env); docs/ml.md lists the variables.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import date as Date

import bentoml

from onering_ml import contract as contract_mod
from onering_ml import table as table_mod

log = logging.getLogger("onering.model")

# MLflow's client retries for minutes by default; a service answers sooner than that.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "20")


@dataclass(frozen=True)
class Settings:
    mlflow_url: str
    model_name: str
    alias: str
    feast_url: str
    features_table: str
    threshold: float
    retry_seconds: float

    @staticmethod
    def from_env(env=os.environ) -> "Settings":
        return Settings(
            mlflow_url=env.get("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000"),
            model_name=env.get("ONERING_MODEL_NAME", "onering"),
            alias=env.get("ONERING_MODEL_ALIAS", "champion"),
            feast_url=env.get("ONERING_FEAST_URL", "http://127.0.0.1:6566").rstrip("/"),
            features_table=env.get("ONERING_FEATURES_TABLE", "data/lake/gold/features_daily"),
            threshold=float(env.get("ONERING_THRESHOLD", "0.5")),
            retry_seconds=float(env.get("ONERING_MODEL_RETRY_SECONDS", "10")),
        )


@dataclass(frozen=True)
class Champion:
    model: object
    name: str
    alias: str
    version: str
    run_id: str | None

    def describe(self) -> dict:
        return {"name": self.name, "alias": self.alias, "version": self.version, "run_id": self.run_id}


class ServiceError(Exception):
    """An answer the caller can act on: HTTP status, message, and what to do next."""

    def __init__(self, status: int, error: str, hint: str = ""):
        super().__init__(error)
        self.status, self.error, self.hint = status, error, hint


@bentoml.service(name="onering-model", workers=1, traffic={"timeout": 60})
class OneRingModel:
    def __init__(self) -> None:
        import mlflow

        self.settings = Settings.from_env()
        self.contract = contract_mod.load()
        mlflow.set_tracking_uri(self.settings.mlflow_url)
        self._champion: Champion | None = None
        self._last_error: str | None = None
        self._lock = threading.Lock()
        # Load in the background, retrying: the service answers /livez at once and /readyz once a
        # model is there, whether MLflow is up yet or training has not registered one.
        threading.Thread(target=self._load_until_ready, name="champion-loader", daemon=True).start()

    # -- readiness and loading -------------------------------------------------------------------
    def __is_ready__(self) -> bool:
        return self._champion is not None

    def _load_until_ready(self) -> None:
        while self._champion is None:
            try:
                self._load()
            except Exception as e:  # noqa: BLE001 - logged, retried
                self._last_error = f"{type(e).__name__}: {e}"
                log.warning("no model yet (%s); retrying in %.0fs", self._last_error, self.settings.retry_seconds)
                time.sleep(self.settings.retry_seconds)

    def _load(self) -> tuple[Champion | None, Champion]:
        """Loads the version the alias points at, unless it is the one already loaded."""
        import mlflow
        from mlflow import MlflowClient

        s = self.settings
        mv = MlflowClient(s.mlflow_url).get_model_version_by_alias(s.model_name, s.alias)
        with self._lock:
            current = self._champion
            if current is not None and current.version == str(mv.version):
                return current, current
            model = mlflow.pyfunc.load_model(f"models:/{s.model_name}/{mv.version}")
            self._champion = Champion(model, s.model_name, s.alias, str(mv.version), mv.run_id)
            self._last_error = None
            log.info("loaded %s version %s (run %s)", s.model_name, mv.version, mv.run_id)
            return current, self._champion

    # -- the API ---------------------------------------------------------------------------------
    @bentoml.api
    def predict(self, symbol: str, date: str | None = None, ctx: bentoml.Context = None) -> dict:
        return self._answer(ctx, lambda: self._predict(symbol, date))

    @bentoml.api
    def model(self, ctx: bentoml.Context = None) -> dict:
        def describe():
            champion = self._require_model()
            return {**champion.describe(), "features": self.contract.feature_names,
                    "threshold": self.settings.threshold, "mlflow_url": self.settings.mlflow_url}
        return self._answer(ctx, describe)

    @bentoml.api
    def reload(self, ctx: bentoml.Context = None) -> dict:
        def do_reload():
            try:
                before, after = self._load()
            except Exception as e:  # noqa: BLE001 - reported to the caller
                raise ServiceError(503, f"could not load {self.settings.model_name}@{self.settings.alias} from "
                                        f"{self.settings.mlflow_url}: {type(e).__name__}: {e}",
                                   "check that MLflow is up and the alias exists (the train step sets it)") from None
            return {"previous": before.describe() if before else None, "model": after.describe(),
                    "changed": before is None or before.version != after.version}
        return self._answer(ctx, do_reload)

    # -- the work --------------------------------------------------------------------------------
    def _answer(self, ctx, work) -> dict:
        try:
            return work()
        except ServiceError as e:
            if ctx is not None:
                ctx.response.status_code = e.status
            return {"error": e.error, "hint": e.hint}

    def _require_model(self) -> Champion:
        champion = self._champion
        if champion is None:
            raise ServiceError(503, f"no model loaded yet ({self._last_error or 'loading'})",
                               f"register a model and set alias '{self.settings.alias}' (make demo runs train), "
                               "then POST /reload")
        return champion

    def _predict(self, symbol: str, day: str | None) -> dict:
        symbol = (symbol or "").strip()
        if not symbol:
            raise ServiceError(400, "symbol is empty", 'send {"symbol": "AAPL"}')
        champion = self._require_model()
        if day:
            (features, as_of), source = self._offline_features(symbol, day), "offline"
        else:
            (features, as_of), source = self._online_features(symbol), "online"
        import pandas as pd

        frame = pd.DataFrame([[features[n] for n in self.contract.feature_names]], columns=self.contract.feature_names)
        for col in self.contract.features:
            frame[col.name] = frame[col.name].astype("int32" if col.type == "int" else "float64")
        probability = float(champion.model.predict(frame)[0])
        return {"symbol": symbol, "probability": probability, "label": int(probability >= self.settings.threshold),
                "threshold": self.settings.threshold, "model": champion.describe(),
                "features": features, "as_of": as_of, "source": source}

    def _online_features(self, symbol: str) -> tuple[dict, str | None]:
        import requests

        names = self.contract.feature_names
        body = {"features": [f"{self.contract.table}:{n}" for n in names],
                "entities": {self.contract.entity.name: [symbol]}}
        url = f"{self.settings.feast_url}/get-online-features"
        try:
            r = requests.post(url, json=body, timeout=15)
        except requests.RequestException as e:
            raise ServiceError(503, f"the Feast feature server at {self.settings.feast_url} is not reachable "
                                    f"({type(e).__name__})",
                               "start it (make demo-ml starts one; in the stack: the feast service)") from None
        if r.status_code != 200:
            raise ServiceError(503, f"the Feast feature server answered {r.status_code}: {r.text[:300]}",
                               "run `feast apply` on platform/featurestore/feast_repo, then materialize")
        doc = r.json()
        columns = doc["metadata"]["feature_names"]
        values = {name: res["values"][0] for name, res in zip(columns, doc["results"])}
        stamps = {name: res.get("event_timestamps", [None])[0] for name, res in zip(columns, doc["results"])}
        features = {n: values.get(n) for n in names}
        if all(v is None for v in features.values()):
            raise ServiceError(404, f"unknown symbol '{symbol}': the online store has no features for it",
                               "use a symbol of the feature table; materialize again if it is new")
        as_of = max((stamps[n] for n in names if stamps.get(n)), default=None)
        return features, as_of

    def _offline_features(self, symbol: str, day: str) -> tuple[dict, str]:
        try:
            wanted = Date.fromisoformat(day)
        except ValueError:
            raise ServiceError(400, f"date must be YYYY-MM-DD, got {day!r}", "omit it for the latest features") from None
        try:
            rows = table_mod.read(self.settings.features_table, self.contract, symbol=symbol)
        except FileNotFoundError as e:
            raise ServiceError(503, str(e), "set ONERING_FEATURES_TABLE to the feature table") from None
        if rows.empty:
            raise ServiceError(404, f"unknown symbol '{symbol}': the feature table has no rows for it",
                               "use a symbol of the feature table")
        row = rows[rows[self.contract.date] == wanted]
        if row.empty:
            first, last = rows[self.contract.date].min(), rows[self.contract.date].max()
            raise ServiceError(404, f"no features for '{symbol}' on {wanted}: its rows run from {first} to {last}",
                               "pick a trading day in that range, or omit the date for the latest")
        rec = row.iloc[0]
        return {n: _plain(rec[n]) for n in self.contract.feature_names}, rec[self.contract.timestamp].isoformat()


def _plain(v):
    """A JSON-friendly scalar from a pandas cell (numpy numbers, NA)."""
    import pandas as pd

    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return v.item() if hasattr(v, "item") else v
