-- The benchmark's yardstick: OneRing's batch path as a data engineer would write it in DuckDB,
-- from the same Bronze files to the same Gold daily rows, with the same rules
-- (docs/cleaning-rules.md, docs/metrics.md). The ${...} placeholders are filled in by DuckDbYardstick.
SET preserve_insertion_order = false;
SET memory_limit = '${memory_limit}';

CREATE TEMP TABLE ref AS
SELECT symbol, exchange, CASE asset_class WHEN 'crypto' THEN 365 ELSE 252 END AS periods
FROM read_csv('${reference}', header = true, all_varchar = true);

-- Every Bronze line with its file and 1-based line number; the empty string after the last
-- newline of a file is not a line.
CREATE TEMP TABLE lines AS
SELECT CAST(regexp_extract(filename, 'date=([0-9-]+)', 1) AS DATE) AS batch_date, filename, line, raw
FROM (
  SELECT filename, unnest(l) AS raw, generate_subscripts(l, 1) AS line, len(l) AS n
  FROM (SELECT filename, string_split(content, chr(10)) AS l
        FROM read_text('${lake}/bronze/ticks/date=*/*.jsonl'))
)
WHERE NOT (line = n AND raw = '');

-- Record rules, in the parser's order.
CREATE TEMP TABLE checked AS
WITH j AS (
  -- JSON functions fail on malformed text, so they only ever see valid documents.
  SELECT *, CASE WHEN json_valid(raw) THEN raw END AS doc FROM lines
), o AS (
  SELECT *, coalesce(json_type(doc) = 'OBJECT', false) AS is_object FROM j
), t AS (
  SELECT *, CASE WHEN is_object THEN doc END AS obj FROM o
), v AS (
  SELECT *,
    json_type(obj, ['$.symbol', '$.seq', '$.event_time', '$.price', '$.size', '$.side', '$.exchange']) AS ty,
    json_extract_string(obj, '$.symbol') AS symbol,
    TRY_CAST(json_extract(obj, '$.seq') AS BIGINT) AS seq,
    TRY_CAST(json_extract(obj, '$.event_time') AS BIGINT) AS event_time,
    TRY_CAST(json_extract(obj, '$.price') AS DOUBLE) AS price,
    TRY_CAST(json_extract(obj, '$.size') AS DOUBLE) AS size,
    json_extract_string(obj, '$.side') AS side,
    json_extract_string(obj, '$.exchange') AS exchange
  FROM t
)
SELECT v.*, ref.exchange AS ref_exchange,
  CASE
    WHEN NOT is_object THEN 'malformed_json'
    WHEN ty[1] <> 'VARCHAR' OR ty[6] <> 'VARCHAR' OR ty[7] <> 'VARCHAR'
      OR ty[2] NOT IN ('BIGINT', 'UBIGINT') OR ty[3] NOT IN ('BIGINT', 'UBIGINT')
      OR ty[4] NOT IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'NULL') OR ty[5] NOT IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'NULL')
      THEN 'invalid_type'
    WHEN ty[1] IS NULL OR ty[2] IS NULL OR ty[3] IS NULL OR ty[4] IS NULL OR ty[5] IS NULL OR ty[6] IS NULL
      OR ty[7] IS NULL THEN 'missing_field'
    WHEN ty[4] = 'NULL' THEN 'null_price'
    WHEN NOT (price > 0) OR isinf(price) THEN 'non_positive_price'
    WHEN ty[5] = 'NULL' THEN 'null_size'
    WHEN NOT (size > 0) OR isinf(size) THEN 'non_positive_size'
    WHEN seq < 0 THEN 'invalid_value'
    WHEN side NOT IN ('buy', 'sell') THEN 'invalid_value'
    WHEN ref.symbol IS NULL THEN 'unknown_symbol'
    WHEN ref.exchange <> v.exchange THEN 'invalid_value'
    WHEN CAST(make_timestamp(event_time) AS DATE) <> batch_date THEN 'outside_batch_date'
  END AS reason
FROM v LEFT JOIN ref USING (symbol);

