"""`docker-compose config` (1.29, no engine needed) accepts the file for every profile."""
from __future__ import annotations

import shutil
import subprocess

import pytest

PROFILES = ["core", "streaming", "ml", "bi", "governance", "ci", "secrets", "tools"]


def compose(root, env_file, *args):
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose 1.29 is not installed: run ops/scripts/install-ci-tools.sh"
    return subprocess.run([exe, "--project-directory", str(root), "-f", str(root / "compose.yaml"),
                           "--env-file", str(env_file), *args], capture_output=True, text=True, cwd=root)


@pytest.mark.parametrize("profile", PROFILES)
def test_config_accepts_each_profile_on_top_of_core(root, generated_env, profile):
    r = compose(root, generated_env, "--profile", "core", "--profile", profile, "config", "-q")
    assert r.returncode == 0, r.stderr


def test_config_accepts_all_profiles_together(root, generated_env):
    flags = [x for p in PROFILES for x in ("--profile", p)]
    r = compose(root, generated_env, *flags, "config", "--services")
    assert r.returncode == 0, r.stderr
    assert {"minio", "airflow-scheduler", "pulsar", "mlflow", "grafana", "openmetadata-server",
            "jenkins", "infisical"} <= set(r.stdout.split())


def test_config_refuses_to_run_without_generated_secrets(root, tmp_path):
    # .env.example as is: every secret empty. Compose must stop and say what to do.
    env = tmp_path / "plain.env"
    env.write_text((root / ".env.example").read_text())
    r = compose(root, env, "--profile", "core", "config", "-q")
    assert r.returncode != 0
    assert "run make init" in r.stderr


def test_generated_env_interpolates_secrets_not_defaults(root, generated_env):
    r = compose(root, generated_env, "--profile", "core", "config")
    assert r.returncode == 0, r.stderr
    secret = next(l.split("=", 1)[1] for l in generated_env.read_text().splitlines()
                  if l.startswith("POSTGRES_PASSWORD="))
    assert len(secret) >= 20 and secret in r.stdout
    for port_line in [l for l in r.stdout.splitlines() if "/tcp" in l]:
        assert "127.0.0.1:" in port_line, port_line
