"""The pipeline spec (pipelines/spec/medallion.yaml) as the Airflow DAG factory sees it.

Pure Python plus PyYAML: no Airflow import, no I/O beyond reading the spec file.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_SPEC = "/etc/onering/spec/medallion.yaml"
ENGINES = ("light", "spark", "flink", "python")
FLINK = "flink"
# A program of a Python service's venv (`venv`, platform/<venv>/requirements.lock), not an onering
# subcommand: `command` is the program and its arguments, run from the OneRing folder with the
# venv's bin/ first on PATH; `{run_date}` in an argument becomes the run date (medallion.yaml's header).
PYTHON = "python"
RUN_DATE_TOKEN = "{run_date}"
# Which DAG a step belongs to (`dag`): onering_<dag>; the spec's `pipeline` (medallion) by default.
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
STACK = "stack"
EMBEDDED = "embedded"
# A step without `runtimes` runs in both (PipelineSpec.java reads the spec the same way).
DEFAULT_RUNTIMES = (EMBEDDED, STACK)
# A flink step's command is a streaming command, `onering stream <command>`: the streaming CLI, in a
# JVM of its own (ops/scripts/onering dispatches `stream`), not a subcommand of the batch CLI.
STREAM_COMMAND = "stream"


class SpecError(ValueError):
    """The spec is not something the DAG factory can turn into tasks."""


@dataclass(frozen=True)
class Step:
    id: str
    command: tuple[str, ...]
    engine: str
    runtimes: tuple[str, ...]
    depends_on: tuple[str, ...]
    description: str
    # The Airflow DAG the step belongs to (onering_<dag>); the spec's `pipeline` when not given.
    dag: str = ""
    # python steps: the service venv the program runs in.
    venv: str | None = None

    @property
    def dag_id(self) -> str:
        return f"onering_{self.dag}"

    def command_for(self, run_date: str | None) -> list[str]:
        """A python step's argv with {run_date} filled in (PipelineSpec.Step.commandFor in Java)."""
        return [w.replace(RUN_DATE_TOKEN, run_date or "") for w in self.command]

    @property
    def task_id(self) -> str:
        # Airflow task ids allow [A-Za-z0-9_.-]; spec ids already fit, keep them verbatim.
        return self.id


@dataclass(frozen=True)
class Dag:
    id: str
    description: str
    schedule: str | None
    # Another DAG whose successful run triggers this one (an asset), instead of a schedule.
    after: str | None = None


@dataclass(frozen=True)
class Spec:
    pipeline: str
    description: str
    schedule: str
    steps: tuple[Step, ...]
    dags: tuple[Dag, ...] = ()

    def dag(self, dag_id: str) -> Dag:
        for d in self.dags:
            if d.id == dag_id:
                return d
        raise SpecError(f"dag '{dag_id}' is not declared in pipeline '{self.pipeline}'")

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise SpecError(f"step '{step_id}' is not in pipeline '{self.pipeline}'")

    def commands(self) -> set[str]:
        """The first word of each step's command, as `onering <command>` takes it: a batch CLI
        subcommand, or `stream` for a flink step."""
        return {s.command[0] for s in self.steps}

    def batch_commands(self) -> set[str]:
        """The batch CLI's subcommands the spec uses (dev.onering.cli.OneRing): light and spark steps."""
        return {s.command[0] for s in self.steps if s.engine not in (FLINK, PYTHON)}

    def python_programs(self) -> set[str]:
        """The programs python steps run (from their venv's bin/ or the OneRing folder)."""
        return {s.command[0] for s in self.steps if s.engine == PYTHON}

    def dag_names(self) -> list[str]:
        """The DAGs the steps belong to, in the order the spec first names them."""
        return list(dict.fromkeys(s.dag for s in self.steps))

    def stream_commands(self) -> set[str]:
        """The streaming CLI's commands the spec uses (dev.onering.stream.cli.StreamCli): flink steps."""
        return {s.command[1] for s in self.steps if s.engine == FLINK}


def spec_path() -> Path:
    return Path(os.environ.get("ONERING_SPEC", DEFAULT_SPEC))


def load(path: str | os.PathLike | None = None) -> Spec:
    p = Path(path) if path is not None else spec_path()
    with open(p, encoding="utf-8") as f:
        return parse(yaml.safe_load(f), source=str(p))


