"""Invariants that would have caught the defects found in the stack (issue 11: 1, 4, 5 and 6).

Each is checked on the real files, on the real files put back in their broken form, and on small
snippets, so a check that cannot fail is noticed.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

import stack_lint

ENV = {"ONERING_VERSION": "0.1.0"}


@pytest.fixture(scope="module")
def services(root) -> dict:
    return yaml.safe_load((root / "compose.yaml").read_text())["services"]


def svc(**extra) -> dict:
    s = {"image": "repo/app:1.2.3", "profiles": ["core"]}
    s.update(extra)
    return s


def init(**extra) -> dict:
    return svc(**{"image": "repo/init:1.0.0", "restart": "no", "labels": {"dev.onering.role": "init"}, **extra})


def waits_for(*names: str) -> dict:
    return {n: {"condition": "service_completed_successfully"} for n in names}


# ---- defect 4: a one-shot service nothing waits for makes `up --wait` exit 1 ---------------------

def test_every_init_service_of_the_real_file_is_waited_for_in_each_profile(services):
    assert stack_lint.init_adoption_problems(services) == []


def test_pulsar_init_without_its_waiter_is_reported(services):
    broken = copy.deepcopy(services)
    del broken["flink-jobmanager"]["depends_on"]["pulsar-init"]
    problems = stack_lint.init_adoption_problems(broken)
    assert problems == [p for p in problems if "pulsar-init" in p] and len(problems) == 1, problems
    assert "profile streaming" in problems[0] and "docker/compose#10596" in problems[0]


def test_an_init_service_must_be_adopted_in_the_profile_that_starts_it():
    good = {"topics": init(profiles=["streaming"]),
            "job": svc(profiles=["streaming"], depends_on=waits_for("topics"))}
    assert stack_lint.init_adoption_problems(good) == []
    # Only a service of another profile waits for it: `up PROFILES=streaming` would exit 1.
    elsewhere = {"topics": init(profiles=["streaming"]),
                 "dash": svc(profiles=["bi"], depends_on=waits_for("topics"))}
    assert any("profile streaming: init service topics" in p for p in stack_lint.init_adoption_problems(elsewhere))
    # Waited for only as started, not as completed, counts as nothing.
    started = {"topics": init(), "job": svc(depends_on={"topics": {"condition": "service_started"}})}
    assert any("init service topics" in p for p in stack_lint.init_adoption_problems(started))
    # Another one-shot may adopt it; tools (never started by `up`) need no waiter.
    chain = {"db-init": init(), "migrate": init(depends_on=waits_for("db-init")),
             "app": svc(depends_on=waits_for("migrate")),
             "cli": svc(profiles=["tools"], labels={"dev.onering.role": "tool"})}
    assert stack_lint.init_adoption_problems(chain) == []


# ---- defect 6: one image built by several services -----------------------------------------------

def test_each_image_of_the_real_file_has_one_builder_that_its_users_depend_on(services):
    assert stack_lint.image_builder_problems(services) == []


def test_the_builds_as_they_were_are_reported(services):
    broken = copy.deepcopy(services)
    build = broken["airflow-init"]["build"]
    for name in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor"):
        broken[name]["build"] = build  # what the x-airflow anchor gave every Airflow service
    broken["liquibase-init"]["build"] = broken["onering-dist"]["build"]
    problems = stack_lint.image_builder_problems(broken)
    assert any("onering/airflow:0.1.0 is built by 4 services" in p for p in problems), problems
    assert any("onering/onering:0.1.0 is built by 2 services" in p for p in problems), problems


def test_a_service_that_runs_a_built_image_must_depend_on_its_builder():
    built = {"context": "img"}
    image = "onering/x:${ONERING_VERSION:-0.1.0}"
    ok = {"builder": init(image=image, build=built),
          "mid": init(image="repo/other:1.0.0", depends_on=waits_for("builder")),
          "user": svc(image=image, depends_on=waits_for("mid"))}  # through another service is enough
    assert stack_lint.image_builder_problems(ok) == []
    orphan = {"builder": init(image=image, build=built), "user": svc(image=image)}
    problems = stack_lint.image_builder_problems(orphan)
    assert problems and "user runs onering/x:0.1.0, which builder builds, but does not depend on builder" in problems[0]


# ---- defect 1: a folder mounted over a folder the image fills --------------------------------------

def test_no_mount_of_the_real_file_hides_what_an_image_keeps(root, services):
    assert stack_lint.mount_problems(services, root, ENV) == []


def test_the_clickhouse_config_folder_mounted_whole_is_reported(root, services):
    broken = copy.deepcopy(services)
    broken["clickhouse"]["volumes"] = [v for v in broken["clickhouse"]["volumes"] if "config.d" not in v] + [
        "./platform/clickhouse/config.d:/etc/clickhouse-server/config.d:ro"]
    problems = stack_lint.mount_problems(broken, root, ENV)
    assert len(problems) == 1 and "service clickhouse" in problems[0], problems
    assert "hides what the image keeps in /etc/clickhouse-server/config.d" in problems[0]


@pytest.mark.parametrize("target", ["/etc/clickhouse-server/users.d", "/etc/clickhouse-server"])
def test_users_d_and_the_whole_config_folder_are_the_images_too(tmp_path, target):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "x.xml").write_text("<clickhouse/>")
    ch = {"clickhouse": svc(image="${CH:-clickhouse/clickhouse-server:25.8.29.51}", volumes=[f"./conf:{target}:ro"])}
    assert any("hides what the image keeps" in p for p in stack_lint.mount_problems(ch, tmp_path, ENV))


def test_single_files_are_fine_but_every_file_of_their_folder_must_be_mounted(tmp_path):
    conf = tmp_path / "config.d"
    conf.mkdir()
    (conf / "a.xml").write_text("<clickhouse/>")
    one = "./config.d/a.xml:/etc/clickhouse-server/config.d/a.xml:ro"
    ch = {"clickhouse": svc(image="clickhouse/clickhouse-server:25.8.29.51", volumes=[one])}
    assert stack_lint.mount_problems(ch, tmp_path, ENV) == []
    (conf / "b.xml").write_text("<clickhouse/>")  # added to the repo, forgotten in compose.yaml
    problems = stack_lint.mount_problems(ch, tmp_path, ENV)
    assert len(problems) == 1 and "config.d/b.xml is not mounted" in problems[0], problems


def test_a_folder_mounted_over_what_a_built_image_copies_is_reported(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "Dockerfile").write_text(
        "ARG BASE=python:3.12.11-slim\nFROM ${BASE} AS b\nRUN true\nFROM ${BASE}\nWORKDIR /opt/app\n"
        "COPY runner.py ./\nCOPY --from=b /usr/lib/x /opt/tool\n")
    (tmp_path / "src").mkdir()
    built = {"context": "img"}
    for target, hidden in (("/opt/app", True), ("/opt/tool", True), ("/opt", True), ("/opt/app/suites", False),
                           ("/srv/data", False)):
        s = {"app": svc(image="onering/app:${ONERING_VERSION:-0.1.0}", build=built, volumes=[f"./src:{target}:ro"])}
        problems = stack_lint.mount_problems(s, tmp_path, ENV)
        assert bool(problems) == hidden, (target, problems)


# ---- defect 5: Jenkins could not boot, and could not build -----------------------------------------

JENKINSFILE = """// a comment with pipeline { in it
pipeline {
  agent any
  tools {
    jdk 'jdk17'
    maven 'maven-3.9'
  }
  stages {
    stage('checkout') { steps { checkout scm } }
    stage('test') { steps { sh 'make test' } }
  }
}
"""
TOOLS = {"jdk": {"jdk17": "/opt/jdk-17"}, "maven": {"maven-3.9": "/opt/maven"}}
TARGETS = {"test", "stack-check"}


def test_the_real_jenkins_job_image_and_jenkinsfile_are_consistent(root):
    assert stack_lint.jenkins_problems(root) == []


def test_the_jenkins_files_as_they_were_are_reported(root, tmp_path):
    casc = yaml.safe_load((root / "platform/jenkins/casc.yaml").read_text())
    casc["jobs"] = [{"script": "pipelineJob('onering') {\n  definition {\n    cps {\n"
                               "      script(readFileFromWorkspace('/etc/onering/jenkins/Jenkinsfile'))\n"
                               "      sandbox(true)\n    }\n  }\n}\n"}]
    problems, scripts = stack_lint.casc_job_problems(casc, root)
    assert any("readFileFromWorkspace() needs the seed job's workspace" in p for p in problems), problems
    assert scripts == [("platform/jenkins/Jenkinsfile", False)]
    # The real Jenkinsfile checks out scm: inlined, that is an error.
    inlined = stack_lint.jenkinsfile_problems((root / "platform/jenkins/Jenkinsfile").read_text(), TARGETS, TOOLS,
                                              "Jenkinsfile", from_scm=False)
    assert any("`checkout scm` in a script the job inlines" in p for p in inlined), inlined
    old_dockerfile = ("ARG JENKINS_BASE_IMAGE=jenkins/jenkins:2.528.2-lts-jdk21\nFROM ${JENKINS_BASE_IMAGE}\n"
                      "COPY plugins.txt /usr/share/jenkins/ref/plugins.txt\n"
                      "RUN jenkins-plugin-cli --plugin-file /usr/share/jenkins/ref/plugins.txt\n")
    image = stack_lint.jenkins_image_problems(old_dockerfile, TOOLS, {"chromium"}, "3.11")
    for missing in ("jdk tool 'jdk17'", "maven tool 'maven-3.9'", "no python3.11", "package make ",
                    "package chromium "):
        assert any(missing in p for p in image), (missing, image)


def test_a_good_jenkinsfile_passes_and_each_break_is_reported():
    assert stack_lint.jenkinsfile_problems(JENKINSFILE, TARGETS, TOOLS, "J") == []
    cases = {
        "scripted": ("node {\n  sh 'make test'\n}\n", "not a declarative pipeline"),
        "no stages": ("pipeline {\n  agent any\n}\n", "without `stages`"),
        "unknown target": (JENKINSFILE.replace("make test", "make -j2 tests"), "`make tests` is not a target"),
        "undeclared tool": (JENKINSFILE.replace("'jdk17'", "'jdk21'"), "tools jdk 'jdk21' is not"),
        "no maven": (JENKINSFILE.replace("    maven 'maven-3.9'\n", ""), "no `tools { maven"),
    }
    for label, (text, expected) in cases.items():
        problems = stack_lint.jenkinsfile_problems(text, TARGETS, TOOLS, "J")
        assert any(expected in p for p in problems), (label, problems)


def test_a_job_from_scm_needs_its_script_in_the_repository(tmp_path):
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "Jenkinsfile").write_text(JENKINSFILE)
    job = "pipelineJob('x') { definition { cpsScm { scm { git { remote { url('u') } } }\n scriptPath('%s') } } }"
    problems, scripts = stack_lint.casc_job_problems({"jobs": [{"script": job % "ci/Jenkinsfile"}]}, tmp_path)
    assert problems == [] and scripts == [("ci/Jenkinsfile", True)]
    problems, _ = stack_lint.casc_job_problems({"jobs": [{"script": job % "ci/Nope"}]}, tmp_path)
    assert any("scriptPath ci/Nope does not exist" in p for p in problems)
    inline = "pipelineJob('x') { definition { cps { script('pipeline { stages { checkout scm } }') } } }"
    problems, _ = stack_lint.casc_job_problems({"jobs": [{"script": inline}]}, tmp_path)
    assert any("inline pipeline script cannot `checkout scm`" in p for p in problems)
    assert any("no jobs" in p for p in stack_lint.casc_job_problems({}, tmp_path)[0])


def test_the_make_targets_are_read_from_the_makefiles(root):
    targets = stack_lint.make_targets(root)
    assert {"test", "stack-check", "py-setup", "up", "smoke"} <= targets
    assert "SHELL" not in targets and "MVN" not in targets  # variables (`X :=`), not targets


# ---- images installed from a lock run the lock's Python --------------------------------------------

def test_an_image_from_a_lock_must_run_the_python_the_lock_is_made_for(root, services, tmp_path):
    assert stack_lint.lock_image_problems(services, root, stack_lint.py_setup_python(root)) == []
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "Dockerfile").write_text("ARG PYTHON_IMAGE=python:3.11.14-slim\nFROM ${PYTHON_IMAGE}\n"
                                               "COPY requirements.lock ./\nRUN pip install -r requirements.lock\n")
    built = {"gx": svc(image="onering/gx:${ONERING_VERSION:-0.1.0}",
                       build={"context": "q", "args": {"PYTHON_IMAGE": "${PYTHON_IMAGE:-python:3.11.14-slim}"}})}
    assert stack_lint.lock_image_problems(built, tmp_path, "3.11") == []
    built["gx"]["build"]["args"]["PYTHON_IMAGE"] = "${PYTHON_IMAGE:-python:3.12.11-slim-bookworm}"
    problems = stack_lint.lock_image_problems(built, tmp_path, "3.11")
    assert len(problems) == 1 and "made for Python 3.11, but runs on python:3.12.11-slim-bookworm" in problems[0]
