"""The step contract (docs/step-contract.md) for the ML DAG's Python steps: `python -m <module>
--run-date D [--result FILE]`, the JSON step result as the last line of standard output (and in
FILE), exit 0 on success, 1 on failure, 2 when called wrongly. Standard library only.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class StepFailed(Exception):
    """The step could not do its work; the message says what to do next."""


def parser(prog: str, description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--run-date", type=date.fromisoformat, help="the day to work on, YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--result", type=Path, help="also write the JSON step result to this file")
    return p


def run(step_id: str, args: argparse.Namespace, work: Callable[[date], dict]) -> int:
    """Runs work(run_date) -> {rows_in, rows_out, details...}; prints and writes the result."""
    run_date = args.run_date or datetime.now(timezone.utc).date()
    started = time.time()
    result = {"step": step_id, "run_date": run_date.isoformat(), "status": "success",
              "started_at": datetime.fromtimestamp(started, timezone.utc).isoformat().replace("+00:00", "Z"),
              "duration_ms": 0, "rows_in": 0, "rows_out": 0, "rows_rejected": 0, "details": {},
              "quality": None, "error": None}
    code = EXIT_OK
    try:
        # Progress goes to standard error; standard output carries only the result.
        with contextlib.redirect_stdout(sys.stderr):
            out = work(run_date)
        result["rows_in"] = int(out.pop("rows_in", 0))
        result["rows_out"] = int(out.pop("rows_out", 0))
        result["details"] = out
    except StepFailed as e:
        result.update(status="failed", error=str(e))
        code = EXIT_FAILED
    result["duration_ms"] = int((time.time() - started) * 1000)
    line = json.dumps(result, default=str)
    if args.result:
        args.result.parent.mkdir(parents=True, exist_ok=True)
        args.result.write_text(line + "\n", encoding="utf-8")
    print(line, flush=True)
    return code


def main(step_id: str, p: argparse.ArgumentParser, work: Callable[[argparse.Namespace], Callable[[date], dict]],
         argv: list[str] | None = None) -> int:
    try:
        args = p.parse_args(argv)
    except SystemExit as e:  # argparse: 0 for --help, 2 for a usage error
        return int(e.code or 0)
    return run(step_id, args, work(args))
