"""The ML DAG's `materialize` step: loads the feature table's latest row per symbol, up to the run
date's close, into Feast's online store (Redis), so the model service serves that day's features.

    python -m onering_ml.materialize --run-date D [--lookback-days 30] [--result FILE]

Runs in platform/featurestore's venv, with the repo's environment (ONERING_FEATURES_TABLE,
ONERING_FEAST_REGISTRY, ONERING_FEAST_REDIS; feature_store.yaml). It applies the repo first (an
unchanged repo is a no-op), then materializes event times from the close of D - lookback to the
last close on D. Re-running a date writes the same values: the online store keeps the newest row.
"""
from __future__ import annotations

import os
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from onering_ml import contract as contract_mod
from onering_ml import step
from onering_ml import table as table_mod

REPO = Path(os.environ.get("ONERING_FEAST_REPO") or Path(__file__).resolve().parents[3] / "platform" / "featurestore" / "feast_repo")


def window(frame, c: contract_mod.Contract, run_date: date, lookback_days: int) -> tuple[datetime, datetime] | None:
    """[start, end] for `feast materialize`: the event times of rows dated D - lookback .. D."""
    rows = frame[(frame[c.date] <= run_date) & (frame[c.date] >= run_date - timedelta(days=lookback_days))]
    if rows.empty:
        return None
    ts = rows[c.timestamp]
    return ts.min().to_pydatetime(), ts.max().to_pydatetime() + timedelta(seconds=1)


def work(args):
    def materialize(run_date: date) -> dict:
        from feast import FeatureStore

        c = contract_mod.load()
        table = os.environ.get("ONERING_FEATURES_TABLE")
        if not table:
            raise step.StepFailed("ONERING_FEATURES_TABLE is not set: point it at <lake>/gold/features_daily")
        try:
            frame = table_mod.read(table, c, start=run_date - timedelta(days=args.lookback_days), end=run_date,
                                   columns=[c.entity.name, c.date, c.timestamp])
        except FileNotFoundError as e:
            raise step.StepFailed(str(e)) from None
        span = window(frame, c, run_date, args.lookback_days)
        if span is None:
            raise step.StepFailed(f"the feature table {table} has no rows dated {run_date - timedelta(days=args.lookback_days)}"
                                  f" to {run_date}: run the features step for {run_date} first")
        store = FeatureStore(repo_path=str(REPO))
        # `feast apply` as code: registers the entity and view from definitions.py; unchanged, a no-op.
        # Feast imports the repo's files as modules, as its CLI does: from the repo folder.
        from feast.repo_operations import apply_total

        sys.path.insert(0, str(REPO))
        apply_total(store.config, REPO, skip_source_validation=False)
        store = FeatureStore(repo_path=str(REPO))
        store.materialize(start_date=span[0], end_date=span[1], feature_views=[c.table])
        latest = frame.sort_values(c.timestamp).groupby(c.entity.name).tail(1)
        return {"rows_in": len(frame), "rows_out": len(latest), "feature_view": c.table,
                "window": [span[0].isoformat(), span[1].isoformat()],
                "latest_date_per_symbol": {r[c.entity.name]: str(r[c.date]) for _, r in latest.iterrows()}}
    return materialize


def main(argv: list[str] | None = None) -> int:
    p = step.parser("python -m onering_ml.materialize", __doc__.split("\n\n")[0])
    p.add_argument("--lookback-days", type=int, default=30,
                   help="how far back a symbol's latest row may be (weekends, holidays); default 30")
    return step.main("materialize", p, work, argv)


if __name__ == "__main__":
    sys.exit(main())
