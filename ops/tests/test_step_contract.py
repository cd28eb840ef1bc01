"""The step contract as the Airflow operator applies it (onering_airflow.steps)."""
from __future__ import annotations

import json

import pytest

from onering_airflow import steps

RESULT = {"step": "silver", "run_date": "2026-09-01", "status": "success", "rows_in": 10,
          "rows_out": 9, "rows_rejected": 1, "details": {}, "quality": None, "error": None}


def test_the_result_is_the_last_non_empty_stdout_line():
    out = "progress is on stderr, but a stray line\n" + json.dumps(RESULT) + "\n\n"
    assert steps.parse_result(out) == RESULT


@pytest.mark.parametrize("stdout, message", [
    ("", "printed nothing"),
    ("done\n", "not JSON"),
    ("[1, 2]\n", "JSON object"),
    (json.dumps({"status": "success"}), r"lacks \['step'\]"),
    (json.dumps({"step": "x", "status": "meh"}), "unknown step status"),
])
def test_a_result_outside_the_contract_is_refused(stdout, message):
    with pytest.raises(steps.StepResultError, match=message):
        steps.parse_result(stdout)


def test_step_arguments_follow_the_contract():
    assert steps.step_args(["ingest", "csv"], "2026-09-01", "/r/x.json") == [
        "ingest", "csv", "--run-date", "2026-09-01", "--result", "/r/x.json"]
    assert steps.step_args(["migrate"], None) == ["migrate"]
    with pytest.raises(ValueError):
        steps.step_args(["silver"], "2026-9-1")


def test_light_steps_run_the_cli_jar_with_its_lib_folder():
    cmd = steps.java_command(["silver", "--run-date", "2026-09-01"], "/opt/onering", "-Xmx512m -Dx=1")
    opens = list(steps.LIGHT_JVM_OPENS)
    assert cmd[:3 + len(opens)] == ["java", *opens, "-Xmx512m", "-Dx=1"]
    assert "--add-opens=java.base/java.nio=ALL-UNNAMED" in opens, "Iceberg's Parquet/Arrow readers need it"
    assert cmd[cmd.index("-cp") + 1] == "/opt/onering/onering-cli.jar:/opt/onering/lib/*"
    assert cmd[cmd.index("-cp") + 2] == "dev.onering.cli.OneRing"


def test_only_step_settings_reach_the_step():
    env = {"ONERING_PG_URL": "jdbc:postgresql://x/y", "AWS_ACCESS_KEY_ID": "k",
           "AIRFLOW__CORE__FERNET_KEY": "secret", "ONERING_SPARK_REST_URL": "http://m:6066", "HOME": "/h"}
    assert steps.step_env(env) == {"ONERING_PG_URL": "jdbc:postgresql://x/y", "AWS_ACCESS_KEY_ID": "k"}


def submission(root, home="/opt/onering"):
    defaults = steps.spark_defaults((root / "platform/spark/conf/spark-defaults.conf").read_text(encoding="utf-8"))
    return steps.spark_submission(step_id="gold", args=["gold", "--run-date", "2026-09-01"],
                                  run_date="2026-09-01", master_url="spark://m:7077",
                                  env={"ONERING_LAKE": "s3a://"}, defaults=defaults, home=home)


def test_spark_submission_runs_the_cli_in_cluster_mode(root):
    body = submission(root)
    assert body["action"] == "CreateSubmissionRequest"
    assert body["mainClass"] == "dev.onering.cli.OneRing"
    assert body["appResource"] == "file:/opt/onering/onering-cli.jar"
    assert body["appArgs"] == ["gold", "--run-date", "2026-09-01"]
    assert body["sparkProperties"]["spark.submit.deployMode"] == "cluster"
    assert body["sparkProperties"]["spark.master"] == "spark://m:7077"
    assert body["environmentVariables"]["ONERING_LAKE"] == "s3a://"
    assert body["clientSparkVersion"].startswith("4.1.")


def test_the_submission_carries_all_the_driver_needs_since_the_rest_server_reads_nothing_else(root):
    """Issue 11, defect 2: Spark's REST server builds the driver from sparkProperties alone (never
    spark-defaults.conf), so without the onering lib/ there the driver dies on its first picocli
    class, and without Spark's Java 17 opens on its first direct buffer."""
    props = submission(root, home="/x/dist")["sparkProperties"]
    for side in ("driver", "executor"):
        assert props[f"spark.{side}.extraClassPath"].split(":") == ["/x/dist/onering-cli.jar", "/x/dist/lib/*"]
    opts = props["spark.driver.extraJavaOptions"].split()
    assert "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" in opts and "--add-opens=java.base/java.nio=ALL-UNNAMED" in opts
    # Every application setting of spark-defaults.conf, as spark-submit would have applied it.
    defaults = steps.spark_defaults((root / "platform/spark/conf/spark-defaults.conf").read_text(encoding="utf-8"))
    app = {k: v for k, v in defaults.items() if k.startswith(steps.SPARK_APP_PROPERTY_PREFIXES)}
    assert {"spark.driver.memory", "spark.executor.memory", "spark.cores.max"} <= app.keys()
    assert {k: props[k] for k in app} == app
    assert not [k for k in props if k.startswith(("spark.hadoop.", "spark.master.rest", "spark.ui."))]


def test_spark_defaults_lines_are_read_as_spark_reads_them():
    text = "# comment\n\nspark.driver.memory   1g\nspark.driver.extraJavaOptions -Da=1 -Db=2\n"
    assert steps.spark_defaults(text) == {"spark.driver.memory": "1g", "spark.driver.extraJavaOptions": "-Da=1 -Db=2"}


