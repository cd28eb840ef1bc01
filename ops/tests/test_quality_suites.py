"""The quality suites and the GX runner: what can be checked without GX or Docker.

The suites are the contract between the Java gate and Great Expectations, so every expectation
type a suite uses must be one the Java gate evaluates; the list is read from the gate's source, its
one definition. That both reach the same results on the same data is GxAgreementTest's job (serving
module, with GX from the quality venv); here: the runner's queries, settings and redaction.
"""
from __future__ import annotations

import importlib.util
import json
import py_compile
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUITES = ROOT / "platform/quality/great_expectations/expectations"
COMPILER = ROOT / "pipelines/core/src/main/java/dev/onering/quality/ExpectationCompiler.java"
RUNNER = ROOT / "platform/quality/runner.py"
QUALITY_STEP = ROOT / "pipelines/cli/src/main/java/dev/onering/cli/steps/QualityStep.java"


def supported_types() -> set[str]:
    src = COMPILER.read_text(encoding="utf-8")
    block = re.search(r"SUPPORTED = List\.of\((.*?)\);", src, re.S)
    assert block, f"no SUPPORTED list in {COMPILER}"
    return set(re.findall(r'"(expect_[a-z_]+)"', block.group(1)))


def runner():
    spec = importlib.util.spec_from_file_location("gx_runner", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules["gx_runner"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def suite_files() -> list[Path]:
    return sorted(SUITES.glob("*.json"))


def test_the_gate_supports_the_types_the_issue_asks_for():
    assert {"expect_column_values_to_not_be_null", "expect_column_values_to_be_between",
            "expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique",
            "expect_column_values_to_be_in_set", "expect_column_values_to_match_regex",
            "expect_table_row_count_to_be_between", "expect_column_pair_values_a_to_be_greater_than_b",
            "expect_column_mean_to_be_between", "expect_column_max_to_be_between"} <= supported_types()


def test_there_are_suites_for_bronze_silver_and_gold():
    names = {p.stem for p in suite_files()}
    assert {"bronze_ticks", "silver_trades", "silver_bars_1m", "silver_batch_stats", "gold_daily_bars",
            "gold_instrument_summary"} <= names


@pytest.mark.parametrize("path", suite_files(), ids=lambda p: p.stem)
def test_a_suite_is_gx_1x_json_with_supported_types_and_severities(path):
    suite = json.loads(path.read_text(encoding="utf-8"))
    assert suite["name"] == path.stem
    assert suite["expectations"], "a suite without expectations checks nothing"
    where = suite["meta"]["onering"]
    assert where["store"] in ("clickhouse", "postgres", "lake") and where["asset"]
    supported = supported_types()
    for e in suite["expectations"]:
        assert e["type"] in supported, f"{path.name}: {e['type']} is not evaluated by the Java gate"
        assert e["meta"]["severity"] in ("critical", "warning"), f"{path.name}: {e['type']}"
        assert isinstance(e["kwargs"], dict)
        assert "row_condition" not in e["kwargs"], "the Java gate refuses row_condition"


def test_the_runner_compiles_and_loads_without_gx():
    py_compile.compile(str(RUNNER), doraise=True)
    r = runner()
    assert r.load_suite("silver_trades", SUITES)["name"] == "silver_trades"


def test_the_runner_slices_a_run_as_the_java_gate_does():
    r = runner()
    # The same text as QualityGate.batchTable's subquery (ExpectationSuiteTest.theBatchIsTheRunsDates).
    assert r.batch_query("silver.trades", "trade_date", ["2026-09-02", "2026-09-01"]) == (
        "SELECT * FROM silver.trades WHERE \"trade_date\" IN ('2026-09-01', '2026-09-02')")
    assert r.batch_query("gold.daily_bars", None, ["2026-09-01"]) == "SELECT * FROM gold.daily_bars"


def test_the_runner_uses_the_java_gates_freshness_window():
    days = int(re.search(r"FRESHNESS_DAYS = (\d+);", QUALITY_STEP.read_text(encoding="utf-8")).group(1))
    r = runner()
    assert r.FRESHNESS_DAYS == days
    assert r.suite_parameters(["2026-09-01", "2026-09-10"]) == {
        "freshness_floor": f"2026-09-{10 - days:02d} 00:00:00", "batch_end": "2026-09-10 23:59:59.999999"}


def test_every_suite_parameter_a_suite_uses_is_one_the_gate_provides():
    provided = set(runner().suite_parameters(["2026-09-01"]))
    for path in suite_files():
        for e in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
            for v in e["kwargs"].values():
                if isinstance(v, dict) and "$PARAMETER" in v:
                    assert v["$PARAMETER"] in provided, f"{path.name}: {v}"


def test_critical_failures_are_read_from_a_gx_result():
    r = runner()
    suite = {"name": "s"}
    result = {"results": [
        {"success": False, "expectation_config": {"type": "expect_column_values_to_not_be_null",
                                                  "kwargs": {"column": "price"}, "meta": {"severity": "critical"}}},
        {"success": False, "expectation_config": {"type": "expect_table_row_count_to_be_between",
                                                  "kwargs": {}, "meta": {"severity": "warning"}}},
        {"success": True, "expectation_config": {"type": "expect_column_values_to_be_unique",
                                                 "kwargs": {"column": "id"}, "meta": {"severity": "critical"}}}]}
    assert r.critical_failures(suite, result) == ["s.expect_column_values_to_not_be_null(price)"]


LOCK = ROOT / "platform/quality/requirements.lock"
SECRET = "pw-9f8e!@:/x"


def test_the_suites_name_the_gx_release_the_lock_pins():
    pinned = re.search(r"(?m)^great-expectations==([0-9.]+)", LOCK.read_text(encoding="utf-8")).group(1)
    for path in suite_files():
        meta = json.loads(path.read_text(encoding="utf-8"))["meta"]
        assert meta["great_expectations_version"] == pinned, path.name


def test_the_image_installs_the_lock_with_its_hashes():
    dockerfile = (ROOT / "platform/quality/Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"pip install .*--require-hashes -r requirements.lock", dockerfile)
    assert "great_expectations==" not in dockerfile and "GX_VERSION" not in dockerfile, "one pin: the lock"


def test_bronze_lines_from_a_local_lake_are_read_with_file(tmp_path):
    q = runner().lake_query("bronze/ticks", ["2026-09-02", "2026-09-01"], str(tmp_path), "")
    assert q == f"SELECT line FROM file('{tmp_path.resolve()}/bronze/ticks/date={{2026-09-01,2026-09-02}}/*.jsonl', 'LineAsString')"


@pytest.mark.parametrize("lake, url", [
    ("s3a://", "http://minio:9000/bronze/ticks/date=2026-09-01/*.jsonl"),
    ("s3a://onering/lake", "http://minio:9000/onering/lake/bronze/ticks/date=2026-09-01/*.jsonl"),
])
def test_bronze_lines_from_an_object_store_name_the_collection_not_the_keys(lake, url):
    r = runner()
    q = r.lake_query("bronze/ticks", ["2026-09-01"], lake, "http://minio:9000/")
    assert q == f"SELECT line FROM s3({r.LAKE_COLLECTION}, url = '{url}', format = 'LineAsString')"
    with pytest.raises(r.SettingsError, match="ONERING_S3_ENDPOINT"):
        r.lake_query("bronze/ticks", ["2026-09-01"], lake, "")


def test_the_named_collection_the_runner_uses_is_the_one_clickhouse_declares():
    xml = (ROOT / "platform/clickhouse/config.d/lake.xml").read_text(encoding="utf-8")
    assert f"<{runner().LAKE_COLLECTION}>" in xml
    assert 'from_env="ONERING_S3_SECRET_KEY"' in xml


def test_settings_come_from_the_clis_variables_and_make_sqlalchemy_urls():
    r = runner()
    s = r.Settings.from_env({"ONERING_CLICKHOUSE_URL": "https://ch.example:8443", "ONERING_CLICKHOUSE_USER": "u",
                             "ONERING_CLICKHOUSE_PASSWORD": SECRET, "ONERING_PG_URL": "jdbc:postgresql://pg:5432/onering",
                             "ONERING_PG_PASSWORD": SECRET, "ONERING_LAKE": "s3a://"})
    assert s.clickhouse_sqlalchemy_url() == "clickhouse+http://u:pw-9f8e%21%40%3A%2Fx@ch.example:8443/default?protocol=https"
    assert s.postgres_sqlalchemy_url() == "postgresql+psycopg2://onering:pw-9f8e%21%40%3A%2Fx@pg:5432/onering"
    assert s.lake == "s3a://" and s.secrets() == [SECRET, SECRET]
    for bad in (r.Settings(clickhouse_url="clickhouse:8123"), r.Settings(pg_url="postgres")):
        with pytest.raises(r.SettingsError, match="ONERING_"):
            bad.clickhouse_sqlalchemy_url() if bad.clickhouse_url else bad.postgres_sqlalchemy_url()


def test_the_redactor_hides_secrets_in_every_form_and_any_url_password():
    redact = runner().Redactor([SECRET])
    text = (f"raw {SECRET}, in a URL clickhouse+http://u:pw-9f8e%21%40%3A%2Fx@h:1/default, "
            f"in JSON {json.dumps(SECRET)}, and another URL postgresql://bob:hunter2@db/x")
    out = redact(text)
    assert SECRET not in out and "pw-9f8e%21" not in out and "hunter2" not in out
    assert "postgresql://bob:***@db/x" in out


def test_a_runner_that_cannot_validate_says_why_in_one_redacted_line(capsys):
    # A malformed setting stops the runner (exit 2) before any store is reached.
    env = {"ONERING_CLICKHOUSE_URL": "not-a-url", "ONERING_CLICKHOUSE_PASSWORD": SECRET}
    assert runner().main(["--suites", "silver_trades"], env=env) == 2
    err = capsys.readouterr().err
    assert "could not validate silver_trades" in err and SECRET not in err
