"""A small feature table that follows the contract (pipelines/spec/features.yaml), for tests and
for `make demo-ml` until the Spark `features` step's output is there to serve.

It writes what the features step writes: a folder of Parquet files (part-*.parquet and a _SUCCESS
marker, as Spark does), one row per (symbol, trade_date), a UTC `event_timestamp` at the day's
close, every feature of the contract, the attributes and the label (null where its horizon runs
past the last day). Prices are a seeded mean-reverting random walk; features are computed from them
with pandas the way docs/ml.md defines them. Tests that need a known drift ask for a feature to be
scaled and shifted from a given date on.

    python -m onering_ml.fixtures --out DIR [--symbols 6] [--days 160] [--seed 7]
"""
from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from onering_ml import contract as contract_mod
from onering_ml.contract import Contract

ARROW_TYPES = {
    "string": pa.string(),
    "date": pa.date32(),
    "timestamp_utc": pa.timestamp("us", tz="UTC"),
    "double": pa.float64(),
    "int": pa.int32(),
}
EQUITIES = ("AAPL", "MSFT", "NVDA", "JPM", "XOM", "KO", "PFE", "WMT")
CRYPTO = ("BTC-USD", "ETH-USD", "SOL-USD", "ADA-USD")
# The close each calendar publishes its day at, in UTC: NYSE 16:00 New York (EDT), crypto midnight.
CLOSE_UTC = {"equity": timedelta(hours=20), "crypto": timedelta(days=1)}


@dataclass(frozen=True)
class Shift:
    """From `start` on, `feature` becomes feature * scale + offset: a drift the test knows about."""
    feature: str
    start: date
    scale: float = 1.0
    offset: float = 0.0


@dataclass
class Spec:
    symbols: int = 6
    days: int = 160
    seed: int = 7
    first_day: date = date(2026, 3, 2)
    shifts: list[Shift] = field(default_factory=list)


def symbols(n: int) -> list[tuple[str, str]]:
    """n symbols, about a third of them crypto pairs (as in the simulator's default market)."""
    n_crypto = max(1, n // 3) if n > 1 else 0
    chosen = [(s, "equity") for s in EQUITIES[: n - n_crypto]] + [(s, "crypto") for s in CRYPTO[:n_crypto]]
    if len(chosen) < n:
        raise ValueError(f"at most {len(EQUITIES) + len(CRYPTO)} fixture symbols, asked for {n}")
    return chosen


def _prices(rng: np.random.Generator, n: int, crypto: bool) -> tuple[np.ndarray, np.ndarray]:
    """Close and volume: log price reverting to a level (strength and noise per asset class)."""
    sigma = 0.035 if crypto else 0.015
    level = np.log(rng.uniform(20, 400))
    x = np.empty(n)
    x[0] = level
    for i in range(1, n):
        x[i] = x[i - 1] + 0.08 * (level - x[i - 1]) + rng.normal(0, sigma)
    volume = rng.lognormal(mean=13 if crypto else 15, sigma=0.35, size=n)
    return np.exp(x), volume


def _rsi(close: pd.Series, n: int = 14) -> pd.Series:
    delta = close.diff()
    gain = delta.clip(lower=0).ewm(alpha=1 / n, adjust=False, min_periods=n).mean()
    loss = (-delta.clip(upper=0)).ewm(alpha=1 / n, adjust=False, min_periods=n).mean()
    return 100 - 100 / (1 + gain / loss)


def _one_symbol(sym: str, asset_class: str, spec: Spec, rng: np.random.Generator, c: Contract) -> pd.DataFrame:
    crypto = asset_class == "crypto"
    days = [spec.first_day + timedelta(days=i) for i in range(spec.days)]
    if not crypto:
        days = [d for d in days if d.isoweekday() <= 5]
    close, volume = _prices(rng, len(days), crypto)
    f = pd.DataFrame({"symbol": sym, "trade_date": days, "close": close})
    s = f["close"]
    log_close = np.log(s)
    sma, sd = s.rolling(20).mean(), s.rolling(20).std(ddof=0)
    vol = pd.Series(volume)
    out = {
        "ret_1": s.pct_change(1), "ret_5": s.pct_change(5), "ret_20": s.pct_change(20),
        "log_ret_1": log_close.diff(1), "log_ret_5": log_close.diff(5), "log_ret_20": log_close.diff(20),
        "rv_20": log_close.diff(1).rolling(20).std() * np.sqrt(365 if crypto else 252),
        "zscore_20": (s - sma) / sd,
        "rsi_14": _rsi(s),
        "sma_20_dist": s / sma - 1,
        "volume_ratio_20": vol / vol.rolling(20).mean(),
        "day_of_week": [d.isoweekday() for d in days],
        "is_crypto": int(crypto),
        "asset_class": asset_class,
    }
    for name, values in out.items():
        f[name] = values
    h = c.label_horizon_days
    # Reversion: over the label's horizon the price moved back toward its SMA-20 (against the sign
    # of today's z-score). Only the future decides it; the last h rows have none yet.
    forward = s.shift(-h) / s - 1
    label = (np.sign(-f["zscore_20"]) * forward > 0).astype("Int32")
    label[forward.isna()] = pd.NA
    f[c.label.name] = label
    f["event_timestamp"] = pd.to_datetime(f["trade_date"]).dt.tz_localize("UTC") + CLOSE_UTC[asset_class]
    return f.iloc[20:]  # the warm-up rows, before SMA-20 and the 20-day returns exist


def frame(spec: Spec, c: Contract | None = None) -> pd.DataFrame:
    c = c or contract_mod.load()
    rng = np.random.default_rng(spec.seed)
    f = pd.concat([_one_symbol(s, k, spec, rng, c) for s, k in symbols(spec.symbols)], ignore_index=True)
    for sh in spec.shifts:
        if sh.feature not in c.feature_names:
            raise ValueError(f"cannot shift {sh.feature!r}: not a feature of {c.source}")
        rows = f["trade_date"] >= sh.start
        f.loc[rows, sh.feature] = f.loc[rows, sh.feature] * sh.scale + sh.offset
    return f[[col.name for col in c.columns()]]


def arrow_schema(c: Contract) -> pa.Schema:
    return pa.schema([pa.field(col.name, ARROW_TYPES[col.type]) for col in c.columns()])


def write(f: pd.DataFrame, out: str | Path, c: Contract | None = None) -> Path:
    """Replaces the folder `out` with the table as Spark would leave it."""
    c = c or contract_mod.load()
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    table = pa.Table.from_pandas(f, schema=arrow_schema(c), preserve_index=False)
    pq.write_table(table, tmp / "part-00000-fixture.snappy.parquet", compression="snappy")
    (tmp / "_SUCCESS").touch()
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m onering_ml.fixtures",
                                description="Write a fixture feature table that follows features.yaml.")
    p.add_argument("--out", required=True, help="the folder to (re)write, e.g. data/lake/gold/features_daily")
    p.add_argument("--symbols", type=int, default=Spec.symbols)
    p.add_argument("--days", type=int, default=Spec.days, help="calendar days per symbol")
    p.add_argument("--seed", type=int, default=Spec.seed)
    p.add_argument("--features-spec", help="features.yaml (default: the repository's)")
    a = p.parse_args(argv)
    c = contract_mod.load(a.features_spec)
    f = frame(Spec(symbols=a.symbols, days=a.days, seed=a.seed), c)
    write(f, a.out, c)
    print(f"fixture feature table: {len(f)} rows, {f['symbol'].nunique()} symbols -> {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
