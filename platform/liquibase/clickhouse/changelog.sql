--liquibase formatted sql

-- The Silver tables of docs/data-model.md. The ClickHouse server in the stack applies this file
-- with Liquibase and its ClickHouse extension; the embedded chDB engine applies the same file with
-- dev.onering.serving.clickhouse.ChangelogApplier. One statement per changeset: ClickHouse DDL is
-- not transactional, so a changeset that failed halfway could not simply be re-run.
-- Never edit an applied changeset (its checksum is recorded); add a new one.

--changeset onering:silver-001-database
--comment: The Silver database.
CREATE DATABASE IF NOT EXISTS silver;
--rollback DROP DATABASE IF EXISTS silver;

--changeset onering:silver-002-trades
--comment: One row per accepted trade. ReplacingMergeTree on (symbol, seq) so a trade inserted twice collapses on merge (and under FINAL); a re-load replaces the trade_date partition.
CREATE TABLE silver.trades
(
    symbol     LowCardinality(String),
    seq        Int64,
    event_time DateTime64(6, 'UTC'),
    trade_date Date,
    price      Float64,
    size       Float64,
    side       LowCardinality(String),
    exchange   LowCardinality(String)
)
ENGINE = ReplacingMergeTree
PARTITION BY trade_date
ORDER BY (symbol, seq);
--rollback DROP TABLE IF EXISTS silver.trades;

--changeset onering:silver-003-bars_1m
--comment: One row per symbol and minute with at least one trade. trade_count is Int64, as Spark writes it (a long), so no narrowing cast can wrap.
CREATE TABLE silver.bars_1m
(
    symbol      LowCardinality(String),
    bar_start   DateTime64(6, 'UTC'),
    trade_date  Date,
    open        Float64,
    high        Float64,
    low         Float64,
    close       Float64,
    volume      Float64,
    notional    Float64,
    vwap        Float64,
    trade_count Int64
)
ENGINE = ReplacingMergeTree
PARTITION BY trade_date
ORDER BY (symbol, bar_start);
--rollback DROP TABLE IF EXISTS silver.bars_1m;

--changeset onering:silver-004-batch_stats
--comment: One row per Bronze date: lines in, trades accepted, lines quarantined and their share. The quality gate's quarantine-share expectation reads it (docs/quality.md); load-silver replaces a date's row.
CREATE TABLE silver.batch_stats
(
    trade_date       Date,
    lines_in         Int64,
    accepted         Int64,
    quarantined      Int64,
    quarantine_share Float64
)
ENGINE = ReplacingMergeTree
PARTITION BY trade_date
ORDER BY trade_date;
--rollback DROP TABLE IF EXISTS silver.batch_stats;

--changeset onering:silver-005-alerts
--comment: One row per CEP match of the streaming job (docs/streaming.md). ReplacingMergeTree on (symbol, pattern, first_bar_start): a match found again after a restart replaces the earlier row.
CREATE TABLE silver.alerts
(
    symbol          LowCardinality(String),
    pattern         LowCardinality(String),
    first_bar_start DateTime64(6, 'UTC'),
    last_bar_start  DateTime64(6, 'UTC'),
    trade_date      Date,
    bars            Int32,
    move            Float64,
    detail          String
)
ENGINE = ReplacingMergeTree
PARTITION BY trade_date
ORDER BY (symbol, pattern, first_bar_start);
--rollback DROP TABLE IF EXISTS silver.alerts;
