"""Prometheus and Grafana configuration: promtool accepts it, provisioning points at real datasources."""
from __future__ import annotations

import json
import shutil
import subprocess

import stack_lint


def promtool(*args):
    exe = shutil.which("promtool")
    assert exe, "promtool is not installed: run ops/scripts/install-ci-tools.sh"
    return subprocess.run([exe, *args], capture_output=True, text=True)


def test_promtool_accepts_the_prometheus_config(root):
    r = promtool("check", "config", str(root / "platform/prometheus/prometheus.yml"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_promtool_rejects_a_broken_config(tmp_path):
    bad = tmp_path / "prometheus.yml"
    bad.write_text("scrape_configs:\n  - job_name: x\n    scrape_interval: often\n")
    assert promtool("check", "config", str(bad)).returncode != 0


def test_prometheus_scrapes_services_that_exist(root):
    import yaml
    services = set(yaml.safe_load((root / "compose.yaml").read_text())["services"])
    cfg = yaml.safe_load((root / "platform/prometheus/prometheus.yml").read_text())
    for job in cfg["scrape_configs"]:
        for sc in job.get("static_configs", []):
            for target in sc["targets"]:
                host = target.split(":")[0]
                assert host == "localhost" or host in services, f"{job['job_name']}: {target}"


def test_grafana_provisioning_is_consistent(root):
    assert stack_lint.grafana_problems(root / "platform/grafana/provisioning",
                                       root / "platform/grafana/dashboards") == []


def test_a_dashboard_pointing_at_a_missing_datasource_is_reported(root, tmp_path):
    prov = root / "platform/grafana/provisioning"
    dash = tmp_path / "d.json"
    dash.write_text(json.dumps({"uid": "x", "title": "x", "panels": [
        {"type": "stat", "datasource": {"type": "prometheus", "uid": "nope"}}]}))
    problems = stack_lint.grafana_problems(prov, tmp_path)
    assert any("'nope' is not provisioned" in p for p in problems), problems
    dash.write_text("{not json")
    assert any("invalid JSON" in p for p in stack_lint.grafana_problems(prov, tmp_path))
