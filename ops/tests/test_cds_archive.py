"""The CLI's class-data-sharing archive (ops/scripts/cds-archive.sh, used by ops/scripts/onering)."""
from __future__ import annotations

import os
import subprocess

import pytest


def archive_for(root, target):
    out = subprocess.run(["bash", "-c", f'source ops/scripts/functions.sh && onering_cds_archive "{target}"'],
                         cwd=root, check=True, capture_output=True, text=True)
    return out.stdout.strip()


def test_the_archive_name_follows_the_jars(root, tmp_path):
    """A rebuilt jar must lead to a new archive: the JVM refuses a stale one and runs slower."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "onering-cli.jar").write_bytes(b"cli")
    (tmp_path / "lib" / "a.jar").write_bytes(b"a")
    first = archive_for(root, tmp_path)
    assert first == archive_for(root, tmp_path)
    (tmp_path / "lib" / "a.jar").write_bytes(b"ab")
    assert archive_for(root, tmp_path) != first
    os.utime(tmp_path / "lib" / "a.jar", (1, 1))
    second = archive_for(root, tmp_path)
    (tmp_path / "lib" / "b.jar").write_bytes(b"b")
    assert archive_for(root, tmp_path) != second


def test_the_launcher_maps_the_archive_it_made(root):
    """After cds-archive.sh, a CLI run maps the archive; -Xshare:on makes the JVM fail if it cannot."""
    target = root / "pipelines" / "cli" / "target"
    if not (target / "onering-cli.jar").exists():
        pytest.fail("pipelines/cli/target/onering-cli.jar is missing: `make build` (make test builds it first)")
    subprocess.run(["bash", "ops/scripts/cds-archive.sh"], cwd=root, check=True, timeout=600)
    archive = archive_for(root, target)
    assert os.path.exists(archive)
    env = {**os.environ, "ONERING_JAVA_OPTS": "-Xshare:on -Xlog:cds=info"}
    run = subprocess.run(["ops/scripts/onering", "--version"], cwd=root, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Unable to use shared archive" not in run.stdout + run.stderr
    assert f"-XX:SharedArchiveFile={archive}" in subprocess.run(
        ["bash", "-x", "ops/scripts/onering", "--version"], cwd=root, capture_output=True, text=True).stderr
