#!/usr/bin/env python3
"""Validate OneRing's expectation suites with Great Expectations Core 1.x.

GX 1.x has no CLI, so this is the entry point an Airflow task, `docker compose run --rm gx`, or a
test calls. It reads the same suite files as the Java gate (great_expectations/expectations/*.json),
validates each against the store the suite names (ClickHouse for Silver and the Bronze lines,
Postgres for Gold) in an ephemeral GX context, and exits 1 when a critical expectation failed,
like `onering quality-silver`. The batch of a run (its dates) and the suite parameters are built
the same way as in dev.onering.quality.QualityGate and dev.onering.cli.steps.QualityStep;
ops/tests checks the text, and the agreement test (serving's GxAgreementTest) checks that GX and
the Java gate reach the same result, expectation by expectation, on the same tables.

Usage: runner.py --suites silver_trades,silver_batch_stats --dates 2026-09-01,2026-09-02
                 [--output results.json] [--data-docs DIR]

Settings, from the environment, with the names the onering CLI reads:
  ONERING_CLICKHOUSE_URL, ONERING_CLICKHOUSE_USER, ONERING_CLICKHOUSE_PASSWORD  ClickHouse's HTTP interface
  ONERING_PG_URL (jdbc:postgresql://host:port/db), ONERING_PG_USER, ONERING_PG_PASSWORD     Gold
  ONERING_LAKE          the lake: a folder, `s3a://` (a bucket per zone) or `s3a://bucket/prefix`
  ONERING_S3_ENDPOINT   the object store's endpoint, for an s3a lake
With an s3a lake, ClickHouse reads the Bronze lines with its s3() function and the named collection
`onering_lake` (platform/clickhouse/config.d/lake.xml), which holds the keys: no credential is ever
part of a query, so none can reach GX's results, Data Docs or an error message. Passwords only
travel in the environment; every message and file this runner writes is redacted besides.

Exit codes: 0 every critical expectation held; 1 a critical expectation failed; 2 the runner could
not validate (a setting is missing, a store cannot be reached): the message says which.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import quote, urlsplit

SUITES_DIR = Path(__file__).resolve().parent / "great_expectations" / "expectations"
FRESHNESS_DAYS = 4  # as QualityStep.FRESHNESS_DAYS: a weekend plus a holiday
# The ClickHouse named collection with the lake's S3 endpoint and keys (platform/clickhouse/config.d/lake.xml).
LAKE_COLLECTION = "onering_lake"
# GX reads the connection strings from these variables when it connects (its `${VAR}` config
# substitution): a URL with a password is never part of a GX datasource's configuration.
CLICKHOUSE_URL_VAR = "ONERING_GX_CLICKHOUSE_SQLALCHEMY_URL"
POSTGRES_URL_VAR = "ONERING_GX_POSTGRES_SQLALCHEMY_URL"
REDACTED = "***"
# ClickHouse's max/min/avg of no rows are 0 or nan, not NULL as in SQL: with this setting GX (like
# the Java gate, Dialect.CLICKHOUSE) sees NULL and fails an aggregate over an empty batch.
CLICKHOUSE_SETTINGS = {"aggregate_functions_null_for_empty": 1}


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Where the stores are, read once from the environment (the onering CLI's variable names)."""

    clickhouse_url: str = ""
    clickhouse_user: str = "default"
    clickhouse_password: str = ""
    pg_url: str = ""
    pg_user: str = "onering"
    pg_password: str = ""
    lake: str = "data/lake"
    s3_endpoint: str = ""
    s3_secret_key: str = ""  # never used here: known only so that nothing written can carry it

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        def get(name: str, default: str = "") -> str:
            value = env.get(name)
            return default if value is None or value == "" else value

        return cls(
            clickhouse_url=get("ONERING_CLICKHOUSE_URL"),
            clickhouse_user=get("ONERING_CLICKHOUSE_USER", cls.clickhouse_user),
            clickhouse_password=get("ONERING_CLICKHOUSE_PASSWORD"),
            pg_url=get("ONERING_PG_URL"),
            pg_user=get("ONERING_PG_USER", cls.pg_user),
            pg_password=get("ONERING_PG_PASSWORD"),
            lake=get("ONERING_LAKE", cls.lake),
            s3_endpoint=get("ONERING_S3_ENDPOINT"),
            s3_secret_key=get("ONERING_S3_SECRET_KEY"),
        )

    def secrets(self) -> list[str]:
        return [s for s in (self.clickhouse_password, self.pg_password, self.s3_secret_key) if s]

    def clickhouse_sqlalchemy_url(self) -> str:
        u = urlsplit(self.clickhouse_url)
        if u.scheme not in ("http", "https") or not u.netloc:
            raise SettingsError(f"ONERING_CLICKHOUSE_URL must be ClickHouse's HTTP interface, "
                                f"e.g. http://clickhouse:8123; got {self.clickhouse_url!r}")
        # Every query names its database (silver.trades), so the connection's own is the default one.
        return (f"clickhouse+http://{quote(self.clickhouse_user, safe='')}:"
                f"{quote(self.clickhouse_password, safe='')}@{u.netloc}/default?protocol={u.scheme}")

    def postgres_sqlalchemy_url(self) -> str:
        m = re.fullmatch(r"(?:jdbc:)?postgres(?:ql)?://([^/?]+)/([^?]+)(?:\?.*)?", self.pg_url)
        if not m:
            raise SettingsError(f"ONERING_PG_URL must look like jdbc:postgresql://host:5432/onering; "
                                f"got {self.pg_url!r}")
        return (f"postgresql+psycopg2://{quote(self.pg_user, safe='')}:{quote(self.pg_password, safe='')}"
                f"@{m.group(1)}/{m.group(2)}")


