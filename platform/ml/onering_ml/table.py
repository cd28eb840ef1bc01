"""Reads the feature table (gold/features_daily: Parquet, one row per symbol and trade date) from
the lake, a local folder or an object store, as pandas.

The lake's layout is dev.onering.lake.Lake's: a root that is a folder (`data/lake`), `s3a://` (a
bucket per zone: s3a://gold/features_daily) or `s3a://bucket/prefix`. Needs pyarrow and pandas.
"""
from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.fs as pafs

from onering_ml.contract import Contract

TABLE = "gold/features_daily"


def location(lake_root: str, relative: str = TABLE) -> str:
    """Lake.uri(relative): where a table lives under a lake root."""
    if lake_root.endswith("://"):
        return lake_root + relative
    if "://" in lake_root:
        return lake_root.rstrip("/") + "/" + relative
    return str(Path(lake_root).resolve() / relative)


def _filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    """A local path as it is; s3://, s3a:// through S3 with the lake's endpoint and keys (the same
    ONERING_S3_* variables the Java steps read)."""
    for scheme in ("s3a://", "s3://"):
        if uri.startswith(scheme):
            fs = pafs.S3FileSystem(
                endpoint_override=os.environ.get("ONERING_S3_ENDPOINT") or None,
                access_key=os.environ.get("ONERING_S3_ACCESS_KEY") or os.environ.get("AWS_ACCESS_KEY_ID"),
                secret_key=os.environ.get("ONERING_S3_SECRET_KEY") or os.environ.get("AWS_SECRET_ACCESS_KEY"),
                region=os.environ.get("AWS_REGION", "us-east-1"),
            )
            return fs, uri[len(scheme):]
    return pafs.LocalFileSystem(), uri


def read(uri: str, contract: Contract, *, symbol: str | None = None, start: date | None = None,
         end: date | None = None, columns: list[str] | None = None):
    """Rows of the table, optionally one symbol's and trade dates in [start, end], sorted by symbol
    and date. Files whose names start with `_` or `.` (Spark's _SUCCESS) are not data."""
    fs, path = _filesystem(uri)
    try:
        dataset = ds.dataset(path, format="parquet", filesystem=fs, partitioning="hive")
    except (FileNotFoundError, OSError) as e:
        raise FileNotFoundError(f"feature table {uri} not found or unreadable ({e}); "
                                "run the `features` step first (make demo)") from None
    expr = None
    sym, day = contract.entity.name, contract.date

    def conj(a, b):
        return b if a is None else a & b

    if symbol is not None:
        expr = conj(expr, ds.field(sym) == symbol)
    if start is not None:
        expr = conj(expr, ds.field(day) >= start)
    if end is not None:
        expr = conj(expr, ds.field(day) <= end)
    frame = dataset.to_table(filter=expr, columns=columns).to_pandas()
    sort = [c for c in (sym, day) if c in frame.columns]
    return frame.sort_values(sort).reset_index(drop=True) if sort else frame


def window(uri: str | Path) -> tuple[datetime, datetime]:
    """[first, last + 1 s] of the table's event times: the `feast materialize` window that loads all of it.
    Spark's _SUCCESS and other _/. files are not data."""
    import pyarrow.compute as pc

    ts = ds.dataset(str(uri), format="parquet").to_table(columns=["event_timestamp"])["event_timestamp"]
    lo, hi = pc.min_max(ts).values()
    return lo.as_py(), hi.as_py() + timedelta(seconds=1)
