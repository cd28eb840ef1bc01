"""The spec fields the ML DAG is generated from: `group` (which DAG a step belongs to) and
`engine: python` (a module run with a service's venv), as the DAG factory reads them, and the
python step's command line. Plain /usr/bin/python3, no Airflow."""
from __future__ import annotations

import pytest

from onering_airflow import spec as onering_spec
from onering_airflow import steps

ML_SPEC = {"pipeline": "p", "steps": [
    {"id": "gold", "command": ["gold"], "engine": "spark"},
    {"id": "features", "command": ["features"], "engine": "spark", "group": "ml", "depends_on": ["gold"]},
    {"id": "train", "command": ["train"], "engine": "light", "group": "ml", "depends_on": ["features"]},
    {"id": "materialize", "command": ["onering_ml.materialize"], "engine": "python", "venv": "featurestore",
     "group": "ml", "runtimes": ["stack"], "depends_on": ["features"]},
    {"id": "deploy", "command": ["onering_ml.deploy"], "engine": "python", "venv": "bentoml",
     "group": "ml", "runtimes": ["stack"], "depends_on": ["train", "materialize"]},
]}


def test_steps_without_a_group_are_the_medallions_and_each_dag_gets_its_own():
    spec = onering_spec.parse(ML_SPEC)
    assert spec.groups() == ["medallion", "ml"]
    assert [s.id for s in onering_spec.stack_steps(spec)] == ["gold"]
    ml = onering_spec.stack_steps(spec, engines=("light", "spark", "python"), group="ml")
    assert [s.id for s in ml] == ["features", "train", "materialize", "deploy"]
    assert {s.dag_id for s in ml} == {"onering_ml"}
    assert spec.step("gold").dag_id == "onering_medallion"


def test_a_dependency_on_another_dags_step_adds_no_task():
    spec = onering_spec.parse(ML_SPEC)
    ml = onering_spec.stack_steps(spec, engines=("light", "spark", "python"), group="ml")
    up = {s.id: onering_spec.upstream(s, ml, spec) for s in ml}
    assert up == {"features": [], "train": ["features"], "materialize": ["features"], "deploy": ["train", "materialize"]}


def test_python_steps_are_modules_not_cli_subcommands():
    spec = onering_spec.parse(ML_SPEC)
    assert spec.python_modules() == {"onering_ml.materialize", "onering_ml.deploy"}
    assert "onering_ml.deploy" not in spec.batch_commands()
    assert spec.step("materialize").venv == "featurestore" and spec.step("gold").venv is None


@pytest.mark.parametrize("step, message", [
    ({"id": "m", "command": ["onering_ml.materialize"], "engine": "python"}, "a python step needs `venv`"),
    ({"id": "m", "command": ["onering_ml.materialize"], "engine": "python", "venv": "../x"}, "needs `venv`"),
    ({"id": "m", "command": ["feast materialize"], "engine": "python", "venv": "featurestore"}, "not a module name"),
    ({"id": "m", "command": ["gold"], "engine": "spark", "venv": "featurestore"}, "only a python step takes a venv"),
    ({"id": "m", "command": ["gold"], "engine": "spark", "group": "ML DAG"}, "group must be a lower-case name"),
])
def test_a_broken_python_step_or_group_is_refused(step, message):
    with pytest.raises(onering_spec.SpecError, match=message):
        onering_spec.parse({"pipeline": "p", "steps": [step]})


def test_a_python_step_runs_its_module_with_its_services_venv_and_onering_ml_importable():
    args = steps.step_args(["onering_ml.materialize", "--lookback-days", "10"], "2026-09-01", "/r/x.json")
    cmd = steps.python_command(args, "featurestore", "/opt/onering/venvs")
    assert cmd == ["/opt/onering/venvs/featurestore/bin/python", "-m", "onering_ml.materialize", "--lookback-days", "10",
                   "--run-date", "2026-09-01", "--result", "/r/x.json"]
    env = steps.python_env({"ONERING_FEAST_REDIS": "redis:6379", "ONERING_VENVS": "/v", "HOME": "/root"}, "/etc/onering/platform")
    assert env == {"ONERING_FEAST_REDIS": "redis:6379", "PYTHONPATH": "/etc/onering/platform/ml"}


def test_the_real_spec_parses_with_the_new_fields(spec):
    assert spec.groups()[0] == "medallion"


@pytest.fixture(scope="module")
def spec(root):
    return onering_spec.load(root / "pipelines/spec/medallion.yaml")
