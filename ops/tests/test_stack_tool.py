"""`make status` / `make smoke` logic (ops/scripts/stack.py) against fakes: a fake `docker ps`
and a fake Airflow 3 REST API on 127.0.0.1."""
from __future__ import annotations

import io
import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

import stack

RESULT = {"step": "x", "status": "success", "rows_in": 10, "rows_out": 9, "rows_rejected": 1,
          "quality": {"status": "passed"}, "error": None}


def fake_ps(lines):
    def runner(cmd, **kw):
        assert cmd[:3] == ["docker", "ps", "-a"]
        return subprocess.CompletedProcess(cmd, 0, stdout="\n".join(lines) + "\n", stderr="")
    return runner


@pytest.mark.parametrize("status, role, expected", [
    ("Up 2 minutes (healthy)", "", ("healthy", True)),
    ("Up 2 minutes (unhealthy)", "", ("unhealthy", False)),
    ("Up 5 seconds (health: starting)", "", ("starting", False)),
    ("Exited (0) 1 minute ago", "init", ("done", True)),
    ("Exited (1) 1 minute ago", "init", ("exited 1", False)),
    ("Exited (137) 1 minute ago", "", ("exited 137", False)),
    ("Up 2 minutes", "", ("no health", False)),
])
def test_container_states(status, role, expected):
    assert stack.classify(stack.Container("svc", status, role=role)) == expected


def test_status_lists_urls_and_fails_naming_the_unhealthy_service():
    lines = ["airflow-apiserver\tUp 1 minute (healthy)\thttp://127.0.0.1:8080\thttp://127.0.0.1:8080/api/v2/monitor/health\t",
             "minio-init\tExited (0) 1 minute ago\t\t\tinit",
             "clickhouse\tUp 1 minute (unhealthy)\thttp://127.0.0.1:8123/play\thttp://127.0.0.1:8123/ping\t"]
    out = io.StringIO()
    code = stack.status("onering", runner=fake_ps(lines), prober=lambda url: "HTTP 200", out=out)
    text = out.getvalue()
    assert code == 1
    assert "http://127.0.0.1:8080" in text and "done" in text
    assert "Not healthy: clickhouse (unhealthy)" in text


def test_status_passes_when_all_healthy_and_flags_a_silent_api():
    lines = ["grafana\tUp 1 minute (healthy)\thttp://127.0.0.1:3002\thttp://127.0.0.1:3002/api/health\t"]
    assert stack.status("onering", runner=fake_ps(lines), prober=lambda u: "HTTP 200", out=io.StringIO()) == 0
    out = io.StringIO()
    assert stack.status("onering", runner=fake_ps(lines), prober=lambda u: "no answer (refused)", out=out) == 1
    assert "grafana" in out.getvalue().split("Not healthy:")[1]


class FakeAirflow(BaseHTTPRequestHandler):
    """Just enough of Airflow 3's API: /auth/token, PATCH dag, POST/GET dagRuns, TIs, XCom."""
    tasks: dict[str, tuple[str, dict | None]] = {}
    polls_before_done = 2
    final_state = "success"
    calls: list[str] = []
    dag: dict = {"is_paused": False}
    triggered: dict = {}
    # Runs the scheduler creates when the DAG is unpaused (as Airflow's does for its latest interval).
    created_on_unpause: list[str] = []
    runs: list[str] = []

    def log_message(self, *a):
        pass

    def _send(self, code, body):
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n)) if n else {}

    def _authorized(self):
        return self.headers.get("Authorization") == "Bearer tok"

    def do_POST(self):
        body = self._body()
        FakeAirflow.calls.append(f"POST {self.path}")
        if self.path == "/auth/token":
            ok = body == {"username": "onering", "password": "pw"}
            return self._send(201 if ok else 401, {"access_token": "tok"} if ok else {"detail": "bad"})
        if not self._authorized():
            return self._send(401, {"detail": "no token"})
        assert body["conf"] == {"run_date": "2026-09-01"}
        FakeAirflow.run_id = body["dag_run_id"]
        FakeAirflow.triggered = body
        FakeAirflow.runs.append(body["dag_run_id"])
        return self._send(200, {"dag_run_id": body["dag_run_id"], "state": "queued"})

    def do_PATCH(self):
        FakeAirflow.calls.append(f"PATCH {self.path} {self._body()}")
        FakeAirflow.runs += FakeAirflow.created_on_unpause
        return self._send(200 if self._authorized() else 401, {"is_paused": False})

    def do_GET(self):
        if not self._authorized():
            return self._send(401, {"detail": "no token"})
        if self.path == "/api/v2/dags/onering_medallion":
            return self._send(200, FakeAirflow.dag)
        if self.path.startswith("/api/v2/dags/onering_medallion/dagRuns?"):
            return self._send(200, {"dag_runs": [{"dag_run_id": r} for r in FakeAirflow.runs]})
        if self.path.endswith("/taskInstances"):
            return self._send(200, {"task_instances": [{"task_id": t, "state": s} for t, (s, _) in self.tasks.items()]})
        if "/xcomEntries/return_value" in self.path:
            tid = self.path.split("/taskInstances/")[1].split("/")[0]
            return self._send(200, {"key": "return_value", "value": json.dumps(self.tasks[tid][1])})
        FakeAirflow.polls_before_done -= 1
        state = "running" if FakeAirflow.polls_before_done > 0 else FakeAirflow.final_state
        return self._send(200, {"state": state})


