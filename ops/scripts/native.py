#!/usr/bin/env python3
"""The native stack: the core, streaming and ml profiles of compose.yaml as processes on 127.0.0.1,
without Docker. Every service is the real program, started from the Maven build and the service
venvs; the one stand-in is ClickHouse (chDB behind ClickHouse's HTTP interface). docs/stack.md.

    ops/scripts/native.py up       start every service on free ports, wait until each answers
    ops/scripts/native.py status   each service: pid, URL, probe
    ops/scripts/native.py smoke    `make smoke`'s checks against the native stack (stack.py), then the ML DAG
    ops/scripts/native.py down     stop every process it started, then prove none is left
    ops/scripts/native.py env      the steps' environment as `export` lines (for a shell)
    ops/scripts/native.py test     up, smoke, the DAG tests in Airflow's venv, down (make native-test)

The services' settings are compose.yaml's own (x-airflow-env, x-stream-env, x-flink-properties,
the Spark and Postgres provisioning), with the container host names and paths replaced by this
machine's: `substitutions()` is the whole list of differences. State, data and one log per service
live under data/native/ (ONERING_NATIVE_DIR), git-ignored.

Needs: `make build` (the CLI, onering-flink.jar, the native classpaths), `make py-setup`
(the airflow, mlflow, featurestore, bentoml and evidently venvs), the chDB library (`make setup`),
psql (postgresql-client), redis-server.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  the smoke's one code path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "platform" / "airflow" / "plugins"))
from onering_airflow import steps as airflow_steps  # noqa: E402  Airflow-free: the pool the DAGs use
STATE = Path(os.environ.get("ONERING_NATIVE_DIR", ROOT / "data" / "native")).resolve()
LOGS = STATE / "logs"
RUN = STATE / "run"
# Set in every service's environment and passed on to what they start (steps, Spark drivers and
# executors, the broker): `down` finds any process left behind by it.
MARKER = "ONERING_NATIVE_STACK"

PIPELINES = ROOT / "pipelines"
CLI_DIST = PIPELINES / "cli" / "target"
FLINK_JOB_JAR = PIPELINES / "streaming" / "target" / "onering-flink.jar"
SPARK_HOME = PIPELINES / "native" / "spark" / "target" / "spark-home"
FLINK_HOME = PIPELINES / "native" / "flink" / "target" / "flink-home"
S3PROXY_LIB = PIPELINES / "native" / "s3proxy" / "target" / "lib"
PULSAR_LIB = PIPELINES / "pulsar-broker" / "target" / "lib"
VENVS = Path(os.environ.get("ONERING_VENVS", ROOT / ".cache" / "venvs"))
AIRFLOW_VENV = VENVS / "airflow"
# The ml profile's programs: make py-setup's venvs, Debian's redis-server.
ML_VENVS = {"mlflow": "mlflow", "feast": "featurestore", "bentoml": "bentoml"}
CHDB_LIB = ROOT / ".cache" / "chdb" / "node_modules" / "@chdb" / "lib-linux-x64-gnu" / "libchdb.so"

# The Java 17 opens Flink's own env.java.opts.all default sets (as ops/scripts/onering stream).
FLINK_OPENS = [
    "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
    *(f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in (
        "java.lang", "java.net", "java.io", "java.nio", "sun.nio.ch", "java.lang.reflect", "java.text",
        "java.time", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
        "java.util.concurrent.locks")),
]

# Sizes for a laptop running everything at once (~5 GB): the stack's container caps are larger.
SPARK_WORKER_MEMORY = "3g"      # one driver (1g) and one executor (1536m), as the stack's worker
FLINK_JM_PROCESS = "768m"
FLINK_TM_PROCESS = "1280m"


class NativeError(RuntimeError):
    """A service did not start or answer; the message names its log."""


# ---------------------------------------------------------------------------------------------
# Settings: compose.yaml's, with this machine's endpoints
# ---------------------------------------------------------------------------------------------
PORT_NAMES = ("postgres", "s3", "clickhouse", "spark_master", "spark_rest", "spark_master_ui",
              "spark_worker_ui", "pulsar", "pulsar_admin", "flink_rest", "flink_rpc", "flink_blob",
              "airflow", "airflow_scheduler_health", "airflow_worker_logs", "airflow_trigger_logs",
              "mlflow", "redis", "feast", "bentoml")


def free_ports(names=PORT_NAMES) -> dict[str, int]:
    """Free loopback ports, all distinct (held open together until every one is picked)."""
    socks, ports = [], {}
    try:
        for n in names:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports[n] = s.getsockname()[1]
    finally:
        for s in socks:
            s.close()
    return ports


def substitutions(ports: dict[str, int]) -> list[tuple[str, str]]:
    """compose.yaml's container addresses and paths -> the native stack's. Longest first."""
    subs = [
        ("/opt/onering/flink/onering-flink.jar", str(FLINK_JOB_JAR)),
        # The Airflow image's venvs for the ML DAG's python steps: make py-setup's here.
        ("/opt/venvs", str(VENVS)),
        ("/opt/onering", str(CLI_DIST)),
        ("/etc/onering/spec", str(PIPELINES / "spec")),
        ("/etc/onering", str(ROOT)),
        ("/var/lib/onering/results", str(STATE / "results")),
        ("/opt/spark/conf", str(STATE / "spark" / "conf")),
        ("http://minio:9000", f"http://127.0.0.1:{ports['s3']}"),
        ("http://clickhouse:8123", f"http://127.0.0.1:{ports['clickhouse']}"),
        ("postgres:5432", f"127.0.0.1:{ports['postgres']}"),
        ("pulsar://pulsar:6650", f"pulsar://127.0.0.1:{ports['pulsar']}"),
        ("http://pulsar:8080", f"http://127.0.0.1:{ports['pulsar_admin']}"),
        ("http://spark-master:6066", f"http://127.0.0.1:{ports['spark_rest']}"),
        ("spark://spark-master:7077", f"spark://127.0.0.1:{ports['spark_master']}"),
        ("http://flink-jobmanager:8081", f"http://127.0.0.1:{ports['flink_rest']}"),
        ("http://airflow-apiserver:8080", f"http://127.0.0.1:{ports['airflow']}"),
        # The ml profile's services.
        ("http://mlflow:5000", f"http://127.0.0.1:{ports['mlflow']}"),
        ("http://feast:6566", f"http://127.0.0.1:{ports['feast']}"),
        ("http://bentoml:3000", f"http://127.0.0.1:{ports['bentoml']}"),
        ("redis:6379", f"127.0.0.1:{ports['redis']}"),
        ("/tmp/feast-registry.db", str(STATE / "feast" / "registry.db")),
        ("flink-jobmanager", "127.0.0.1"),
    ]
    return sorted(subs, key=lambda kv: -len(kv[0]))


def localize(value: str, subs: list[tuple[str, str]]) -> str:
    for a, b in subs:
        value = value.replace(a, b)
    return value


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}")


def interpolate(value: str, variables: dict[str, str]) -> str:
    """compose's ${VAR}, ${VAR:-default}, ${VAR:?error} against the native env file."""
    def one(m: re.Match) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        if variables.get(name):
            return variables[name]
        if op == ":-":
            return arg or ""
        raise NativeError(f"{name} is not set in {STATE / 'native.env'}: {arg or 'required'}"
                          " (ops/scripts/native.py up writes it with ops/scripts/init-env.sh)")
    return _VAR.sub(one, value)


