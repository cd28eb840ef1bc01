#!/usr/bin/env python3
"""Static checks of the stack: what can be verified without a Docker engine.

    python3 ops/scripts/stack_lint.py [--root DIR]

Checks compose.yaml invariants (pinned images, healthchecks, depends_on conditions, loopback
ports, documented variables, existing mount paths, memory caps, no default secrets, profile
closure, init services waited for in every profile, one builder per image, no mount hiding the
image's own files), the Dockerfiles' base images, the Grafana provisioning and dashboards, and
the Jenkins job (configuration as code, Jenkinsfile, controller image). (The Airflow DAG files are
loaded in a real DagBag by ops/native-tests, not read here.) Prints one line per problem; exits 1 when there is any. Each check is a
function returning a list of problems, so the tests can feed it broken input.
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


# ---------------------------------------------------------------------------------------------
# compose.yaml: what `docker compose up --wait --build` does with it
# ---------------------------------------------------------------------------------------------
def _depends(svc: dict) -> dict:
    deps = svc.get("depends_on") or {}
    return {d: {} for d in deps} if isinstance(deps, list) else deps


def init_adoption_problems(services: dict) -> list[str]:
    """Every init service started by a profile is waited for, in that profile, by a service that
    depends on it with service_completed_successfully. `docker compose up --wait` counts the exit
    of a one-shot service nothing waits for that way as a failure and exits 1 on a healthy stack
    (docker/compose#10596). Core plus each profile is enough: adoption only grows with profiles."""
    problems = []
    for extra in PROFILES:
        active = active_services(services, {"core", extra})
        for name in sorted(active):
            if _role(services[name]) != "init":
                continue
            waiters = [s for s in active
                       if (_depends(services[s]).get(name) or {}).get("condition") == "service_completed_successfully"]
            if not waiters:
                problems.append(f"profile {extra}: init service {name} has no dependent that waits for it with "
                                "service_completed_successfully, so `docker compose up --wait` counts its exit as a "
                                "failure (docker/compose#10596); make a service of the profile depend on it")
    return problems


def _resolved(ref: str) -> str:
    return VAR_REF.sub(lambda m: m.group(3) or "", ref)


def image_builder_problems(services: dict) -> list[str]:
    """Each image this repository builds has one service with `build:`; every other service that
    runs it names only `image:` and depends (perhaps through others) on the builder. Two builds of
    one tag in the same `up --build` race and fail now and then; a user without the builder in its
    project (another profile, `docker compose run`) would try to pull an image no registry has."""
    builders: dict[str, list[str]] = {}
    for name, svc in services.items():
        if "build" in svc and svc.get("image"):
            builders.setdefault(_resolved(str(svc["image"])), []).append(name)
    problems = []
    for image, names in sorted(builders.items()):
        if len(names) > 1:
            problems.append(f"image {image} is built by {len(names)} services ({', '.join(sorted(names))}): "
                            "keep `build:` in one, name only `image:` in the others and make them depend on it")
            continue
        builder = names[0]
        for name, svc in sorted(services.items()):
            if name == builder or _resolved(str(svc.get("image", ""))) != image:
                continue
            seen, todo = set(), list(_depends(svc))
            while todo:
                dep = todo.pop()
                if dep not in seen and dep in services:
                    seen.add(dep)
                    todo += list(_depends(services[dep]))
            if builder not in seen:
                problems.append(f"service {name} runs {image}, which {builder} builds, but does not depend on "
                                f"{builder}; add depends_on {builder} so the image is built wherever {name} starts")
    return problems


# Directories that pulled images fill with files they need (their Dockerfiles and entrypoints):
# a host directory mounted there hides them. clickhouse-server: config.xml and users.xml, the
# Dockerfile's config.d/docker_related_config.xml (listen_host), the users.d/default-user.xml its
# entrypoint writes from CLICKHOUSE_USER/PASSWORD; prometheus: its prometheus.yml and consoles;
# flink: its configuration, lib/ and plugins/; pulsar: its configuration.
IMAGE_FILLED_DIRS = {
    "clickhouse/clickhouse-server": ("/etc/clickhouse-server", "/etc/clickhouse-server/config.d",
                                     "/etc/clickhouse-server/users.d"),
    "prom/prometheus": ("/etc/prometheus", "/usr/share/prometheus"),
    "grafana/grafana": ("/etc/grafana", "/usr/share/grafana"),
    "flink": ("/opt/flink/conf", "/opt/flink/lib", "/opt/flink/plugins"),
    "apachepulsar/pulsar": ("/pulsar/conf", "/pulsar/lib"),
    "apache/spark": ("/opt/spark/jars", "/opt/spark/bin"),
    "jenkins/jenkins": ("/usr/share/jenkins", "/usr/share/jenkins/ref"),
}


def _repository(ref: str) -> str:
    ref = _resolved(ref).split("@", 1)[0]
    name = ref.rsplit(":", 1)[0] if ":" in ref.rsplit("/", 1)[-1] else ref
    for prefix in ("docker.io/library/", "docker.io/", "library/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name


def dockerfile_filled_dirs(path: Path, build_args: dict) -> set[str]:
    """Directories the final stage of a Dockerfile fills: where it COPYs or ADDs, and what its base
    image fills (IMAGE_FILLED_DIRS)."""
    args: dict[str, str] = {}
    filled: set[str] = set()
    workdir = "/"
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        m = re.match(r"(?i)^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S+))?", line)
        if m:
            args[m.group(1)] = str(build_args.get(m.group(1), m.group(2) or ""))
            continue
        m = re.match(r"(?i)^FROM\s+(?:--platform=\S+\s+)?(\S+)", line)
        if m:
            base = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda a: args.get(a.group(1), ""), m.group(1))
            filled = set(IMAGE_FILLED_DIRS.get(_repository(base), ()))
            workdir = "/"
            continue
        m = re.match(r"(?i)^WORKDIR\s+(\S+)", line)
        if m:
            workdir = m.group(1) if m.group(1).startswith("/") else f"{workdir.rstrip('/')}/{m.group(1)}"
            continue
        m = re.match(r"(?i)^(?:COPY|ADD)\s+(.*)$", line)
        if m:
            words = [w for w in m.group(1).split() if not w.startswith("--")]
            if len(words) >= 2:
                dest = words[-1] if words[-1].startswith("/") else f"{workdir.rstrip('/')}/{words[-1]}"
                # A folder (trailing slash) or a file or folder at that path, in its parent folder.
                filled.add(dest.rstrip("/") or "/")
                if not dest.endswith("/"):
                    filled.add(str(Path(dest).parent))
    return filled


def mount_problems(services: dict, base: Path, env_defaults: dict[str, str]) -> list[str]:
    """No host directory is bind-mounted over (or above) a directory the image fills, and where
    files of a host folder are mounted one by one into such a directory, every file of that folder
    is mounted. (A host config.d mounted whole over ClickHouse's hid docker_related_config.xml, so
    the server listened on localhost only.)"""
    problems = []
    for name, svc in services.items():
        where = f"service {name}"
        if "build" in svc:
            build = svc["build"]
            ctx = base / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = ctx / ("Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile"))
            if not dockerfile.is_file():
                dockerfile = base / (build.get("dockerfile", "") if isinstance(build, dict) else "")
            args = {} if isinstance(build, str) else {k: _resolved(str(v)) for k, v in (build.get("args") or {}).items()}
            filled = dockerfile_filled_dirs(dockerfile, args) if dockerfile.is_file() else set()
        else:
            filled = set(IMAGE_FILLED_DIRS.get(_repository(str(svc.get("image", ""))), ()))
        files_by_host_dir: dict[Path, set[str]] = {}
        for vol in svc.get("volumes") or []:
            if isinstance(vol, dict):
                src, dst = str(vol.get("source", "")), str(vol.get("target", ""))
            else:
                parts = str(vol).split(":")
                src, dst = parts[0], parts[1] if len(parts) > 1 else ""
            if not src.startswith((".", "/", "~")) or not dst:
                continue
            host = base / _resolved(src)
            dst = dst.rstrip("/") or "/"
            if host.is_dir():
                hidden = sorted(d for d in filled if d == dst or d.startswith(dst.rstrip("/") + "/"))
                if hidden:
                    problems.append(f"{where}: mounting the folder {src} over {dst} hides what the image keeps in "
                                    f"{', '.join(hidden)}; mount the files one by one")
            elif host.is_file() and str(Path(dst).parent) in filled:
                files_by_host_dir.setdefault(host.parent, set()).add(host.name)
        for folder, mounted in files_by_host_dir.items():
            for f in sorted(folder.iterdir()):
                if f.is_file() and not f.name.startswith(".") and f.name not in mounted:
                    rel = f.relative_to(base) if f.is_relative_to(base) else f
                    problems.append(f"{where}: {rel} is not mounted, though its folder's other files are; "
                                    "add a volume line for it")
    return problems


