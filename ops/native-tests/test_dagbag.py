"""The DAG files in a real DagBag (Airflow 3.3 from the lock, the plugin on its path): they import
without errors, and each DAG is the graph the pipeline spec declares."""
from __future__ import annotations

import pytest
from airflow.dag_processing.dagbag import DagBag

from conftest import ROOT
from onering_airflow import spec as onering_spec
from onering_airflow.operators import FlinkJobOperator, OneRingStepOperator

DAGS = ROOT / "platform" / "airflow" / "dags"


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(DAGS))


def test_every_dag_file_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"onering_medallion", "onering_streaming", "onering_ml"}
    assert len(dagbag.dag_ids) == len(list(DAGS.glob("*.py"))), "one DAG per file"


def test_the_medallion_dag_is_the_specs_stack_graph(dagbag, spec):
    dag = dagbag.get_dag("onering_medallion")
    steps = onering_spec.stack_steps(spec, engines=("light", "spark"))
    assert sorted(dag.task_ids) == sorted(s.task_id for s in steps)
    for s in steps:
        task = dag.get_task(s.task_id)
        assert isinstance(task, OneRingStepOperator)
        assert (task.step_id, task.command, task.engine) == (s.id, list(s.command), s.engine)
        assert sorted(task.upstream_task_ids) == sorted(onering_spec.upstream(s, steps, spec)), s.id
    assert dag.max_active_runs == 1 and dag.catchup is False and dag.doc_md


def test_every_spark_step_of_every_dag_takes_the_spark_pool_and_no_other_step_does(dagbag):
    from onering_airflow import steps as airflow_steps
    tasks = [t for d in dagbag.dags.values() for t in d.tasks if isinstance(t, OneRingStepOperator)]
    assert {t.engine for t in tasks} >= {"spark", "light"}
    for t in tasks:
        assert (t.pool == airflow_steps.SPARK_POOL) == (t.engine == "spark"), (t.dag_id, t.task_id, t.pool)


def test_the_streaming_dag_deploys_the_specs_flink_step(dagbag, spec):
    dag = dagbag.get_dag("onering_streaming")
    (step,) = onering_spec.stack_steps(spec, engines=("flink",))
    task = dag.get_task(step.task_id)
    assert isinstance(task, FlinkJobOperator)
    assert (task.step_id, task.command, task.job_name) == (step.id, list(step.command), f"onering-{step.id}")
    assert dag.catchup is False and dag.doc_md


@pytest.mark.parametrize("path", sorted(DAGS.glob("*.py")), ids=lambda p: p.name)
def test_a_dag_file_does_no_work_when_parsed(path):
    """Parsed every 30 s by the dag-processor: no clock reads, credentials or heavy clients there."""
    source = path.read_text(encoding="utf-8")
    for banned in ("datetime.now(", "pendulum.now(", "import boto3", "Variable.get(", "requests"):
        assert banned not in source, f"{path.name} calls {banned} at parse time"


def test_a_broken_dag_file_is_reported_with_its_error(tmp_path):
    (tmp_path / "broken.py").write_text("from airflow.sdk import DAG\nraise RuntimeError('no spec here')\n")
    bag = DagBag(dag_folder=str(tmp_path))
    assert "no spec here" in next(iter(bag.import_errors.values()))
