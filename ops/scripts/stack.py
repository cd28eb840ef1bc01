#!/usr/bin/env python3
"""`make status` and `make smoke` against a running stack. Python standard library only, so it
runs with any python3 on a laptop.

    python3 ops/scripts/stack.py status
    python3 ops/scripts/stack.py smoke [--date YYYY-MM-DD] [--timeout SECONDS]

status: every container of the project with its health, its UI URL and a probe of its API from
this machine. smoke: every service healthy, the landing bucket seeded with the sample CSV files
and Bronze with one simulated day, the medallion DAG triggered through Airflow's REST API
(/api/v2, JWT from /auth/token), every step's result and quality checked, no other run of the DAG
started meanwhile, row counts read back from ClickHouse (Silver) and Postgres (Gold). Exit code 0
when all holds, 1 with a message naming what failed.

The smoke is one code path for both stacks: `run_smoke(target)` with a `SmokeTarget` that says
where the services are. `ComposeTarget` is the Docker stack (`make smoke`); ops/scripts/native.py
has the native stack's (`make native-smoke`).
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
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
sys.path.insert(0, str(ROOT / "platform" / "airflow" / "plugins"))
from onering_airflow.steps import SPARK_POOL  # noqa: E402  Airflow-free: the pool the spark steps take

DAG_ID = "onering_medallion"
# The files a user would drop into the landing bucket; the smoke drops these.
SAMPLE_CSV_DIR = ROOT / "platform" / "samples" / "ohlcv"


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
    def __init__(self, base_url: str, username: str, password: str, timeout: float = 60.0):
        self.base = base_url.rstrip("/")
        self.username, self.password, self.timeout = username, password, timeout
        self.token: str | None = None

    def _request(self, method: str, path: str, body=None, auth: bool = True, attempts: int = 3):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if auth:
            if self.token is None:
                self.login()
            req.add_header("Authorization", f"Bearer {self.token}")
        # A busy API server can miss a read timeout; a GET is safe to ask again, a change is not.
        tries = attempts if method == "GET" else 1
        for attempt in range(1, tries + 1):
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    raw = resp.read()
                return json.loads(raw) if raw else {}
            except urllib.error.HTTPError as e:
                detail = e.read().decode(errors="replace")[:300]
                raise RuntimeError(f"Airflow {method} {path}: HTTP {e.code} {detail}") from e
            except (urllib.error.URLError, OSError) as e:
                if attempt == tries:
                    raise RuntimeError(f"Airflow {method} {self.base}{path}: no answer after {tries} "
                                       f"attempt(s) of {self.timeout:.0f} s ({getattr(e, 'reason', e)})") from e
        raise AssertionError("unreachable")

    def login(self) -> None:
        resp = self._request("POST", "/auth/token",
                             {"username": self.username, "password": self.password}, auth=False)
        self.token = resp.get("access_token")
        if not self.token:
            raise RuntimeError("Airflow /auth/token returned no access_token")

    def unpause(self, dag_id: str) -> None:
        self._request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def dag(self, dag_id: str) -> dict:
        return self._request("GET", f"/api/v2/dags/{dag_id}")

    def trigger(self, dag_id: str, run_id: str, conf: dict, interval: "Interval | None" = None) -> dict:
        """A run now, or the run of a scheduled interval (logical date and data interval given)."""
        body: dict = {"dag_run_id": run_id, "conf": conf}
        if interval is None:
            body["logical_date"] = dt.datetime.now(dt.timezone.utc).isoformat()
        else:
            body.update(logical_date=interval.logical_date, data_interval_start=interval.start,
                        data_interval_end=interval.end)
        return self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns", body)

    def dag_runs(self, dag_id: str) -> list[dict]:
        return self._request("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=100").get("dag_runs", [])

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

    def report(self, label: str, passed: str) -> int:
        """Prints the notes, then `<label> PASSED: <passed>` or the failures on stderr; the exit code."""
        for n in self.notes:
            print(f"  {n}")
        if self.ok:
            print(f"\n{label} PASSED: {passed}")
            return 0
        print(f"\n{label} FAILED:", file=sys.stderr)
        for f in self.failures:
            print(f"  - {f}", file=sys.stderr)
        return 1


def pool_clashes(tasks: list[dict], pool: str) -> list[str]:
    """The tasks of a one-slot pool that ran at the same time as another (task instances as
    Airflow's API gives them: pool, start_date, end_date)."""
    spans = sorted((dt.datetime.fromisoformat(t["start_date"]), dt.datetime.fromisoformat(t["end_date"]), t["task_id"])
                   for t in tasks if t.get("pool") == pool and t.get("start_date") and t.get("end_date"))
    clashes, latest = [], None
    for start, end, tid in spans:
        if latest is not None and start < latest[0]:
            clashes.append(f"{tid} started while {latest[1]} ran")
        if latest is None or end > latest[0]:
            latest = (end, tid)
    return clashes


def check_results(tasks: list[dict], results: dict[str, object], verdict: Verdict) -> None:
    """Every task succeeded with a contract result; rows flowed; no quality gate failed; the spark
    steps ran one at a time (their pool)."""
    for clash in pool_clashes(tasks, SPARK_POOL):
        verdict.fail(f"spark steps ran together, which can starve the Spark worker: {clash} (pool {SPARK_POOL})")
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
            # A skipped step says why in details.reason (e.g. nothing in the landing bucket).
            why = result.get("error") or (result.get("details") or {}).get("reason")
            verdict.fail(f"step {tid}: status {result.get('status')}: {why}")
        if quality_failed(result):
            verdict.fail(f"step {tid}: quality gate failed: {json.dumps(result.get('quality'))[:200]}")
        verdict.notes.append(f"{tid}: rows in {result.get('rows_in')}, out {result.get('rows_out')}, "
                             f"rejected {result.get('rows_rejected')}")
    for tid in ("silver", "gold"):
        r = results.get(tid)
        if isinstance(r, dict) and not (r.get("rows_out") or 0) > 0:
            verdict.fail(f"step {tid} wrote no rows (rows_out={r.get('rows_out')})")


@dataclass(frozen=True)
class Interval:
    """A scheduled interval of the DAG: its logical date and data interval, as the API gives them."""
    logical_date: str
    start: str
    end: str

    @property
    def run_date(self) -> str:
        return self.start[:10]


def latest_interval(dag: dict) -> Interval | None:
    """The interval the scheduler would create a run for as soon as the DAG is unpaused: on a
    paused DAG with catchup off, the latest complete one (GET /api/v2/dags/{id} next_dagrun_*).
    None when the DAG runs already (unpausing creates nothing) or the scheduler has not planned one."""
    if not dag.get("is_paused"):
        return None
    fields = [dag.get(k) for k in ("next_dagrun_logical_date", "next_dagrun_data_interval_start",
                                   "next_dagrun_data_interval_end")]
    return Interval(*fields) if all(fields) else None


def default_run_date(interval: Interval | None) -> str:
    """The latest interval's date on a paused DAG, else yesterday (UTC): the day the daily run of
    today processes."""
    return interval.run_date if interval else (dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)).isoformat()