def compose_anchors() -> dict:
    import yaml  # PyYAML: installed by ops/scripts/install-ci-tools.sh, only needed here
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def compose_env(doc: dict, anchor: str, variables: dict[str, str], subs) -> dict[str, str]:
    return {k: localize(interpolate(str(v), variables), subs) for k, v in doc[anchor].items()}


def service_env(doc: dict, service: str, variables: dict[str, str], subs) -> dict[str, str]:
    """A compose service's own environment (anchors merged), for this machine."""
    return {k: localize(interpolate(str(v), variables), subs)
            for k, v in (doc["services"][service].get("environment") or {}).items()}


def flink_properties(doc: dict, variables: dict[str, str], subs, ports: dict[str, int]) -> str:
    """compose's x-flink-properties for this machine: the same keys, local addresses and ports,
    smaller process sizes, and no Prometheus reporter (its jar is not in the native lib/)."""
    native = {
        "jobmanager.rpc.port": str(ports["flink_rpc"]),
        "rest.port": str(ports["flink_rest"]),
        "rest.bind-address": "127.0.0.1",
        "blob.server.port": str(ports["flink_blob"]),
        "taskmanager.host": "127.0.0.1",
        "taskmanager.rpc.port": "0",
        "taskmanager.data.port": "0",
        "jobmanager.memory.process.size": FLINK_JM_PROCESS,
        "taskmanager.memory.process.size": FLINK_TM_PROCESS,
        "web.upload.dir": str(STATE / "flink" / "uploads"),
        "io.tmp.dirs": str(STATE / "flink" / "tmp"),
        # S3Proxy keeps no directory markers of its own (DESIGN: Flink with S3Proxy).
        "s3.directory.marker.retention": "keep",
    }
    lines = []
    for line in localize(interpolate(doc["x-flink-properties"], variables), subs).splitlines():
        key = line.split(":", 1)[0].strip()
        if not key or key.startswith("metrics.reporter.prom") or key in native:
            continue
        lines.append(line)
    lines += [f"{k}: {v}" for k, v in native.items()]
    return "\n".join(lines) + "\n"


def spark_defaults(subs) -> str:
    """platform/spark/conf/spark-defaults.conf with this machine's paths and endpoints."""
    return localize((ROOT / "platform" / "spark" / "conf" / "spark-defaults.conf").read_text(encoding="utf-8"), subs)


def lake_buckets() -> list[str]:
    """The buckets platform/minio/init.sh creates (its `for bucket in ...` line)."""
    text = (ROOT / "platform" / "minio" / "init.sh").read_text(encoding="utf-8")
    m = re.search(r"^for bucket in ([a-z0-9 -]+); do", text, re.M)
    if not m:
        raise NativeError("platform/minio/init.sh has no `for bucket in ...; do` line to read the buckets from")
    return m.group(1).split()


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------
@dataclass
class Service:
    name: str
    command: list[str]
    env: dict[str, str]
    ready: Callable[[], bool]
    url: str = ""
    timeout: float = 180.0
    cwd: Path = ROOT
    pid: int | None = None

    @property
    def log(self) -> Path:
        return LOGS / f"{self.name}.log"


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    return str(Path(home) / "bin" / "java") if home else "java"


def cp(*parts: Path | str) -> str:
    return os.pathsep.join(str(p) for p in parts)


