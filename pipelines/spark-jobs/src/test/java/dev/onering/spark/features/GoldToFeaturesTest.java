package dev.onering.spark.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.features.FeatureSpec;
import dev.onering.gold.DailyBar;
import dev.onering.gold.GoldDailyRow;
import dev.onering.instruments.ReferenceData;
import dev.onering.instruments.TradingCalendar;
import dev.onering.lake.Lake;
import dev.onering.spark.SparkTestBase;
import dev.onering.spark.lake.LakeTables;
import dev.onering.spark.gold.SilverToGold;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldToFeaturesTest extends SparkTestBase {

  private static final FeatureSpec SPEC = FeatureSpec.standard();
  private static final LocalDate START = LocalDate.of(2026, 6, 22);
  /** Independence Day observed and Labor Day: the NYSE is shut, the imported FX pair still has a row. */
  private static final List<LocalDate> HOLIDAYS = List.of(LocalDate.of(2026, 7, 3), LocalDate.of(2026, 9, 7));
  private static List<DailyBar> ticks;
  private static List<DailyBar> csv;

  @TempDir static Path dir;

  @BeforeAll
  static void bars() {
    Random r = new Random(11);
    ticks = new ArrayList<>();
    csv = new ArrayList<>();
    double aapl = 200;
    double btc = 60_000;
    double fx = 1.1;
    // Late June to mid-September (after Juneteenth): New York is on EDT throughout, so 16:00 there is 20:00 UTC.
    for (LocalDate d = START; d.isBefore(LocalDate.of(2026, 9, 16)); d = d.plusDays(1)) {
      btc *= Math.exp(0.03 * r.nextGaussian());
      ticks.add(bar("BTC-USDT", d, btc, 100 + 50 * r.nextDouble()));
      if (TradingCalendar.US_EQUITIES.isTradingDay(d)) {
        aapl *= Math.exp(0.015 * r.nextGaussian());
        ticks.add(bar("AAPL", d, aapl, 1e6 * (1 + r.nextDouble())));
      }
      if (d.getDayOfWeek().getValue() <= 5) {
        fx *= Math.exp(0.004 * r.nextGaussian());
        // FX files carry no volume: zero until mid-July, then some.
        csv.add(bar("EURUSD", d, fx, d.isBefore(LocalDate.of(2026, 7, 15)) ? 0 : 10 + r.nextInt(5)));
      }
    }
    assertThat(csv).extracting(DailyBar::tradeDate).containsAll(HOLIDAYS);
  }

  private static DailyBar bar(String symbol, LocalDate d, double close, double volume) {
    return new DailyBar(symbol, d, close * 0.99, close * 1.01, close * 0.98, close, volume, null, null);
  }

  private static Dataset<Row> gold(List<DailyBar> t, List<DailyBar> c) {
    SilverToGold.GoldTables g = SilverToGold.compute(t, c, ReferenceData.standard());
    return spark.createDataFrame(g.daily().stream().map(GoldToFeaturesTest::row).toList(), SilverToGold.GoldRows.DAILY);
  }

  private static Row row(GoldDailyRow r) {
    return org.apache.spark.sql.RowFactory.create(r.symbol(), r.tradeDate(), r.exchange(), r.assetClass(), r.source(),
        r.open(), r.high(), r.low(), r.close(), r.volume(), r.vwap(), r.tradeCount(), r.returnSimple(), r.returnLog(),
        r.sma20(), r.sd20(), r.zscore20(), r.rv20(), r.rsi14());
  }

  private static String key(Map<String, Object> m) {
    return m.get("symbol") + "|" + m.get("trade_date");
  }

  @Test
  void everyColumnMatchesDuckDbComputingTheSameDefinitionsOnTheSameGold() throws Exception {
    Lake lake = Lake.at(dir.resolve("lake"));
    LakeTables tables = tables(lake);
    SilverToGold.write(tables, SilverToGold.compute(ticks, csv, ReferenceData.standard()));
    GoldToFeatures.Result result = GoldToFeatures.run(spark, tables, SPEC);
    Map<String, Map<String, Object>> ours = new HashMap<>();
    for (Map<String, Object> m : GoldToFeatures.collect(spark.read().parquet(result.location()))) {
      ours.put(key(m), m);
    }
    Map<String, Map<String, Object>> duck = duckDb(tables.dataFiles(LakeTables.Id.GOLD_DAILY_BARS, LakeTables.MAIN, List.of()).stream()
        .map(f -> "'" + lake.uri(f) + "'").collect(java.util.stream.Collectors.joining(", ", "[", "]")));
    assertThat(ours.keySet()).isEqualTo(duck.keySet());
    assertThat(result.rows()).isEqualTo(duck.size());
    for (String k : duck.keySet()) {
      for (FeatureSpec.Column c : SPEC.columns()) {
        Object expected = duck.get(k).get(c.name());
        Object actual = ours.get(k).get(c.name());
        if (expected instanceof Number e && actual instanceof Number a) {
          assertThat(a.doubleValue()).as("%s %s", k, c.name()).isCloseTo(e.doubleValue(),
              org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, Math.abs(e.doubleValue()))));
        } else {
          assertThat(actual).as("%s %s", k, c.name()).isEqualTo(expected);
        }
      }
    }
    long labelled = duck.values().stream().filter(m -> m.get("label") != null).count();
    assertThat(result.labelled()).isEqualTo(labelled).isGreaterThan(100);
    assertThat(duck.values().stream().filter(m -> m.get("volume_ratio_20") != null).count()).isGreaterThan(100);
  }

  /** The definitions of docs/ml.md in DuckDB's SQL, over the Gold table's data files (a DuckDB list literal). */
  private static Map<String, Map<String, Object>> duckDb(String goldFiles) throws Exception {
    String sql = """
        SELECT symbol, trade_date,
          -- 16:00 EDT is 20:00 UTC (every day here is in summer time); crypto and a day the NYSE is
          -- shut end at the next UTC midnight.
          CASE WHEN asset_class = 'crypto' OR trade_date IN (DATE '%s', DATE '%s') THEN CAST(trade_date + 1 AS TIMESTAMP)
               ELSE CAST(trade_date AS TIMESTAMP) + INTERVAL 20 HOUR END AS event_timestamp,
          close / lag(close, 1) OVER s - 1 AS ret_1, close / lag(close, 5) OVER s - 1 AS ret_5,
          close / lag(close, 20) OVER s - 1 AS ret_20,
          ln(close / lag(close, 1) OVER s) AS log_ret_1, ln(close / lag(close, 5) OVER s) AS log_ret_5,
          ln(close / lag(close, 20) OVER s) AS log_ret_20,
          rv_20, zscore_20, rsi_14, close / sma_20 - 1 AS sma_20_dist,
          CASE WHEN count(volume) OVER v = 20 AND avg(volume) OVER v > 0 THEN volume / avg(volume) OVER v END AS volume_ratio_20,
          isodow(trade_date) AS day_of_week,
          CASE WHEN asset_class = 'crypto' THEN 1 ELSE 0 END AS is_crypto,
          asset_class, close,
          CASE WHEN zscore_20 IS NULL OR lead(zscore_20, 5) OVER s IS NULL THEN NULL
               WHEN abs(lead(zscore_20, 5) OVER s) < abs(zscore_20) THEN 1 ELSE 0 END AS label
        FROM read_parquet(%s)
        WINDOW s AS (PARTITION BY symbol ORDER BY trade_date),
               v AS (PARTITION BY symbol ORDER BY trade_date ROWS BETWEEN 19 PRECEDING AND CURRENT ROW)
        """.formatted(HOLIDAYS.get(0), HOLIDAYS.get(1), goldFiles);
    Map<String, Map<String, Object>> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          String name = md.getColumnName(i);
          if (name.equals("trade_date")) {
            v = rs.getObject(i, LocalDate.class);
          } else if (name.equals("event_timestamp")) {
            v = rs.getObject(i, java.time.LocalDateTime.class).toInstant(ZoneOffset.UTC);
          } else if (v instanceof Number n && (name.equals("day_of_week") || name.equals("is_crypto") || name.equals("label"))) {
            v = n.intValue();
          }
          m.put(name, v);
        }
        out.put(key(m), m);
      }
    }
    return out;
  }

  /**
   * No feature looks past its own day: for every day d, Gold is rebuilt from the bars up to d only
   * and the features computed on that; d's row must be exactly the full run's, except the label,
   * which must then be unknown. All cut-offs run as one Spark job: each truncated history is a
   * symbol of its own ("AAPL@2026-07-01").
   */
  @Test
  void noFeatureOfADayChangesWhenEveryLaterDayIsRemoved() {
    Map<String, Map<String, Object>> full = new HashMap<>();
    for (Map<String, Object> m : GoldToFeatures.collect(GoldToFeatures.features(gold(ticks, csv), SPEC))) {
      full.put(key(m), m);
    }
    TreeSet<LocalDate> days = new TreeSet<>();
    ticks.forEach(b -> days.add(b.tradeDate()));
    List<Row> rows = new ArrayList<>();
    for (LocalDate cut : days) {
      List<DailyBar> t = ticks.stream().filter(b -> !b.tradeDate().isAfter(cut)).toList();
      List<DailyBar> c = csv.stream().filter(b -> !b.tradeDate().isAfter(cut)).toList();
      for (GoldDailyRow r : SilverToGold.compute(t, c, ReferenceData.standard()).daily()) {
        rows.add(row(new GoldDailyRow(r.symbol() + "@" + cut, r.tradeDate(), r.exchange(), r.assetClass(), r.source(),
            r.open(), r.high(), r.low(), r.close(), r.volume(), r.vwap(), r.tradeCount(), r.returnSimple(),
            r.returnLog(), r.sma20(), r.sd20(), r.zscore20(), r.rv20(), r.rsi14())));
      }
    }
    Dataset<Row> truncated = GoldToFeatures.features(spark.createDataFrame(rows, SilverToGold.GoldRows.DAILY), SPEC);
    int checked = 0;
    for (Map<String, Object> m : GoldToFeatures.collect(truncated)) {
      String[] symbolAndCut = ((String) m.get("symbol")).split("@");
      if (!m.get("trade_date").equals(LocalDate.parse(symbolAndCut[1]))) {
        continue; // only the cut-off day's row is the one under test
      }
      Map<String, Object> expected = full.get(symbolAndCut[0] + "|" + m.get("trade_date"));
      for (String f : SPEC.columnNames()) {
        if (f.equals("symbol")) {
          continue;
        }
        if (f.equals(SPEC.label().name())) {
          assertThat(m.get(f)).as("label of %s", m.get("symbol")).isNull();
        } else {
          assertThat(m.get(f)).as("%s on %s", f, m.get("symbol")).isEqualTo(expected.get(f));
        }
      }
      checked++;
    }
    assertThat(checked).isEqualTo(full.size());
  }

  @Test
  void runningAgainReplacesTheTableAndNeverDuplicatesARow() throws Exception {
    Lake lake = Lake.at(dir.resolve("rerun"));
    LakeTables tables = tables(lake);
    SilverToGold.write(tables, SilverToGold.compute(ticks, csv, ReferenceData.standard()));
    GoldToFeatures.Result first = GoldToFeatures.run(spark, tables, SPEC);
    GoldToFeatures.Result second = GoldToFeatures.run(spark, tables, SPEC);
    assertThat(second.rows()).isEqualTo(first.rows());
    List<Row> keys = spark.read().parquet(second.location()).groupBy("symbol", "trade_date").count()
        .where("count > 1").collectAsList();
    assertThat(keys).isEmpty();
    assertThat(spark.read().parquet(second.location()).count()).isEqualTo(first.rows());
    // Nothing staged is left behind, and the table's columns are the spec's, in its order.
    try (var staged = Files.list(lake.path("gold/_staging"))) {
      assertThat(staged.collect(Collectors.toList())).isEmpty();
    }
    assertThat(spark.read().parquet(second.location()).columns()).containsExactlyElementsOf(SPEC.columnNames());
    assertThat(spark.read().parquet(second.location()).schema().apply("event_timestamp").dataType())
        .isEqualTo(org.apache.spark.sql.types.DataTypes.TimestampType);
  }

  @Test
  void theEventTimestampIsTheSessionCloseInUtc() {
    assertThat(GoldToFeatures.eventTimestamp("equity", LocalDate.of(2026, 9, 1))).isEqualTo(Instant.parse("2026-09-01T20:00:00Z"));
    assertThat(GoldToFeatures.eventTimestamp("equity", LocalDate.of(2026, 12, 1))).isEqualTo(Instant.parse("2026-12-01T21:00:00Z"));
    assertThat(GoldToFeatures.eventTimestamp("crypto", LocalDate.of(2026, 9, 1))).isEqualTo(Instant.parse("2026-09-02T00:00:00Z"));
    assertThat(GoldToFeatures.eventTimestamp("imported", HOLIDAYS.get(1))).isEqualTo(Instant.parse("2026-09-08T00:00:00Z"));
  }
}
