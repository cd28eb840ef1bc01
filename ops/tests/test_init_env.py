"""`make init` (ops/scripts/init-env.sh): generated secrets, idempotent, nothing secret in git."""
from __future__ import annotations

import os
import re
import stat
import subprocess

import stack_lint


def run_init(root, out, example=None):
    cmd = ["bash", str(root / "ops/scripts/init-env.sh"), "--output", str(out)]
    if example:
        cmd += ["--example", str(example)]
    return subprocess.run(cmd, check=True, capture_output=True, text=True)


def read_env(path) -> dict[str, str]:
    return dict(l.split("=", 1) for l in path.read_text().splitlines() if re.match(r"^[A-Z_0-9]+=", l))


def test_every_secret_is_generated_and_strong(root, generated_env):
    _, secrets = stack_lint.parse_env_example((root / ".env.example").read_text())
    env = read_env(generated_env)
    assert secrets, "no secret marked in .env.example"
    for name, kind in secrets.items():
        value = env[name]
        assert value, f"{name} not generated"
        if kind == "password":
            assert re.fullmatch(r"[A-Za-z0-9]{24}", value), (name, value)
        if kind == "hex32":
            assert re.fullmatch(r"[0-9a-f]{32}", value), (name, value)
        if kind == "fernet":
            assert re.fullmatch(r"[A-Za-z0-9_-]{43}=", value), (name, value)
    passwords = [env[n] for n, k in secrets.items()]
    assert len(set(passwords)) == len(passwords), "two secrets share a value"
    assert stat.S_IMODE(os.stat(generated_env).st_mode) == 0o600


def test_rerun_keeps_existing_values_and_adds_new_variables(root, tmp_path):
    example = tmp_path / "example"
    example.write_text("# [secret:password]\nA_PASSWORD=\nPORT=1\n")
    out = tmp_path / ".env"
    run_init(root, out, example)
    first = read_env(out)
    out.write_text(out.read_text().replace("PORT=1", "PORT=2"))
    example.write_text(example.read_text() + "# [secret:hex32]\nNEW_KEY=\n")
    run_init(root, out, example)
    second = read_env(out)
    assert second["A_PASSWORD"] == first["A_PASSWORD"]
    assert second["PORT"] == "2", "a value the user changed was overwritten"
    assert re.fullmatch(r"[0-9a-f]{32}", second["NEW_KEY"])


def test_no_secret_is_committed(root):
    problems = stack_lint.env_example_problems((root / ".env.example").read_text())
    assert problems == []
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=root)
    assert ignored.returncode == 0, ".env is not git-ignored"
