"""The quality suites and the GX runner: what can be checked without GX or Docker.

The suites are the contract between the Java gate (embedded) and Great Expectations (the stack),
so every expectation type a suite uses must be one the Java gate evaluates; the list is read from
the gate's source, its one definition.
"""
from __future__ import annotations

import importlib.util
import json
import py_compile
import re
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
