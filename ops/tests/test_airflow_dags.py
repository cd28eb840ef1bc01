"""The Airflow side without Airflow (plain /usr/bin/python3): the DAG factory's reading of the spec
and the CLIs the spec names. The DAG files themselves are loaded in a real DagBag by
ops/native-tests/test_dagbag.py (Airflow's venv, `make native-test`)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from onering_airflow import spec as onering_spec



@pytest.fixture(scope="module")
def spec(root):
    return onering_spec.load(root / "pipelines/spec/medallion.yaml")


def test_the_medallion_dag_runs_exactly_the_stack_steps(spec):
    selected = onering_spec.stack_steps(spec)
    ids = [s.id for s in selected]
    expected = [s.id for s in spec.steps
                if "stack" in s.runtimes and s.engine in ("light", "spark") and s.dag == spec.pipeline]
    assert ids == expected
    assert "generate" not in ids, "generate feeds the embedded demo only"
    for s in selected:
        assert s.command[0] in spec.commands()


def test_dependencies_on_embedded_only_steps_are_looked_through():
    doc = {"pipeline": "p", "steps": [
        {"id": "a", "command": ["a"], "engine": "light", "runtimes": ["stack"], "depends_on": []},
        {"id": "emb", "command": ["e"], "engine": "light", "runtimes": ["embedded"], "depends_on": ["a"]},
        {"id": "b", "command": ["b"], "engine": "spark", "runtimes": ["stack", "embedded"], "depends_on": ["emb"]},
        {"id": "c", "command": ["c"], "engine": "spark", "runtimes": ["embedded"], "depends_on": []},
    ]}
    spec = onering_spec.parse(doc)
    selected = onering_spec.stack_steps(spec)
    assert [s.id for s in selected] == ["a", "b"]
    assert onering_spec.upstream(spec.step("b"), selected, spec) == ["a"]


def test_the_real_graph_waits_for_migrations_before_loading(spec):
    selected = onering_spec.stack_steps(spec)
    up = {s.id: onering_spec.upstream(s, selected, spec) for s in selected}
    # Write-audit-publish: the gate audits what silver and silver-csv wrote and publishes it; only
    # then are ClickHouse (load-silver) and Gold built from it.
    assert set(up["quality-silver"]) == {"migrate", "silver", "silver-csv"}
    assert set(up["load-silver"]) == {"migrate", "quality-silver"}, "ClickHouse loads only published Silver"
    assert set(up["gold"]) == {"silver", "silver-csv", "quality-silver"}, "Gold waits for the quality gate"
    assert up["silver"] == [], "silver's only dependency (generate) is not a stack step"


@pytest.mark.parametrize("steps, message", [
    ([{"id": "a", "command": ["a"], "engine": "light", "depends_on": ["zzz"]}], "unknown step"),
    ([{"id": "a", "command": ["a"], "engine": "gpu"}], "engine must be one of"),
    ([{"id": "a", "command": ["feast"], "engine": "python"}], "names the service virtualenv"),
    ([{"id": "a", "command": ["a"], "engine": "light", "venv": "feast"}], "venv is for python steps"),
    ([{"id": "a", "command": ["a"], "engine": "light", "dag": "nope"}], "not declared under dags"),
    ([{"id": "a", "command": [], "engine": "light"}], "has no command"),
    ([{"id": "a", "command": ["a"], "engine": "light"}, {"id": "a", "command": ["a"], "engine": "light"}], "declared twice"),
    ([{"id": "a", "command": ["a"], "engine": "light", "depends_on": ["b"]},
      {"id": "b", "command": ["b"], "engine": "light", "depends_on": ["a"]}], "cycle"),
    # The rules of PipelineSpec.java for flink steps (PipelineSpecTest has the same cases).
    ([{"id": "s", "command": ["silver"], "engine": "flink", "runtimes": ["stack"]}],
     r"a flink step's command is a streaming command, \[stream, <command>\]"),
    ([{"id": "s", "command": ["stream"], "engine": "flink", "runtimes": ["stack"]}], "streaming command"),
    ([{"id": "s", "command": ["stream", "job"], "engine": "flink"}],
     r"a flink step runs only in the stack \(runtimes: \[stack\]\)"),
    ([{"id": "s", "command": ["stream", "job"], "engine": "flink", "runtimes": ["embedded", "stack"]}],
     "onering stream demo"),
])
def test_a_broken_spec_is_refused(steps, message):
    with pytest.raises(onering_spec.SpecError, match=message):
        onering_spec.parse({"pipeline": "p", "steps": steps})


def test_cli_help_lists_every_spec_command_when_the_jar_is_built(root, spec):
    jar = root / "pipelines/cli/target/onering-cli.jar"
    if not jar.exists():
        pytest.skip("pipelines/cli/target/onering-cli.jar not built; the spec is the reference")
    r = subprocess.run(["java", "-cp", f"{jar}:{jar.parent}/lib/*", "dev.onering.cli.OneRing", "--help"],
                       capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    assert spec.batch_commands(), "the batch CLI runs most of the spec"
    for command in spec.batch_commands():
        assert command in out, f"`onering --help` does not list {command}"


def test_stream_cli_help_lists_every_flink_step_command_when_the_jar_is_built(root, spec):
    """A flink step is `stream <command>`: the streaming CLI's command (ops/scripts/onering stream),
    whose class is the entry point the stack deploys."""
    jar = root / "pipelines/streaming/target/onering-streaming.jar"
    if not jar.exists():
        pytest.skip("pipelines/streaming/target/onering-streaming.jar not built; the spec is the reference")
    r = subprocess.run(["java", "-cp", f"{jar}:{jar.parent}/lib/*", "dev.onering.stream.cli.StreamCli", "--help"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    listed = {line.split()[0] for line in r.stdout.splitlines() if line.startswith("  ") and line.split()}
    assert spec.stream_commands(), "the spec declares the streaming job"
    for command in spec.stream_commands():
        assert command in listed, f"`onering stream --help` does not list {command}: {sorted(listed)}"


def test_the_streaming_dag_deploys_the_spec_flink_step_and_the_runner_never_sees_it(spec):
    flink = onering_spec.stack_steps(spec, engines=("flink",))
    assert [(s.id, s.command, s.runtimes) for s in flink] == [("stream", ("stream", "job"), ("stack",))]
    assert spec.stream_commands() == {"job"}
    assert "stream" not in spec.batch_commands()
    assert all(s.engine != "flink" for s in onering_spec.stack_steps(spec)), "the daily DAG runs no flink step"
    embedded = [s.id for s in spec.steps if "embedded" in s.runtimes]
    assert "stream" not in embedded, "the local runner (onering run) plans only embedded steps"


def test_the_ml_dag_is_declared_after_medallion_and_chains_its_steps(spec):
    ml = spec.dag("ml")
    assert ml.after == "medallion"
    steps = [s for s in spec.steps if s.dag == "ml"]
    assert [s.id for s in steps] == ["features", "train", "register", "materialize", "deploy", "drift"]
    selected = onering_spec.stack_steps(spec, engines=("light", "spark", "python"), dag="ml")
    up = {s.id: onering_spec.upstream(s, selected, spec) for s in selected}
    assert up == {"features": [], "train": ["features"], "register": ["train"], "materialize": ["register"],
                  "deploy": ["materialize"], "drift": ["deploy"]}
    assert not any(s.dag == "ml" for s in onering_spec.stack_steps(spec)), "the medallion DAG runs no ML step"
    python = [s for s in steps if s.engine == "python"]
    assert {s.id: s.venv for s in python} == {"materialize": "featurestore", "deploy": "bentoml"}
    assert all("stack" == r for s in python for r in s.runtimes), "python steps are stack-only today"
    assert python[0].command_for("2026-09-01")[-2:] == ["--run-date", "2026-09-01"]
    assert not {s.command[0] for s in python} & spec.batch_commands()


def test_a_step_without_runtimes_runs_in_both_as_the_java_parser_reads_it():
    spec = onering_spec.parse({"pipeline": "p", "steps": [{"id": "a", "command": ["a"], "engine": "light"}]})
    assert spec.step("a").runtimes == ("embedded", "stack")
    assert [s.id for s in onering_spec.stack_steps(spec)] == ["a"]
