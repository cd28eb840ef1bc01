#!/usr/bin/env python3
"""Static checks of the stack: what can be verified without a Docker engine.

    python3 ops/scripts/stack_lint.py [--root DIR]

Checks compose.yaml invariants (pinned images, healthchecks, depends_on conditions, loopback
ports, documented variables, existing mount paths, memory caps, no default secrets, profile
closure), the Dockerfiles' base images, the Grafana provisioning and dashboards. (The Airflow DAG
files are loaded in a real DagBag by ops/native-tests, not read here.) Prints one line per problem; exits 1 when there is any.
Each check is a function returning a list of problems, so the tests can feed it broken input.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ("core", "streaming", "ml", "bi", "governance", "ci", "secrets")
ROLES_ONE_SHOT = ("init", "tool")
SECRET_NAME = re.compile(r"(PASSWORD|PASS$|SECRET|FERNET|ENCRYPTION|JWT)", re.I)
VAR_REF = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
# An exact pin: at least major.minor in the tag (or a dated MinIO release), or a digest.
PINNED_TAG = re.compile(r"\d+\.\d+|RELEASE\.\d{4}-\d{2}-\d{2}T")


# ---------------------------------------------------------------------------------------------
# .env.example
# ---------------------------------------------------------------------------------------------
def parse_env_example(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """(variables -> default, secret variables -> kind) from .env.example text."""
    values: dict[str, str] = {}
    secrets: dict[str, str] = {}
    kind = None
    for line in text.splitlines():
        m = re.fullmatch(r"# \[secret:([a-z0-9]+)\]", line.strip())
        if m:
            kind = m.group(1)
            continue
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", line)
        if m:
            values[m.group(1)] = m.group(2)
            if kind:
                secrets[m.group(1)] = kind
        kind = None
    return values, secrets


def env_example_problems(text: str) -> list[str]:
    values, secrets = parse_env_example(text)
    problems = []
    for name, value in values.items():
        if name in secrets and value:
            problems.append(f".env.example: secret {name} has a value; secrets must be empty (make init generates them)")
        if name not in secrets and SECRET_NAME.search(name) and not name.endswith("_USER"):
            problems.append(f".env.example: {name} looks secret but is not marked '# [secret:KIND]'")
    if re.search(r"(?i)admin\s*/\s*admin|password=admin\b", text):
        problems.append(".env.example: mentions an admin/admin login")
    return problems


# ---------------------------------------------------------------------------------------------
# compose.yaml
# ---------------------------------------------------------------------------------------------
def image_problems(where: str, image: str, env_defaults: dict[str, str]) -> list[str]:
    """An image reference, possibly `${VAR:-default}`: the default and .env.example's value must
    both be exact pins."""
    candidates = []
    refs = list(VAR_REF.finditer(image))
    if refs:
        for m in refs:
            name, op, default = m.group(1), m.group(2), m.group(3)
            if name == "ONERING_VERSION":
                continue  # the tag of images this repository builds
            if op != ":-" or not default:
                return [f"{where}: image {image!r} has no pinned default (use ${{{name}:-repo:tag}})"]
            candidates.append(("default", default))
            if name in env_defaults:
                candidates.append((".env.example", env_defaults[name]))
        if not candidates:
            candidates.append(("image", VAR_REF.sub(lambda m: m.group(3) or "0.0.0", image)))
    else:
        candidates.append(("image", image))
    problems = []
    for source, ref in candidates:
        problem = pin_problem(ref)
        if problem:
            problems.append(f"{where}: {source} image {ref!r} {problem}")
    return problems


def pin_problem(ref: str) -> str | None:
    if "@sha256:" in ref:
        return None
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last:
        return "is not tagged"
    tag = last.split(":", 1)[1]
    if tag in ("latest", "") or not PINNED_TAG.search(tag):
        return f"is not pinned to an exact version (tag {tag!r})"
    return None


def _role(svc: dict) -> str | None:
    labels = svc.get("labels") or {}
    if isinstance(labels, list):
        labels = dict(item.split("=", 1) for item in labels if "=" in item)
    return labels.get("dev.onering.role")


def _mem_limit(svc: dict):
    return svc.get("mem_limit") or (((svc.get("deploy") or {}).get("resources") or {}).get("limits") or {}).get("memory")


def _profiles(svc: dict) -> set[str]:
    return set(svc.get("profiles") or [])


def active_services(services: dict, enabled: set[str]) -> set[str]:
    return {n for n, s in services.items() if not _profiles(s) or _profiles(s) & enabled}


def compose_problems(doc: dict, env_defaults: dict[str, str], base: Path,
                     secret_vars: set[str] | None = None) -> list[str]:
    problems: list[str] = []
    if not isinstance(doc, dict) or not isinstance(doc.get("services"), dict):
        return ["compose: no services mapping"]
    for key in ("include", "name"):
        if key in doc:
            problems.append(f"compose: top-level '{key}:' is rejected by docker-compose 1.29")
    services: dict = doc["services"]

    # Variables: every ${VAR} the file uses (comments aside) documented in .env.example.
    for m in VAR_REF.finditer(json.dumps(doc)):
        if m.group(1) not in env_defaults:
            problems.append(f"compose: ${{{m.group(1)}}} is not documented in .env.example")

    for name, svc in services.items():
        where = f"service {name}"
        role = _role(svc)
        one_shot = role in ROLES_ONE_SHOT

        # Images
        if "image" in svc:
            problems += image_problems(where, str(svc["image"]), env_defaults)
        elif "build" not in svc:
            problems.append(f"{where}: neither image nor build")
        build = svc.get("build")
        if build is not None:
            ctx = build if isinstance(build, str) else build.get("context", ".")
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            args = {} if isinstance(build, str) else (build.get("args") or {})
            df = (base / ctx / dockerfile) if not Path(dockerfile).is_absolute() else Path(dockerfile)
            if not (base / ctx).is_dir():
                problems.append(f"{where}: build context {ctx} does not exist")
            elif not df.is_file():
                problems.append(f"{where}: Dockerfile {df.relative_to(base) if df.is_relative_to(base) else df} does not exist")
            else:
                problems += dockerfile_problems(df, args, env_defaults, where)
            if "image" not in svc:
                problems.append(f"{where}: a built service needs an image name with a pinned tag")

        # Health: long-running services are probed; one-shot services never restart.
        hc = svc.get("healthcheck")
        if one_shot:
            if svc.get("restart") not in (None, "no"):
                problems.append(f"{where}: one-shot ({role}) service must not restart (restart: \"no\")")
        else:
            test = (hc or {}).get("test")
            if not hc or hc.get("disable") or not test or test in (["NONE"], "NONE"):
                problems.append(f"{where}: long-running service without a healthcheck")
            if not _mem_limit(svc):
                problems.append(f"{where}: no memory cap (mem_limit)")

        # depends_on: always with a condition that fits what the dependency is.
        deps = svc.get("depends_on") or {}
        if isinstance(deps, list):
            problems.append(f"{where}: depends_on is a list (start order only); name a condition for each")
            deps = {}
        for dep, spec in deps.items():
            cond = (spec or {}).get("condition")
            if dep not in services:
                problems.append(f"{where}: depends on unknown service {dep}")
                continue
            if cond not in ("service_healthy", "service_completed_successfully"):
                problems.append(f"{where}: depends_on {dep} without condition service_healthy/service_completed_successfully")
                continue
            dep_one_shot = _role(services[dep]) in ROLES_ONE_SHOT
            if dep_one_shot and cond != "service_completed_successfully":
                problems.append(f"{where}: {dep} is one-shot; wait for it with service_completed_successfully")
            if not dep_one_shot and cond != "service_healthy":
                problems.append(f"{where}: {dep} is long-running; wait for it with service_healthy")

        # Ports: loopback only.
        for port in svc.get("ports") or []:
            if isinstance(port, dict):
                if port.get("published") is not None and port.get("host_ip") != "127.0.0.1":
                    problems.append(f"{where}: port {port} is not bound to 127.0.0.1")
            elif not str(port).startswith("127.0.0.1:"):
                problems.append(f"{where}: port {port!r} is not bound to 127.0.0.1")

        # Mounts: host paths exist.
        for vol in svc.get("volumes") or []:
            src = vol.get("source") if isinstance(vol, dict) else str(vol).split(":", 1)[0]
            if src and (src.startswith(".") or src.startswith("/")):
                resolved = VAR_REF.sub(lambda m: m.group(3) or "", src)
                if not (base / resolved).exists():
                    problems.append(f"{where}: mounted host path {src} does not exist")

        # Secrets: no default value for anything secret.
        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
        for key, value in env.items():
            if value is None or not SECRET_NAME.search(key) or key.endswith(("_FILE", "_PATH")):
                continue
            for m in VAR_REF.finditer(str(value)):
                if m.group(2) in (":-", "-") and m.group(1) != "ONERING_VERSION":
                    problems.append(f"{where}: secret {key} falls back to a default ({m.group(0)}); use ${{{m.group(1)}:?...}}")
            literal = VAR_REF.sub("", str(value))
            if value and not VAR_REF.search(str(value)) and "$$" not in str(value):
                problems.append(f"{where}: secret {key} has a literal value in compose.yaml")
            elif literal.strip().lower() in ("admin", "password", "changeme"):
                problems.append(f"{where}: secret {key} is a well-known value")
        if secret_vars is not None:
            for m in VAR_REF.finditer(json.dumps(svc)):
                if m.group(1) in secret_vars and m.group(2) in (":-", "-"):
                    problems.append(f"{where}: secret variable {m.group(1)} used with a default")

    # Profiles: with core plus any one profile enabled, every dependency is enabled too.
    for extra in PROFILES:
        enabled = {"core", extra}
        active = active_services(services, enabled)
        for name in sorted(active):
            for dep in (services[name].get("depends_on") or {}):
                if dep in services and dep not in active:
                    problems.append(f"profile {extra}: {name} depends on {dep}, which profiles core+{extra} do not start")
    for name, svc in services.items():
        unknown = _profiles(svc) - set(PROFILES) - {"tools"}
        if unknown:
            problems.append(f"service {name}: unknown profile(s) {sorted(unknown)}")
        if not _profiles(svc):
            problems.append(f"service {name}: no profile; every service belongs to one (core for the base stack)")
    return problems


def dockerfile_problems(path: Path, build_args: dict, env_defaults: dict[str, str], where: str) -> list[str]:
    """Every FROM resolves to a pinned image: a literal pin, or an ARG whose default and whose
    compose build arg are pins. Stage names (FROM x AS build ... FROM build) are allowed."""
    problems = []
    args: dict[str, str] = {}
    stages: set[str] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        m = re.match(r"(?i)^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S+))?", line)
        if m:
            args[m.group(1)] = m.group(2) or ""
            continue
        m = re.match(r"(?i)^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", line)
        if not m:
            continue
        ref = m.group(1)
        if m.group(2):
            stages.add(m.group(2))
        if ref in stages:
            continue
        am = re.fullmatch(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", ref)
        refs = []
        if am:
            arg = am.group(1)
            refs.append((f"ARG {arg} default", args.get(arg, "")))
            if arg in build_args:
                for problem in image_problems(f"{where} build arg {arg}", str(build_args[arg]), env_defaults):
                    problems.append(problem)
        else:
            refs.append(("FROM", ref))
        for source, r in refs:
            problem = pin_problem(r) if r else "is empty"
            if problem:
                problems.append(f"{where}: {path.name} {source} {r!r} {problem}")
    return problems


# ---------------------------------------------------------------------------------------------
# Grafana
# ---------------------------------------------------------------------------------------------
def grafana_problems(provisioning: Path, dashboards: Path) -> list[str]:
    problems = []
    uids: set[str] = set()
    ds_dir = provisioning / "datasources"
    for f in sorted(ds_dir.glob("*.y*ml")):
        try:
            doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            problems.append(f"{f.name}: invalid YAML: {e}")
            continue
        for ds in (doc or {}).get("datasources") or []:
            if not ds.get("uid") or not ds.get("type"):
                problems.append(f"{f.name}: datasource {ds.get('name')!r} needs a uid and a type")
            else:
                uids.add(ds["uid"])
    if not uids:
        problems.append(f"{ds_dir}: no datasources provisioned")
    providers = []
    for f in sorted((provisioning / "dashboards").glob("*.y*ml")):
        try:
            providers += (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("providers") or []
        except yaml.YAMLError as e:
            problems.append(f"{f.name}: invalid YAML: {e}")
    if not providers:
        problems.append("grafana: no dashboard provider")
    files = sorted(dashboards.glob("*.json"))
    if not files:
        problems.append(f"{dashboards}: no dashboards")
    for f in files:
        try:
            dash = json.loads(f.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            problems.append(f"{f.name}: invalid JSON: {e}")
            continue
        if not dash.get("uid") or not dash.get("title"):
            problems.append(f"{f.name}: dashboard needs a uid and a title")

        def walk(node):
            if isinstance(node, dict):
                ds = node.get("datasource")
                if isinstance(ds, dict) and ds.get("uid") and ds["uid"] not in uids and not str(ds["uid"]).startswith("$"):
                    problems.append(f"{f.name}: panel datasource uid {ds['uid']!r} is not provisioned")
                elif isinstance(ds, str) and ds not in uids and not ds.startswith("$"):
                    problems.append(f"{f.name}: datasource {ds!r} is not provisioned (use a uid)")
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(dash.get("panels", []))
    return problems


# ---------------------------------------------------------------------------------------------
def all_problems(root: Path) -> list[str]:
    env_text = (root / ".env.example").read_text(encoding="utf-8")
    env_defaults, secrets = parse_env_example(env_text)
    raw = (root / "compose.yaml").read_text(encoding="utf-8")
    problems = env_example_problems(env_text)
    problems += compose_problems(yaml.safe_load(raw), env_defaults, root, set(secrets))
    problems += grafana_problems(root / "platform/grafana/provisioning", root / "platform/grafana/dashboards")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT)
    args = ap.parse_args(argv)
    problems = all_problems(args.root)
    for p in problems:
        print(f"FAIL {p}", file=sys.stderr)
    if problems:
        print(f"stack-lint: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("stack-lint: compose, Dockerfiles and Grafana provisioning are consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
