"""How one pipeline step is invoked and how its result is read: the step contract
(docs/step-contract.md) on the Airflow side. Pure functions, no Airflow import, so the static
checks test them with plain Python.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import PurePosixPath

MAIN_CLASS = "dev.onering.cli.OneRing"
ONERING_HOME = "/opt/onering"
# The streaming job's entry class in onering-flink.jar: `onering stream job` (StreamJob.ENTRY_CLASS).
FLINK_ENTRY_CLASS = "dev.onering.stream.job.StreamJob"
FLINK_JAR = f"{ONERING_HOME}/flink/onering-flink.jar"
# Python steps: the services' venvs (one per platform/<service>/requirements.lock) and the OneRing
# folder they run from (platform/ and pipelines/spec under it). ONERING_VENVS / ONERING_FOLDER override.
VENVS = "/opt/venvs"
ONERING_FOLDER = "/etc/onering"

# The Java 17 options Spark's launcher gives every JVM it starts (JavaModuleOptions). A driver that
# the standalone worker launches for a REST submission gets only what the submission names.
SPARK_DRIVER_JAVA_OPTIONS = (
    "-XX:+IgnoreUnrecognizedVMOptions",
    *(f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in (
        "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
        "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref", "sun.nio.ch", "sun.nio.cs",
        "sun.security.action", "sun.util.calendar")),
    "-Djdk.reflect.useDirectMethodHandle=false",
    "-Dio.netty.tryReflectionSetAccessible=true",
)
# What spark-submit would take from spark-defaults.conf for the application (sizes, SQL settings);
# the REST server never reads that file (Spark's StandaloneRestServer.buildDriverDescription builds
# the driver from the request's sparkProperties alone), so the operator sends them itself. The
# lake's spark.hadoop.* settings are not sent: the step sets them from ONERING_S3_* (StepContext).
SPARK_APP_PROPERTY_PREFIXES = ("spark.driver.", "spark.executor.", "spark.cores.max", "spark.sql.")

# Spark driver states (standalone master REST API): terminal ones end the poll.
SPARK_DRIVER_DONE = {"FINISHED", "FAILED", "KILLED", "ERROR"}
# The Airflow pool every spark step takes a slot of, across DAGs. The stack's Spark worker (2
# cores, 3 GB) holds one driver and one executor; two drivers started together take a core each
# and leave none for any executor, and both wait forever ("Initial job has not accepted any
# resources"). Created by airflow-init (compose.yaml) and by the native stack's init.
SPARK_POOL = "onering_spark"
SPARK_POOL_SLOTS = 1
SPARK_POOL_DESCRIPTION = "OneRing spark steps: the Spark worker holds one driver and its executor at a time"
SPARK_DRIVER_OK = "FINISHED"

# Exit codes of the contract.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# Environment passed on to a step wherever it runs (Spark driver, java process).
PASS_ENV_PREFIXES = ("ONERING_", "AWS_")
# ...except the Airflow-side settings, which mean nothing to the step. ONERING_VENVS is passed: the
# drift step runs Evidently from it (the CLI's `venvs` setting).
NOT_PASSED = {"ONERING_SPARK_REST_URL", "ONERING_SPARK_MASTER_URL", "ONERING_FLINK_REST_URL",
              "ONERING_RESULTS_DIR", "ONERING_JAVA_OPTS", "ONERING_DIST", "ONERING_FOLDER"}


class StepResultError(ValueError):
    """A step did not print a result the contract allows."""


def step_args(command, run_date: str | None, result_file: str | None = None) -> list[str]:
    """`onering <command...> --run-date D [--result FILE]` as an argument list."""
    args = list(command)
    if run_date is not None:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", run_date):
            raise ValueError(f"run date must be YYYY-MM-DD, got {run_date!r}")
        args += ["--run-date", run_date]
    if result_file is not None:
        args += ["--result", result_file]
    return args


# What ops/scripts/onering opens for every step: the light steps read Iceberg tables (publish-gold
# reads Gold's snapshot), whose Parquet/Arrow readers reach into java.nio's buffers.
LIGHT_JVM_OPENS = ("--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")


def java_command(args: list[str], home: str = ONERING_HOME, java_opts: str = "") -> list[str]:
    """The `java` invocation for a light step, with the CLI jar and its lib/ on the classpath."""
    return ["java", *LIGHT_JVM_OPENS, *java_opts.split(), "-cp", f"{home}/onering-cli.jar:{home}/lib/*",
            MAIN_CLASS, *args]


def python_env(environ: dict[str, str], venv: str, venvs: str, home: str) -> dict[str, str]:
    """A python step's environment: the step environment, its service venv's bin/ first on PATH (make
    py-setup makes <venvs>/<venv> from platform/<venv>/requirements.lock), onering_ml importable."""
    path = environ.get("PATH", "/usr/bin:/bin")
    return {**step_env(environ), "PATH": f"{PurePosixPath(venvs, venv, 'bin')}:{path}",
            "VIRTUAL_ENV": str(PurePosixPath(venvs, venv)), "PYTHONPATH": str(PurePosixPath(home, "platform", "ml"))}


def python_result(step_id: str, run_date: str | None, stdout: str) -> dict:
    """A python step's result: its last stdout line when that is a JSON step result, else one made
    here (the program exited 0; medallion.yaml's header)."""
    try:
        return parse_result(stdout)
    except StepResultError:
        return {"step": step_id, "run_date": run_date, "status": "success", "details": {}, "quality": None,
                "error": None}


def step_env(environ: dict[str, str]) -> dict[str, str]:
    """The subset of the environment a step needs (lake, stores, credentials)."""
    return {k: v for k, v in environ.items()
            if k.startswith(PASS_ENV_PREFIXES) and k not in NOT_PASSED}


def parse_result(stdout: str) -> dict:
    """The step result: the last non-empty line of standard output, a JSON object."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        raise StepResultError("the step printed nothing on standard output; expected a JSON result as the last line")
    try:
        result = json.loads(lines[-1])
    except json.JSONDecodeError as e:
        raise StepResultError(f"the last stdout line is not JSON ({e}): {lines[-1][:200]!r}") from e
    return validate_result(result)


def validate_result(result) -> dict:
    if not isinstance(result, dict):
        raise StepResultError(f"the step result must be a JSON object, got {type(result).__name__}")
    missing = [k for k in ("step", "status") if k not in result]
    if missing:
        raise StepResultError(f"the step result lacks {missing}: {json.dumps(result)[:200]}")
    if result["status"] not in ("success", "failed", "skipped"):
        raise StepResultError(f"unknown step status {result['status']!r}")
    return result


def failure_message(step_id: str, result: dict | None, exit_code: int | None = None) -> str:
    where = f"step '{step_id}'"
    if exit_code is not None:
        where += f" exited {exit_code}"
    if result and result.get("error"):
        return f"{where}: {result['error']}"
    if result:
        return f"{where}: status {result.get('status')}"
    return f"{where}: no result"


def result_path(results_dir: str, dag_id: str, run_id: str, task_id: str, try_number: int) -> str:
    """A per-attempt result file under the shared results volume; names made filesystem-safe."""
    safe = lambda s: re.sub(r"[^A-Za-z0-9_.-]", "_", s)  # noqa: E731
    return str(PurePosixPath(results_dir, safe(dag_id), safe(run_id), f"{safe(task_id)}.try{try_number}.json"))


def spark_defaults_path(onering_home: str) -> str:
    """The stack's spark-defaults.conf, under the platform folder ONERING_HOME has (compose mounts
    ./platform at /etc/onering/platform; the native stack's ONERING_HOME is the repository)."""
    return str(PurePosixPath(onering_home, "platform", "spark", "conf", "spark-defaults.conf"))


def spark_defaults(text: str) -> dict[str, str]:
    """`key value` lines of a spark-defaults.conf; comments and blank lines skipped."""
    props = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, *value = line.split(None, 1)
            props[key] = value[0].strip() if value else ""
    return props


def spark_submission(*, step_id: str, args: list[str], run_date: str | None, master_url: str,
                     env: dict[str, str], defaults: dict[str, str], home: str = ONERING_HOME,
                     spark_version: str = "4.1.0") -> dict:
    """Body of POST /v1/submissions/create on the Spark master's REST server (cluster mode):
    the driver runs `dev.onering.cli.OneRing <args>` on the worker, with the step environment.

    Everything the driver needs travels in the request, because the REST server builds the driver
    from it alone: the CLI jar and its lib/ (`home`, the onering dist both Airflow and the Spark
    worker see at the same path) on the driver's and the executors' classpath, Spark's Java 17
    options, the step's environment, and the application settings of spark-defaults.conf."""
    jar = f"{home}/onering-cli.jar"
    classpath = f"{jar}:{home}/lib/*"
    name = f"onering-{step_id}" + (f"-{run_date}" if run_date else "")
    props = {k: v for k, v in defaults.items() if k.startswith(SPARK_APP_PROPERTY_PREFIXES)}
    props.update({
        "spark.master": master_url,
        "spark.submit.deployMode": "cluster",
        "spark.app.name": name,
        "spark.jars": f"file:{jar}",
        "spark.driver.supervise": "false",
        "spark.driver.extraClassPath": classpath,
        "spark.executor.extraClassPath": classpath,
        "spark.driver.extraJavaOptions": " ".join(SPARK_DRIVER_JAVA_OPTIONS),
    })
    return {
        "action": "CreateSubmissionRequest",
        "appResource": f"file:{jar}",
        "mainClass": MAIN_CLASS,
        "appArgs": list(args),
        "clientSparkVersion": spark_version,
        "environmentVariables": {**env, "SPARK_ENV_LOADED": "1"},
        "sparkProperties": props,
    }


def spark_driver_state(status_response: dict) -> str:
    """driverState from GET /v1/submissions/status/<id>; UNKNOWN when the master does not say."""
    if not status_response.get("success", True) and "driverState" not in status_response:
        return "ERROR"
    return str(status_response.get("driverState", "UNKNOWN"))


def flink_job_state(overview: dict, job_name: str) -> tuple[str | None, str | None]:
    """(job id, state) of the newest job called job_name in GET /jobs/overview, or (None, None)."""
    jobs = [j for j in overview.get("jobs", []) if j.get("name") == job_name]
    if not jobs:
        return None, None
    newest = max(jobs, key=lambda j: j.get("start-time", 0))
    return newest.get("jid"), newest.get("state")


FLINK_ACTIVE = {"INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "RECONCILING"}


def flink_run_request(entry_class: str, args: list[str], parallelism: int = 2,
                      savepoint_path: str | None = None) -> dict:
    """Body of POST /jars/<jar id>/run; with savepoint_path, the job starts from that checkpoint
    or savepoint, and refuses to start if part of its state has no operator to go to."""
    body = {"entryClass": entry_class, "programArgsList": list(args), "parallelism": parallelism}
    if savepoint_path:
        body.update(savepointPath=savepoint_path, allowNonRestoredState=False)
    return body


def flink_resume_path(checkpoints: dict) -> str | None:
    """Where an ended job's state is, from GET /jobs/<id>/checkpoints: the newer of its latest
    completed checkpoint and its latest savepoint (a job stopped with a savepoint committed its
    files at the savepoint: an older checkpoint would write them again), if written somewhere a
    new job can read it (the stack keeps checkpoints in s3://checkpoints, on failure and on
    cancel). None when there is none: start afresh."""
    latest = (checkpoints or {}).get("latest") or {}
    best_id, best_path = -1, None
    for kind in ("completed", "savepoint"):
        cp = latest.get(kind) or {}
        path = cp.get("external_path")
        # "<checkpoint-not-externally-addressable>": kept in the job manager's memory only.
        usable = path and not path.startswith("<") and not cp.get("discarded", False)
        if usable and cp.get("id", 0) > best_id:
            best_id, best_path = cp.get("id", 0), path
    return best_path


def flink_program_args(command, job_name: str) -> list[str]:
    """The program arguments of a flink step's job.

    The spec's command is a streaming command, `stream <command> [options]`; the entry class is
    that command (`stream job` is dev.onering.stream.job.StreamJob), so its arguments are the
    options, plus the name the operator then finds the job by. No run date: the job is kept
    running, not run per day.
    """
    words = list(command)
    if len(words) < 2 or words[0] != "stream":
        raise ValueError(f"a flink step's command is `stream <command> [options]`, got {words}")
    return words[2:] + ["--job-name", job_name]


def env_or(name: str, default: str) -> str:
    value = os.environ.get(name, "")
    return value if value else default