def http_ok(url: str, contains: str | None = None, auth: tuple[str, str] | None = None,
            any_status: bool = False) -> bool:
    req = urllib.request.Request(url)
    if auth:
        import base64
        req.add_header("Authorization", "Basic " + base64.b64encode(":".join(auth).encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            body = resp.read().decode(errors="replace")
    except urllib.error.HTTPError:
        return any_status
    except (urllib.error.URLError, OSError):
        return False
    return contains is None or contains in body


def shutil_which(program: str) -> str | None:
    import shutil
    return shutil.which(program)


def redis_ping(port: int, password: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as c:
            c.sendall(f"AUTH {password}\r\nPING\r\n".encode())
            data = b""
            while b"PONG" not in data and len(data) < 256:
                chunk = c.recv(64)
                if not chunk:
                    break
                data += chunk
            return b"+PONG" in data
    except OSError:
        return False


def log_tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(ln[:400] for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError as e:
        return f"(no log: {e})"


def printed(log: Path, text: str) -> bool:
    """Whether the service's latest start (after the last `===` header) printed text."""
    try:
        return text in log.read_text(encoding="utf-8", errors="replace").rsplit("\n=== ", 1)[-1]
    except OSError:
        return False


def start(svc: Service) -> Service:
    LOGS.mkdir(parents=True, exist_ok=True)
    RUN.mkdir(parents=True, exist_ok=True)
    with open(svc.log, "ab") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%dT%H:%M:%S')} {shlex.join(svc.command)}\n".encode())
        log.flush()
        # Its own process group: `down` stops the service with everything it started.
        proc = subprocess.Popen(svc.command, cwd=svc.cwd, env=svc.env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    svc.pid = proc.pid
    (RUN / f"{svc.name}.pid").write_text(str(proc.pid))
    print(f"  started {svc.name} (pid {proc.pid}, log {rel(svc.log)})", flush=True)
    return svc


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_ready(svc: Service, clock=time.monotonic) -> None:
    deadline = clock() + svc.timeout
    t0 = clock()
    while True:
        if svc.pid is not None and not alive(svc.pid):
            raise NativeError(f"{svc.name} exited during start; see {rel(svc.log)}:\n{log_tail(svc.log)}")
        if svc.ready():
            print(f"  ready   {svc.name} in {clock() - t0:.0f} s{'  ' + svc.url if svc.url else ''}", flush=True)
            return
        if clock() >= deadline:
            raise NativeError(f"{svc.name} not ready after {svc.timeout:.0f} s; see {rel(svc.log)}:\n{log_tail(svc.log)}")
        time.sleep(1)


def run_once(name: str, command: list[str], env: dict[str, str], timeout: float = 600, stdin: str = "") -> str:
    """A one-shot step (the stack's init services), logged like a service; raises on failure.
    Without a controlling terminal (a session of its own): a prompt reads stdin, never the tty."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    with open(log, "ab") as f:
        f.write(f"\n=== {time.strftime('%Y-%m-%dT%H:%M:%S')} {shlex.join(command)}\n".encode())
        f.flush()
        t0 = time.monotonic()
        r = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=f, timeout=timeout,
                           input=stdin.encode(), start_new_session=True)
        f.write(r.stdout)
    if r.returncode != 0:
        raise NativeError(f"{name} exited {r.returncode}; see {rel(log)}:\n{log_tail(log)}")
    print(f"  done    {name} in {time.monotonic() - t0:.0f} s", flush=True)
    return r.stdout.decode(errors="replace")


def rel(p: Path) -> str:
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


# ---------------------------------------------------------------------------------------------
# The stack
# ---------------------------------------------------------------------------------------------
@dataclass
class Native:
    ports: dict[str, int]
    variables: dict[str, str]
    doc: dict = field(repr=False)

    def __post_init__(self):
        # compose.yaml names the published Airflow port in AIRFLOW__API__BASE_URL.
        self.variables = {**self.variables, "AIRFLOW_PORT": str(self.ports["airflow"])}

    @property
    def subs(self):
        return substitutions(self.ports)

    def base_env(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "JAVA_HOME", "TMPDIR", "USER", "TZ")
        return {**{k: v for k, v in os.environ.items() if k in keep}, MARKER: str(STATE)}

    def onering_env(self) -> dict[str, str]:
        """What a pipeline step reads (compose's x-onering-env), for the one-shot CLI runs."""
        env = compose_env(self.doc, "x-onering-env", self.variables, self.subs)
        env["ONERING_CHDB_LIB"] = str(CHDB_LIB)
        env["ONERING_DATA_DIR"] = str(STATE / "cli")
        return env

    def stream_env(self) -> dict[str, str]:
        return compose_env(self.doc, "x-stream-env", self.variables, self.subs)

    def airflow_env(self) -> dict[str, str]:
        env = compose_env(self.doc, "x-airflow-env", self.variables, self.subs)
        env.update({
            # What the image's layout and compose's mounts give the containers.
            "AIRFLOW_HOME": str(STATE / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "platform" / "airflow" / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "platform" / "airflow" / "plugins"),
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(STATE / "airflow" / "logs"),
            # Ports that are fixed inside a container and must be free here.
            "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(self.ports["airflow_scheduler_health"]),
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(self.ports["airflow_worker_logs"]),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(self.ports["airflow_trigger_logs"]),
            # Every JVM of the stack shares two cores with the single API worker: a task's first call
            # to the execution API can wait longer than the 5 s default, and the task then dies.
            "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": "60",
            "ONERING_CHDB_LIB": str(CHDB_LIB),
            # The folder python steps run from (the image mounts platform/ under /etc/onering).
            "ONERING_FOLDER": str(ROOT),
            "PATH": f"{AIRFLOW_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        })
        return env

    def endpoints(self) -> dict[str, str]:
        p = self.ports
        return {
            "airflow": f"http://127.0.0.1:{p['airflow']}",
            "spark_master_ui": f"http://127.0.0.1:{p['spark_master_ui']}",
            "spark_worker_ui": f"http://127.0.0.1:{p['spark_worker_ui']}",
            "flink": f"http://127.0.0.1:{p['flink_rest']}",
            "s3": f"http://127.0.0.1:{p['s3']}",
            "clickhouse": f"http://127.0.0.1:{p['clickhouse']}",
            "postgres": f"127.0.0.1:{p['postgres']}",
            "pulsar": f"pulsar://127.0.0.1:{p['pulsar']}",
            "pulsar_admin": f"http://127.0.0.1:{p['pulsar_admin']}",
            "mlflow": f"http://127.0.0.1:{p['mlflow']}",
            "feast": f"http://127.0.0.1:{p['feast']}",
            "bentoml": f"http://127.0.0.1:{p['bentoml']}",
            "redis": f"127.0.0.1:{p['redis']}",
        }

    # -- services ------------------------------------------------------------------------------
    def services(self) -> dict[str, Service]:
        p, v, base = self.ports, self.variables, self.base_env()
        cli_cp = cp(CLI_DIST / "onering-cli.jar", CLI_DIST / "lib" / "*")
        spark_cp = cp(SPARK_HOME / "jars" / "*")
        flink_cp = cp(FLINK_HOME / "lib" / "*")
        spark_conf = STATE / "spark" / "conf" / "spark-defaults.conf"
        ch_user, ch_password = v.get("CLICKHOUSE_USER") or "onering", v["CLICKHOUSE_PASSWORD"]
        flink_env = {**base, **self.stream_env(), "FLINK_CONF_DIR": str(STATE / "flink" / "conf"),
                     "FLINK_PLUGINS_DIR": str(FLINK_HOME / "plugins"), "FLINK_LIB_DIR": str(FLINK_HOME / "lib")}
        log4j = f"-Dlog4j.configurationFile={STATE / 'flink' / 'conf' / 'log4j-console.properties'}"
        airflow = str(AIRFLOW_VENV / "bin" / "airflow")
        af_env = {**base, **self.airflow_env()}
        af = f"http://127.0.0.1:{p['airflow']}"

        def airflow_healthy(component: str) -> Callable[[], bool]:
            def check() -> bool:
                try:
                    with urllib.request.urlopen(f"{af}/api/v2/monitor/health", timeout=5) as r:
                        return json.load(r).get(component, {}).get("status") == "healthy"
                except (OSError, ValueError, urllib.error.URLError):
                    return False
            return check

        svcs = [
            Service("postgres", [java(), "-Xmx96m", "-cp", cli_cp, "dev.onering.serving.postgres.EmbeddedPostgresMain",
                                 "--data-dir", str(STATE / "postgres"), "--port", str(p["postgres"])],
                    # READY once the server takes connections and its database exists.
                    base, lambda: printed(LOGS / "postgres.log", f"READY {p['postgres']}"),
                    f"127.0.0.1:{p['postgres']}", 120),
            Service("s3proxy", [java(), "-Xmx256m", f"-Dlogback.configurationFile={STATE / 's3proxy-logback.xml'}",
                                "-cp", cp(S3PROXY_LIB / "*"), "org.gaul.s3proxy.Main",
                                "--properties", str(STATE / "s3proxy.conf")],
                    base, lambda: http_ok(f"http://127.0.0.1:{p['s3']}/", any_status=True), f"http://127.0.0.1:{p['s3']}"),
            Service("clickhouse", [java(), "-Xmx256m", "-cp", cli_cp, "dev.onering.serving.clickhouse.ChDbHttpServer",
                                   "--data-dir", str(STATE / "chdb"), "--port", str(p["clickhouse"])],
                    # The lake's endpoint and keys: compose's clickhouse reads them into the named
                    # collection onering_lake (config.d/lake.xml); ChDbHttpServer does the same.
                    {**base, "ONERING_CLICKHOUSE_USER": ch_user, "ONERING_CLICKHOUSE_PASSWORD": ch_password,
                     "ONERING_CHDB_LIB": str(CHDB_LIB),
                     **{k: self.onering_env()[k] for k in ("ONERING_S3_ENDPOINT", "ONERING_S3_ACCESS_KEY",
                                                           "ONERING_S3_SECRET_KEY")}},
                    lambda: http_ok(f"http://127.0.0.1:{p['clickhouse']}/?query=SELECT%201", "1", (ch_user, ch_password)),
                    f"http://127.0.0.1:{p['clickhouse']}/play"),
            # compose: spark-master's SPARK_MASTER_OPTS and SPARK_DAEMON_MEMORY.
            Service("spark-master", [java(), "-Xmx384m", "-Dspark.master.rest.enabled=true",
                                     f"-Dspark.master.rest.port={p['spark_rest']}", "-Dspark.deploy.defaultCores=2",
                                     "-cp", spark_cp, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                                     "--port", str(p["spark_master"]), "--webui-port", str(p["spark_master_ui"]),
                                     "--properties-file", str(spark_conf)],
                    {**base, "SPARK_HOME": str(SPARK_HOME), "SPARK_SCALA_VERSION": "2.13"},
                    lambda: http_ok(f"http://127.0.0.1:{p['spark_master_ui']}/json/", "ALIVE"),
                    f"http://127.0.0.1:{p['spark_master_ui']}"),
            # compose: spark-worker, with x-onering-env (drivers and executors inherit it).
            Service("spark-worker", [java(), "-Xmx384m", "-cp", spark_cp, "org.apache.spark.deploy.worker.Worker",
                                     f"spark://127.0.0.1:{p['spark_master']}", "--host", "127.0.0.1",
                                     "--webui-port", str(p["spark_worker_ui"]), "--cores", "2",
                                     "--memory", SPARK_WORKER_MEMORY, "--work-dir", str(STATE / "spark" / "work"),
                                     "--properties-file", str(spark_conf)],
                    {**base, **self.onering_env(), "SPARK_HOME": str(SPARK_HOME), "SPARK_SCALA_VERSION": "2.13"},
                    lambda: http_ok(f"http://127.0.0.1:{p['spark_master_ui']}/json/", '"aliveworkers" : 1'),
                    f"http://127.0.0.1:{p['spark_worker_ui']}"),
            # The embedded broker (pipelines/pulsar-broker), as `onering stream broker` runs it.
            Service("pulsar", [str(ROOT / "ops" / "scripts" / "onering"), "stream", "broker",
                               "--work-dir", str(STATE / "pulsar"), "--port", str(p["pulsar"]),
                               "--web-port", str(p["pulsar_admin"])],
                    # Its start competes with every other JVM of the stack on two cores.
                    {**base, "ONERING_HEAP": "128m", "ONERING_PULSAR_LIB": str(PULSAR_LIB),
                     "ONERING_PULSAR_START_TIMEOUT": "240"},
                    lambda: http_ok(f"http://127.0.0.1:{p['pulsar_admin']}/admin/v2/brokers/health", "ok"),
                    f"http://127.0.0.1:{p['pulsar_admin']}/admin/v2/clusters", 240),
            Service("flink-jobmanager", [java(), *self.flink_jvm("jobmanager"), *FLINK_OPENS, log4j, "-cp", flink_cp,
                                         "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                                         "--configDir", str(STATE / "flink" / "conf"), *self.flink_dynamic("jobmanager")],
                    flink_env, lambda: http_ok(f"http://127.0.0.1:{p['flink_rest']}/overview", "flink-version"),
                    f"http://127.0.0.1:{p['flink_rest']}"),
            Service("flink-taskmanager", [java(), *self.flink_jvm("taskmanager"), *FLINK_OPENS, log4j, "-cp", flink_cp,
                                          "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                                          "--configDir", str(STATE / "flink" / "conf"), *self.flink_dynamic("taskmanager")],
                    flink_env, lambda: http_ok(f"http://127.0.0.1:{p['flink_rest']}/overview", '"taskmanagers":1')),
            Service("airflow-apiserver", [airflow, "api-server", "--host", "127.0.0.1", "--port", str(p["airflow"])],
                    af_env, lambda: http_ok(f"{af}/api/v2/version", "version"), af),
            Service("airflow-scheduler", [airflow, "scheduler"], af_env, airflow_healthy("scheduler")),
            Service("airflow-dag-processor", [airflow, "dag-processor"], af_env, airflow_healthy("dag_processor")),
            Service("airflow-triggerer", [airflow, "triggerer"], af_env, airflow_healthy("triggerer")),
            *self.ml_services(),
        ]
        return {s.name: s for s in svcs}

    def ml_services(self) -> list[Service]:
        """compose's ml profile: Redis (Debian's, its password in a config file, never on a command
        line), the MLflow server (SQLite and a folder here; Postgres and MinIO in compose), Feast's
        feature server over the lake's s3a://gold/features_daily, the BentoML model service. Each
        with its compose service's environment, localized."""
        p, v, base, doc, subs = self.ports, self.variables, self.base_env(), self.doc, self.subs
        py = {"PYTHONPATH": str(ROOT / "platform" / "ml")}
        ml = {n: {**base, **service_env(doc, n, v, subs), **py} for n in ("feast", "bentoml")}
        ml["feast"]["ONERING_FEAST_REGISTRY"] = str(STATE / "feast" / "registry.db")
        mlflow = f"http://127.0.0.1:{p['mlflow']}"
        return [
            Service("redis", [shutil_which("redis-server") or "redis-server", str(STATE / "redis.conf")], base,
                    lambda: redis_ping(p["redis"], v["REDIS_PASSWORD"]), f"127.0.0.1:{p['redis']}"),
            Service("mlflow", [str(VENVS / "mlflow" / "bin" / "mlflow"), "server", "--host", "127.0.0.1",
                               "--port", str(p["mlflow"]), "--workers", "1",
                               "--backend-store-uri", f"sqlite:///{STATE / 'mlflow' / 'mlflow.db'}",
                               "--serve-artifacts", "--artifacts-destination", str(STATE / "mlflow" / "artifacts")],
                    # compose's mlflow: the job runner serves GenAI jobs the ML path never submits.
                    {**base, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"},
                    lambda: http_ok(f"{mlflow}/health"), mlflow, 300),
            # compose's feast command: `feast apply --skip-source-validation && feast serve`; the
            # apply is `feast-apply` in up().
            Service("feast", [str(VENVS / "featurestore" / "bin" / "feast"), "-c",
                              str(ROOT / "platform" / "featurestore" / "feast_repo"), "serve", "--host", "127.0.0.1",
                              "--port", str(p["feast"]), "--workers", "1"],
                    ml["feast"], lambda: http_ok(f"http://127.0.0.1:{p['feast']}/health"),
                    f"http://127.0.0.1:{p['feast']}", 300),
            Service("bentoml", [str(VENVS / "bentoml" / "bin" / "bentoml"), "serve", "service:OneRingModel",
                                "--host", "127.0.0.1", "--port", str(p["bentoml"])],
                    {**ml["bentoml"], "BENTOML_HOME": str(STATE / "bentoml"), "BENTOML_DO_NOT_TRACK": "true"},
                    lambda: http_ok(f"http://127.0.0.1:{p['bentoml']}/livez"), f"http://127.0.0.1:{p['bentoml']}",
                    300, cwd=ROOT / "platform" / "ml" / "bento_service"),
        ]

    def feast_apply(self) -> None:
        """The first half of compose's feast command: the registry from the repo (the table may not
        exist yet on a new stack, so its files are not checked)."""
        env = next(s for s in self.ml_services() if s.name == "feast").env
        run_once("feast-apply", [str(VENVS / "featurestore" / "bin" / "feast"), "-c",
                                 str(ROOT / "platform" / "featurestore" / "feast_repo"), "apply",
                                 "--skip-source-validation"], env)

    # Flink's start scripts turn the memory settings into JVM options and dynamic properties with
    # BashJavaUtils; the same here, so the processes are sized exactly as `jobmanager.sh` sizes them.
    _flink_sizes: dict = field(default_factory=dict, repr=False)

    def _flink_params(self, role: str) -> tuple[list[str], list[str]]:
        if role not in self._flink_sizes:
            command = "GET_JM_RESOURCE_PARAMS" if role == "jobmanager" else "GET_TM_RESOURCE_PARAMS"
            r = subprocess.run([java(), "-Xmx64m", "-cp", cp(FLINK_HOME / "lib" / "*"),
                                "org.apache.flink.runtime.util.bash.BashJavaUtils", command,
                                "--configDir", str(STATE / "flink" / "conf")],
                               capture_output=True, text=True, env={**self.base_env(), "FLINK_LIB_DIR": str(FLINK_HOME / "lib")})
            out = [ln.split("BASH_JAVA_UTILS_EXEC_RESULT:", 1)[1] for ln in r.stdout.splitlines()
                   if ln.startswith("BASH_JAVA_UTILS_EXEC_RESULT:")]
            if r.returncode != 0 or len(out) < 2:
                raise NativeError(f"Flink's BashJavaUtils {command} exited {r.returncode}:\n{r.stdout[-1500:]}{r.stderr[-1500:]}")
            self._flink_sizes[role] = (shlex.split(out[0]), shlex.split(out[1]))
        return self._flink_sizes[role]

    def flink_jvm(self, role: str) -> list[str]:
        return self._flink_params(role)[0]

    def flink_dynamic(self, role: str) -> list[str]:
        return self._flink_params(role)[1]

    # -- configuration files ---------------------------------------------------------------------
    def write_config(self) -> None:
        v = self.variables
        (STATE / "spark" / "conf").mkdir(parents=True, exist_ok=True)
        (STATE / "spark" / "conf" / "spark-defaults.conf").write_text(spark_defaults(self.subs), encoding="utf-8")
        metrics = ROOT / "platform" / "spark" / "conf" / "metrics.properties"
        (STATE / "spark" / "conf" / "metrics.properties").write_text(metrics.read_text(encoding="utf-8"), encoding="utf-8")
        for d in ("results", "spark/work", "flink/uploads", "flink/tmp", "flink/conf", "airflow"):
            (STATE / d).mkdir(parents=True, exist_ok=True)
        (STATE / "flink" / "conf" / "config.yaml").write_text(
            flink_properties(self.doc, v, self.subs, self.ports), encoding="utf-8")
        (STATE / "flink" / "conf" / "log4j-console.properties").write_text(
            "rootLogger.level = INFO\nrootLogger.appenderRef.console.ref = Console\n"
            "appender.console.name = Console\nappender.console.type = CONSOLE\n"
            "appender.console.layout.type = PatternLayout\n"
            "appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n\n", encoding="utf-8")
        # S3Proxy over a folder; a bucket is a folder of it (jclouds' filesystem store), created
        # here the way platform/minio/init.sh creates the stack's. Bronze versioning has no
        # equivalent in S3Proxy: the one difference of the lake.
        s3 = STATE / "s3"
        for b in lake_buckets():
            (s3 / b).mkdir(parents=True, exist_ok=True)
        (STATE / "s3proxy.conf").write_text("\n".join([
            f"s3proxy.endpoint=http://127.0.0.1:{self.ports['s3']}",
            "s3proxy.authorization=aws-v2-or-v4",
            f"s3proxy.identity={v.get('ONERING_S3_ACCESS_KEY') or 'onering'}",
            f"s3proxy.credential={v['ONERING_S3_SECRET_KEY']}",
            "jclouds.provider=filesystem",
            f"jclouds.filesystem.basedir={s3}",
            ""]), encoding="utf-8")
        os.chmod(STATE / "s3proxy.conf", 0o600)
        # compose's redis command: a password, 256 MB with LRU eviction; no persistence here.
        for d in ("redis", "mlflow/artifacts", "feast", "bentoml"):
            (STATE / d).mkdir(parents=True, exist_ok=True)
        redis_conf = STATE / "redis.conf"
        redis_conf.write_text("\n".join([
            "bind 127.0.0.1", f"port {self.ports['redis']}", f"requirepass {v['REDIS_PASSWORD']}",
            "maxmemory 256mb", "maxmemory-policy allkeys-lru", 'save ""', "appendonly no",
            f"dir {STATE / 'redis'}", "daemonize no", ""]), encoding="utf-8")
        os.chmod(redis_conf, 0o600)
        # Logback's default is DEBUG for everything: a log line per socket event.
        (STATE / "s3proxy-logback.xml").write_text(
            '<configuration><appender name="OUT" class="ch.qos.logback.core.ConsoleAppender"><encoder>'
            '<pattern>%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n</pattern></encoder></appender>'
            '<root level="INFO"><appender-ref ref="OUT"/></root></configuration>\n', encoding="utf-8")

    # -- provisioning (compose's init services) ------------------------------------------------------
    def postgres_init(self) -> None:
        """platform/postgres/init.sh, the stack's postgres-init, against the native server."""
        v = self.variables
        env = {**self.base_env(), "PGHOST": "127.0.0.1", "PGPORT": str(self.ports["postgres"]), "PGUSER": "postgres",
               "PGPASSWORD": "", **{k: v[k] for k in v if k.endswith("_PASSWORD") or k == "ONERING_PG_USER"}}
        env.setdefault("ONERING_PG_USER", "onering")
        run_once("postgres-init", ["bash", str(ROOT / "platform" / "postgres" / "init.sh")], env)

    def liquibase_init(self) -> None:
        """compose's liquibase-init: `onering migrate` with the steps' environment."""
        run_once("liquibase-init", [str(ROOT / "ops" / "scripts" / "onering"), "migrate"],
                 {**self.base_env(), **self.onering_env(), "ONERING_HEAP": "512m"})

    def pulsar_init(self) -> None:
        """compose's pulsar-init: `StreamCli topics` from the job jar on Flink's lib/."""
        run_once("pulsar-init", [java(), "-Xmx256m", "-cp", cp(FLINK_JOB_JAR, FLINK_HOME / "lib" / "*"),
                                 "dev.onering.stream.cli.StreamCli", "topics"],
                 {**self.base_env(), "ONERING_PULSAR_URL": f"pulsar://127.0.0.1:{self.ports['pulsar']}",
                  "ONERING_PULSAR_ADMIN_URL": f"http://127.0.0.1:{self.ports['pulsar_admin']}"})

    def airflow_init(self) -> None:
        """compose's airflow-init (the image entrypoint's _AIRFLOW_DB_MIGRATE and
        _AIRFLOW_WWW_USER_CREATE, then its command): migrate the metadata database, create the
        admin user, set the spark steps' pool."""
        v, env = self.variables, {**self.base_env(), **self.airflow_env()}
        airflow = str(AIRFLOW_VENV / "bin" / "airflow")
        run_once("airflow-init", [airflow, "db", "migrate"], env)
        user = v.get("AIRFLOW_ADMIN_USER") or "onering"
        # Leaves an existing user as it is. The password goes to the prompt, never on a command line.
        password = v["AIRFLOW_ADMIN_PASSWORD"]
        run_once("airflow-users", [airflow, "users", "create", "--username", user, "--role", "Admin",
                                   "--firstname", "OneRing", "--lastname", "Admin", "--email", f"{user}@localhost"],
                 env, stdin=f"{password}\n{password}\n")
        run_once("airflow-pools", [airflow, "pools", "set", airflow_steps.SPARK_POOL,
                                   str(airflow_steps.SPARK_POOL_SLOTS), airflow_steps.SPARK_POOL_DESCRIPTION], env)


# ---------------------------------------------------------------------------------------------
# up / down / status
# ---------------------------------------------------------------------------------------------
def check_built() -> None:
    missing = [(p, hint) for p, hint in [
        (CLI_DIST / "onering-cli.jar", "make build"),
        (FLINK_JOB_JAR, "make build (without -Dflink-jar.skip) or make flink-jar"),
        (SPARK_HOME / "jars", "make build"), (FLINK_HOME / "lib", "make build"),
        (S3PROXY_LIB, "make build"), (PULSAR_LIB, "make build"),
        (AIRFLOW_VENV / "bin" / "airflow", "make py-setup PY_SERVICES=airflow"),
        *((VENVS / venv / "bin" / "python", f"make py-setup PY_SERVICES={venv}")
          for venv in (*ML_VENVS.values(), "evidently")),
        (CHDB_LIB, "make setup")] if not p.exists()]
    if missing:
        raise NativeError("the native stack runs from the build, and these are missing:\n" + "\n".join(
            f"  {rel(p)}  (run: {hint})" for p, hint in missing))
    for tool, package in (("psql", "postgresql-client"), ("redis-server", "redis-server")):
        if subprocess.run(["bash", "-c", f"command -v {tool}"], capture_output=True).returncode != 0:
            raise NativeError(f"{tool} is not installed: ops/scripts/install-ci-tools.sh installs it ({package})")


def load_state() -> Native | None:
    f = STATE / "stack.json"
    if not f.exists():
        return None
    s = json.loads(f.read_text(encoding="utf-8"))
    return Native(s["ports"], read_variables(), compose_anchors())


def read_variables() -> dict[str, str]:
    return stack.read_env(STATE / "native.env")


def running_pids() -> dict[str, int]:
    out = {}
    for f in sorted(RUN.glob("*.pid")) if RUN.exists() else []:
        try:
            out[f.stem] = int(f.read_text().strip())
        except ValueError:
            f.unlink()
    return out


def up(args) -> int:
    check_built()
    if any(alive(pid) for pid in running_pids().values()):
        raise NativeError(f"the native stack already runs ({STATE}); `ops/scripts/native.py down` first")
    STATE.mkdir(parents=True, exist_ok=True)
    # The stack's own secrets generator, into the native stack's env file (kept between runs).
    subprocess.run([str(ROOT / "ops" / "scripts" / "init-env.sh"), "--output", str(STATE / "native.env")],
                   check=True, capture_output=True)
    ports = free_ports()
    native = Native(ports, read_variables(), compose_anchors())
    (STATE / "stack.json").write_text(json.dumps({"ports": ports, "endpoints": native.endpoints()}, indent=2),
                                      encoding="utf-8")
    native.write_config()
    t0 = time.monotonic()
    print(f"Native stack in {rel(STATE)} (logs in {rel(LOGS)})", flush=True)
    svcs = native.services()
    try:
        # Independent programs first, all at once; each waits only for what it needs.
        for n in ("postgres", "s3proxy", "clickhouse", "spark-master", "pulsar", "flink-jobmanager", "redis", "mlflow"):
            start(svcs[n])
        wait_ready(svcs["postgres"])
        native.postgres_init()
        # Airflow's migration needs only Postgres, and is up's longest one-shot: beside Liquibase's.
        with ThreadPoolExecutor(max_workers=1) as beside:
            airflow_db = beside.submit(native.airflow_init)
            for n in ("s3proxy", "clickhouse"):
                wait_ready(svcs[n])
            native.liquibase_init()
            wait_ready(svcs["spark-master"])
            start(svcs["spark-worker"])
            wait_ready(svcs["flink-jobmanager"])
            start(svcs["flink-taskmanager"])
            airflow_db.result()
        for n in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"):
            start(svcs[n])
        # The ml profile, while Airflow starts: Feast once Redis answers, BentoML once MLflow and Feast do.
        wait_ready(svcs["redis"])
        native.feast_apply()
        start(svcs["feast"])
        for n in ("spark-worker", "flink-taskmanager", "pulsar"):
            wait_ready(svcs[n])
        native.pulsar_init()
        for n in ("mlflow", "feast"):
            wait_ready(svcs[n])
        start(svcs["bentoml"])
        for n in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer", "bentoml"):
            wait_ready(svcs[n])
    except Exception as e:  # noqa: BLE001 - whatever failed, stop what was started
        print(f"\nFAIL native stack: {e}", file=sys.stderr)
        if not args.keep_on_failure:
            down(argparse.Namespace(quiet=True))
        return 1
    print(f"\nNative stack up in {time.monotonic() - t0:.0f} s.", flush=True)
    print_table(native)
    return 0


def print_table(native: Native) -> None:
    v = native.variables
    for name, url in native.endpoints().items():
        print(f"  {name:<16} {url}")
    print(f"  Airflow login: {v.get('AIRFLOW_ADMIN_USER') or 'onering'} / the AIRFLOW_ADMIN_PASSWORD in "
          f"{rel(STATE / 'native.env')}")


def group_members(pgid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def marked_processes() -> list[tuple[int, str]]:
    """Every live process whose environment carries this stack's marker, with its command line."""
    want = f"{MARKER}={STATE}".encode()
    me = os.getpid()
    out = []
    for d in Path("/proc").glob("[0-9]*"):
        pid = int(d.name)
        if pid == me:
            continue
        try:
            if want not in (d / "environ").read_bytes().split(b"\0") or not alive(pid):
                continue
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        out.append((pid, cmd[:160]))
    return out


def signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def down(args) -> int:
    """Stop by PID file (each service's process group), then Postgres by its postmaster.pid, then
    whatever still carries the marker; then check that nothing does."""
    quiet = getattr(args, "quiet", False)
    pids = running_pids()
    for name in reversed(list(pids)):
        signal_group(pids[name], signal.SIGTERM)
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline and any(group_members(pgid) for pgid in pids.values()):
        time.sleep(0.5)
    for name, pgid in pids.items():
        if group_members(pgid):
            print(f"  {name}: still running after SIGTERM, killing its process group {pgid}", file=sys.stderr)
            signal_group(pgid, signal.SIGKILL)
        (RUN / f"{name}.pid").unlink(missing_ok=True)
    # pg_ctl puts the postmaster in a session of its own: stop it by its pid file (SIGINT = fast).
    pm = STATE / "postgres" / "pgdata" / "postmaster.pid"
    if pm.exists():
        try:
            pid = int(pm.read_text().split()[0])
        except (ValueError, IndexError):
            pid = 0
        if pid and alive(pid):
            os.kill(pid, signal.SIGINT)
            end = time.monotonic() + 30
            while alive(pid) and time.monotonic() < end:
                time.sleep(0.5)
    left = marked_processes()
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(0.5 if left else 0)
    left = marked_processes()
    if left:
        print("FAIL native stack: processes left after down:\n" + "\n".join(f"  {p} {c}" for p, c in left),
              file=sys.stderr)
        return 1
    if not quiet:
        print(f"Native stack stopped: no process carries {MARKER}={rel(STATE)}.")
    return 0


def status(args) -> int:
    native = load_state()
    pids = running_pids()
    if native is None or not pids:
        print("The native stack is not running (ops/scripts/native.py up).")
        return 1
    bad = 0
    for name, svc in native.services().items():
        pid = pids.get(name)
        up_ = pid is not None and alive(pid)
        ok = up_ and svc.ready()
        bad += not ok
        print(f"  {name:<22} {'ready' if ok else ('running' if up_ else 'stopped'):<8} pid {pid or '-':<8} "
              f"{svc.url or ''}  log {rel(svc.log)}")
    return 1 if bad else 0


def env_cmd(args) -> int:
    native = load_state()
    if native is None:
        print("The native stack is not running (ops/scripts/native.py up).", file=sys.stderr)
        return 1
    env = native.onering_env()
    for k in sorted(env):
        print(f"export {k}={shlex.quote(env[k])}")
    return 0


# ---------------------------------------------------------------------------------------------
# smoke: stack.py's checks with this stack's endpoints
# ---------------------------------------------------------------------------------------------
class NativeTarget(stack.SmokeTarget):
    def __init__(self, native: Native):
        v, p = native.variables, native.ports
        super().__init__(
            airflow_url=f"http://127.0.0.1:{p['airflow']}",
            airflow_user=v.get("AIRFLOW_ADMIN_USER") or "onering", airflow_password=v["AIRFLOW_ADMIN_PASSWORD"],
            clickhouse_url=f"http://127.0.0.1:{p['clickhouse']}",
            clickhouse_user=v.get("CLICKHOUSE_USER") or "onering", clickhouse_password=v["CLICKHOUSE_PASSWORD"],
            s3_endpoint=f"http://127.0.0.1:{p['s3']}",
            s3_access_key=v.get("ONERING_S3_ACCESS_KEY") or "onering", s3_secret_key=v["ONERING_S3_SECRET_KEY"])
        self.native = native

    def check_services(self) -> bool:
        return status(None) == 0

    def run_cli(self, args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run([str(ROOT / "ops" / "scripts" / "onering"), *args], cwd=ROOT, capture_output=True,
                              text=True, env={**self.native.base_env(), **self.native.onering_env(),
                                              "ONERING_HEAP": "1g"})

    def postgres_count(self, sql: str) -> int:
        v = self.native.variables
        r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.native.ports["postgres"]), "-U",
                            v.get("ONERING_PG_USER") or "onering", "-d", "onering", "-tAc", sql],
                           capture_output=True, text=True, env={**os.environ, "PGPASSWORD": v["ONERING_PG_PASSWORD"]})
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
        return int(r.stdout.strip() or 0)


ML_DAG_ID = "onering_ml"


def served_version(register_details: dict) -> str | None:
    """The model version the service should serve after a run's register and deploy: the one
    registered if it was promoted to champion, else the champion it did not beat (a stack whose
    MLflow already held one)."""
    chosen = register_details.get("version") if register_details.get("promoted", True) \
        else register_details.get("championBefore")
    return None if chosen is None else str(chosen)


def ml_smoke(native: Native, date: str | None, timeout: float) -> int:
    """The ML DAG after the medallion run: one run for the same day, every task succeeded with a
    `success` result (features, train, register, materialize, deploy, drift: a skipped train is a
    failure here), then a prediction from the model service for a symbol the run put online."""
    v, p = native.variables, native.ports
    client = stack.AirflowClient(f"http://127.0.0.1:{p['airflow']}", v.get("AIRFLOW_ADMIN_USER") or "onering",
                                 v["AIRFLOW_ADMIN_PASSWORD"])
    verdict = stack.Verdict()
    print(f"\nML: {ML_DAG_ID} through the REST API")
    results: dict = {}
    try:
        results = stack.airflow_smoke(client, date, timeout, verdict, dag_id=ML_DAG_ID)
    except RuntimeError as e:
        verdict.fail(str(e))
    materialize = results.get("materialize")
    online = sorted(((materialize or {}).get("details") or {}).get("latest_date_per_symbol") or {})
    if verdict.ok and not online:
        verdict.fail("materialize put no symbol online")
    if verdict.ok:
        bento = f"http://127.0.0.1:{p['bentoml']}"
        try:
            req = urllib.request.Request(f"{bento}/predict", data=json.dumps({"symbol": online[0]}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
            with urllib.request.urlopen(req, timeout=120) as r:
                body = json.load(r)
            register = (results.get("register") or {}).get("details") or {}
            verdict.notes.append(f"BentoML: P(label=1) for {online[0]} = {body.get('probability')} "
                                 f"from onering version {body.get('model', {}).get('version')}")
            if not 0.0 <= float(body.get("probability", -1)) <= 1.0:
                verdict.fail(f"BentoML's prediction is not a probability: {body}")
            expected = served_version(register)
            if str(body.get("model", {}).get("version")) != expected:
                verdict.fail(f"BentoML serves version {body.get('model', {}).get('version')}, expected {expected}"
                             f" (the run registered {register.get('version')}, promoted: {register.get('promoted')};"
                             f" {register.get('reason')})")
        except (OSError, ValueError, urllib.error.URLError) as e:
            verdict.fail(f"BentoML /predict for {online[0]} failed: {e}")
    return verdict.report("ML SMOKE", f"{ML_DAG_ID} ran every step and the model service predicts.")


def smoke(args) -> int:
    started = False
    if load_state() is None or not any(alive(p) for p in running_pids().values()):
        if up(argparse.Namespace(keep_on_failure=False)) != 0:
            return 1
        started = True
    try:
        native = load_state()
        code = stack.run_smoke(NativeTarget(native), date=args.date, timeout=args.timeout)
        if code == 0:
            code = ml_smoke(native, args.date, args.timeout)
    finally:
        if started and not args.keep:
            code_down = down(argparse.Namespace(quiet=False))
            if code_down != 0:
                code = 1
    return code


def test_cmd(args) -> int:
    """`make native-test`: a stack of its own, the smoke, the DAG tests in Airflow's venv, down,
    and the check that no process is left; each phase timed."""
    if any(alive(p) for p in running_pids().values()):
        raise NativeError(f"a native stack already runs ({rel(STATE)}); stop it first (make native-down)")
    phases: dict[str, float] = {}
    t = started = time.monotonic()
    code = up(argparse.Namespace(keep_on_failure=False))
    phases["up"] = time.monotonic() - t
    if code != 0:
        return code
    smoke_code = pytest_code = 1
    try:
        t = time.monotonic()
        smoke_code = stack.run_smoke(NativeTarget(load_state()), date=None, timeout=args.timeout)
        phases["smoke"] = time.monotonic() - t
        # The DAG tests use the Flink cluster and the DAG files, the ML smoke Spark and the ml services:
        # they run side by side, the tests' output kept in a log and printed after the smoke's.
        t = time.monotonic()
        dag_tests_log = LOGS / "native-tests.log"
        print(f"\nDAG tests in Airflow's venv (ops/native-tests), beside the ML smoke; output: {rel(dag_tests_log)}",
              flush=True)
        with dag_tests_log.open("w", encoding="utf-8") as out:
            dag_tests = subprocess.Popen([str(AIRFLOW_VENV / "bin" / "python"), "-m", "pytest", "-q", "-p",
                                          "no:cacheprovider", str(ROOT / "ops" / "native-tests")],
                                         cwd=ROOT, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                                         stdout=out, stderr=subprocess.STDOUT)
            try:
                if smoke_code == 0:
                    smoke_code = ml_smoke(load_state(), None, args.timeout)
                    phases["ML smoke"] = time.monotonic() - t
            finally:
                pytest_code = dag_tests.wait()
        phases["DAG tests (beside the ML smoke)"] = time.monotonic() - t
        print(f"\nDAG tests (ops/native-tests):\n{dag_tests_log.read_text(encoding='utf-8')}", flush=True)
    finally:
        t = time.monotonic()
        down_code = down(argparse.Namespace(quiet=False))
        phases["down"] = time.monotonic() - t
    # The DAG tests overlap the ML smoke: the total is the wall clock, not the phases' sum.
    print("native-test: " + ", ".join(f"{k} {v:.0f} s" for k, v in phases.items())
          + f"; total {time.monotonic() - started:.0f} s")
    failed = [n for n, c in (("smoke", smoke_code), ("DAG tests", pytest_code), ("down", down_code)) if c != 0]
    if failed:
        print(f"FAIL native-test: {', '.join(failed)} (logs in {rel(LOGS)})", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="State, data and logs: " + rel(STATE) + " (ONERING_NATIVE_DIR). docs/stack.md.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("up", help="start every service on free ports and wait until each answers")
    u.add_argument("--keep-on-failure", action="store_true", help="leave the services running when one fails")
    sub.add_parser("down", help="stop every process of the native stack and check none is left")
    sub.add_parser("status", help="each service with its pid, URL and log")
    sub.add_parser("env", help="the steps' environment (endpoints, logins) as export lines")
    sm = sub.add_parser("smoke", help="`make smoke` against the native stack; starts and stops it unless it runs")
    sm.add_argument("--date", help="run date YYYY-MM-DD (default: the DAG's latest interval, yesterday UTC)")
    sm.add_argument("--timeout", type=float, default=float(os.environ.get("SMOKE_TIMEOUT", 1800)),
                    help="seconds to wait for the DAG run (default 1800)")
    sm.add_argument("--keep", action="store_true", help="leave a stack it started running afterwards")
    te = sub.add_parser("test", help="up, smoke, the DAG tests (ops/native-tests), down, no process left")
    te.add_argument("--timeout", type=float, default=float(os.environ.get("SMOKE_TIMEOUT", 1800)),
                    help="seconds to wait for the smoke's DAG run (default 1800)")
    args = ap.parse_args(argv)
    try:
        return {"up": up, "down": down, "status": status, "env": env_cmd, "smoke": smoke,
                "test": test_cmd}[args.cmd](args)
    except NativeError as e:
        print(f"FAIL {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
