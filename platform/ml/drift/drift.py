"""Feature drift between the model's training window and the latest days, with Evidently.

    python platform/ml/drift/drift.py --features <lake>/gold/features_daily \\
        --reference-start D --reference-end D --current-start D --current-end D --out DIR \\
        [--mlflow-url URL --run-id RUN] [--features-spec features.yaml]

Runs Evidently's DataDriftPreset (Report([DataDriftPreset()], include_tests=True)) on the contract's
features (pipelines/spec/features.yaml: doubles as numerical columns, ints as categorical), rows
whose trade_date is in each window (inclusive), and writes to DIR:
  drift.html        the Evidently report, for people
  drift.json        the Evidently snapshot (save_json)
  drift_table.json  one entry per feature: {"name", "drift_score", "stattest", "threshold", "drifted"},
                    where `drifted` is Evidently's own verdict (its per-column drift test failed)
With --mlflow-url and --run-id the three files are logged to that run under `drift/`, with the
metrics drift_share and drifted_features. The last line of standard output is a JSON summary.
Exit 0 when the report was written (drift or not), 1 when it could not be (no rows in a window,
table unreadable, MLflow refused), 2 when called wrongly. Runs in platform/evidently's venv.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # onering_ml, from any working directory

from onering_ml import contract as contract_mod  # noqa: E402
from onering_ml import table as table_mod  # noqa: E402


class DriftError(Exception):
    """The report could not be made; the message says why and what to do."""


def parse_args(argv):
    p = argparse.ArgumentParser(prog="drift.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--features", required=True, help="the feature table: a folder or s3:// URI (gold/features_daily)")
    for window in ("reference", "current"):
        for edge in ("start", "end"):
            p.add_argument(f"--{window}-{edge}", required=True, type=date.fromisoformat,
                           help=f"first/last trade date of the {window} window, YYYY-MM-DD (inclusive)")
    p.add_argument("--out", required=True, type=Path, help="the folder to write drift.html, drift.json, drift_table.json")
    p.add_argument("--mlflow-url", help="log the report to this MLflow server (with --run-id)")
    p.add_argument("--run-id", help="the MLflow run to log to (the model's training run)")
    p.add_argument("--features-spec", help="features.yaml (default: $ONERING_FEATURES_SPEC or the repository's)")
    a = p.parse_args(argv)
    if bool(a.mlflow_url) != bool(a.run_id):
        p.error("--mlflow-url and --run-id go together")
    for window in ("reference", "current"):
        if getattr(a, f"{window}_start") > getattr(a, f"{window}_end"):
            p.error(f"--{window}-start is after --{window}-end")
    return a


def windows(a, c: contract_mod.Contract):
    frames = {}
    for window in ("reference", "current"):
        start, end = getattr(a, f"{window}_start"), getattr(a, f"{window}_end")
        try:
            f = table_mod.read(a.features, c, start=start, end=end, columns=c.feature_names + [c.date])
        except FileNotFoundError as e:
            raise DriftError(str(e)) from None
        if f.empty:
            raise DriftError(f"the {window} window {start}..{end} has no rows in {a.features}; "
                             "pick dates the features step has written")
        frames[window] = f[c.feature_names]
    return frames["reference"], frames["current"]


def report(reference, current, c: contract_mod.Contract):
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    definition = DataDefinition(numerical_columns=[f.name for f in c.features if f.type == "double"],
                                categorical_columns=[f.name for f in c.features if f.type != "double"])
    ref = Dataset.from_pandas(reference, data_definition=definition)
    cur = Dataset.from_pandas(current, data_definition=definition)
    return Report([DataDriftPreset(columns=c.feature_names)], include_tests=True).run(current_data=cur, reference_data=ref)


def drift_table(snapshot, c: contract_mod.Contract) -> list[dict]:
    """Per feature: Evidently's ValueDrift metric (score, method, threshold) and whether its drift
    test failed, joined on the metric id."""
    doc = snapshot.dict()
    failed = {t["metric_config"]["metric_id"]: t["status"] == "FAIL" for t in doc.get("tests", [])
              if t.get("metric_config", {}).get("params", {}).get("type", "").endswith("ValueDrift")}
    by_column = {}
    for m in doc["metrics"]:
        cfg = m.get("config", {})
        if cfg.get("type", "").endswith("ValueDrift"):
            by_column[cfg["column"]] = {"name": cfg["column"], "drift_score": float(m["value"]),
                                        "stattest": cfg.get("method"), "threshold": cfg.get("threshold"),
                                        "drifted": bool(failed.get(m["id"], False))}
    missing = [n for n in c.feature_names if n not in by_column]
    if missing:
        raise DriftError(f"Evidently returned no drift metric for {missing}")
    return [by_column[n] for n in c.feature_names]


def log_to_mlflow(url: str, run_id: str, out: Path, table: list[dict]) -> None:
    from mlflow import MlflowClient

    client = MlflowClient(url)
    try:
        for name in ("drift.html", "drift.json", "drift_table.json"):
            client.log_artifact(run_id, str(out / name), artifact_path="drift")
        drifted = sum(1 for row in table if row["drifted"])
        client.log_metric(run_id, "drifted_features", drifted)
        client.log_metric(run_id, "drift_share", drifted / len(table))
    except Exception as e:  # noqa: BLE001 - one clear line instead of the client's trace
        raise DriftError(f"could not log the drift report to run {run_id} at {url}: {type(e).__name__}: {e}") from None


def main(argv: list[str] | None = None) -> int:
    try:
        a = parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        c = contract_mod.load(a.features_spec)
        reference, current = windows(a, c)
        snapshot = report(reference, current, c)
        a.out.mkdir(parents=True, exist_ok=True)
        snapshot.save_html(str(a.out / "drift.html"))
        snapshot.save_json(str(a.out / "drift.json"))
        table = drift_table(snapshot, c)
        (a.out / "drift_table.json").write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
        if a.mlflow_url:
            log_to_mlflow(a.mlflow_url, a.run_id, a.out, table)
    except (DriftError, contract_mod.ContractError) as e:
        print(f"drift: {e}", file=sys.stderr)
        print(json.dumps({"status": "failed", "error": str(e)}))
        return 1
    summary = {"status": "success", "out": str(a.out), "reference_rows": len(reference), "current_rows": len(current),
               "features": len(table), "drifted": [row["name"] for row in table if row["drifted"]],
               "logged_to_run": a.run_id}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