def airflow_smoke(client: AirflowClient, run_date: str | None, timeout: float, verdict: Verdict,
                  dag_id: str = DAG_ID, log=print, **wait_kwargs) -> dict[str, object]:
    """Trigger one run for run_date (default: the DAG's latest interval), wait, collect results.

    Unpausing a paused daily DAG makes the scheduler create the run of its latest interval too,
    and with max_active_runs=1 the smoke's run would wait behind it. So the smoke's run is that
    interval's run: triggered, before unpausing, with the interval's logical date and data
    interval; the scheduler then finds the run exists and creates none. A run of any other DAG
    run started meanwhile is reported.
    """
    interval = latest_interval(client.dag(dag_id))
    run_date = run_date or default_run_date(interval)
    own = interval if interval and interval.run_date == run_date else None
    if interval and own is None:
        log(f"note: {dag_id} is paused; unpausing makes the scheduler run {interval.run_date} too, "
            f"ahead of the smoke's run for {run_date} (omit --date to smoke {interval.run_date} instead)")
    before = {r.get("dag_run_id") for r in client.dag_runs(dag_id)}
    run_id = f"smoke__{run_date}__{int(time.time())}"
    client.trigger(dag_id, run_id, {"run_date": run_date}, interval=own)
    client.unpause(dag_id)
    log(f"triggered {dag_id} run {run_id} for {run_date}")
    state = wait_for_run(client, dag_id, run_id, timeout, log=log, **wait_kwargs)
    others = sorted(r.get("dag_run_id") for r in client.dag_runs(dag_id)
                    if r.get("dag_run_id") not in before | {run_id})
    if others and own is not None:
        verdict.fail(f"the scheduler started other runs of {dag_id} beside the smoke's: {', '.join(others)}")
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