def image_python(image: str) -> str | None:
    """The Python X.Y an image runs, from its tag: python:3.11.14-slim, apache/airflow:slim-3.3.2-python3.11."""
    tag = image.rsplit(":", 1)[-1] if ":" in image else ""
    if _repository(image) == "python":
        m = re.match(r"(\d+\.\d+)", tag)
    else:
        m = re.search(r"python(\d+\.\d+)", tag)
    return m.group(1) if m else None


def lock_image_problems(services: dict, base: Path, python_version: str) -> list[str]:
    """An image that installs a service's requirements.lock runs the Python the lock is made for
    (ops/scripts/py-setup.sh's PYTHON_VERSION): under another Python the lock's markers pick other
    wheels, and the image would not run what the tests ran."""
    problems = []
    for name, svc in sorted(services.items()):
        build = svc.get("build")
        if not isinstance(build, dict):
            continue
        dockerfile = base / build.get("context", ".") / build.get("dockerfile", "Dockerfile")
        if not dockerfile.is_file() or "requirements.lock" not in dockerfile.read_text(encoding="utf-8"):
            continue
        text = dockerfile.read_text(encoding="utf-8")
        args = {m.group(1): m.group(2) or "" for m in re.finditer(r"(?m)^ARG\s+(\w+)(?:=(\S+))?", text)}
        args.update({k: _resolved(str(v)) for k, v in (build.get("args") or {}).items()})
        # The stage the service builds (build.target, else the last), followed through stage names
        # (FROM base AS feast) to the image it starts from.
        stages = {m.group(2): m.group(1) for m in re.finditer(
            r"(?mi)^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", text)}
        froms = re.findall(r"(?mi)^FROM\s+(?:--platform=\S+\s+)?(\S+)", text)
        ref = stages.get(build.get("target")) if build.get("target") else (froms[-1] if froms else "")
        for _ in range(len(stages) + 1):
            if ref not in stages:
                break
            ref = stages[ref]
        image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), ""), ref or "")
        if image_python(image) != python_version:
            problems.append(f"service {name}: its image installs requirements.lock, made for Python {python_version}, "
                            f"but runs on {image or 'an unknown image'}; build it FROM python:{python_version}.x "
                            f"(or an image tagged -python{python_version})")
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
# Jenkins (profile ci): the job as configuration as code, the Jenkinsfile, the controller image
# ---------------------------------------------------------------------------------------------
# Job DSL functions that read the seed job's workspace: JCasC's `jobs:` seed has none and fails
# with a NullPointerException (configuration-as-code plugin issue #608).
WORKSPACE_FUNCTIONS = ("readFileFromWorkspace", "streamFileFromWorkspace")
# What `make test` builds with: the Java 17 JDK and Maven, as Jenkins tool installations.
BUILD_TOOLS = ("jdk", "maven")