class Redactor:
    """Replaces every secret, and the password of any URL, with ***: applied to everything the
    runner prints, logs or writes."""

    URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^\s:/@]*:)[^\s@/]+@", re.I)

    def __init__(self, secrets: list[str]):
        forms = set()
        for s in secrets:
            if s:
                forms |= {s, quote(s, safe=""), json.dumps(s)[1:-1]}
        self.secrets = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, REDACTED)
        return self.URL_PASSWORD.sub(lambda m: m.group("head") + REDACTED + "@", text)


class RedactingFormatter(logging.Formatter):
    def __init__(self, redact: Redactor):
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


def load_suite(name: str, suites_dir: Path = SUITES_DIR) -> dict:
    with open(suites_dir / f"{name}.json", encoding="utf-8") as f:
        suite = json.load(f)
    for i, e in enumerate(suite["expectations"], 1):
        if e.get("meta", {}).get("severity") not in ("critical", "warning"):
            raise ValueError(f"{name}: expectation #{i} ({e.get('type')}) has no meta.severity critical/warning")
    return suite


def all_suites(suites_dir: Path = SUITES_DIR) -> list[str]:
    return sorted(p.stem for p in suites_dir.glob("*.json"))


def quote_sql(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def batch_query(asset: str, batch_column: str | None, dates: list[str]) -> str:
    """The run's slice of a table, as QualityGate.batchTable builds it."""
    if not batch_column or not dates:
        return f"SELECT * FROM {asset}"
    days = ", ".join(quote_sql(d) for d in sorted(dates))
    return f'SELECT * FROM {asset} WHERE "{batch_column}" IN ({days})'


def lake_query(asset: str, dates: list[str], lake: str, s3_endpoint: str) -> str:
    """Bronze lines of the run's dates, one column `line`, read by ClickHouse itself: file() for a
    lake in a local folder (the embedded engine), s3() with the named collection for an s3a lake,
    so the query carries the files' location and never a key."""
    days = "*" if not dates else dates[0] if len(dates) == 1 else "{" + ",".join(sorted(dates)) + "}"
    relative = f"{asset}/date={days}/*.jsonl"
    if "://" not in lake or lake.startswith("file://"):
        root = Path(urlsplit(lake).path if lake.startswith("file://") else lake).resolve()
        return f"SELECT line FROM file({quote_sql(str(root / relative))}, 'LineAsString')"
    if not s3_endpoint:
        raise SettingsError(f"the lake {lake} is in an object store: set ONERING_S3_ENDPOINT (e.g. http://minio:9000)")
    # Path-style, as MinIO serves buckets: <endpoint>/<bucket>/<key>; `s3a://` has a bucket per zone.
    rest = lake.split("://", 1)[1].strip("/")
    url = f"{s3_endpoint.rstrip('/')}/{rest + '/' if rest else ''}{relative}"
    return f"SELECT line FROM s3({LAKE_COLLECTION}, url = {quote_sql(url)}, format = 'LineAsString')"


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


RESULT_KEYS = ("observed_value", "element_count", "missing_count", "unexpected_count", "unexpected_percent",
               "partial_unexpected_list")


def suite_report(spec: dict, validation: dict, dates: list[str]) -> dict:
    """One suite's validation as the runner writes it: GX's results (configuration, success, the
    observed figures, the exception if one was raised) and the gate's verdict (no critical failure)."""
    results = []
    for r in validation.get("results", []):
        cfg = r.get("expectation_config", {})
        info = r.get("exception_info") or {}
        raised = info.get("raised_exception") or any(
            isinstance(v, dict) and v.get("raised_exception") for v in info.values())
        results.append({
            "expectation_config": {"type": cfg.get("type"), "kwargs": cfg.get("kwargs", {}), "meta": cfg.get("meta", {})},
            "success": bool(r.get("success")),
            "result": {k: v for k, v in (r.get("result") or {}).items() if k in RESULT_KEYS},
            "exception_info": info if raised else None,
        })
    critical = critical_failures(spec, {"results": results})
    return {"suite_name": spec["name"], "success": not critical, "gx_success": bool(validation.get("success")),
            "statistics": validation.get("statistics", {}), "batch": sorted(dates), "critical_failures": critical,
            "results": results}


def run(settings: Settings, suite_names: list[str], dates: list[str], data_docs: Path | None = None) -> list[dict]:
    """Validates the suites; returns one report per suite (suite_report)."""
    # Imported here so the module loads (and is tested) where GX is not installed.
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    specs = [load_suite(n) for n in suite_names]
    # In memory and nothing left behind: no temporary Data Docs site unless --data-docs asks for one.
    context = gx.get_context(mode="ephemeral", project_config=DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False)))
    sources: dict = {}

    def source(store: str):
        if store not in sources:
            if store == "postgres":
                os.environ[POSTGRES_URL_VAR] = settings.postgres_sqlalchemy_url()
                sources[store] = context.data_sources.add_postgres("postgres", connection_string="${" + POSTGRES_URL_VAR + "}")
            else:
                os.environ[CLICKHOUSE_URL_VAR] = settings.clickhouse_sqlalchemy_url()
                sources[store] = context.data_sources.add_sql(
                    "clickhouse", connection_string="${" + CLICKHOUSE_URL_VAR + "}",
                    kwargs={"connect_args": {"ch_settings": CLICKHOUSE_SETTINGS}})
        return sources[store]

    actions = []
    if data_docs is not None:
        context.add_data_docs_site("onering", {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
        actions.append(UpdateDataDocsAction(name="update_data_docs", site_names=["onering"]))

    reports = []
    for spec in specs:
        name, where = spec["name"], spec["meta"]["onering"]
        if where["store"] == "lake":
            src, query = source("clickhouse"), lake_query(where["asset"], dates, settings.lake, settings.s3_endpoint)
        elif where["store"] in ("clickhouse", "postgres"):
            src, query = source(where["store"]), batch_query(where["asset"], where.get("batch_column"), dates)
        else:
            raise SettingsError(f"suite {name} names the store {where['store']!r}; known: clickhouse, postgres, lake")
        batch = src.add_query_asset(name=name, query=query).add_batch_definition_whole_table(f"{name}-run")
        suite = context.suites.add(gx.ExpectationSuite(
            name=name,
            expectations=[ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e["meta"]).to_domain_obj()
                          for e in spec["expectations"]],
            meta=spec.get("meta", {})))
        validation = context.validation_definitions.add(gx.ValidationDefinition(name=f"{name}-validation", data=batch,
                                                                                 suite=suite))
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"{name}-checkpoint", validation_definitions=[validation], actions=actions,
            result_format={"result_format": "SUMMARY"}))
        result = checkpoint.run(expectation_parameters=suite_parameters(dates))
        for vr in result.run_results.values():
            reports.append(suite_report(spec, vr.to_json_dict(), dates))
    return reports