@pytest.mark.parametrize("response, state, done", [
    ({"driverState": "RUNNING", "success": True}, "RUNNING", False),
    ({"driverState": "FINISHED", "success": True}, "FINISHED", True),
    ({"driverState": "FAILED", "success": True}, "FAILED", True),
    ({"success": False, "message": "no such driver"}, "ERROR", True),
])
def test_spark_driver_states(response, state, done):
    assert steps.spark_driver_state(response) == state
    assert (state in steps.SPARK_DRIVER_DONE) is done


def test_result_files_are_per_attempt_and_filesystem_safe():
    p = steps.result_path("/var/lib/onering/results", "onering_medallion",
                          "manual__2026-09-01T00:00:00+00:00", "load-silver", 2)
    assert p == "/var/lib/onering/results/onering_medallion/manual__2026-09-01T00_00_00_00_00/load-silver.try2.json"


def test_the_newest_flink_job_of_a_name_is_the_one_checked():
    overview = {"jobs": [
        {"jid": "old", "name": "onering-stream", "state": "CANCELED", "start-time": 1},
        {"jid": "new", "name": "onering-stream", "state": "RUNNING", "start-time": 2},
        {"jid": "other", "name": "something", "state": "RUNNING", "start-time": 3}]}
    assert steps.flink_job_state(overview, "onering-stream") == ("new", "RUNNING")
    assert steps.flink_job_state(overview, "absent") == (None, None)
    assert steps.flink_run_request("a.B", ["--x"]) == {"entryClass": "a.B", "programArgsList": ["--x"], "parallelism": 2}


def test_a_flink_steps_job_gets_the_commands_options_and_the_name_it_is_found_by():
    # `stream job` is the entry class itself: only its options, and the name, are program arguments.
    assert steps.flink_program_args(["stream", "job"], "onering-stream") == ["--job-name", "onering-stream"]
    assert steps.flink_program_args(("stream", "job", "--subscription", "s"), "onering-x") == \
        ["--subscription", "s", "--job-name", "onering-x"]
    with pytest.raises(ValueError, match="stream <command>"):
        steps.flink_program_args(["silver"], "onering-silver")


def test_a_redeployed_job_resumes_from_the_ended_jobs_latest_retained_checkpoint():
    ended = {"counts": {"completed": 7}, "latest": {
        "completed": {"id": 7, "external_path": "s3://checkpoints/flink/abc/chk-7"},
        "savepoint": None, "failed": None, "restored": None}}
    assert steps.flink_resume_path(ended) == "s3://checkpoints/flink/abc/chk-7"
    body = steps.flink_run_request("a.B", ["--job-name", "onering-stream"], savepoint_path="s3://checkpoints/flink/abc/chk-7")
    assert body["savepointPath"] == "s3://checkpoints/flink/abc/chk-7"
    assert body["allowNonRestoredState"] is False, "state that fits no operator is an error, not silently dropped"
    # No completed checkpoint, or one kept only in the job manager's memory: start afresh.
    assert steps.flink_resume_path({"latest": {"completed": None}}) is None
    assert steps.flink_resume_path({"latest": {"completed": {"external_path": "<checkpoint-not-externally-addressable>"}}}) is None
    assert steps.flink_resume_path({}) is None
    assert steps.flink_resume_path({"latest": {"completed": {"id": 3, "external_path": "s3://x/chk-3",
                                                             "discarded": True}}}) is None, "deleted with its job"
    # Stopped with a savepoint: it is newer than the last checkpoint, and the files were committed at it.
    stopped = {"latest": {"completed": {"id": 7, "external_path": "s3://checkpoints/flink/abc/chk-7"},
                          "savepoint": {"id": 8, "external_path": "s3://checkpoints/savepoints/savepoint-abc-8"}}}
    assert steps.flink_resume_path(stopped) == "s3://checkpoints/savepoints/savepoint-abc-8"
    assert "savepointPath" not in steps.flink_run_request("a.B", [])


def test_the_flink_entry_class_and_jar_are_the_same_everywhere(root):
    """The operator's default, compose's default, .env.example and the Java class agree."""
    java = root / "pipelines/streaming/src/main/java" / (steps.FLINK_ENTRY_CLASS.replace(".", "/") + ".java")
    source = java.read_text(encoding="utf-8")
    assert "public static void main(String[] args)" in source
    assert f'ENTRY_CLASS = "{steps.FLINK_ENTRY_CLASS}"' in source
    assert f"ONERING_FLINK_ENTRY_CLASS={steps.FLINK_ENTRY_CLASS}\n" in (root / ".env.example").read_text(encoding="utf-8")
    assert f"ONERING_FLINK_JAR={steps.FLINK_JAR}\n" in (root / ".env.example").read_text(encoding="utf-8")
    compose = (root / "compose.yaml").read_text(encoding="utf-8")
    assert f"${{ONERING_FLINK_ENTRY_CLASS:-{steps.FLINK_ENTRY_CLASS}}}" in compose
    assert f"${{ONERING_FLINK_JAR:-{steps.FLINK_JAR}}}" in compose
    for f in [root / ".env.example", root / "compose.yaml", *(root / "platform/airflow").rglob("*.py")]:
        assert "dev.onering.streaming." not in f.read_text(encoding="utf-8"), f"{f}: the old, wrong entry class"


def test_failure_messages_name_the_step_and_the_reason():
    failed = dict(RESULT, status="failed", error="quality gate failed: 3 expectations")
    assert steps.failure_message("silver", failed, 1) == "step 'silver' exited 1: quality gate failed: 3 expectations"
    assert steps.failure_message("gold", None) == "step 'gold': no result"