def py_setup_python(root: Path) -> str:
    """The Python every virtualenv and lock is made for: ops/scripts/py-setup.sh's PYTHON_VERSION."""
    return re.search(r'PYTHON_VERSION="([0-9.]+)"', (root / "ops/scripts/py-setup.sh").read_text(encoding="utf-8")).group(1)


def make_targets(root: Path) -> set[str]:
    targets = set()
    for f in [root / "Makefile", *sorted((root / "ops/make").glob("*.mk"))]:
        if f.is_file():
            targets |= set(re.findall(r"(?m)^([A-Za-z0-9_.-]+):(?!=)", f.read_text(encoding="utf-8")))
    return targets


def casc_tools(casc: dict) -> dict[str, dict[str, str]]:
    """Tool installations declared in casc.yaml: kind (jdk, maven) -> name -> home."""
    out: dict[str, dict[str, str]] = {}
    for kind, spec in ((casc or {}).get("tool") or {}).items():
        for inst in (spec or {}).get("installations") or []:
            out.setdefault(kind, {})[str(inst.get("name"))] = str(inst.get("home", ""))
    return out


def casc_job_problems(casc: dict, root: Path) -> tuple[list[str], list[tuple[str, bool]]]:
    """(problems, [(Jenkinsfile, read from SCM?)]). A seed script may not read a workspace; a
    pipeline job reads its script from SCM (scriptPath must exist in the repository) or inlines
    it, and an inline script cannot `checkout scm`: there is no SCM to check out."""
    problems, scripts = [], []
    jobs = (casc or {}).get("jobs") or []
    if not jobs:
        problems.append("casc.yaml: no jobs; the OneRing pipeline job is missing")
    for i, job in enumerate(jobs, 1):
        script = str((job or {}).get("script", ""))
        where = f"casc.yaml jobs[{i}]"
        for fn in WORKSPACE_FUNCTIONS:
            if fn in script:
                problems.append(f"{where}: {fn}() needs the seed job's workspace, which JCasC's jobs: seed does not "
                                "have (NullPointerException, configuration-as-code #608); read the Jenkinsfile from "
                                "SCM (cpsScm with scriptPath) instead")
        if "cpsScm" in script:
            for path in re.findall(r"scriptPath\(\s*['\"]([^'\"]+)['\"]", script):
                if (root / path).is_file():
                    scripts.append((path, True))
                else:
                    problems.append(f"{where}: scriptPath {path} does not exist in the repository")
        elif re.search(r"\bcps\s*\{", script):
            if re.search(r"\bcheckout\s+scm\b", script):
                problems.append(f"{where}: an inline pipeline script cannot `checkout scm` (only a script from SCM has one)")
            # An inline script read from a file of platform/jenkins (mounted into the container).
            for name in re.findall(r"['\"][^'\"]*/(Jenkinsfile[^'\"/]*)['\"]", script):
                if (root / "platform/jenkins" / name).is_file():
                    scripts.append((f"platform/jenkins/{name}", False))
    return problems, scripts


