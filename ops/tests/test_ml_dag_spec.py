"""The spec fields the ML DAG is generated from, as the DAG factory reads them: `dag` (which DAG a
step belongs to) and `engine: python` with `venv` (a program of a service's venv, `{run_date}` filled
in), and the environment a python step gets. Plain /usr/bin/python3, no Airflow."""
from __future__ import annotations

import pytest

from onering_airflow import spec as onering_spec
from onering_airflow import steps

ML_SPEC = {"pipeline": "medallion", "dags": {"ml": {"description": "ML", "after": "medallion"}}, "steps": [
    {"id": "gold", "command": ["gold"], "engine": "spark"},
    {"id": "features", "command": ["features"], "engine": "spark", "dag": "ml", "depends_on": ["gold"]},
    {"id": "train", "command": ["train"], "engine": "light", "dag": "ml", "depends_on": ["features"]},
    {"id": "materialize", "command": ["python", "-m", "onering_ml.materialize", "--run-date", "{run_date}"],
     "engine": "python", "venv": "featurestore", "dag": "ml", "runtimes": ["stack"], "depends_on": ["features"]},
    {"id": "deploy", "command": ["python", "-m", "onering_ml.deploy", "--run-date", "{run_date}"], "engine": "python",
     "venv": "bentoml", "dag": "ml", "runtimes": ["stack"], "depends_on": ["train", "materialize"]},
]}


def test_steps_without_a_dag_are_the_pipelines_and_each_dag_gets_its_own():
    spec = onering_spec.parse(ML_SPEC)
    assert spec.dag_names() == ["medallion", "ml"]
    assert [s.id for s in onering_spec.stack_steps(spec)] == ["gold"]
    ml = onering_spec.stack_steps(spec, engines=("light", "spark", "python"), dag="ml")
    assert [s.id for s in ml] == ["features", "train", "materialize", "deploy"]
    assert {s.dag_id for s in ml} == {"onering_ml"}
    assert spec.step("gold").dag_id == "onering_medallion"


def test_a_dependency_on_another_dags_step_adds_no_task():
    spec = onering_spec.parse(ML_SPEC)
    ml = onering_spec.stack_steps(spec, engines=("light", "spark", "python"), dag="ml")
    up = {s.id: onering_spec.upstream(s, ml, spec) for s in ml}
    assert up == {"features": [], "train": ["features"], "materialize": ["features"], "deploy": ["train", "materialize"]}


def test_python_steps_are_programs_with_the_run_date_filled_in():
    spec = onering_spec.parse(ML_SPEC)
    assert spec.python_programs() == {"python"}
    assert "python" not in spec.batch_commands()
    assert spec.step("materialize").command_for("2026-09-01")[-2:] == ["--run-date", "2026-09-01"]
    assert spec.step("materialize").venv == "featurestore" and spec.step("gold").venv is None


@pytest.mark.parametrize("step, message", [
    ({"id": "m", "command": ["feast"], "engine": "python"}, "names the service virtualenv its program runs in"),
    ({"id": "m", "command": ["feast"], "engine": "python", "venv": "../x"}, "names the service virtualenv"),
    ({"id": "m", "command": ["gold"], "engine": "spark", "venv": "featurestore"}, "venv is for python steps"),
    ({"id": "m", "command": ["gold"], "engine": "spark", "dag": "ML DAG"}, "dag must be a lower-case name"),
])
def test_a_broken_python_step_or_dag_is_refused(step, message):
    with pytest.raises(onering_spec.SpecError, match=message):
        onering_spec.parse({"pipeline": "p", "steps": [step]})


def test_a_python_step_runs_with_its_venv_first_on_path_and_onering_ml_importable():
    env = steps.python_env({"ONERING_FEAST_REDIS": "redis:6379", "ONERING_VENVS": "/v", "ONERING_DIST": "/d",
                            "HOME": "/root", "PATH": "/usr/bin"}, "featurestore", "/v", "/etc/onering")
    assert env == {"ONERING_FEAST_REDIS": "redis:6379", "ONERING_VENVS": "/v", "PATH": "/v/featurestore/bin:/usr/bin",
                   "VIRTUAL_ENV": "/v/featurestore", "PYTHONPATH": "/etc/onering/platform/ml"}


