"""The feature table's contract, pipelines/spec/features.yaml, as Python reads it.

Every Python side (Feast's schema, the model service's input frame, the app, the drift report, the
test fixtures) takes the feature list from here, so a name changed in the YAML changes everywhere.
Where the file is: an explicit path, else $ONERING_FEATURES_SPEC, else the repository's copy next to
this tree, else /etc/onering/spec/features.yaml (the stack mounts pipelines/spec there).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

ENV = "ONERING_FEATURES_SPEC"
REPO_SPEC = Path(__file__).resolve().parents[3] / "pipelines" / "spec" / "features.yaml"
STACK_SPEC = Path("/etc/onering/spec/features.yaml")
# The column types the contract may use, and what each is in Arrow (the Parquet the table is in).
TYPES = ("string", "date", "timestamp_utc", "double", "int")


class ContractError(ValueError):
    """features.yaml is not a contract the Python side can read."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str = ""


@dataclass(frozen=True)
class Contract:
    table: str
    entity: Column
    keys: tuple[Column, ...]
    features: tuple[Column, ...]
    attributes: tuple[Column, ...]
    label: Column
    label_horizon_days: int
    source: str

    @property
    def feature_names(self) -> list[str]:
        """The model's inputs, in the order the model takes them."""
        return [c.name for c in self.features]

    @property
    def attribute_names(self) -> list[str]:
        return [c.name for c in self.attributes]

    @property
    def timestamp(self) -> str:
        (ts,) = [c.name for c in self.keys if c.type == "timestamp_utc"]
        return ts

    @property
    def date(self) -> str:
        (d,) = [c.name for c in self.keys if c.type == "date"]
        return d

    def columns(self) -> tuple[Column, ...]:
        return self.keys + self.features + self.attributes + (self.label,)


def path(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    return REPO_SPEC if REPO_SPEC.exists() else STACK_SPEC


def load(explicit: str | os.PathLike | None = None) -> Contract:
    p = path(explicit)
    try:
        with open(p, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except FileNotFoundError:
        raise ContractError(f"feature contract {p} not found; set {ENV} to pipelines/spec/features.yaml") from None
    return parse(doc, str(p))


def _column(raw, where: str) -> Column:
    if not isinstance(raw, dict) or not raw.get("name") or raw.get("type") not in TYPES:
        raise ContractError(f"{where}: expected {{name, type}} with type one of {TYPES}, got {raw!r}")
    return Column(str(raw["name"]), str(raw["type"]), str(raw.get("description", "")))


def _columns(doc: dict, field: str, source: str) -> tuple[Column, ...]:
    raw = doc.get(field) or []
    if not isinstance(raw, list):
        raise ContractError(f"{source}: '{field}' must be a list")
    return tuple(_column(r, f"{source}: {field}[{i}]") for i, r in enumerate(raw))


def parse(doc, source: str = "<features.yaml>") -> Contract:
    if not isinstance(doc, dict):
        raise ContractError(f"{source}: expected a mapping")
    keys = _columns(doc, "keys", source)
    features = _columns(doc, "features", source)
    if not features:
        raise ContractError(f"{source}: no features declared")
    label_raw = doc.get("label") or {}
    label = _column(label_raw, f"{source}: label")
    entity = _column(doc.get("entity"), f"{source}: entity")
    contract = Contract(
        table=str(doc.get("table", "")),
        entity=entity,
        keys=keys,
        features=features,
        attributes=_columns(doc, "attributes", source),
        label=label,
        label_horizon_days=int(label_raw.get("horizon_days", 1)),
        source=source,
    )
    names = [c.name for c in contract.columns()]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ContractError(f"{source}: columns declared twice: {dupes}")
    if entity.name not in [k.name for k in keys]:
        raise ContractError(f"{source}: the entity '{entity.name}' is not one of the keys")
    for kind in ("timestamp_utc", "date"):
        if [k.type for k in keys].count(kind) != 1:
            raise ContractError(f"{source}: the keys need exactly one {kind} column")
    return contract
