package dev.onering.stream.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.pipeline.JsonLineWriter;
import dev.onering.serving.clickhouse.ChangelogApplier;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.stream.job.AlertRecord;
import dev.onering.stream.job.BarRecord;
import dev.onering.stream.report.StreamRunReport.Alert;
import dev.onering.stream.report.StreamRunReport.Alerts;
import dev.onering.stream.sink.SilverStoreTarget;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's read-back from ClickHouse, on the real engine (chDB) with the real schema. */
class StreamReportStoreTest {
  private static final JsonLineWriter ROWS = new JsonLineWriter();

  @TempDir static Path chdb;
  static SilverStore store;

  static final LocalDate DAY = LocalDate.of(2026, 8, 3);

  static long micros(String instant) {
    Instant t = Instant.parse(instant);
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static AlertRecord alert(String symbol, String pattern, String first, String last, int bars, double move,
      String detail) {
    return new AlertRecord(symbol, pattern, micros(first), micros(last), bars, move, detail);
  }

  @BeforeAll
  static void setUp() {
    store = SilverStoreTarget.chdb(chdb).openEmbedded();
    store.migrate(ChangelogApplier.locateDefaultChangelog());
    StringBuilder alerts = new StringBuilder();
    ROWS.appendLine(alerts, alert("BTC-USDT", "spike_reversal", "2026-08-03T14:31:00Z", "2026-08-03T14:33:00Z", 3,
        0.0052, "+0.52 % then -0.38 %")::writeClickHouseRow);
    ROWS.appendLine(alerts, alert("AAPL", "momentum_run", "2026-08-03T13:40:00Z", "2026-08-03T13:43:00Z", 4, 0.0031,
        "4 rising closes \"quoted\"")::writeClickHouseRow);
    ROWS.appendLine(alerts, alert("ETH-USDT", "spike_reversal", "2026-08-04T09:01:00Z", "2026-08-04T09:02:00Z", 2,
        -0.0047, "next day")::writeClickHouseRow);
    // Another run's date: not this run's work.
    ROWS.appendLine(alerts, alert("AAPL", "spike_reversal", "2026-08-05T15:00:00Z", "2026-08-05T15:01:00Z", 2, 0.006,
        "other run")::writeClickHouseRow);
    store.insertJsonEachRow("silver.alerts", alerts.toString());
    // The same match found again after a restart: replaces, counts once.
    StringBuilder again = new StringBuilder();
    ROWS.appendLine(again, alert("BTC-USDT", "spike_reversal", "2026-08-03T14:31:00Z", "2026-08-03T14:33:00Z", 3,
        0.0052, "+0.52 % then -0.38 %")::writeClickHouseRow);
    store.insertJsonEachRow("silver.alerts", again.toString());

    StringBuilder bars = new StringBuilder();
    ROWS.appendLine(bars, bar("AAPL", "2026-08-03T13:30:00Z")::writeClickHouseRow);
    ROWS.appendLine(bars, bar("AAPL", "2026-08-03T13:31:00Z")::writeClickHouseRow);
    ROWS.appendLine(bars, bar("AAPL", "2026-08-04T13:30:00Z")::writeClickHouseRow);
    ROWS.appendLine(bars, bar("AAPL", "2026-08-05T13:30:00Z")::writeClickHouseRow);
    ROWS.appendLine(bars, bar("AAPL", "2026-08-03T13:31:00Z")::writeClickHouseRow); // a late revision of the same minute
    store.insertJsonEachRow("silver.bars_1m", bars.toString());
  }

  static BarRecord bar(String symbol, String start) {
    BarRecord b = new BarRecord();
    b.symbol = symbol;
    b.barStart = micros(start);
    b.open = b.high = b.low = b.close = b.vwap = 100;
    b.volume = 1;
    b.notional = 100;
    b.tradeCount = 1;
    return b;
  }

  @AfterAll
  static void tearDown() {
    store.close();
  }

  @Test
  void barsCountsEachMinuteOnceOnTheRunsDates() {
    assertThat(StoreFigures.bars(store, DAY, DAY.plusDays(1))).isEqualTo(3);
    assertThat(StoreFigures.bars(store, DAY, DAY)).isEqualTo(2);
  }

  @Test
  void alertsOfTheRunsDatesWithCountsPerPatternAndRowsByTime() {
    Alerts a = StoreFigures.alerts(store, DAY, DAY.plusDays(1), 500);
    assertThat(a.total()).isEqualTo(3);
    assertThat(a.byPattern()).containsExactly(
        java.util.Map.entry("spike_reversal", 2L), java.util.Map.entry("momentum_run", 1L));
    assertThat(a.rows()).extracting(Alert::symbol).containsExactly("AAPL", "BTC-USDT", "ETH-USDT");
    assertThat(a.rows().get(1)).isEqualTo(new Alert("spike_reversal", "BTC-USDT", Instant.parse("2026-08-03T14:31:00Z"),
        Instant.parse("2026-08-03T14:33:00Z"), 3, 0.0052, "+0.52 % then -0.38 %"));
    assertThat(a.rows().get(0).detail()).isEqualTo("4 rising closes \"quoted\"");
    assertThat(a.from()).isEqualTo(DAY);
    assertThat(a.to()).isEqualTo(DAY.plusDays(1));
  }

  @Test
  void theRowLimitCapsTheTableNotTheCounts() {
    Alerts a = StoreFigures.alerts(store, DAY, DAY.plusDays(1), 1);
    assertThat(a.rows()).hasSize(1);
    assertThat(a.total()).isEqualTo(3);
    assertThat(a.limit()).isEqualTo(1);
  }
}
