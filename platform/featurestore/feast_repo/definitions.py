"""Feast definitions, generated from the feature table's contract (pipelines/spec/features.yaml):
the list of features is never repeated here. `feast apply` imports this file.

The view serves the model's inputs and the attributes the app shows (close, asset class); never the
label, which looks into the future and has no place online.
"""
import os
from datetime import timedelta

from feast import Entity, FeatureView, Field, FileSource, ValueType
from feast.types import Float64, Int32, String

from onering_ml import contract

CONTRACT = contract.load()
FEAST_TYPES = {"double": Float64, "int": Int32, "string": String}
TABLE = os.environ.get("ONERING_FEATURES_TABLE")
if not TABLE:
    raise RuntimeError("ONERING_FEATURES_TABLE is not set: point it at the feature table "
                       "(<lake>/gold/features_daily), e.g. data/lake/gold/features_daily")

symbol = Entity(
    name=CONTRACT.entity.name,
    join_keys=[CONTRACT.entity.name],
    value_type=ValueType.STRING,
    description="An instrument's symbol, as in gold.daily_bars.",
)

features_daily_source = FileSource(
    name=f"{CONTRACT.table}_source",
    # The lake's URIs are Hadoop's s3a://; Feast reads the same objects as s3://.
    path=TABLE.replace("s3a://", "s3://", 1),
    timestamp_field=CONTRACT.timestamp,
    # The stack reads the table from MinIO; unset (native), it is a local folder. ONERING_S3_ENDPOINT
    # is the lake's own setting, the one the Airflow operator passes on to a step (materialize).
    s3_endpoint_override=os.environ.get("FEAST_S3_ENDPOINT_URL") or os.environ.get("ONERING_S3_ENDPOINT") or None,
)

features_daily = FeatureView(
    name=CONTRACT.table,
    entities=[symbol],
    # Ten years: in effect no expiry (the online row is a symbol's latest known day, whatever its
    # age; the model service returns its event time with every prediction, so a stale row shows),
    # and a first `feast materialize-incremental END` loads every row since END - ttl.
    ttl=timedelta(days=3650),
    schema=[Field(name=c.name, dtype=FEAST_TYPES[c.type], description=c.description)
            for c in CONTRACT.features + CONTRACT.attributes],
    source=features_daily_source,
    online=True,
    description=f"One row per symbol and trading day, from {CONTRACT.source}.",
)