def jenkinsfile_problems(text: str, targets: set[str], tools: dict[str, dict[str, str]], where: str,
                         from_scm: bool = True) -> list[str]:
    """A declarative pipeline (a top-level `pipeline { agent ... stages { ... } }` block) whose shell
    steps call only make targets that exist, whose `tools` are declared in casc.yaml, and which
    checks out `scm` only when the job reads it from SCM."""
    code = re.sub(r"(?m)//.*$", "", re.sub(r"(?s)/\*.*?\*/", "", text))
    problems = []
    if not re.match(r"\s*pipeline\s*\{", code):
        problems.append(f"{where}: not a declarative pipeline (the file must be one top-level `pipeline {{ ... }}` block)")
    for section in ("agent", "stages"):
        if not re.search(rf"\b{section}\b", code):
            problems.append(f"{where}: declarative pipeline without `{section}`")
    if not from_scm and re.search(r"\bcheckout\s+scm\b", code):
        problems.append(f"{where}: `checkout scm` in a script the job inlines; there is no SCM to check out "
                        "(make the job a pipeline script from SCM)")
    for cmd in re.findall(r"\bsh\s*\(?\s*(?:script:\s*)?('''.*?'''|'[^']*'|\"[^\"]*\")", code, re.S):
        for target in re.findall(r"\bmake\s+(?:-\S+\s+)*([A-Za-z0-9_.-]+)", cmd):
            if target not in targets:
                problems.append(f"{where}: `make {target}` is not a target of the Makefile")
    block = re.search(r"\btools\s*\{([^}]*)\}", code)
    named = dict(re.findall(r"\b(\w+)\s+['\"]([^'\"]+)['\"]", block.group(1) if block else ""))
    for kind in BUILD_TOOLS:
        if kind not in named:
            problems.append(f"{where}: no `tools {{ {kind} '...' }}`: `make test` would run on whatever the controller "
                            f"has (its own JDK, no Maven); name the {kind} installation of casc.yaml")
    for kind, name in named.items():
        if name not in tools.get(kind, {}):
            problems.append(f"{where}: tools {kind} '{name}' is not a {kind} installation in casc.yaml")
    return problems