def s3_put(endpoint: str, access_key: str, secret_key: str, bucket: str, key: str, body: bytes,
           region: str = "us-east-1", now: dt.datetime | None = None) -> None:
    """PUT one object, path-style, signed with AWS Signature V4: what any S3 client sends, to MinIO
    or S3Proxy alike."""
    now = now or dt.datetime.now(dt.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    host = urllib.parse.urlparse(endpoint).netloc
    path = "/" + urllib.parse.quote(f"{bucket}/{key}", safe="/~")
    payload = hashlib.sha256(body).hexdigest()
    headers = {"host": host, "x-amz-content-sha256": payload, "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["PUT", path, "", *(f"{k}:{headers[k]}" for k in sorted(headers)), "", signed, payload])
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = ("AWS4" + secret_key).encode()
    for part in (day, region, "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    req = urllib.request.Request(endpoint.rstrip("/") + path, data=body, method="PUT")
    # urllib's default form content type would have the server parse the body as form fields.
    req.add_header("Content-Type", "application/octet-stream")
    for name, value in headers.items():
        if name != "host":
            req.add_header(name, value)
    req.add_header("Authorization", f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
                                    f"SignedHeaders={signed}, Signature={signature}")
    try:
        with urllib.request.urlopen(req, timeout=30):
            pass
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"S3 PUT s3://{bucket}/{key} at {endpoint}: HTTP {e.code} "
                           f"{e.read().decode(errors='replace')[:300]}") from e


def seed_args(run_date: str) -> list[str]:
    """`onering generate` for one day. The simulated dataset starts at the run date, so the day is
    in it whatever the date; the target's ONERING_LAKE (s3a://) puts the files in the bronze
    bucket, where the DAG's silver task reads them."""
    return ["generate", "--start-date", run_date, "--days", "1", "--run-date", run_date]


def seed_command(run_date: str) -> list[str]:
    """The seed in the stack's one-off CLI container (the container has the same ONERING_* variables)."""
    return ["run", "--rm", "onering", *seed_args(run_date)]


@dataclass
class SmokeTarget:
    """Where a running stack's services answer. Subclasses say how to check them, run the CLI
    against the stack, and count rows in its Postgres."""
    airflow_url: str
    airflow_user: str
    airflow_password: str
    clickhouse_url: str
    clickhouse_user: str
    clickhouse_password: str
    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str
    # The landing area the ingest-csv step reads (compose's ONERING_CSV_DIR default).
    csv_dir: str = "s3a://landing/ohlcv_csv"

    def check_services(self) -> bool:
        raise NotImplementedError

    def run_cli(self, args: list[str]) -> subprocess.CompletedProcess:
        raise NotImplementedError

    def postgres_count(self, sql: str) -> int:
        raise NotImplementedError

    def seed_landing(self) -> list[str]:
        """Drop the sample CSV files into the landing area, as a user (or Airbyte) would."""
        bucket, _, prefix = self.csv_dir.split("://", 1)[1].partition("/")
        keys = []
        for f in sorted(SAMPLE_CSV_DIR.glob("*.csv")):
            key = f"{prefix.strip('/')}/{f.name}".lstrip("/")
            s3_put(self.s3_endpoint, self.s3_access_key, self.s3_secret_key, bucket, key, f.read_bytes())
            keys.append(f"s3://{bucket}/{key}")
        return keys


class ComposeTarget(SmokeTarget):
    """The Docker stack: ports from .env, the CLI and psql inside its containers."""

    def __init__(self, env: dict[str, str]):
        super().__init__(
            airflow_url=f"http://127.0.0.1:{env.get('AIRFLOW_PORT', '8080')}",
            airflow_user=env.get("AIRFLOW_ADMIN_USER", "onering"), airflow_password=env.get("AIRFLOW_ADMIN_PASSWORD", ""),
            clickhouse_url=f"http://127.0.0.1:{env.get('CLICKHOUSE_HTTP_PORT', '8123')}",
            clickhouse_user=env.get("CLICKHOUSE_USER", "onering"), clickhouse_password=env.get("CLICKHOUSE_PASSWORD", ""),
            s3_endpoint=f"http://127.0.0.1:{env.get('MINIO_API_PORT', '9000')}",
            s3_access_key=env.get("ONERING_S3_ACCESS_KEY", "onering"), s3_secret_key=env.get("ONERING_S3_SECRET_KEY", ""),
            csv_dir=env.get("ONERING_CSV_DIR") or "s3a://landing/ohlcv_csv")
        self.env = env
        self.compose = compose_command()

    def check_services(self) -> bool:
        return status(self.env.get("COMPOSE_PROJECT_NAME", "onering")) == 0

    def run_cli(self, args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run([*self.compose, "run", "--rm", "onering", *args], cwd=ROOT, capture_output=True, text=True)

    def postgres_count(self, sql: str) -> int:
        r = subprocess.run([*self.compose, "exec", "-T", "postgres", "psql", "-U", self.env.get("ONERING_PG_USER", "onering"),
                            "-d", "onering", "-tAc", sql], capture_output=True, text=True, cwd=ROOT)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        return int(r.stdout.strip() or 0)


def run_smoke(target: SmokeTarget, date: str | None = None, timeout: float = 1800) -> int:
    verdict = Verdict()
    print("1/5 services")
    if not target.check_services():
        print("\nSMOKE FAILED: not every service is healthy (see the table above)", file=sys.stderr)
        return 1
    client = AirflowClient(target.airflow_url, target.airflow_user, target.airflow_password)
    try:
        interval = latest_interval(client.dag(DAG_ID))
    except RuntimeError as e:
        print(f"\nSMOKE FAILED: {e}", file=sys.stderr)
        return 1
    run_date = date or default_run_date(interval)

    print(f"\n2/5 seed the landing bucket ({target.csv_dir}) with the sample CSV files")
    try:
        for key in target.seed_landing():
            print(f"  {key}")
    except (RuntimeError, OSError, urllib.error.URLError) as e:
        print(f"\nSMOKE FAILED: seeding the landing bucket: {e}", file=sys.stderr)
        return 1
    print(f"\n3/5 seed Bronze for {run_date} (onering generate, into the bronze bucket)")
    seed = target.run_cli(seed_args(run_date))
    if seed.returncode != 0:
        print(seed.stderr[-2000:], file=sys.stderr)
        print(f"\nSMOKE FAILED: seeding Bronze with `onering generate` exited {seed.returncode}", file=sys.stderr)
        return 1

    print(f"\n4/5 Airflow: {DAG_ID} through the REST API")
    try:
        airflow_smoke(client, run_date, timeout, verdict)
    except RuntimeError as e:
        verdict.fail(str(e))

    print("\n5/5 row counts in the serving stores")
    try:
        ch = clickhouse_count(target.clickhouse_url, target.clickhouse_user, target.clickhouse_password,
                              f"SELECT count() FROM silver.trades WHERE trade_date = '{run_date}'")
        verdict.notes.append(f"ClickHouse silver.trades[{run_date}] = {ch}")
        if ch <= 0:
            verdict.fail(f"ClickHouse silver.trades has no rows for {run_date}")
    except (OSError, ValueError, urllib.error.URLError) as e:
        verdict.fail(f"ClickHouse count failed: {e}")
    try:
        pg = target.postgres_count(f"SELECT count(*) FROM gold.daily_bars WHERE trade_date = '{run_date}'")
        verdict.notes.append(f"Postgres gold.daily_bars[{run_date}] = {pg}")
        if pg <= 0:
            verdict.fail(f"Postgres gold.daily_bars has no rows for {run_date}")
    except (RuntimeError, ValueError) as e:
        verdict.fail(f"Postgres count failed: {e}")

    print()
    return verdict.report("SMOKE", f"Bronze to Gold for {run_date} through Airflow, counts and quality checked.")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Status and smoke test of the running OneRing stack.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("status", help="every service with its health and URL")
    sp = sub.add_parser("smoke", help="one Bronze-to-Gold run through Airflow, checked end to end")
    sp.add_argument("--date", help="run date YYYY-MM-DD (default: the DAG's latest interval, yesterday UTC)")
    sp.add_argument("--timeout", type=float, default=float(os.environ.get("SMOKE_TIMEOUT", 1800)),
                    help="seconds to wait for the DAG run (default 1800)")
    args = ap.parse_args(argv)
    env = {**read_env(), **{k: v for k, v in os.environ.items() if k.startswith(("AIRFLOW_", "CLICKHOUSE_", "ONERING_", "COMPOSE_"))}}
    try:
        if args.cmd == "status":
            return status(env.get("COMPOSE_PROJECT_NAME", "onering"))
        return run_smoke(ComposeTarget(env), date=args.date, timeout=args.timeout)
    except (RuntimeError, FileNotFoundError) as e:
        print(f"FAIL {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
