"""Starting and stopping the ML path's servers as child processes, natively: for the tests and
`make demo-ml`. Standard library only, so any service's venv can run it.

Each server runs in its own process group (BentoML, Streamlit and MLflow start workers of their
own), logs to a file, and is waited for by polling its real health endpoint with a deadline.
Stopping sends SIGTERM to the group, then SIGKILL after a grace period: nothing is left behind.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ML = ROOT / "platform" / "ml"


def venvs() -> Path:
    """Where `make py-setup` puts one venv per service ($ONERING_VENVS, as py-setup.sh reads it)."""
    return Path(os.environ.get("ONERING_VENVS") or ROOT / ".cache" / "venvs")


def venv_bin(venv: str, program: str) -> Path:
    path = venvs() / venv / "bin" / program
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `make py-setup` (it makes the '{venv}' venv from "
                                f"platform/{venv}/requirements.lock)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url: str, timeout: float = 5.0) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError):
        return None


@dataclass
class Server:
    name: str
    cmd: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    url: str | None = None
    proc: subprocess.Popen | None = None

    def start(self) -> "Server":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env={**os.environ, **self.env}, stdout=out,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()
        return self

    def wait(self, probe: str, timeout: float = 90.0, ready=lambda status: status == 200) -> "Server":
        """Polls `probe` until `ready(status)`. If the process dies, the deadline passes or the wait
        is interrupted (Ctrl-C), stops the server and raises (with the log's tail)."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                if self.proc is not None and self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before it was ready; "
                                       f"its log {self.log}:\n{self.tail()}")
                status = http_status(probe, timeout=2)
                if status is not None and ready(status):
                    return self
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.name} not ready at {probe} after {timeout:.0f}s (last status {status}); "
                                       f"its log {self.log}:\n{self.tail()}")
                time.sleep(0.5)
        except BaseException:
            self.stop()
            raise

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=grace)
        except ProcessLookupError:
            pass
        # Workers that outlived their parent still belong to the group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