@pytest.fixture
def airflow():
    FakeAirflow.calls = []
    FakeAirflow.dag = {"is_paused": False}
    FakeAirflow.triggered = {}
    FakeAirflow.created_on_unpause = []
    FakeAirflow.runs = []
    FakeAirflow.polls_before_done = 2
    FakeAirflow.final_state = "success"
    FakeAirflow.tasks = {t: ("success", dict(RESULT, step=t)) for t in ("migrate", "silver", "gold", "publish-gold")}
    server = HTTPServer(("127.0.0.1", 0), FakeAirflow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield stack.AirflowClient(f"http://127.0.0.1:{server.server_port}", "onering", "pw", timeout=5)
    server.shutdown()


def run_smoke(client, timeout=60):
    verdict = stack.Verdict()
    stack.airflow_smoke(client, "2026-09-01", timeout, verdict, log=lambda *a: None, poll=0, sleep=lambda s: None)
    return verdict


def test_smoke_passes_when_every_step_succeeds(airflow):
    verdict = run_smoke(airflow)
    assert verdict.ok, verdict.failures
    assert any(c.startswith("PATCH /api/v2/dags/onering_medallion") for c in FakeAirflow.calls)
    assert "POST /api/v2/dags/onering_medallion/dagRuns" in FakeAirflow.calls


def test_smoke_names_the_failed_task(airflow):
    FakeAirflow.final_state = "failed"
    FakeAirflow.tasks["gold"] = ("failed", None)
    verdict = run_smoke(airflow)
    assert not verdict.ok
    assert "task gold ended failed" in verdict.failures
    assert any("ended failed" in f and "DAG run" in f for f in verdict.failures)


def test_smoke_fails_on_a_quality_gate_or_empty_output(airflow):
    FakeAirflow.tasks["silver"] = ("success", dict(RESULT, step="silver", quality={"status": "failed"}))
    FakeAirflow.tasks["gold"] = ("success", dict(RESULT, step="gold", rows_out=0))
    failures = run_smoke(airflow).failures
    assert any("silver: quality gate failed" in f for f in failures), failures
    assert any("step gold wrote no rows" in f for f in failures), failures


def test_smoke_times_out_with_a_message(airflow):
    FakeAirflow.polls_before_done = 10**6
    verdict = stack.Verdict()
    ticks = iter(range(0, 10**6, 100))
    stack.airflow_smoke(airflow, "2026-09-01", 250, verdict, log=lambda *a: None, poll=0,
                        sleep=lambda s: None, clock=lambda: next(ticks))
    assert any("timeout (running after 250s)" in f for f in verdict.failures), verdict.failures


def test_wrong_password_is_reported(airflow):
    airflow.password = "wrong"
    with pytest.raises(RuntimeError, match="HTTP 401"):
        airflow.login()


def test_smoke_seeds_the_run_date_into_the_lake_of_the_onering_container():
    cmd = stack.seed_command("2026-11-20")
    assert cmd[:4] == ["run", "--rm", "onering", "generate"]
    args = dict(zip(cmd[4::2], cmd[5::2]))
    # The simulated days must contain the run date, or generate writes nothing.
    assert args == {"--start-date": "2026-11-20", "--days": "1", "--run-date": "2026-11-20"}


PAUSED = {"is_paused": True, "next_dagrun_logical_date": "2026-09-01T00:00:00Z",
          "next_dagrun_data_interval_start": "2026-09-01T00:00:00Z",
          "next_dagrun_data_interval_end": "2026-09-02T00:00:00Z"}


def test_on_a_paused_dag_the_smokes_run_is_the_latest_intervals_run_triggered_before_unpausing(airflow):
    """Issue 11, defect 7: unpausing makes the scheduler create the latest interval's run, and the
    smoke's run waited behind it (max_active_runs=1). The smoke's run is that run instead."""
    FakeAirflow.dag = PAUSED
    verdict = run_smoke(airflow)
    assert verdict.ok, verdict.failures
    body = FakeAirflow.triggered
    assert (body["logical_date"], body["data_interval_start"], body["data_interval_end"]) == (
        "2026-09-01T00:00:00Z", "2026-09-01T00:00:00Z", "2026-09-02T00:00:00Z")
    trigger = FakeAirflow.calls.index("POST /api/v2/dags/onering_medallion/dagRuns")
    unpause = next(i for i, c in enumerate(FakeAirflow.calls) if c.startswith("PATCH /api/v2/dags/onering_medallion"))
    assert trigger < unpause, FakeAirflow.calls


def test_a_run_the_scheduler_started_beside_the_smokes_fails_the_smoke(airflow):
    FakeAirflow.dag = PAUSED
    FakeAirflow.created_on_unpause = ["scheduled__2026-09-01T00:00:00+00:00"]
    failures = run_smoke(airflow).failures
    assert any("other runs of onering_medallion beside the smoke's: scheduled__2026-09-01" in f for f in failures), failures


def test_the_default_run_date_is_the_paused_dags_latest_interval():
    assert stack.default_run_date(stack.latest_interval(PAUSED)) == "2026-09-01"
    assert stack.latest_interval({**PAUSED, "is_paused": False}) is None


def test_an_api_server_that_does_not_answer_is_reported_not_a_traceback():
    import socket
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts, never answers
    try:
        client = stack.AirflowClient(f"http://127.0.0.1:{silent.getsockname()[1]}", "u", "p", timeout=0.2)
        client.token = "tok"
        with pytest.raises(RuntimeError, match=r"no answer after 3 attempt\(s\) of 0 s"):
            client.dag("onering_medallion")
    finally:
        silent.close()


def test_a_skipped_step_fails_the_smoke_with_its_reason(airflow):
    """Issue 11, defect 3: with nothing in the landing bucket ingest-csv and silver-csv are skipped."""
    FakeAirflow.tasks["ingest-csv"] = ("success", dict(RESULT, step="ingest-csv", status="skipped",
                                                       details={"reason": "no .csv files under s3a://landing/ohlcv_csv yet"}))
    failures = run_smoke(airflow).failures
    assert "step ingest-csv: status skipped: no .csv files under s3a://landing/ohlcv_csv yet" in failures, failures


def test_a_verdict_reports_its_notes_then_passes_or_lists_its_failures_on_stderr(capsys):
    verdict = stack.Verdict(notes=["rows = 3"])
    assert verdict.report("SMOKE", "all good.") == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == ["  rows = 3", "", "SMOKE PASSED: all good."] and out.err == ""

    verdict.fail("task gold ended failed")
    assert verdict.report("ML SMOKE", "never printed") == 1
    out = capsys.readouterr()
    assert "PASSED" not in out.out and out.err.splitlines() == ["", "ML SMOKE FAILED:", "  - task gold ended failed"]


def test_spark_steps_that_ran_together_are_named_and_one_after_another_pass():
    def ti(task_id, start, end, pool=stack.SPARK_POOL):
        return {"task_id": task_id, "pool": pool, "start_date": f"2026-12-04T05:{start}Z",
                "end_date": f"2026-12-04T05:{end}Z"}
    one_by_one = [ti("silver", "41:00", "43:00"), ti("silver-csv", "43:00", "44:00"), ti("load", "41:30", "42:00", "default_pool")]
    assert stack.pool_clashes(one_by_one, stack.SPARK_POOL) == []
    together = [ti("silver", "41:00", "45:00"), ti("features", "41:10", "41:20"), ti("silver-csv", "44:00", "46:00")]
    assert stack.pool_clashes(together, stack.SPARK_POOL) == [
        "features started while silver ran", "silver-csv started while silver ran"]
    # A task still running (no end) is not judged; unknown pools are not this one's.
    assert stack.pool_clashes([ti("silver", "41:00", "45:00"), {"task_id": "x", "pool": stack.SPARK_POOL,
                                                                   "start_date": "2026-12-04T05:42:00Z"}],
                              stack.SPARK_POOL) == []
