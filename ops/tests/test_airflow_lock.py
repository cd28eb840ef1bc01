"""Airflow's version is chosen once, in platform/airflow/requirements.in; the lock, the image's base
and compose's default name the same Airflow and Python, and the image installs the lock."""
from __future__ import annotations

import re

import yaml


def pinned(text: str, name: str) -> str:
    m = re.search(rf"^{re.escape(name)}(?:\[[^\]]*\])?==([^\s;\\]+)", text, re.M)
    assert m, f"{name} is not pinned"
    return m.group(1)


def py_setup_python(root) -> str:
    return re.search(r'^PYTHON_VERSION="([0-9.]+)"', (root / "ops/scripts/py-setup.sh").read_text(), re.M).group(1)


def test_the_lock_resolves_the_airflow_requirements_in_pins(root):
    wanted = (root / "platform/airflow/requirements.in").read_text()
    lock = (root / "platform/airflow/requirements.lock").read_text()
    for name in ("apache-airflow", "apache-airflow-providers-fab"):
        assert pinned(lock, name) == pinned(wanted, name), f"{name}: re-run make py-lock PY_SERVICES=airflow"
    for needed in ("apache-airflow-core", "psycopg2-binary", "asyncpg", "requests", "pytest"):
        pinned(lock, needed)


def test_the_image_is_built_on_the_locks_airflow_and_python_and_installs_the_lock(root):
    version = pinned((root / "platform/airflow/requirements.lock").read_text(), "apache-airflow")
    image = f"apache/airflow:slim-{version}-python{py_setup_python(root)}"
    dockerfile = (root / "platform/airflow/Dockerfile").read_text()
    assert f"ARG AIRFLOW_BASE_IMAGE={image}\n" in dockerfile
    assert re.search(r"^RUN pip install .*--require-hashes -r \S*requirements\.lock$", dockerfile, re.M)
    # Built from platform/ (compose's context): the Airflow lock is airflow/requirements.lock there.
    build = yaml.safe_load((root / "compose.yaml").read_text())["services"]["airflow-init"]["build"]
    assert (root / build["context"] / build["dockerfile"]).resolve() == (root / "platform/airflow/Dockerfile").resolve()
    copied = re.search(r"^COPY (\S*requirements\.lock) ", dockerfile, re.M)
    assert copied and (root / build["context"] / copied.group(1)).resolve() == \
        (root / "platform/airflow/requirements.lock").resolve()
    args = yaml.safe_load((root / "compose.yaml").read_text())["services"]["airflow-init"]["build"]["args"]
    assert args["AIRFLOW_BASE_IMAGE"] == "${AIRFLOW_BASE_IMAGE:-%s}" % image
    assert f"\nAIRFLOW_BASE_IMAGE={image}\n" in (root / ".env.example").read_text()


def test_a_version_out_of_step_is_caught(tmp_path, root):
    lock = (root / "platform/airflow/requirements.lock").read_text()
    assert pinned(lock.replace("apache-airflow==", "apache-airflow==0.0.1+x", 1), "apache-airflow").startswith("0.0.1")
    assert pinned("apache-airflow[postgres]==3.3.2\n", "apache-airflow") == "3.3.2"