-- Batch rules: spikes against the day's lower median per symbol, then the first arrival of each key.
CREATE TEMP TABLE trades AS
WITH ok AS (
  SELECT * FROM checked WHERE reason IS NULL
), med AS (
  SELECT batch_date, symbol, quantile_disc(price, 0.5) AS median FROM ok GROUP BY ALL
), unspiked AS (
  SELECT ok.* FROM ok JOIN med USING (batch_date, symbol)
  WHERE NOT (price > median * 3 OR price * 3 < median)
)
SELECT batch_date, symbol, seq, event_time, price, size
FROM unspiked
QUALIFY row_number() OVER (PARTITION BY batch_date, symbol, seq ORDER BY filename, line) = 1;

CREATE TEMP TABLE bars_1m AS
SELECT symbol, batch_date AS trade_date, event_time // 60000000 * 60000000 AS bar_start,
  arg_min(price, [event_time, seq]) AS open, max(price) AS high, min(price) AS low,
  arg_max(price, [event_time, seq]) AS close, sum(size) AS volume, sum(price * size) AS notional,
  count(*) AS trade_count
FROM trades GROUP BY ALL;

CREATE TEMP TABLE daily AS
SELECT d.*, ref.periods,
  row_number() OVER (PARTITION BY symbol ORDER BY trade_date) - 1 AS i,
  close - lag(close) OVER (PARTITION BY symbol ORDER BY trade_date) AS change
FROM (
  SELECT symbol, trade_date, arg_min(open, bar_start) AS open, max(high) AS high, min(low) AS low,
    arg_max(close, bar_start) AS close, sum(volume) AS volume, sum(notional) / sum(volume) AS vwap,
    sum(trade_count) AS trade_count
  FROM bars_1m GROUP BY ALL
) d JOIN ref USING (symbol);

-- RSI-14 with Wilder smoothing: seeded with plain means of the first 14 changes.
CREATE TEMP TABLE rsi AS
WITH RECURSIVE seed AS (
  SELECT symbol, 14 AS i, sum(greatest(change, 0)) / 14 AS up, sum(greatest(-change, 0)) / 14 AS down
  FROM daily WHERE i BETWEEN 1 AND 14 GROUP BY symbol HAVING count(*) = 14
), w(symbol, i, up, down) AS (
  SELECT * FROM seed
  UNION ALL
  SELECT w.symbol, w.i + 1, (w.up * 13 + greatest(d.change, 0)) / 14, (w.down * 13 + greatest(-d.change, 0)) / 14
  FROM w JOIN daily d ON d.symbol = w.symbol AND d.i = w.i + 1
)
SELECT symbol, i,
  CASE WHEN down = 0 THEN CASE WHEN up = 0 THEN 50.0 ELSE 100.0 END ELSE 100 - 100 / (1 + up / down) END AS rsi_14
FROM w;

COPY (
  WITH r AS (
    SELECT *, close / lag(close) OVER s - 1 AS return_simple, ln(close / lag(close) OVER s) AS return_log
    FROM daily WINDOW s AS (PARTITION BY symbol ORDER BY trade_date)
  ), m AS (
    SELECT *,
      CASE WHEN i >= 19 THEN avg(close) OVER w20 END AS sma_20,
      CASE WHEN i >= 19 THEN stddev_samp(close) OVER w20 END AS sd_20,
      CASE WHEN i >= 20 THEN stddev_samp(return_log) OVER w20 * sqrt(periods) END AS rv_20
    FROM r WINDOW w20 AS (PARTITION BY symbol ORDER BY trade_date ROWS BETWEEN 19 PRECEDING AND CURRENT ROW)
  )
  SELECT m.symbol, trade_date, open, high, low, close, volume, vwap, trade_count, return_simple, return_log,
    sma_20, sd_20, CASE WHEN sd_20 > 0 THEN (close - sma_20) / sd_20 END AS zscore_20, rv_20, rsi.rsi_14
  FROM m LEFT JOIN rsi USING (symbol, i)
  ORDER BY symbol, trade_date
) TO '${out}' (FORMAT parquet);
