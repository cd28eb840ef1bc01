#!/usr/bin/env python3
"""`make status` and `make smoke` against a running stack. Python standard library only, so it
runs with any python3 on a laptop.

    python3 ops/scripts/stack.py status
    python3 ops/scripts/stack.py smoke [--date YYYY-MM-DD] [--timeout SECONDS]

status: every container of the project with its health, its UI URL and a probe of its API from
this machine. smoke: every service healthy, Bronze seeded for one date, the medallion DAG
triggered through Airflow's REST API (/api/v2, JWT from /auth/token), every step's result and
quality checked, row counts read back from ClickHouse (Silver) and Postgres (Gold). Exit code 0
when all holds, 1 with a message naming what failed.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DAG_ID = "onering_medallion"


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
def read_env(path: Path = ROOT / ".env") -> dict[str, str]:
    env: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                k, v = line.split("=", 1)
                env[k.strip()] = v
    return env


def compose_command() -> list[str]:
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"]


# ---------------------------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------------------------
@dataclass
class Container:
    service: str
    status: str          # docker's Status column: "Up 3 minutes (healthy)", "Exited (0) 2 minutes ago"
    url: str = ""
    probe: str = ""
    role: str = ""

    @property
    def one_shot(self) -> bool:
        return self.role in ("init", "tool")


def classify(c: Container) -> tuple[str, bool]:
    """(state word, ok) for one container."""
    s = c.status
    if s.startswith("Exited"):
        code = s.split("(", 1)[1].split(")", 1)[0] if "(" in s else "?"
        if c.one_shot and code == "0":
            return "done", True
        return f"exited {code}", False
    if "(healthy)" in s:
        return "healthy", True
    if "(unhealthy)" in s:
        return "unhealthy", False
    if "health: starting" in s:
        return "starting", False
    if s.startswith("Up"):
        return ("running", True) if c.one_shot else ("no health", False)
    return s.split(" ", 1)[0].lower() or "unknown", False


def list_containers(project: str, runner=subprocess.run) -> list[Container]:
    fmt = "\t".join(['{{.Label "com.docker.compose.service"}}', "{{.Status}}", '{{.Label "dev.onering.url"}}',
                     '{{.Label "dev.onering.probe"}}', '{{.Label "dev.onering.role"}}'])
    r = runner(["docker", "ps", "-a", "--filter", f"label=com.docker.compose.project={project}",
                "--format", fmt], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"docker ps failed: {r.stderr.strip()} (is Docker running?)")
    out = []
    for line in r.stdout.splitlines():
        parts = (line.split("\t") + [""] * 5)[:5]
        if parts[0]:
            out.append(Container(*parts))
    # A service re-run (one-shot) leaves one container per run name; keep one row per service.
    by_service: dict[str, Container] = {}
    for c in out:
        by_service.setdefault(c.service, c)
    return sorted(by_service.values(), key=lambda c: c.service)


def probe(url: str, timeout: float = 3.0) -> str:
    if not url:
        return ""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return f"HTTP {resp.status}"
    except urllib.error.HTTPError as e:
        # 401/403 means the server answers and wants a login: that is up.
        return f"HTTP {e.code}"
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        return f"no answer ({reason})"


def status(project: str, runner=subprocess.run, prober=probe, out=sys.stdout) -> int:
    containers = list_containers(project, runner)
    if not containers:
        print(f"No containers of project '{project}'. Start the stack with `make up`.", file=out)
        return 1
    rows = [("SERVICE", "STATE", "URL", "API")]
    bad = []
    for c in containers:
        state, ok = classify(c)
        answer = prober(c.probe) if c.probe and not c.status.startswith("Exited") else ""
        if answer.startswith("no answer") and not c.one_shot:
            ok = False
        if not ok:
            bad.append(f"{c.service} ({state}{', ' + answer if answer.startswith('no answer') else ''})")
        rows.append((c.service, state, c.url or "-", answer or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(v.ljust(widths[i]) for i, v in enumerate(r)).rstrip(), file=out)
    if bad:
        print(f"\nNot healthy: {', '.join(bad)}. See `make logs SERVICE=<name>`.", file=out)
        return 1
    print("\nAll services healthy. Logins: see docs/stack.md (credentials are in .env).", file=out)
    return 0


# ---------------------------------------------------------------------------------------------
# Airflow REST API (v2, JWT)
# ---------------------------------------------------------------------------------------------
class AirflowClient:
    def __init__(self, base_url: str, username: str, password: str, timeout: float = 30.0):
        self.base = base_url.rstrip("/")
        self.username, self.password, self.timeout = username, password, timeout
        self.token: str | None = None

    def _request(self, method: str, path: str, body=None, auth: bool = True):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if auth:
            if self.token is None:
                self.login()
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")[:300]
            raise RuntimeError(f"Airflow {method} {path}: HTTP {e.code} {detail}") from e
        return json.loads(raw) if raw else {}

    def login(self) -> None:
        resp = self._request("POST", "/auth/token",
                             {"username": self.username, "password": self.password}, auth=False)
        self.token = resp.get("access_token")
        if not self.token:
            raise RuntimeError("Airflow /auth/token returned no access_token")

    def unpause(self, dag_id: str) -> None:
        self._request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str, run_id: str, conf: dict) -> dict:
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        return self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns",
                             {"dag_run_id": run_id, "logical_date": now, "conf": conf})

    def dag_run(self, dag_id: str, run_id: str) -> dict:
        return self._request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        r = self._request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}/taskInstances")
        return r.get("task_instances", [])

    def step_result(self, dag_id: str, run_id: str, task_id: str):
        r = self._request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}"
                                 f"/taskInstances/{task_id}/xcomEntries/return_value")
        value = r.get("value")
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                pass
        return value


def wait_for_run(client: AirflowClient, dag_id: str, run_id: str, timeout: float,
                 poll: float = 10.0, clock=time.monotonic, sleep=time.sleep, log=print) -> str:
    deadline = clock() + timeout
    last = None
    while True:
        state = client.dag_run(dag_id, run_id).get("state")
        if state != last:
            log(f"  run {run_id}: {state}")
            last = state
        if state in ("success", "failed"):
            return state
        if clock() >= deadline:
            return f"timeout ({state} after {int(timeout)}s)"
        sleep(poll)


def quality_failed(result: dict) -> bool:
    q = result.get("quality")
    if not isinstance(q, dict):
        return False
    return str(q.get("status", "")).lower() in ("failed", "error") or q.get("success") is False


@dataclass
class Verdict:
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, msg: str) -> None:
        self.failures.append(msg)

    @property
    def ok(self) -> bool:
        return not self.failures


def check_results(tasks: list[dict], results: dict[str, object], verdict: Verdict) -> None:
    """Every task succeeded with a contract result; rows flowed; no quality gate failed."""
    for ti in tasks:
        tid, state = ti.get("task_id"), ti.get("state")
        if state != "success":
            verdict.fail(f"task {tid} ended {state}")
            continue
        result = results.get(tid)
        if not isinstance(result, dict):
            verdict.fail(f"task {tid} pushed no step result to XCom")
            continue
        if result.get("status") != "success":
            verdict.fail(f"step {tid}: status {result.get('status')}: {result.get('error')}")
        if quality_failed(result):
            verdict.fail(f"step {tid}: quality gate failed: {json.dumps(result.get('quality'))[:200]}")
        verdict.notes.append(f"{tid}: rows in {result.get('rows_in')}, out {result.get('rows_out')}, "
                             f"rejected {result.get('rows_rejected')}")
    for tid in ("silver", "gold"):
        r = results.get(tid)
        if isinstance(r, dict) and not (r.get("rows_out") or 0) > 0:
            verdict.fail(f"step {tid} wrote no rows (rows_out={r.get('rows_out')})")


def airflow_smoke(client: AirflowClient, run_date: str, timeout: float, verdict: Verdict,
                  dag_id: str = DAG_ID, log=print, **wait_kwargs) -> dict[str, object]:
    client.unpause(dag_id)
    run_id = f"smoke__{run_date}__{int(time.time())}"
    client.trigger(dag_id, run_id, {"run_date": run_date})
    log(f"triggered {dag_id} run {run_id} for {run_date}")
    state = wait_for_run(client, dag_id, run_id, timeout, log=log, **wait_kwargs)
    tasks = client.task_instances(dag_id, run_id)
    results = {}
    for ti in tasks:
        if ti.get("state") == "success":
            results[ti["task_id"]] = client.step_result(dag_id, run_id, ti["task_id"])
    if state != "success":
        verdict.fail(f"DAG run {run_id} ended {state}")
    check_results(tasks, results, verdict)
    return results


# ---------------------------------------------------------------------------------------------
# Stores
# ---------------------------------------------------------------------------------------------
def clickhouse_count(url: str, user: str, password: str, sql: str) -> int:
    req = urllib.request.Request(url.rstrip("/") + "/?" + urllib.parse.urlencode({"query": sql}))
    req.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())
    with urllib.request.urlopen(req, timeout=30) as resp:
        return int(resp.read().decode().strip() or 0)


def postgres_count(compose: list[str], user: str, sql: str) -> int:
    r = subprocess.run([*compose, "exec", "-T", "postgres", "psql", "-U", user, "-d", "onering", "-tAc", sql],
                       capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip())
    return int(r.stdout.strip() or 0)


def seed_command(run_date: str) -> list[str]:
    """`onering generate` for one day in the one-off CLI container. The simulated dataset starts at
    the run date, so the day is in it whatever the date; the container's ONERING_LAKE (s3a://)
    puts the files in MinIO's bronze bucket, where the DAG's silver task reads them."""
    return ["run", "--rm", "onering", "generate", "--start-date", run_date, "--days", "1", "--run-date", run_date]


def smoke(args, env: dict[str, str]) -> int:
    verdict = Verdict()
    project = env.get("COMPOSE_PROJECT_NAME", "onering")
    print("1/4 services")
    if status(project) != 0:
        print("\nSMOKE FAILED: not every service is healthy (see the table above)", file=sys.stderr)
        return 1

    run_date = args.date or (dt.date.today() - dt.timedelta(days=1)).isoformat()
    compose = compose_command()
    print(f"\n2/4 seed Bronze for {run_date} (onering generate, into the bronze bucket)")
    seed = subprocess.run([*compose, *seed_command(run_date)], cwd=ROOT, capture_output=True, text=True)
    if seed.returncode != 0:
        print(seed.stderr[-2000:], file=sys.stderr)
        print(f"\nSMOKE FAILED: seeding Bronze with `onering generate` exited {seed.returncode}", file=sys.stderr)
        return 1

    print(f"\n3/4 Airflow: {DAG_ID} through the REST API")
    client = AirflowClient(f"http://127.0.0.1:{env.get('AIRFLOW_PORT', '8080')}",
                           env.get("AIRFLOW_ADMIN_USER", "onering"), env.get("AIRFLOW_ADMIN_PASSWORD", ""))
    try:
        results = airflow_smoke(client, run_date, args.timeout, verdict)
    except RuntimeError as e:
        verdict.fail(str(e))
        results = {}

    print("\n4/4 row counts in the serving stores")
    try:
        ch = clickhouse_count(f"http://127.0.0.1:{env.get('CLICKHOUSE_HTTP_PORT', '8123')}",
                              env.get("CLICKHOUSE_USER", "onering"), env.get("CLICKHOUSE_PASSWORD", ""),
                              f"SELECT count() FROM silver.trades WHERE trade_date = '{run_date}'")
        verdict.notes.append(f"ClickHouse silver.trades[{run_date}] = {ch}")
        if ch <= 0:
            verdict.fail(f"ClickHouse silver.trades has no rows for {run_date}")
    except (OSError, ValueError, urllib.error.URLError) as e:
        verdict.fail(f"ClickHouse count failed: {e}")
    try:
        pg = postgres_count(compose, env.get("ONERING_PG_USER", "onering"),
                            f"SELECT count(*) FROM gold.daily_bars WHERE trade_date = '{run_date}'")
        verdict.notes.append(f"Postgres gold.daily_bars[{run_date}] = {pg}")
        if pg <= 0:
            verdict.fail(f"Postgres gold.daily_bars has no rows for {run_date}")
    except (RuntimeError, ValueError) as e:
        verdict.fail(f"Postgres count failed: {e}")

    print()
    for n in verdict.notes:
        print(f"  {n}")
    if verdict.ok:
        print(f"\nSMOKE PASSED: Bronze to Gold for {run_date} through Airflow, counts and quality checked.")
        return 0
    print("\nSMOKE FAILED:", file=sys.stderr)
    for f in verdict.failures:
        print(f"  - {f}", file=sys.stderr)
    return 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Status and smoke test of the running OneRing stack.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("status", help="every service with its health and URL")
    sp = sub.add_parser("smoke", help="one Bronze-to-Gold run through Airflow, checked end to end")
    sp.add_argument("--date", help="run date YYYY-MM-DD (default: yesterday, UTC)")
    sp.add_argument("--timeout", type=float, default=float(os.environ.get("SMOKE_TIMEOUT", 1800)),
                    help="seconds to wait for the DAG run (default 1800)")
    args = ap.parse_args(argv)
    env = {**read_env(), **{k: v for k, v in os.environ.items() if k.startswith(("AIRFLOW_", "CLICKHOUSE_", "ONERING_", "COMPOSE_"))}}
    try:
        if args.cmd == "status":
            return status(env.get("COMPOSE_PROJECT_NAME", "onering"))
        return smoke(args, env)
    except (RuntimeError, FileNotFoundError) as e:
        print(f"FAIL {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