def jenkins_image_problems(dockerfile: str, tools: dict[str, dict[str, str]], ci_packages: set[str],
                           python_version: str) -> list[str]:
    """The controller image has each tool installation's home (a COPY destination), the Python the
    virtualenvs are made for (py-setup.sh's PYTHON_VERSION), and every Debian package
    install-ci-tools.sh would install with root, plus make, git and npm: builds run as jenkins,
    which cannot install them."""
    problems = []
    if not re.search(rf"(?m)^\s*(?:COPY|ADD)\s.*/python{re.escape(python_version)}\s*$", dockerfile):
        problems.append(f"jenkins Dockerfile: no python{python_version} (ops/scripts/py-setup.sh makes the "
                        f"virtualenvs with Python {python_version} and never downloads one)")
    copied = set(re.findall(r"(?m)^\s*(?:COPY|ADD)\s+.*\s(/\S+?)/?\s*$", dockerfile))
    for kind, names in sorted(tools.items()):
        for name, home in sorted(names.items()):
            if home.rstrip("/") not in copied:
                problems.append(f"jenkins Dockerfile: the {kind} tool '{name}' lives in {home}, which the image "
                                "does not provide (COPY it there)")
    installed = set()
    for m in re.finditer(r"apt-get install([^&\n]*)", dockerfile.replace("\\\n", " ")):
        installed |= {w for w in m.group(1).split() if not w.startswith("-")}
    for pkg in sorted(ci_packages | {"make", "git", "npm"}):
        if pkg not in installed:
            problems.append(f"jenkins Dockerfile: Debian package {pkg} is not installed; `make test` runs as user "
                            "jenkins and cannot install it (install-ci-tools.sh would need root)")
    return problems


def jenkins_problems(root: Path) -> list[str]:
    jenkins = root / "platform/jenkins"
    casc = yaml.safe_load((jenkins / "casc.yaml").read_text(encoding="utf-8"))
    problems, scripts = casc_job_problems(casc, root)
    tools = casc_tools(casc)
    targets = make_targets(root)
    for path, from_scm in scripts:
        problems += jenkinsfile_problems((root / path).read_text(encoding="utf-8"), targets, tools, path, from_scm)
    ci_packages = set(re.findall(r"need\+=\(([a-z0-9.+-]+)\)",
                                 (root / "ops/scripts/install-ci-tools.sh").read_text(encoding="utf-8")))
    problems += jenkins_image_problems((jenkins / "Dockerfile").read_text(encoding="utf-8"), tools, ci_packages,
                                       py_setup_python(root))
    return problems


def all_problems(root: Path) -> list[str]:
    env_text = (root / ".env.example").read_text(encoding="utf-8")
    env_defaults, secrets = parse_env_example(env_text)
    raw = (root / "compose.yaml").read_text(encoding="utf-8")
    problems = env_example_problems(env_text)
    doc = yaml.safe_load(raw)
    problems += compose_problems(doc, env_defaults, root, set(secrets))
    problems += init_adoption_problems(doc["services"])
    problems += image_builder_problems(doc["services"])
    problems += mount_problems(doc["services"], root, env_defaults)
    problems += lock_image_problems(doc["services"], root, py_setup_python(root))
    problems += grafana_problems(root / "platform/grafana/provisioning", root / "platform/grafana/dashboards")
    problems += jenkins_problems(root)
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
    print("stack-lint: compose, Dockerfiles, Grafana provisioning and the Jenkins job are consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