def main(argv: list[str] | None = None, env: Mapping[str, str] = os.environ) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--suites", default="all",
                   help="comma-separated suite names (files in great_expectations/expectations), or all (default)")
    p.add_argument("--dates", default="", help="comma-separated YYYY-MM-DD: the run's batch")
    p.add_argument("--output", type=Path, help="write every suite's results here as JSON")
    p.add_argument("--data-docs", type=Path, help="build GX Data Docs into this folder")
    a = p.parse_args(argv)

    settings = Settings.from_env(env)
    redact = Redactor(settings.secrets())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(redact))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    logging.captureWarnings(True)

    names = all_suites() if a.suites == "all" else [s for s in a.suites.split(",") if s]
    dates = [d for d in a.dates.split(",") if d]
    try:
        reports = run(settings, names, dates, a.data_docs)
    except Exception as e:  # noqa: BLE001 - every failure ends in one redacted line that says what to do
        print(redact(f"gx runner: could not validate {','.join(names)}: {type(e).__name__}: {e}. Check the "
                     "ONERING_* settings (runner.py --help) and that the stores are up."), file=sys.stderr)
        return 2
    if a.output:
        a.output.write_text(redact(json.dumps(reports, indent=2, default=str)) + "\n", encoding="utf-8")
    failures = []
    for r in reports:
        s = r["statistics"]
        print(redact(f"{r['suite_name']}: {s.get('successful_expectations')} of {s.get('evaluated_expectations')} "
                     f"expectations held{'' if r['success'] else '; critical failures: ' + ', '.join(r['critical_failures'])}"))
        failures += r["critical_failures"]
    if failures:
        print(f"critical expectations failed: {'; '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
