"""compose.yaml invariants, checked on the real file and on deliberately broken snippets."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

import stack_lint

ENV = {"GOOD_IMAGE": "repo/app:1.2.3", "ONERING_VERSION": "0.1.0", "P": ""}


def good_service(**extra) -> dict:
    svc = {
        "image": "${GOOD_IMAGE:-repo/app:1.2.3}",
        "profiles": ["core"],
        "mem_limit": "256m",
        "ports": ["127.0.0.1:8080:8080"],
        "healthcheck": {"test": ["CMD", "true"]},
    }
    svc.update(extra)
    return svc


def problems_of(services: dict, base: Path, env=None) -> list[str]:
    return stack_lint.compose_problems({"services": services}, env or ENV, base)


def test_the_real_compose_file_has_no_problems(root):
    assert stack_lint.all_problems(root) == []


def test_a_good_snippet_passes(tmp_path):
    assert problems_of({"app": good_service()}, tmp_path) == []


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"image": "repo/app:latest"}, "not pinned"),
        ({"image": "repo/app"}, "not tagged"),
        ({"image": "postgres:16"}, "not pinned"),
        ({"image": "${GOOD_IMAGE}"}, "no pinned default"),
        ({"image": "${GOOD_IMAGE:-repo/app:latest}"}, "not pinned"),
        ({"healthcheck": None}, "without a healthcheck"),
        ({"healthcheck": {"test": ["NONE"]}}, "without a healthcheck"),
        ({"mem_limit": None}, "no memory cap"),
        ({"ports": ["8080:8080"]}, "not bound to 127.0.0.1"),
        ({"ports": ["0.0.0.0:8080:8080"]}, "not bound to 127.0.0.1"),
        ({"ports": [{"target": 80, "published": 8080}]}, "not bound to 127.0.0.1"),
        ({"environment": {"X": "${UNDOCUMENTED}"}}, "not documented in .env.example"),
        ({"volumes": ["./no/such/dir:/x:ro"]}, "does not exist"),
        ({"environment": {"DB_PASSWORD": "${P:-admin}"}}, "falls back to a default"),
        ({"environment": {"DB_PASSWORD": "hunter2"}}, "literal value"),
        ({"profiles": None}, "no profile"),
        ({"profiles": ["nosuch"]}, "unknown profile"),
    ],
)
def test_a_broken_service_is_reported(tmp_path, change, expected):
    svc = good_service()
    for k, v in change.items():
        if v is None:
            svc.pop(k, None)
        else:
            svc[k] = v
    problems = problems_of({"app": svc}, tmp_path)
    assert any(expected in p for p in problems), problems


def test_depends_on_needs_a_condition_that_fits(tmp_path):
    init = {"image": "repo/init:1.0.0", "profiles": ["core"], "restart": "no",
            "labels": {"dev.onering.role": "init"}}
    cases = {
        "start order only": (["db"], "is a list"),
        "no condition": ({"db": {}}, "without condition"),
        "healthy on a one-shot": ({"init": {"condition": "service_healthy"}}, "is one-shot"),
        "completed on a server": ({"db": {"condition": "service_completed_successfully"}}, "is long-running"),
        "unknown": ({"ghost": {"condition": "service_healthy"}}, "unknown service"),
    }
    for label, (deps, expected) in cases.items():
        services = {"db": good_service(ports=[]), "init": init, "app": good_service(depends_on=deps)}
        problems = problems_of(services, tmp_path)
        assert any(expected in p for p in problems), (label, problems)
    ok = {"db": good_service(ports=[]), "init": init,
          "app": good_service(depends_on={"db": {"condition": "service_healthy"},
                                          "init": {"condition": "service_completed_successfully"}})}
    assert problems_of(ok, tmp_path) == []


def test_one_shot_services_need_no_healthcheck_but_must_not_restart(tmp_path):
    init = {"image": "repo/init:1.0.0", "profiles": ["core"], "labels": {"dev.onering.role": "init"}}
    assert problems_of({"init": init}, tmp_path) == []
    init["restart"] = "unless-stopped"
    assert any("must not restart" in p for p in problems_of({"init": init}, tmp_path))


def test_a_dependency_outside_the_enabled_profiles_is_reported(tmp_path):
    services = {
        "broker": good_service(profiles=["streaming"], ports=[]),
        "app": good_service(profiles=["bi"], depends_on={"broker": {"condition": "service_healthy"}}),
    }
    problems = problems_of(services, tmp_path)
    assert any("profile bi: app depends on broker" in p for p in problems), problems


def test_top_level_keys_docker_compose_1_29_rejects(tmp_path):
    problems = stack_lint.compose_problems({"name": "x", "services": {"app": good_service()}}, ENV, tmp_path)
    assert any("'name:'" in p for p in problems)


def test_built_images_need_pinned_bases(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "Dockerfile").write_text("ARG BASE=python:3\nFROM ${BASE}\nFROM builder AS x\n")
    svc = good_service(image="onering/img:${ONERING_VERSION:-0.1.0}", build={"context": "img"})
    problems = problems_of({"app": svc}, tmp_path)
    assert any("ARG BASE default 'python:3'" in p for p in problems), problems
    (tmp_path / "img" / "Dockerfile").write_text("ARG BASE=python:3.12.11-slim\nFROM ${BASE} AS b\nFROM b\n")
    assert problems_of({"app": svc}, tmp_path) == []
    svc["build"] = {"context": "img", "args": {"BASE": "${GOOD_IMAGE:-repo/app:latest}"}}
    assert any("build arg BASE" in p for p in problems_of({"app": svc}, tmp_path))


def test_env_example_keeps_secrets_empty_and_marked():
    text = "# [secret:password]\nDB_PASSWORD=hunter2\nAPI_SECRET=\nDB_USER=x\n"
    problems = stack_lint.env_example_problems(text)
    assert any("DB_PASSWORD has a value" in p for p in problems)
    assert any("API_SECRET looks secret" in p for p in problems)
    assert not any("DB_USER" in p for p in problems)


def test_every_service_of_the_real_file_is_in_a_known_profile_and_documented(root):
    doc = yaml.safe_load((root / "compose.yaml").read_text())
    docs = (root / "docs/stack.md").read_text()
    for name, svc in doc["services"].items():
        assert svc.get("profiles"), name
        assert f"`{name}`" in docs, f"docs/stack.md does not list service {name}"


def test_core_and_streaming_profiles_are_complete(root):
    doc = yaml.safe_load((root / "compose.yaml").read_text())
    by_profile: dict[str, set[str]] = {}
    for name, svc in doc["services"].items():
        for p in svc.get("profiles", []):
            by_profile.setdefault(p, set()).add(name)
    assert {"minio", "minio-init", "clickhouse", "postgres", "postgres-init", "liquibase-init",
            "spark-master", "spark-worker", "airflow-apiserver", "airflow-scheduler",
            "airflow-dag-processor", "airflow-init"} <= by_profile["core"]
    assert {"pulsar", "pulsar-init", "flink-jobmanager", "flink-taskmanager"} <= by_profile["streaming"]
    for p in ("ml", "bi", "governance", "ci", "secrets"):
        assert by_profile.get(p), f"profile {p} has no service"


def test_airflow_init_sets_the_pool_every_spark_step_takes(root):
    """Without the pool the spark steps never start; with more than one slot two drivers can take
    the Spark worker's cores and wait forever for executors."""
    from onering_airflow import steps as airflow_steps
    compose = yaml.safe_load((root / "compose.yaml").read_text(encoding="utf-8"))
    assert compose["services"]["airflow-init"]["command"] == [
        "pools", "set", airflow_steps.SPARK_POOL, str(airflow_steps.SPARK_POOL_SLOTS),
        airflow_steps.SPARK_POOL_DESCRIPTION]
