"""The generic step operator: runs any pipeline step wherever its engine says, and pushes the
step's JSON result (docs/step-contract.md) to XCom as the task's return value.

- light: `java -cp /opt/onering/... dev.onering.cli.OneRing <step>` inside this worker;
- python: the step's program (`command`, `{run_date}` filled in) inside this worker, from the
  OneRing folder with its service venv's bin/ first on PATH (the ML DAG's materialize and deploy);
- spark: submitted to the Spark master's REST server in cluster mode, polled until the driver
  ends; the driver writes its result to the shared results volume (`--result`);
- flink: the job checked, or deployed, through Flink's REST API (FlinkJobOperator).

Decisions (status codes, polling, what a result means) live in `steps`, which the static checks
test without Airflow; this module only does I/O.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

from airflow.sdk.exceptions import AirflowException, AirflowFailException
from airflow.sdk import BaseOperator

from onering_airflow import steps

# The partition a run works on: an explicit `run_date` param (re-run or backfill one day from the
# trigger form or the REST API), else the start of the run's data interval.
RUN_DATE_TEMPLATE = "{{ params.run_date or (data_interval_start | ds) }}"


def _http():
    import requests  # imported at run time: keeps DAG parsing light

    return requests


class OneRingStepOperator(BaseOperator):
    """Run one `onering` step for one run date and return its JSON result."""

    template_fields = ("run_date",)
    ui_color = "#f0e4d0"

    def __init__(self, *, step_id: str, command: list[str], engine: str, venv: str | None = None,
                 run_date: str = RUN_DATE_TEMPLATE, poll_seconds: float = 5.0, **kwargs):
        if engine not in ("light", "spark", "python"):
            raise ValueError(f"step '{step_id}': OneRingStepOperator runs light, spark and python steps, not {engine!r}")
        if (engine == "python") != (venv is not None):
            raise ValueError(f"step '{step_id}': a python step, and only one, names its venv")
        if engine == "spark":
            kwargs.setdefault("pool", steps.SPARK_POOL)
        super().__init__(**kwargs)
        self.venv = venv
        self.step_id = step_id
        self.command = list(command)
        self.engine = engine
        self.run_date = run_date
        self.poll_seconds = poll_seconds
        self._submission_id: str | None = None

    # -- shared -------------------------------------------------------------------------------
    def _result_file(self, context) -> str:
        ti = context["ti"]
        path = steps.result_path(
            steps.env_or("ONERING_RESULTS_DIR", "/var/lib/onering/results"),
            ti.dag_id, context["run_id"], ti.task_id, ti.try_number)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return path

    def execute(self, context):
        result_file = self._result_file(context)
        if self.engine == "python":
            result = self._run_python()
            # The program is not told where; the shared results folder gets its result all the same.
            Path(result_file).write_text(json.dumps(result) + "\n", encoding="utf-8")
        else:
            args = steps.step_args(self.command, self.run_date, result_file)
            self.log.info("step %s (%s): onering %s", self.step_id, self.engine, " ".join(args))
            if self.engine == "light":
                cmd = steps.java_command(args, steps.env_or("ONERING_DIST", steps.ONERING_HOME),
                                         os.environ.get("ONERING_JAVA_OPTS", ""))
                result = self._run_here(cmd, steps.step_env(dict(os.environ)))
            else:
                result = self._run_spark(args, result_file)
        self.log.info("result: %s", json.dumps(result))
        if result.get("status") == "failed":
            raise AirflowException(steps.failure_message(self.step_id, result))
        return result  # -> XCom return_value

    # -- python: a program of a service venv, here ---------------------------------------------
    def _run_python(self) -> dict:
        steps.step_args([], self.run_date)  # the run date is YYYY-MM-DD, or the step is not run
        cmd = [w.replace("{run_date}", self.run_date) for w in self.command]
        home = steps.env_or("ONERING_FOLDER", steps.ONERING_FOLDER)
        env = steps.python_env(dict(os.environ), self.venv, steps.env_or("ONERING_VENVS", steps.VENVS), home)
        self.log.info("step %s (python, venv %s): %s", self.step_id, self.venv, " ".join(cmd))
        return self._run_here(cmd, env, cwd=home,
                              result=lambda out: steps.python_result(self.step_id, self.run_date, out))

    # -- light and python: a process here ------------------------------------------------------
    def _run_here(self, cmd: list[str], step_env: dict[str, str], cwd: str | None = None, result=None) -> dict:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **step_env}
        # A program named without a path is looked up on the step's PATH (a venv's bin/ first).
        cmd = [shutil.which(cmd[0], path=env["PATH"]) or cmd[0], *cmd[1:]]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)

        def pump_stderr():  # progress goes to stderr: stream it into the task log
            for line in proc.stderr:
                self.log.info("%s", line.rstrip())

        pump = threading.Thread(target=pump_stderr, daemon=True)
        pump.start()
        stdout = proc.stdout.read()
        code = proc.wait()
        pump.join(timeout=5)
        try:
            result = (result or steps.parse_result)(stdout)
        except steps.StepResultError as e:
            result = None
            self.log.error("%s", e)
        if code == steps.EXIT_USAGE:
            # Called wrongly: retrying cannot help.
            raise AirflowFailException(steps.failure_message(self.step_id, result, code))
        if code != steps.EXIT_OK or result is None:
            raise AirflowException(steps.failure_message(self.step_id, result, code))
        return result

    # -- spark: REST submission to the standalone master ---------------------------------------
    def _run_spark(self, args: list[str], result_file: str) -> dict:
        http = _http()
        rest = steps.env_or("ONERING_SPARK_REST_URL", "http://spark-master:6066").rstrip("/")
        defaults_file = steps.spark_defaults_path(steps.env_or("ONERING_HOME", "/etc/onering"))
        try:
            defaults = steps.spark_defaults(Path(defaults_file).read_text(encoding="utf-8"))
        except OSError as e:
            raise AirflowFailException(f"step '{self.step_id}': cannot read {defaults_file} ({e}); "
                                       "ONERING_HOME must hold the platform folder") from e
        body = steps.spark_submission(
            step_id=self.step_id, args=args, run_date=self.run_date,
            master_url=steps.env_or("ONERING_SPARK_MASTER_URL", "spark://spark-master:7077"),
            env=steps.step_env(dict(os.environ)), defaults=defaults,
            home=steps.env_or("ONERING_DIST", steps.ONERING_HOME))
        resp = http.post(f"{rest}/v1/submissions/create", json=body, timeout=30)
        resp.raise_for_status()
        created = resp.json()
        if not created.get("success") or not created.get("submissionId"):
            raise AirflowException(f"Spark master refused step '{self.step_id}': {created.get('message')}")
        self._submission_id = created["submissionId"]
        self.log.info("submitted %s as %s", self.step_id, self._submission_id)

        state = "SUBMITTED"
        while state not in steps.SPARK_DRIVER_DONE:
            time.sleep(self.poll_seconds)
            status = http.get(f"{rest}/v1/submissions/status/{self._submission_id}", timeout=30)
            status.raise_for_status()
            new_state = steps.spark_driver_state(status.json())
            if new_state != state:
                self.log.info("driver %s: %s", self._submission_id, new_state)
            state = new_state

        result = None
        if Path(result_file).exists():
            result = steps.validate_result(json.loads(Path(result_file).read_text(encoding="utf-8")))
        if state != steps.SPARK_DRIVER_OK or result is None:
            detail = steps.failure_message(self.step_id, result)
            raise AirflowException(f"{detail} (Spark driver {self._submission_id} ended {state}; "
                                   f"its log is on the Spark worker UI)")
        return result

    def on_kill(self):
        if self._submission_id:
            rest = steps.env_or("ONERING_SPARK_REST_URL", "http://spark-master:6066").rstrip("/")
            _http().post(f"{rest}/v1/submissions/kill/{self._submission_id}", timeout=30)


class FlinkJobOperator(BaseOperator):
    """Make sure the streaming job runs: check it by name (onering-<step id>) through Flink's REST
    API and deploy it (upload onering-flink.jar, run its entry class with the spec's options and
    `--job-name`) only when no active job has that name. A job of that name that ended (failed
    past its restarts, or cancelled) is resumed from its latest retained checkpoint, so the new
    one neither re-reads nor re-writes what the old one had committed. Idempotent."""

    ui_color = "#e6d0f0"

    def __init__(self, *, step_id: str, command: list[str], job_name: str | None = None,
                 start_timeout_seconds: int = 180, poll_seconds: float = 5.0, **kwargs):
        super().__init__(**kwargs)
        self.step_id = step_id
        self.command = list(command)
        self.job_name = job_name or f"onering-{step_id}"
        self.start_timeout_seconds = start_timeout_seconds
        self.poll_seconds = poll_seconds

    def execute(self, context):
        http = _http()
        rest = steps.env_or("ONERING_FLINK_REST_URL", "http://flink-jobmanager:8081").rstrip("/")
        overview = http.get(f"{rest}/jobs/overview", timeout=30)
        overview.raise_for_status()
        job_id, state = steps.flink_job_state(overview.json(), self.job_name)
        if state in steps.FLINK_ACTIVE:
            return self._result("checked", job_id, state)
        resume = None
        if job_id is not None:  # an earlier job of this name ended: carry on from its state
            checkpoints = http.get(f"{rest}/jobs/{job_id}/checkpoints", timeout=30)
            if checkpoints.ok:
                resume = steps.flink_resume_path(checkpoints.json())
            self.log.info("job %s of that name ended %s; %s", job_id, state,
                          f"resuming from {resume}" if resume else "no retained checkpoint, starting afresh")

        jar = steps.env_or("ONERING_FLINK_JAR", steps.FLINK_JAR)
        if not Path(jar).exists():
            raise AirflowFailException(f"step '{self.step_id}': Flink job jar {jar} not found; "
                                       "set ONERING_FLINK_JAR or rebuild the onering image")
        with open(jar, "rb") as f:
            up = http.post(f"{rest}/jars/upload", timeout=120,
                           files={"jarfile": (Path(jar).name, f, "application/x-java-archive")})
        up.raise_for_status()
        jar_id = Path(up.json()["filename"]).name
        # The job's main runs inside the job manager and reads its endpoints from that container's
        # environment (compose.yaml); only the spec's options and the job's name travel from here.
        run = http.post(f"{rest}/jars/{jar_id}/run", timeout=120, json=steps.flink_run_request(
            steps.env_or("ONERING_FLINK_ENTRY_CLASS", steps.FLINK_ENTRY_CLASS),
            steps.flink_program_args(self.command, self.job_name), savepoint_path=resume))
        run.raise_for_status()
        job_id = run.json()["jobid"]

        deadline = time.monotonic() + self.start_timeout_seconds
        state = "CREATED"
        while state != "RUNNING":
            if time.monotonic() > deadline:
                raise AirflowException(f"Flink job {job_id} not RUNNING after {self.start_timeout_seconds}s (last: {state})")
            if state in ("FAILED", "CANCELED", "FINISHED"):
                raise AirflowException(f"Flink job {job_id} ended {state} right after deploy; see the Flink UI")
            time.sleep(self.poll_seconds)
            job = http.get(f"{rest}/jobs/{job_id}", timeout=30)
            job.raise_for_status()
            state = job.json().get("state", "UNKNOWN")
        return self._result("deployed", job_id, state, resumed_from=resume)

    def _result(self, action: str, job_id, state, resumed_from: str | None = None) -> dict:
        self.log.info("Flink job %s: %s (%s, %s)", self.job_name, action, job_id, state)
        return {"step": self.step_id, "run_date": None, "status": "success",
                "details": {"action": action, "job_name": self.job_name, "job_id": job_id, "state": state,
                            "resumed_from": resumed_from},
                "quality": None, "error": None}


class FlinkClusterCheckOperator(BaseOperator):
    """The Flink session cluster answers and has task slots (what the streaming DAG runs when the
    spec declares no flink step)."""

    def execute(self, context):
        rest = steps.env_or("ONERING_FLINK_REST_URL", "http://flink-jobmanager:8081").rstrip("/")
        resp = _http().get(f"{rest}/overview", timeout=30)
        resp.raise_for_status()
        overview = resp.json()
        if overview.get("taskmanagers", 0) < 1 or overview.get("slots-total", 0) < 1:
            raise AirflowException(f"Flink cluster has no task slots: {overview}")
        return {"step": "flink-cluster", "run_date": None, "status": "success",
                "details": overview, "quality": None, "error": None}
