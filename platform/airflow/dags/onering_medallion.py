"""The daily medallion DAG, generated from the one pipeline spec (pipelines/spec/medallion.yaml).

Every task is the generic OneRingStepOperator running one spec step; this file holds no
business logic, only the graph. See the DAG's doc_md in the Airflow UI for how to re-run a day.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG, Param
from airflow.timetables.interval import CronDataIntervalTimetable

from onering_airflow import spec as onering_spec
from onering_airflow.operators import OneRingStepOperator

SPEC = onering_spec.load()
STEPS = onering_spec.stack_steps(SPEC, engines=("light", "spark"))

DOC = f"""
### {SPEC.pipeline}: {SPEC.description}

Generated from `pipelines/spec/medallion.yaml`: the steps whose `runtimes` include `stack`.
Each task runs one `onering` step for the **run date**, the start of the run's data interval
(a daily run covers `[D, D+1)` and processes partition `D`), and pushes the step's JSON result
to XCom (`return_value`).

* **Re-run a day**: trigger with `run_date` = `YYYY-MM-DD`, or clear the run; every step
  replaces that date's partitions, never duplicates them.
* **Light steps** run as `java` in the scheduler; **spark steps** go to the Spark master
  (its UI shows the driver and its log), one at a time across DAGs (the `onering_spark` pool).
"""

with DAG(
    dag_id="onering_medallion",
    description=SPEC.description,
    doc_md=DOC,
    # Interval semantics on purpose: the run for D starts after D ends, and data_interval_start
    # is D (Airflow 3's default cron timetable would make the interval empty).
    schedule=CronDataIntervalTimetable(SPEC.schedule, timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    params={"run_date": Param(None, type=["null", "string"], format="date",
                              description="Process this date instead of the data interval's start.")},
    default_args={
        "owner": "onering",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "execution_timeout": timedelta(hours=1),
    },
    tags=["onering", "medallion", "batch"],
) as dag:
    tasks = {
        s.id: OneRingStepOperator(
            task_id=s.task_id, step_id=s.id, command=list(s.command), engine=s.engine,
            doc_md=s.description)
        for s in STEPS
    }
    for s in STEPS:
        for up in onering_spec.upstream(s, STEPS, SPEC):
            tasks[up] >> tasks[s.id]
