#!/usr/bin/env python3
"""Validate OneRing's expectation suites with Great Expectations Core 1.x, as checkpoints.

GX 1.x has no CLI, so this is the entry point an Airflow task (or `docker compose run --rm gx`)
calls. It reads the same suite files as the Java gate (great_expectations/expectations/*.json),
validates each against its store in the stack (ClickHouse for Silver and Bronze lines, Postgres
for Gold), builds Data Docs, and exits 1 when a critical expectation failed, like `onering
quality-silver`. The batch of a run (its dates) and the suite parameters are built the same way
as in dev.onering.quality.QualityGate and dev.onering.cli.steps.QualityStep; ops/tests checks
they agree.

Usage: runner.py --suites silver_trades,silver_batch_stats --dates 2026-09-01,2026-09-02
Settings from the environment: ONERING_CLICKHOUSE_SQLALCHEMY_URL, ONERING_PG_SQLALCHEMY_URL,
ONERING_LAKE_S3_URL (Bronze lines through ClickHouse's s3() function), ONERING_S3_ACCESS_KEY,
ONERING_S3_SECRET_KEY, GX_PROJECT_DIR (Data Docs and stores, default /var/lib/gx).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

SUITES_DIR = Path(__file__).resolve().parent / "great_expectations" / "expectations"
FRESHNESS_DAYS = 4  # as QualityStep.FRESHNESS_DAYS: a weekend plus a holiday


def load_suite(name: str, suites_dir: Path = SUITES_DIR) -> dict:
    with open(suites_dir / f"{name}.json", encoding="utf-8") as f:
        suite = json.load(f)
    for i, e in enumerate(suite["expectations"], 1):
        if e.get("meta", {}).get("severity") not in ("critical", "warning"):
            raise ValueError(f"{name}: expectation #{i} ({e.get('type')}) has no meta.severity critical/warning")
    return suite


def quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def batch_query(asset: str, batch_column: str | None, dates: list[str]) -> str:
    """The run's slice of a table, as QualityGate.batchTable builds it."""
    if not batch_column or not dates:
        return f"SELECT * FROM {asset}"
    days = ", ".join(quote(d) for d in sorted(dates))
    return f'SELECT * FROM {asset} WHERE "{batch_column}" IN ({days})'


def lake_query(asset: str, dates: list[str], s3_url: str, key: str, secret: str) -> str:
    """Bronze lines of the run's dates, one column `line`, read by the ClickHouse server from MinIO."""
    days = "*" if not dates else dates[0] if len(dates) == 1 else "{" + ",".join(sorted(dates)) + "}"
    url = f"{s3_url.rstrip('/')}/{asset}/date={days}/*.jsonl"
    return f"SELECT line FROM s3({quote(url)}, {quote(key)}, {quote(secret)}, 'LineAsString')"


def suite_parameters(dates: list[str]) -> dict:
    """The freshness window, as QualityStep.params: from 4 days before the last date to its end."""
    if not dates:
        return {}
    last = max(dt.date.fromisoformat(d) for d in dates)
    return {
        "freshness_floor": f"{last - dt.timedelta(days=FRESHNESS_DAYS)} 00:00:00",
        "batch_end": f"{last} 23:59:59.999999",
    }


def critical_failures(suite: dict, result: dict) -> list[str]:
    """Ids of failed critical expectations in a GX validation result (dict form)."""
    out = []
    for r in result.get("results", []):
        cfg = r.get("expectation_config", {})
        if not r.get("success") and cfg.get("meta", {}).get("severity") == "critical":
            out.append(f"{suite['name']}.{cfg.get('type')}({cfg.get('kwargs', {}).get('column', '')})")
    return out


def run(suite_names: list[str], dates: list[str]) -> int:
    # Imported here so the module loads (and is tested) where GX is not installed.
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context = gx.get_context(mode="file", project_root_dir=os.environ.get("GX_PROJECT_DIR", "/var/lib/gx"))
    sources = {
        "clickhouse": lambda: context.data_sources.add_or_update_sql(
            "clickhouse", connection_string=os.environ["ONERING_CLICKHOUSE_SQLALCHEMY_URL"]),
        "postgres": lambda: context.data_sources.add_or_update_postgres(
            "postgres", connection_string=os.environ["ONERING_PG_SQLALCHEMY_URL"]),
    }
    failures: list[str] = []
    for name in suite_names:
        spec = load_suite(name)
        where = spec["meta"]["onering"]
        store = where["store"]
        if store == "lake":
            source = sources["clickhouse"]()
            query = lake_query(where["asset"], dates, os.environ["ONERING_LAKE_S3_URL"],
                               os.environ["ONERING_S3_ACCESS_KEY"], os.environ["ONERING_S3_SECRET_KEY"])
        else:
            source = sources[store]()
            query = batch_query(where["asset"], where.get("batch_column"), dates)
        asset = source.add_query_asset(name=name, query=query)
        batch = asset.add_batch_definition_whole_table(f"{name}-run")
        suite = context.suites.add_or_update(gx.ExpectationSuite(
            name=name,
            expectations=[ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e["meta"]).to_domain_obj()
                          for e in spec["expectations"]],
            meta=spec.get("meta", {})))
        validation = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"{name}-validation", data=batch, suite=suite))
        checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
            name=f"{name}-checkpoint", validation_definitions=[validation],
            actions=[UpdateDataDocsAction(name="update_data_docs")],
            result_format={"result_format": "SUMMARY"}))
        result = checkpoint.run(expectation_parameters=suite_parameters(dates))
        for vr in result.run_results.values():
            failures += critical_failures(spec, vr.to_json_dict())
    context.build_data_docs()
    if failures:
        print("critical expectations failed: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--suites", required=True, help="comma-separated suite names (files in great_expectations/expectations)")
    p.add_argument("--dates", default="", help="comma-separated YYYY-MM-DD: the run's batch")
    a = p.parse_args(argv)
    return run([s for s in a.suites.split(",") if s], [d for d in a.dates.split(",") if d])


if __name__ == "__main__":
    sys.exit(main())