def _tuple(value, field: str, step_id: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SpecError(f"step '{step_id}': '{field}' must be a list of names, got {value!r}")
    return tuple(value)


def parse(doc: dict, source: str = "<spec>") -> Spec:
    if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list):
        raise SpecError(f"{source}: expected a mapping with a 'steps' list")
    steps = []
    seen: set[str] = set()
    for raw in doc["steps"]:
        sid = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(sid, str) or not sid:
            raise SpecError(f"{source}: every step needs an 'id', got {raw!r}")
        if sid in seen:
            raise SpecError(f"{source}: step '{sid}' is declared twice")
        seen.add(sid)
        command = _tuple(raw.get("command"), "command", sid)
        if not command:
            raise SpecError(f"{source}: step '{sid}' has no command")
        engine = raw.get("engine")
        if engine not in ENGINES:
            raise SpecError(f"{source}: step '{sid}': engine must be one of {ENGINES}, got {engine!r}")
        runtimes = _tuple(raw.get("runtimes"), "runtimes", sid) if "runtimes" in raw else DEFAULT_RUNTIMES
        if engine == FLINK:
            _check_flink_step(sid, command, runtimes, source)
        dag = raw.get("dag") or str(doc.get("pipeline", ""))
        if not isinstance(dag, str) or not NAME.match(dag):
            raise SpecError(f"{source}: step '{sid}': dag must be a lower-case name (the DAG is onering_<dag>), "
                            f"got {dag!r}")
        venv = raw.get("venv")
        _check_python_step(sid, engine, venv, source)
        steps.append(
            Step(
                id=sid,
                command=command,
                engine=engine,
                runtimes=runtimes,
                depends_on=_tuple(raw.get("depends_on"), "depends_on", sid),
                description=str(raw.get("description", "")).strip(),
                dag=dag,
                venv=venv,
            )
        )
    ids = {s.id for s in steps}
    for s in steps:
        unknown = [d for d in s.depends_on if d not in ids]
        if unknown:
            raise SpecError(f"{source}: step '{s.id}' depends on unknown step(s) {unknown}")
    pipeline = str(doc.get("pipeline", ""))
    dags = [Dag(id=pipeline, description=str(doc.get("description", "")).strip(),
                schedule=str(doc.get("schedule", "@daily")))]
    for did, raw in (doc.get("dags") or {}).items():
        raw = raw or {}
        dags.append(Dag(id=str(did), description=str(raw.get("description", "")).strip(),
                        schedule=raw.get("schedule"), after=raw.get("after")))
    dag_ids = {d.id for d in dags}
    for d in dags:
        if d.after is not None and d.after not in dag_ids:
            raise SpecError(f"{source}: dag '{d.id}' runs after '{d.after}', which is not a dag of this spec")
    for s in steps:
        if s.dag not in dag_ids:
            raise SpecError(f"{source}: step '{s.id}' is in dag '{s.dag}', which is not declared under dags: "
                            f"(declared: {sorted(dag_ids)})")
    spec = Spec(
        pipeline=pipeline,
        description=str(doc.get("description", "")).strip(),
        schedule=str(doc.get("schedule", "@daily")),
        steps=tuple(steps),
        dags=tuple(dags),
    )
    _check_acyclic(spec, source)
    return spec


def _check_flink_step(sid: str, command: tuple[str, ...], runtimes: tuple[str, ...], source: str) -> None:
    """The rules PipelineSpec.java applies too: a flink step is a streaming command that runs only
    in the stack (the local runner has no Flink cluster; `onering stream demo` runs the job there)."""
    if len(command) < 2 or command[0] != STREAM_COMMAND:
        raise SpecError(f"{source}: step '{sid}': a flink step's command is a streaming command, "
                        f"[{STREAM_COMMAND}, <command>] (onering stream --help lists them), got {list(command)}")
    if runtimes != (STACK,):
        raise SpecError(f"{source}: step '{sid}': a flink step runs only in the stack (runtimes: [{STACK}]); "
                        f"on this machine `onering stream demo` runs the job. Got runtimes {list(runtimes)}")


def _check_python_step(sid: str, engine: str, venv, source: str) -> None:
    """A python step names the service venv its program runs in; no other step names a venv."""
    if engine != PYTHON:
        if venv is not None:
            raise SpecError(f"{source}: step '{sid}': venv is for python steps; an {engine} step runs onering")
        return
    if not isinstance(venv, str) or not NAME.match(venv):
        raise SpecError(f"{source}: step '{sid}': a python step names the service virtualenv its program runs in "
                        f"(platform/<venv>/requirements.lock, made by make py-setup), got {venv!r}")


def _check_acyclic(spec: Spec, source: str) -> None:
    state: dict[str, int] = {}
    by_id = {s.id: s for s in spec.steps}

    def visit(sid: str, path: list[str]) -> None:
        if state.get(sid) == 2:
            return
        if state.get(sid) == 1:
            raise SpecError(f"{source}: dependency cycle {' -> '.join(path + [sid])}")
        state[sid] = 1
        for dep in by_id[sid].depends_on:
            visit(dep, path + [sid])
        state[sid] = 2

    for s in spec.steps:
        visit(s.id, [])


def stack_steps(spec: Spec, engines: tuple[str, ...] = ("light", "spark"), dag: str | None = None) -> list[Step]:
    """Steps of one DAG (default: the pipeline's own, the medallion DAG) that run in the stack on
    the given engines, in spec order.

    Only steps whose runtimes include `stack` go into Airflow. A dependency on a step that does
    not run in the stack (e.g. `generate`, which feeds the embedded demo) is dropped: in the
    stack that data arrives from ingestion instead. Dependencies on stack steps of another
    engine (the streaming job) are dropped too: those run in their own DAG.
    """
    dag = dag or spec.pipeline
    return [s for s in spec.steps if STACK in s.runtimes and s.engine in engines and s.dag == dag]


def upstream(step: Step, selected: list[Step], spec: Spec) -> list[str]:
    """The task ids a selected step waits for inside its DAG.

    A dependency outside the selection is looked through: if `gold` depended on an embedded-only
    step that itself depended on `silver`, `gold` still waits for `silver`. A dependency on another
    DAG's step is looked through as well, so it adds no task here.
    """
    ids = {s.id for s in selected}
    out: list[str] = []
    seen: set[str] = set()

    def walk(deps: tuple[str, ...]) -> None:
        for d in deps:
            if d in seen:
                continue
            seen.add(d)
            if d in ids:
                out.append(d)
            else:
                walk(spec.step(d).depends_on)

    walk(step.depends_on)
    return out
