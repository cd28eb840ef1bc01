"""The onering_streaming DAG run with dag.test() on the native stack: FlinkJobOperator uploads
pipelines/streaming/target/onering-flink.jar to the native Flink session cluster (REST jar upload
and run, exactly as in the stack), the job reaches RUNNING against the native Pulsar, ClickHouse
(chDB) and S3Proxy, and a second run only checks it. The job is cancelled afterwards."""
from __future__ import annotations

import json
import time
import urllib.request

import pytest
from airflow.dag_processing.dagbag import DagBag

from conftest import ROOT

JOB = "onering-stream"


def flink(stack, path: str, method: str = "GET"):
    req = urllib.request.Request(f"http://127.0.0.1:{stack.ports['flink_rest']}{path}", method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
    return json.loads(raw) if raw else {}


def jobs_named(stack, name: str) -> list[dict]:
    return [j for j in flink(stack, "/jobs/overview")["jobs"] if j["name"] == name]


@pytest.fixture
def no_stream_job_left(stack):
    yield
    for job in jobs_named(stack, JOB):
        if job["state"] not in ("CANCELED", "FAILED", "FINISHED"):
            flink(stack, f"/jobs/{job['jid']}?mode=cancel", method="PATCH")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(j["state"] not in ("CANCELED", "FAILED", "FINISHED")
                                              for j in jobs_named(stack, JOB)):
        time.sleep(1)
    assert all(j["state"] in ("CANCELED", "FAILED", "FINISHED") for j in jobs_named(stack, JOB))


def run_streaming_dag():
    dag = DagBag(dag_folder=str(ROOT / "platform" / "airflow" / "dags")).get_dag(
        "onering_streaming")
    run = dag.test()
    ti = next(t for t in run.get_task_instances() if t.task_id == "stream")
    return run, ti


def test_the_streaming_dag_deploys_the_job_and_then_only_checks_it(stack, no_stream_job_left):
    assert not [j for j in jobs_named(stack, JOB) if j["state"] == "RUNNING"], "a job left by an earlier run"
    run, ti = run_streaming_dag()
    assert run.state == "success", f"onering_streaming ended {run.state}; see the task log above"
    running = [j for j in jobs_named(stack, JOB) if j["state"] == "RUNNING"]
    assert len(running) == 1, jobs_named(stack, JOB)
    result = ti.xcom_pull(task_ids="stream")
    assert result["status"] == "success" and result["details"]["action"] == "deployed", result
    assert result["details"]["job_id"] == running[0]["jid"]
    # The job's sources and sinks are the native stack's: its plan names the Pulsar topic it reads.
    plan = flink(stack, f"/jobs/{running[0]['jid']}/plan")["plan"]
    assert any("pulsar" in n["description"].lower() for n in plan["nodes"]), plan["nodes"]

    run, ti = run_streaming_dag()
    assert run.state == "success"
    again = ti.xcom_pull(task_ids="stream")
    assert again["details"]["action"] == "checked" and again["details"]["job_id"] == running[0]["jid"], again
    assert len([j for j in jobs_named(stack, JOB) if j["state"] == "RUNNING"]) == 1, "deployed twice"
