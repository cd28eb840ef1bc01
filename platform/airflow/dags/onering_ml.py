"""The ML DAG, generated from the one pipeline spec (pipelines/spec/medallion.yaml): the steps with
`dag: ml` that run in the stack (features -> train -> register -> materialize -> deploy -> drift),
with the dependencies the spec declares.

Every task is the generic OneRingStepOperator: spark and light steps as in the medallion DAG,
python steps (`engine: python`) as their program, run from the OneRing folder with their service
venv's bin/ first on PATH. This file holds no logic, only the graph. Until the spec declares ml
steps there is no DAG.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG, Param
from airflow.timetables.interval import CronDataIntervalTimetable

from onering_airflow import spec as onering_spec
from onering_airflow.operators import OneRingStepOperator

SPEC = onering_spec.load()
STEPS = onering_spec.stack_steps(SPEC, engines=("light", "spark", "python"), dag="ml")

DOC = f"""
### onering_ml: features, model, serving and drift

Generated from `pipelines/spec/medallion.yaml`: the steps with `dag: ml` whose `runtimes`
include `stack` ({", ".join(s.id for s in STEPS)}). Each task runs one step for the **run date**
(the start of the data interval, or the `run_date` param) and pushes its JSON result to XCom.

* **materialize** loads each symbol's latest features up to that day into Feast's online store;
* **deploy** makes the model service load the model the `champion` alias points at;
* **drift** compares the training window with the latest days (Evidently) and logs the report
  to the model's MLflow run.

Re-running a day is safe: each step replaces that day's output.
"""

if STEPS:
    with DAG(
        dag_id="onering_ml",
        description="Features, training, the champion served, and drift: the spec's ml steps.",
        doc_md=DOC,
        schedule=CronDataIntervalTimetable(SPEC.schedule, timezone="UTC"),
        start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
        catchup=False,
        max_active_runs=1,
        params={"run_date": Param(None, type=["null", "string"], format="date",
                                  description="Process this date instead of the data interval's start.")},
        default_args={
            "owner": "onering",
            "retries": 1,
            "retry_delay": timedelta(minutes=2),
            "execution_timeout": timedelta(hours=1),
        },
        tags=["onering", "ml"],
    ) as dag:
        tasks = {
            s.id: OneRingStepOperator(
                task_id=s.task_id, step_id=s.id, command=list(s.command), engine=s.engine, venv=s.venv,
                doc_md=s.description)
            for s in STEPS
        }
        for s in STEPS:
            for up in onering_spec.upstream(s, STEPS, SPEC):
                tasks[up] >> tasks[s.id]