def test_a_python_steps_json_line_is_its_result_else_one_is_made():
    line = '{"step": "deploy", "run_date": "2026-09-01", "status": "success", "details": {"changed": true}}'
    assert steps.python_result("deploy", "2026-09-01", "progress\n" + line + "\n")["details"] == {"changed": True}
    made = steps.python_result("materialize", "2026-09-01", "Materializing 1 feature views\n")
    assert made == {"step": "materialize", "run_date": "2026-09-01", "status": "success", "details": {},
                    "quality": None, "error": None}


def test_every_python_step_of_the_spec_names_a_venv_that_py_setup_makes():
    """A python step's venv is made from platform/<venv>/requirements.lock; a name without a lock
    (the spec once said `feast` for the featurestore venv) fails only when the DAG runs."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    spec = onering_spec.load(root / "pipelines/spec/medallion.yaml")
    python = [s for s in spec.steps if s.engine == onering_spec.PYTHON]
    assert python, "the spec has python steps"
    for s in python:
        assert (root / "platform" / s.venv / "requirements.lock").is_file(), \
            f"step {s.id}: venv {s.venv!r} has no platform/{s.venv}/requirements.lock"


# What the ML DAG's programs read from the environment beyond the lake's ONERING_S3_* settings: the
# Feast repo's feature_store.yaml placeholders are added by the test itself.
ML_STEP_SETTINGS = {
    "ONERING_MLFLOW_URL": "register: the MLflow server (the CLI's mlflow.url)",
    "ONERING_MODEL_URL": "deploy: the model service it tells to reload",
    "ONERING_FEATURES_TABLE": "materialize: the feature table Feast reads",
    "ONERING_VENVS": "drift: the evidently venv the Java step runs drift.py with",
}


def test_compose_airflow_can_run_every_step_of_the_ml_dag(root):
    """compose's Airflow runs the ML DAG in its scheduler (LocalExecutor): every venv a python step
    names, and the drift step's evidently, is built into its image at ONERING_VENVS, outside any
    mounted volume, and the scheduler's environment has what the steps read, passed on to them.
    (The image once had no venv at all and the scheduler no MLflow, model or Feast settings: the
    DAG loaded and every ML task after train failed.)"""
    import re

    import yaml

    doc = yaml.safe_load((root / "compose.yaml").read_text(encoding="utf-8"))
    env = {k: str(v) for k, v in doc["x-airflow-env"].items()}
    spec = onering_spec.load(root / "pipelines/spec/medallion.yaml")
    wanted = {s.venv for s in spec.steps if s.engine == onering_spec.PYTHON} | {"evidently"}

    build = doc["services"]["airflow-init"]["build"]
    dockerfile = (root / build["context"] / build.get("dockerfile", "Dockerfile")).read_text(encoding="utf-8")
    built = set(re.findall(r"^COPY (\w+)/requirements\.lock /tmp/locks/\1/requirements\.lock$", dockerfile, re.M))
    assert wanted <= built, f"the Airflow image builds no venv for {sorted(wanted - built)}"
    for v in built:
        assert (root / build["context"] / v / "requirements.lock").is_file(), f"no lock for the {v} venv"
    venvs = env.get("ONERING_VENVS")
    assert venvs, "compose's Airflow does not say where the step venvs are (ONERING_VENVS)"
    assert f'python -m venv "{venvs}/$v"' in dockerfile, f"the image does not make its venvs under {venvs}"
    mounts = [v.split(":")[1] for v in doc["x-airflow"]["volumes"]]
    covered = [m for m in mounts if venvs == m or venvs.startswith(m.rstrip("/") + "/")]
    assert not covered, f"{venvs} is under the mounted {covered}: the volume hides the image's venvs"

    feast_yaml = (root / "platform/featurestore/feast_repo/feature_store.yaml").read_text(encoding="utf-8")
    placeholders = set(re.findall(r"\$\{([A-Z0-9_]+)\}", feast_yaml))
    assert placeholders, "feature_store.yaml reads its registry and Redis from the environment"
    passed = steps.step_env(env)
    for name in sorted(placeholders | set(ML_STEP_SETTINGS)):
        assert name in passed, f"{name} ({ML_STEP_SETTINGS.get(name, 'feature_store.yaml')}) does not reach the steps"
    # Endpoints are the ml profile's services by their compose names.
    for name, service in (("ONERING_MLFLOW_URL", "mlflow"), ("ONERING_MODEL_URL", "bentoml")):
        assert f"//{service}:" in passed[name] and service in doc["services"]
    assert passed["ONERING_FEAST_REDIS"].startswith("redis:6379") and "redis" in doc["services"]
