"""The streaming job's wiring in the stack, checked on `docker-compose config` (the file as compose
resolves it) against the Java side: the job jar and its entry class, what the Flink processes need
to run it (endpoints, ClickHouse credentials, the s3 plugin and its keys), and topics created by the
code that declares them."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from onering_airflow import steps

STREAM_TOPICS = "pipelines/streaming/src/main/java/dev/onering/stream/pulsar/StreamTopics.java"


@pytest.fixture(scope="module")
def resolved(root, generated_env) -> dict:
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose 1.29 is not installed: run ops/scripts/install-ci-tools.sh"
    r = subprocess.run([exe, "--project-directory", str(root), "-f", str(root / "compose.yaml"),
                        "--env-file", str(generated_env), "--profile", "core", "--profile", "streaming", "config"],
                       capture_output=True, text=True, cwd=root)
    assert r.returncode == 0, r.stderr
    return yaml.safe_load(r.stdout)["services"]


def env_value(env_file, name: str) -> str:
    return next(line.split("=", 1)[1] for line in env_file.read_text().splitlines() if line.startswith(name + "="))


def flink_properties(svc: dict) -> dict[str, str]:
    props = {}
    for line in svc["environment"]["FLINK_PROPERTIES"].splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            props[key.strip()] = value.strip()
    return props


def test_pulsar_init_creates_the_topics_with_the_code_that_declares_them(resolved):
    init = resolved["pulsar-init"]
    cmd = init["entrypoint"]
    assert cmd[0] == "java" and cmd[-2:] == ["dev.onering.stream.cli.StreamCli", "topics"]
    assert cmd[cmd.index("-cp") + 1] == f"{steps.FLINK_JAR}:/opt/flink/lib/*", "the job jar on the Flink image's classpath"
    assert init["image"] == resolved["flink-jobmanager"]["image"], "the same Flink the job runs on"
    assert "onering-dist:/opt/onering:ro" in init["volumes"]
    assert init["depends_on"]["onering-dist"]["condition"] == "service_completed_successfully"
    assert init["depends_on"]["pulsar"]["condition"] == "service_healthy"
    assert init["environment"]["ONERING_PULSAR_ADMIN_URL"] == "http://pulsar:8080"


def test_no_other_file_declares_the_topics_partitions(root):
    # StreamTopics is the one declaration; the old init script (2 tick partitions against 4) is gone.
    assert not (root / "platform/pulsar/init.sh").exists()
    for f in [root / "compose.yaml", *(root / "platform").rglob("*.sh")]:
        assert "create-partitioned-topic" not in f.read_text(encoding="utf-8"), f


def test_the_docs_list_the_partitions_stream_topics_declares(root):
    java = (root / STREAM_TOPICS).read_text(encoding="utf-8")
    ticks = re.search(r"TICKS_PARTITIONS_DEFAULT = (\d+);", java).group(1)
    outputs = re.search(r"OUTPUT_PARTITIONS = (\d+);", java).group(1)
    docs = (root / "docs/streaming.md").read_text(encoding="utf-8")
    assert f"| `persistent://onering/market/ticks` | {ticks} |" in docs
    for topic in ("bars-1m", "alerts", "ticks-late", "ticks-quarantine"):
        assert f"| `persistent://onering/market/{topic}` | {outputs} |" in docs, topic


@pytest.mark.parametrize("service", ["flink-jobmanager", "flink-taskmanager"])
def test_both_flink_processes_have_what_the_job_reads(resolved, generated_env, service):
    env = resolved[service]["environment"]
    # The job's main (job manager) reads the endpoints; its ClickHouse writers (task managers) the credentials.
    assert env["ONERING_PULSAR_URL"] == "pulsar://pulsar:6650"
    assert env["ONERING_PULSAR_ADMIN_URL"] == "http://pulsar:8080"
    assert env["ONERING_CLICKHOUSE_URL"] == "http://clickhouse:8123"
    assert env["ONERING_CLICKHOUSE_USER"] == env_value(generated_env, "CLICKHOUSE_USER")
    assert env["ONERING_CLICKHOUSE_PASSWORD"] == env_value(generated_env, "CLICKHOUSE_PASSWORD")
    assert env["ONERING_LAKE"] == "s3a://"
    # The bars' Iceberg table: the batch's catalog, opened in both (graph build, writers, committer).
    assert env["ONERING_CATALOG_URL"] == "jdbc:postgresql://postgres:5432/iceberg"
    assert env["ONERING_CATALOG_USER"] == env_value(generated_env, "ONERING_PG_USER")
    assert env["ONERING_CATALOG_PASSWORD"] == env_value(generated_env, "ONERING_PG_PASSWORD")
    assert env["ONERING_S3_ENDPOINT"] == "http://minio:9000"
    assert env["ONERING_S3_SECRET_KEY"] == env_value(generated_env, "ONERING_S3_SECRET_KEY")
    # The lake's s3a:// and the checkpoints' s3:// both come from this plugin, configured by s3.*.
    assert env["ENABLE_BUILT_IN_PLUGINS"].startswith("flink-s3-fs-hadoop-")
    props = flink_properties(resolved[service])
    assert props["s3.endpoint"] == "http://minio:9000"
    assert props["s3.path.style.access"] == "true"
    assert props["s3.access-key"] == env_value(generated_env, "ONERING_S3_ACCESS_KEY")
    assert props["s3.secret-key"] == env_value(generated_env, "ONERING_S3_SECRET_KEY")
    assert props["parallelism.default"] == "2" and props["taskmanager.numberOfTaskSlots"] == "2"


def test_the_flink_image_plugin_and_build_are_one_flink_version(root, resolved):
    flink = re.search(r"<flink.version>([^<]+)</flink.version>", (root / "pipelines/pom.xml").read_text()).group(1)
    assert resolved["flink-jobmanager"]["image"].startswith(f"flink:{flink}-")
    assert resolved["flink-jobmanager"]["environment"]["ENABLE_BUILT_IN_PLUGINS"] == f"flink-s3-fs-hadoop-{flink}.jar"


def test_the_buckets_the_job_writes_exist(root, resolved):
    minio_init = (root / "platform/minio/init.sh").read_text()
    buckets = set(re.search(r"for bucket in ([^;]+); do", minio_init).group(1).split())
    checkpoints = flink_properties(resolved["flink-jobmanager"])["state.checkpoints.dir"]
    assert checkpoints.startswith("s3://") and checkpoints[len("s3://"):].split("/")[0] in buckets
    # ONERING_LAKE=s3a:// puts each zone in its bucket: the job writes silver/stream_* and quarantine/stream_ticks.
    assert {"silver", "quarantine"} <= buckets


def test_the_onering_image_carries_the_job_jar_where_airflow_uploads_it_from(root, resolved):
    dockerfile = (root / "platform/onering/Dockerfile").read_text()
    assert re.search(r"mvn .*-pl cli,streaming -am package", dockerfile)
    assert f"COPY --from=build /src/pipelines/streaming/target/onering-flink.jar {steps.FLINK_JAR}" in dockerfile
    airflow = resolved["airflow-scheduler"]
    assert airflow["environment"]["ONERING_FLINK_JAR"] == steps.FLINK_JAR
    assert airflow["environment"]["ONERING_FLINK_ENTRY_CLASS"] == steps.FLINK_ENTRY_CLASS
    assert "onering-dist:/opt/onering:ro" in airflow["volumes"]
    # A rebuilt image replaces the volume's copy: a stale job jar is never uploaded.
    assert "/dist/flink" in " ".join(resolved["onering-dist"]["command"])
    # Local build output stays out of the image's build context.
    assert "**/target/" in (root / ".dockerignore").read_text().splitlines()
