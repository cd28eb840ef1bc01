package dev.onering.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.cli.OneRing;
import dev.onering.gold.GoldDailyRow;
import dev.onering.pipeline.Json;
import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.postgres.EmbeddedPostgresServer;
import dev.onering.serving.postgres.GoldReader;
import dev.onering.spark.lake.LakeTables;
import dev.onering.lake.Lake;
import dev.onering.simulator.Manifest;
import dev.onering.ticks.RejectReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole batch pipeline through the real CLI on the real engines (Spark local, chDB, embedded
 * Postgres, Liquibase), checked against what the simulator says it produced. Expected Gold comes
 * from DuckDB over the simulator's clean truth: another engine, another implementation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MedallionPipelineTest {

  private Path dir;
  private Path lake;
  private Path data;
  private Path truth;
  private Manifest manifest;
  private JsonNode firstReport;

  private String[] runArgs(String runId) {
    return runArgs(runId, 10);
  }

  private String[] runArgs(String runId, int defectScale) {
    return new String[] {
      "run", "--lake", lake.toString(), "--data-dir", data.toString(), "--out", dir.resolve("out").toString(),
      "--symbols", "6", "--days", "24", "--ticks-per-day", "250", "--defect-scale", String.valueOf(defectScale),
      "--truth-dir", truth.toString(), "--csv-dir", dir.resolve("csv").toString(), "--run-id", runId
    };
  }

  @BeforeAll
  void runThePipelineOnce(@TempDir Path tmp) throws Exception {
    dir = tmp;
    lake = dir.resolve("lake");
    data = dir.resolve("data");
    truth = dir.resolve("truth");
    Path csv = Files.createDirectories(dir.resolve("csv"));
    Files.writeString(csv.resolve("ACME_daily.csv"), acmeCsv());
    Files.writeString(csv.resolve("BROKEN.csv"), "date,open,high,low,volume\n2026-08-03,1,2,1,100\n2026-08-04,1,2,1,100\n");

    assertThat(OneRing.commandLine().execute(runArgs("it-1"))).isZero();
    manifest = Json.MAPPER.readValue(lake.resolve("bronze/ticks/_simulator/manifest.json").toFile(), Manifest.class);
    firstReport = Json.MAPPER.readTree(dir.resolve("out/runs/it-1/report.json").toFile());
  }

  /** 30 weekdays of a made-up imported symbol, with a bad row at line 5. */
  private static String acmeCsv() {
    StringBuilder b = new StringBuilder("Date,Open,High,Low,Close,Volume\n");
    LocalDate d = LocalDate.of(2026, 8, 3);
    for (int i = 0; i < 30; d = d.plusDays(1)) {
      if (d.getDayOfWeek().getValue() >= 6) {
        continue;
      }
      double c = 50 + i % 7 - i % 3;
      b.append(i == 3 ? d + ",10,9,11,10,5\n" : d + "," + (c - 0.5) + "," + (c + 1) + "," + (c - 1) + "," + c + ",1000\n");
      i++;
    }
    return b.toString();
  }

  private static JsonNode goldStep(JsonNode report) {
    for (JsonNode step : report.path("steps")) {
      if (step.path("step").asText().equals("gold")) {
        return step;
      }
    }
    throw new AssertionError("no gold step in the report");
  }

  @Test
  @Order(1)
  void theReportHasEveryLayerAndEveryStepSucceeded() {
    assertThat(firstReport.get("status").asText()).isEqualTo("success");
    assertThat(goldStep(firstReport).path("details").path("headline").asText()).isEqualTo("Gold's first build in this lake");
    for (String layer : List.of("bronze", "silver", "gold", "quarantine")) {
      assertThat(firstReport.get("layers").get(layer).asLong()).as(layer).isPositive();
    }
    firstReport.get("steps").forEach(s -> {
      String id = s.get("step").asText();
      // 24 days are too few for walk-forward (a label needs 20 days before and 5 after): train skips and
      // says so, and drift has no model to compare with. features still builds the table.
      boolean tooShortToTrain = id.equals("train") || id.equals("drift");
      assertThat(s.get("status").asText()).as(id).isEqualTo(tooShortToTrain ? "skipped" : "success");
      if (tooShortToTrain) {
        assertThat(s.get("details").get("reason").asText()).as(id).containsAnyOf("labelled dates", "no trained model");
      }
    });
    assertThat(Files.exists(dir.resolve("out/runs/it-1/report.html"))).isTrue();
  }

  @Test
  @Order(1)
  void theQualityGatePassedEveryCriticalExpectationAndTheReportShowsThem() throws IOException {
    JsonNode quality = firstReport.get("quality");
    assertThat(quality.isArray()).isTrue();
    Set<String> suites = new HashSet<>();
    quality.forEach(q -> {
      suites.add(q.get("suite").asText());
      if (q.get("severity").asText().equals("critical")) {
        assertThat(q.get("success").asBoolean()).as(q.get("suite").asText() + "." + q.get("expectation").asText()).isTrue();
      }
    });
    assertThat(suites).containsExactlyInAnyOrder("bronze_ticks", "silver_trades", "silver_bars_1m",
        "silver_batch_stats", "gold_daily_bars", "gold_instrument_summary");
    String html = Files.readString(dir.resolve("out/runs/it-1/report.html"));
    assertThat(html).contains("id=\"quality\"").contains("expect_compound_columns_to_be_unique(symbol,seq)");
  }

  @Test
  @Order(2)
  void silverInClickHouseEqualsTheTruthExactly() throws Exception {
    Set<String> expected = truthLines();
    Set<String> actual = new HashSet<>();
    try (ChDbSilverStore store = ChDbSilverStore.open(data.resolve("clickhouse"))) {
      for (Map<String, Object> r : store.rows("SELECT symbol, seq, toUnixTimestamp64Micro(event_time) AS t, price, size,"
          + " side, exchange FROM silver.trades FINAL")) {
        actual.add(r.get("symbol") + "," + r.get("seq") + "," + r.get("t") + "," + num(r.get("price")) + ","
            + num(r.get("size")) + "," + r.get("side") + "," + r.get("exchange"));
      }
      assertThat(store.rows("SELECT count() AS n FROM silver.trades").get(0).get("n").toString())
          .as("no duplicate rows even before FINAL").isEqualTo(String.valueOf(expected.size()));
    }
    assertThat(actual).hasSize(expected.size()).isEqualTo(expected);
  }

  @Test
  @Order(3)
  void quarantineCountsEqualTheManifestByDefect() {
    JsonNode reasons = firstReport.get("quarantine_by_reason");
    for (RejectReason r : List.of(RejectReason.DUPLICATE, RejectReason.NULL_PRICE, RejectReason.NON_POSITIVE_PRICE,
        RejectReason.NULL_SIZE, RejectReason.NON_POSITIVE_SIZE, RejectReason.PRICE_SPIKE, RejectReason.UNKNOWN_SYMBOL,
        RejectReason.MALFORMED_JSON)) {
      long got = reasons.has(r.code()) ? reasons.get(r.code()).asLong() : 0;
      assertThat(got).as(r.code()).isEqualTo(manifest.expectedQuarantine(r));
    }
  }

  @Test
  @Order(4)
  void csvImportQuarantinesBadRowsNamingFileLineAndField() throws IOException {
    List<JsonNode> records = new ArrayList<>();
    try (Stream<Path> files = Files.walk(lake.resolve("quarantine/ohlcv_csv"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(f)) {
          records.add(Json.MAPPER.readTree(line));
        }
      }
    }
    JsonNode acme = records.stream().filter(r -> r.get("source_file").asText().endsWith("ACME_daily.csv")).findFirst().orElseThrow();
    assertThat(acme.get("line").asLong()).isEqualTo(5);
    assertThat(acme.get("reason").asText()).isEqualTo("inconsistent_ohlc");
    assertThat(acme.get("field").asText()).isEqualTo("high");
    assertThat(acme.get("detail").asText()).contains("ACME_daily.csv line 5");
    List<JsonNode> broken = records.stream().filter(r -> r.get("source_file").asText().endsWith("BROKEN.csv")).toList();
    assertThat(broken).hasSize(2).allSatisfy(r -> {
      assertThat(r.get("reason").asText()).isEqualTo("missing_column");
      assertThat(r.get("field").asText()).isEqualTo("close");
    });
  }

  @Test
  @Order(5)
  void goldInPostgresEqualsAnIndependentComputationFromTheTruth() throws Exception {
    Map<String, GoldDailyRow> gold = new HashMap<>();
    List<GoldDailyRow> all;
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data.resolve("postgres"), 0)) {
      all = GoldReader.readDaily(pg.connection());
    }
    all.forEach(r -> gold.put(r.symbol() + "|" + r.tradeDate(), r));

    Map<String, Expected> expected = expectedFromTruth();
    assertThat(all.stream().filter(r -> r.source().equals("ticks")).count()).isEqualTo(expected.size());
    for (Map.Entry<String, Expected> e : expected.entrySet()) {
      GoldDailyRow g = gold.get(e.getKey());
      Expected x = e.getValue();
      assertThat(g).as(e.getKey()).isNotNull();
      assertThat(g.open()).as("open %s", e.getKey()).isEqualTo(x.open);
      assertThat(g.close()).as("close %s", e.getKey()).isEqualTo(x.close);
      assertThat(g.high()).isEqualTo(x.high);
      assertThat(g.low()).isEqualTo(x.low);
      assertThat(g.tradeCount()).isEqualTo(x.trades);
      assertClose(g.volume(), x.volume, "volume " + e.getKey());
      assertClose(g.vwap(), x.vwap, "vwap " + e.getKey());
      assertClose(g.returnLog(), x.returnLog, "return_log " + e.getKey());
      assertClose(g.sma20(), x.sma20, "sma_20 " + e.getKey());
      assertClose(g.sd20(), x.sd20, "sd_20 " + e.getKey());
      assertClose(g.zscore20(), x.zscore20, "zscore_20 " + e.getKey());
      assertClose(g.rv20(), x.rv20, "rv_20 " + e.getKey());
      assertClose(g.rsi14(), x.rsi14, "rsi_14 " + e.getKey());
    }
    assertThat(all.stream().filter(r -> r.symbol().equals("ACME")).count()).as("30 rows, one bad").isEqualTo(29);
    assertThat(all.stream().filter(r -> r.symbol().equals("ACME")).allMatch(r -> r.source().equals("csv")
        && r.assetClass().equals("imported") && r.vwap() == null)).isTrue();
  }

  @Test
  @Order(6)
  void runningTheSameDatesAgainChangesNothing() throws Exception {
    List<GoldDailyRow> before;
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data.resolve("postgres"), 0)) {
      before = GoldReader.readDaily(pg.connection());
    }
    long tradesBefore;
    long barsBefore;
    try (ChDbSilverStore store = ChDbSilverStore.open(data.resolve("clickhouse"))) {
      tradesBefore = count(store, "silver.trades");
      barsBefore = count(store, "silver.bars_1m");
    }
    long quarantineBefore = lines(lake.resolve("quarantine/ticks"));

    assertThat(OneRing.commandLine().execute(runArgs("it-2"))).isZero();

    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data.resolve("postgres"), 0)) {
      assertThat(GoldReader.readDaily(pg.connection())).isEqualTo(before);
    }
    // The gold step itself compares the Gold it wrote with the previous run's, read by time travel.
    JsonNode gold = goldStep(Json.MAPPER.readTree(dir.resolve("out/runs/it-2/report.json").toFile()));
    assertThat(gold.path("details").path("headline").asText()).isEqualTo("Gold unchanged since the previous run");
    JsonNode since = gold.path("details").path("since_previous_run");
    assertThat(since.path("snapshots").path("gold.daily_bars").asLong())
        .isEqualTo(goldStep(firstReport).path("details").path("snapshots").path("gold.daily_bars").asLong());
    for (String table : List.of("gold.daily_bars", "gold.instrument_summary")) {
      assertThat(since.path(table).path("added").asLong()).as(table).isZero();
      assertThat(since.path(table).path("removed").asLong()).as(table).isZero();
      assertThat(since.path(table).path("changed").asLong()).as(table).isZero();
    }
    assertThat(since.path("gold.daily_bars").path("unchanged").asLong()).isEqualTo(before.size());
    try (ChDbSilverStore store = ChDbSilverStore.open(data.resolve("clickhouse"))) {
      assertThat(count(store, "silver.trades")).isEqualTo(tradesBefore);
      assertThat(count(store, "silver.bars_1m")).isEqualTo(barsBefore);
    }
    assertThat(lines(lake.resolve("quarantine/ticks"))).isEqualTo(quarantineBefore);
    assertThat(lines(lake.resolve("bronze/ticks"))).as("Bronze as produced, once").isEqualTo(manifest.lines());
  }

  /**
   * A feed whose defect rate is above the suites' tolerance: the gate fails on Silver's audit
   * branch, so nothing is published: Silver's main keeps its snapshots, ClickHouse is not loaded,
   * Gold is neither rebuilt nor published, and Postgres still holds the last good run's Gold.
   */
  @Test
  @Order(7)
  void aRunAboveTheQuarantineToleranceIsStoppedBeforeGoldAndGoldStaysAsItWas() throws Exception {
    List<GoldDailyRow> before;
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data.resolve("postgres"), 0)) {
      before = GoldReader.readDaily(pg.connection());
    }
    Map<String, Long> mainBefore = snapshots(data, LakeTables.MAIN);
    long tradesServedBefore;
    try (ChDbSilverStore store = ChDbSilverStore.open(data.resolve("clickhouse"))) {
      tradesServedBefore = count(store, "silver.trades");
    }

    assertThat(OneRing.commandLine().execute(runArgs("it-bad", 19))).as("the run fails").isEqualTo(1);

    JsonNode report = Json.MAPPER.readTree(dir.resolve("out/runs/it-bad/report.json").toFile());
    assertThat(report.get("status").asText()).isEqualTo("failed");
    Map<String, String> status = new HashMap<>();
    Map<String, JsonNode> byStep = new HashMap<>();
    report.get("steps").forEach(s -> {
      status.put(s.get("step").asText(), s.get("status").asText());
      byStep.put(s.get("step").asText(), s);
    });
    assertThat(status).containsEntry("silver", "success").containsEntry("quality-silver", "failed")
        .containsEntry("load-silver", "skipped").containsEntry("gold", "skipped").containsEntry("publish-gold", "skipped");
    String failing = "silver_batch_stats.expect_column_mean_to_be_between(quarantine_share)";
    assertThat(byStep.get("quality-silver").get("error").asText()).contains(failing).contains("not published");
    assertThat(byStep.get("quality-silver").get("details").get("published").asBoolean()).isFalse();
    // The rejected write is on the audit branch, main is where the last good run put it.
    Map<String, Long> mainAfter = snapshots(data, LakeTables.MAIN);
    assertThat(mainAfter).isEqualTo(mainBefore).containsKeys("silver.trades", "gold.daily_bars");
    assertThat(snapshots(data, LakeTables.AUDIT).get("silver.trades")).isNotEqualTo(mainBefore.get("silver.trades"));
    try (ChDbSilverStore store = ChDbSilverStore.open(data.resolve("clickhouse"))) {
      assertThat(count(store, "silver.trades")).as("ClickHouse still serves the published Silver").isEqualTo(tradesServedBefore);
    }
    List<String> failedInReport = new ArrayList<>();
    report.get("quality").forEach(q -> {
      if (!q.get("success").asBoolean() && q.get("severity").asText().equals("critical")) {
        failedInReport.add(q.get("suite").asText() + "." + q.get("expectation").asText());
      }
    });
    assertThat(failedInReport).containsExactly(failing);
    assertThat(Files.readString(dir.resolve("out/runs/it-bad/report.html"))).contains("quarantine_share");

    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data.resolve("postgres"), 0)) {
      assertThat(GoldReader.readDaily(pg.connection())).as("Gold unchanged").isEqualTo(before);
      try (Connection c = pg.connection().open(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT success, observed_value FROM gold.quality_results WHERE run_id = 'it-bad'"
              + " AND suite = 'silver_batch_stats' AND expectation = 'expect_column_mean_to_be_between(quarantine_share)'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).isFalse();
        assertThat(Double.parseDouble(rs.getString(2))).isGreaterThan(0.08);
      }
    }
  }

  /**
   * A data file no snapshot references (what a killed write leaves) sits in the table's folder next
   * to the committed ones; load-silver loads the snapshot's files only, so it never doubles a date.
   */
  @Test
  @Order(8)
  void loadSilverReadsOnlyTheCommittedSnapshotsFilesNotWhatElseTheFolderHolds() throws Exception {
    Path dateDir;
    try (Stream<Path> dirs = Files.list(lake.resolve("silver/trades/data"))) {
      dateDir = dirs.sorted().findFirst().orElseThrow();
    }
    LocalDate date = LocalDate.parse(dateDir.getFileName().toString().substring("trade_date=".length()));
    long served;
    try (ChDbSilverStore store = ChDbSilverStore.open(data.resolve("clickhouse"))) {
      served = count(store, "silver.trades WHERE trade_date = '" + date + "'");
    }
    assertThat(served).isPositive();
    Path committed;
    try (Stream<Path> files = Files.list(dateDir)) {
      committed = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Files.copy(committed, dateDir.resolve("00000-0-uncommitted-write-00001.parquet"));

    assertThat(OneRing.commandLine().execute("load-silver", "--run-date", date.toString(), "--lake", lake.toString(),
        "--data-dir", data.toString())).isZero();

    try (ChDbSilverStore store = ChDbSilverStore.open(data.resolve("clickhouse"))) {
      assertThat(count(store, "silver.trades WHERE trade_date = '" + date + "'")).isEqualTo(served);
    }
  }

  /** Every table's snapshot id on a ref, read from the catalog in the run's embedded Postgres. */
  private Map<String, Long> snapshots(Path data, String ref) throws IOException {
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data.resolve("postgres"), 0);
        LakeTables tables = new LakeTables(LakeTables.DEFAULT_CATALOG,
            pg.jdbcUrl(EmbeddedPostgresServer.CATALOG_DATABASE), pg.user(), pg.password(), Lake.at(lake), Map.of())) {
      return tables.snapshotIds(List.of(LakeTables.Id.values()), ref);
    }
  }

  private static long count(ChDbSilverStore store, String table) {
    return Long.parseLong(store.rows("SELECT count() AS n FROM " + table).get(0).get("n").toString());
  }

  /** Lines of the data files under a folder; the simulator's manifest and other _files are not data. */
  private static long lines(Path root) throws IOException {
    long n = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> !p.toString().contains("/_") && p.toString().matches(".*\\.jsonl?$")).toList()) {
        try (Stream<String> l = Files.lines(f)) {
          n += l.count();
        }
      }
    }
    return n;
  }

  private Set<String> truthLines() throws IOException {
    Set<String> out = new HashSet<>();
    try (Stream<Path> files = Files.walk(truth)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).toList()) {
        Files.readAllLines(f).stream().skip(1).forEach(out::add);
      }
    }
    return out;
  }

  private static String num(Object o) {
    return String.valueOf(o instanceof Number n ? n.doubleValue() : Double.parseDouble(o.toString()));
  }

  private static void assertClose(Double actual, Double expected, String what) {
    if (expected == null) {
      assertThat(actual).as(what).isNull();
    } else {
      assertThat(actual).as(what).isNotNull();
      assertThat(actual).as(what).isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
    }
  }

  private record Expected(double open, double high, double low, double close, double volume, double vwap, long trades,
      Double returnLog, Double sma20, Double sd20, Double zscore20, Double rv20, Double rsi14) {}

  /** Daily bars and rolling metrics in DuckDB SQL over the truth; RSI by its recursive definition. */
  private Map<String, Expected> expectedFromTruth() throws Exception {
    String sql = """
        WITH t AS (
          SELECT * FROM read_csv('%s/*/truth.csv', header = true,
            columns = {'symbol': 'VARCHAR', 'seq': 'BIGINT', 'event_time': 'BIGINT', 'price': 'DOUBLE',
                       'size': 'DOUBLE', 'side': 'VARCHAR', 'exchange': 'VARCHAR'})),
        d AS (
          SELECT symbol, CAST(make_timestamp(event_time) AS DATE) AS day,
                 first(price ORDER BY event_time, seq) AS open, max(price) AS high, min(price) AS low,
                 last(price ORDER BY event_time, seq) AS close, sum(size) AS volume,
                 sum(price * size) / sum(size) AS vwap, count(*) AS trades,
                 any_value(CASE WHEN exchange IN ('BINANCE', 'COINBASE') THEN 365 ELSE 252 END) AS periods
          FROM t GROUP BY ALL),
        r AS (
          SELECT *, ln(close / lag(close) OVER w) AS ret, row_number() OVER w AS n FROM d
          WINDOW w AS (PARTITION BY symbol ORDER BY day))
        SELECT symbol, day, open, high, low, close, volume, vwap, trades, ret,
               CASE WHEN n >= 20 THEN avg(close) OVER w20 END AS sma,
               CASE WHEN n >= 20 THEN stddev_samp(close) OVER w20 END AS sd,
               CASE WHEN n >= 21 THEN stddev_samp(ret) OVER w20 * sqrt(periods) END AS rv
        FROM r
        WINDOW w20 AS (PARTITION BY symbol ORDER BY day ROWS BETWEEN 19 PRECEDING AND CURRENT ROW)
        ORDER BY symbol, day
        """.formatted(truth);
    Map<String, Expected> out = new java.util.LinkedHashMap<>();
    Map<String, List<Double>> closes = new HashMap<>();
    List<Object[]> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String symbol = rs.getString("symbol");
        closes.computeIfAbsent(symbol, k -> new ArrayList<>()).add(rs.getDouble("close"));
        rows.add(new Object[] {symbol, rs.getObject("day", LocalDate.class), rs.getDouble("open"), rs.getDouble("high"),
            rs.getDouble("low"), rs.getDouble("close"), rs.getDouble("volume"), rs.getDouble("vwap"), rs.getLong("trades"),
            (Double) rs.getObject("ret"), (Double) rs.getObject("sma"), (Double) rs.getObject("sd"),
            (Double) rs.getObject("rv")});
      }
    }
    Map<String, Integer> index = new HashMap<>();
    for (Object[] r : rows) {
      String symbol = (String) r[0];
      int i = index.merge(symbol, 1, Integer::sum) - 1;
      Double sma = (Double) r[10];
      Double sd = (Double) r[11];
      Double z = sma == null || sd == 0 ? null : ((double) r[5] - sma) / sd;
      out.put(symbol + "|" + r[1], new Expected((double) r[2], (double) r[3], (double) r[4], (double) r[5],
          (double) r[6], (double) r[7], (long) r[8], (Double) r[9], sma, sd, z, (Double) r[12],
          wilderRsi(closes.get(symbol), i)));
    }
    return out;
  }

  /** RSI-14 at index i, from its definition: seed with plain means, then smooth one day at a time. */
  private static Double wilderRsi(List<Double> closes, int i) {
    if (i < 14) {
      return null;
    }
    double up = 0;
    double down = 0;
    for (int k = 1; k <= 14; k++) {
      double ch = closes.get(k) - closes.get(k - 1);
      up += ch > 0 ? ch / 14 : 0;
      down += ch < 0 ? -ch / 14 : 0;
    }
    for (int k = 15; k <= i; k++) {
      double ch = closes.get(k) - closes.get(k - 1);
      up = (13 * up + Math.max(ch, 0)) / 14;
      down = (13 * down + Math.max(-ch, 0)) / 14;
    }
    return down == 0 ? (up == 0 ? 50.0 : 100.0) : 100 - 100 / (1 + up / down);
  }
}
