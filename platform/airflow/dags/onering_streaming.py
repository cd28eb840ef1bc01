"""The streaming DAG: keeps the Flink job of the spec running (check, or deploy when absent).

Generated from the spec's steps with `engine: flink` (stack only): the `stream` step, whose job is
onering-stream (dev.onering.stream.job.StreamJob in /opt/onering/flink/onering-flink.jar). Every
15 minutes it looks the job up by name on the Flink cluster and deploys it only when no active job
has that name. A spec without a flink step gets a check that the cluster answers with free slots.
"""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from onering_airflow import spec as onering_spec
from onering_airflow.operators import FlinkClusterCheckOperator, FlinkJobOperator

SPEC = onering_spec.load()
STEPS = onering_spec.stack_steps(SPEC, engines=("flink",))

with DAG(
    dag_id="onering_streaming",
    description="Deploy the Flink streaming job if it is not running; otherwise check it.",
    doc_md=__doc__,
    schedule="*/15 * * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "onering", "retries": 1, "retry_delay": timedelta(minutes=1),
                  "execution_timeout": timedelta(minutes=10)},
    tags=["onering", "streaming"],
) as dag:
    if STEPS:
        for s in STEPS:
            FlinkJobOperator(task_id=s.task_id, step_id=s.id, command=list(s.command), doc_md=s.description)
    else:
        FlinkClusterCheckOperator(task_id="flink_cluster_ready")
