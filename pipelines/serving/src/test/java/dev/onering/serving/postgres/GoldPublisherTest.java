package dev.onering.serving.postgres;

import static dev.onering.serving.postgres.PostgresMigrationsTest.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.gold.GoldDailyRow;
import dev.onering.gold.InstrumentSummary;
import dev.onering.serving.postgres.GoldPublisher.GoldPublishException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldPublisherTest {

  @TempDir static Path dataDir;
  static EmbeddedPostgresServer server;
  static PostgresConnection gold;

  private static final LocalDate D1 = LocalDate.of(2026, 9, 1);
  private static final LocalDate D2 = LocalDate.of(2026, 9, 2);

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedPostgresServer.start(dataDir, 0);
    gold = server.connection();
    PostgresMigrations.apply(gold, PostgresTestSupport.changelog());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** Values chosen to break a lossy path: NULLs, 17-digit doubles, subnormals, -0.0, NaN, infinities. */
  static List<GoldDailyRow> setA() {
    double c1 = 0.1 + 0.2; // 0.30000000000000004: lost by any 15-digit formatting
    double c2 = 1.0 / 3.0;
    return List.of(
        new GoldDailyRow("AAA", D1, "XNAS", "equity", "ticks",
            100.0, 101.5, 99.25, c1, 1.0e6, 100.12345678901234, 1234L,
            null, null, null, null, null, null, null),
        new GoldDailyRow("AAA", D2, "XNAS", "equity", "ticks",
            c1, 0.5, 0.25, c2, 2.5e-7, 0.3333333333333333, Long.MAX_VALUE,
            c2 / c1 - 1, Math.log(c2 / c1), Double.MIN_VALUE, Double.MAX_VALUE, -0.0, 1e-300, 100.0),
        // Text that COPY's text format must escape: tab, newline, CR, backslash, and a literal \N.
        new GoldDailyRow("BBB", D1, "X\tY\\Z\nW\r\\N", "imported", "csv",
            42.0, 43.0, 41.0, 42.5, 0.0, null, null,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, null, null, null, 50.0));
  }

  static List<InstrumentSummary> summaryA() {
    return List.of(
        new InstrumentSummary("AAA", "XNAS", "equity", "ticks", D1, D2, 2,
            100.0, 1.0 / 3.0, (1.0 / 3.0) / 100.0 - 1, 101.5, 0.25, 1.0e6 + 2.5e-7, (1.0e6 + 2.5e-7) / 2,
            1234L + 1, null, -0.9966666666666667, -0.0, 100.0),
        new InstrumentSummary("BBB", "X\tY\\Z\nW\r\\N", "imported", "csv", D1, D1, 1,
            42.0, 42.5, 42.5 / 42.0 - 1, 43.0, 41.0, 0.0, 0.0,
            null, null, 0.0, null, null));
  }

  static List<GoldDailyRow> setB() {
    return List.of(
        new GoldDailyRow("CCC", D2, "XNYS", "equity", "ticks",
            10.0, 11.0, 9.0, 10.5, 500.0, 10.2, 7L, null, null, null, null, null, null, null));
  }

  static List<InstrumentSummary> summaryB() {
    return List.of(new InstrumentSummary("CCC", "XNYS", "equity", "ticks", D2, D2, 1,
        10.0, 10.5, 0.05, 11.0, 9.0, 500.0, 500.0, 7L, null, 0.0, null, null));
  }

  @Test
  void whatIsPublishedReadsBackEqualWithNullsAndBitExactDoubles() throws Exception {
    GoldPublication p = GoldPublisher.publish(gold, "run-a", setA(), summaryA());

    assertThat(p.dailyRows()).isEqualTo(3);
    assertThat(p.summaryRows()).isEqualTo(2);
    // Record equality compares doubles with Double.compare: -0.0 != 0.0, NaN == NaN, every bit counts.
    assertThat(GoldReader.readDaily(gold)).isEqualTo(sorted(setA()));
    assertThat(GoldReader.readSummary(gold)).isEqualTo(summaryA());

    // Independently of the JDBC text parsing: the stored IEEE-754 bits, straight from the server.
    List<List<Object>> stored = rows(gold,
        "SELECT float8send(close), float8send(sd_20), float8send(zscore_20), trade_count, vwap IS NULL"
            + " FROM gold.daily_bars ORDER BY symbol, trade_date");
    assertThat(bits(stored.get(0).get(0))).isEqualTo(Double.doubleToRawLongBits(0.1 + 0.2));
    assertThat(bits(stored.get(1).get(0))).isEqualTo(Double.doubleToRawLongBits(1.0 / 3.0));
    assertThat(bits(stored.get(1).get(1))).isEqualTo(Double.doubleToRawLongBits(Double.MAX_VALUE));
    assertThat(bits(stored.get(1).get(2))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(stored.get(1).get(3)).isEqualTo(Long.MAX_VALUE);
    assertThat(stored).extracting(r -> r.get(4)).containsExactly(false, false, true);
    assertThat(rows(gold, "SELECT count(*) FROM gold.daily_bars WHERE return_simple IS NULL"))
        .containsExactly(List.of(1L));
  }

  @Test
  void publishingTwiceLeavesExactlyTheSecondSetAndAuditsBoth() {
    GoldPublication first = GoldPublisher.publish(gold, "run-1", setA(), summaryA());
    GoldPublication second = GoldPublisher.publish(gold, "run-2", setB(), summaryB());

    assertThat(GoldReader.readDaily(gold)).isEqualTo(setB());
    assertThat(GoldReader.readSummary(gold)).isEqualTo(summaryB());
    assertThat(GoldReader.count(gold, "daily_bars")).isEqualTo(1);
    assertThat(GoldReader.count(gold, "gold.instrument_summary")).isEqualTo(1);

    assertThat(second.publicationId()).isGreaterThan(first.publicationId());
    assertThat(GoldReader.lastPublication(gold)).contains(second);
    assertThat(auditRows(first.publicationId()))
        .containsExactly(List.of("run-1", "gold.daily_bars", 3L), List.of("run-1", "gold.instrument_summary", 2L));
    assertThat(auditRows(second.publicationId()))
        .containsExactly(List.of("run-2", "gold.daily_bars", 1L), List.of("run-2", "gold.instrument_summary", 1L));
  }

  @Test
  void aDuplicateKeyRollsBackTheWholePublishAndNamesTheKey() {
    GoldPublication before = GoldPublisher.publish(gold, "run-good", setA(), summaryA());
    List<GoldDailyRow> bad = new ArrayList<>(setB());
    bad.add(new GoldDailyRow("ZZZ", D1, "XNAS", "equity", "ticks", 1, 1, 1, 1, 1, null, null,
        null, null, null, null, null, null, null));
    bad.add(new GoldDailyRow("ZZZ", D2, "XNAS", "equity", "ticks", 1, 1, 1, 1, 1, null, null,
        null, null, null, null, null, null, null));
    bad.add(new GoldDailyRow("ZZZ", D2, "XNAS", "equity", "ticks", 2, 2, 2, 2, 2, null, null,
        null, null, null, null, null, null, null));

    assertThatThrownBy(() -> GoldPublisher.publish(gold, "run-bad", bad, summaryB()))
        .isInstanceOf(GoldPublishException.class)
        .hasMessageContaining("run-bad")
        .hasMessageContaining("gold.daily_bars")
        .hasMessageContaining("(symbol, trade_date)=(ZZZ, 2026-09-02)")
        .hasMessageContaining("previous Gold is unchanged")
        .satisfies(e -> assertThat(((GoldPublishException) e).table()).isEqualTo("gold.daily_bars"));

    assertUnchanged(before);
  }

  @Test
  void aFailureInTheSecondTableAlsoUndoesTheFirst() {
    GoldPublication before = GoldPublisher.publish(gold, "run-good", setA(), summaryA());
    List<InstrumentSummary> twice = List.of(summaryB().get(0), summaryB().get(0));

    // daily_bars is written (and would be committed) before instrument_summary fails.
    assertThatThrownBy(() -> GoldPublisher.publish(gold, "run-bad", setB(), twice))
        .isInstanceOf(GoldPublishException.class)
        .hasMessageContaining("gold.instrument_summary")
        .hasMessageContaining("(symbol)=(CCC)");

    assertUnchanged(before);
  }

  @Test
  void aValueOutsideTheContractIsRefusedWholeAndNamed() {
    GoldPublication before = GoldPublisher.publish(gold, "run-good", setA(), summaryA());
    List<GoldDailyRow> fx = List.of(new GoldDailyRow("EURUSD", D1, "XFX", "fx", "ticks",
        1, 1, 1, 1, 1, null, null, null, null, null, null, null, null, null));

    assertThatThrownBy(() -> GoldPublisher.publish(gold, "run-fx", fx, List.of()))
        .isInstanceOf(GoldPublishException.class)
        .hasMessageContaining("daily_bars_asset_class_ck")
        .hasMessageContaining("EURUSD");

    assertUnchanged(before);
  }

  @Test
  void publishingToADatabaseWithoutTheSchemaSaysToMigrateFirst() throws Exception {
    PostgresConnection empty = PostgresTestSupport.freshDatabase(server, "not_migrated");
    assertThatThrownBy(() -> GoldPublisher.publish(empty, "run-x", setB(), summaryB()))
        .isInstanceOf(GoldPublishException.class)
        .hasMessageContaining("apply the Liquibase changelog");
  }

  @Test
  void tensOfThousandsOfRowsRoundTrip() {
    List<GoldDailyRow> many = generated(200, 250); // 50,000 rows
    long t0 = System.nanoTime();
    GoldPublication p = GoldPublisher.publish(gold, "run-bulk", many, summaryB());
    long publishMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("published " + many.size() + " daily rows in " + publishMs + " ms");

    assertThat(p.dailyRows()).isEqualTo(many.size());
    assertThat(GoldReader.count(gold, "daily_bars")).isEqualTo(many.size());
    assertThat(GoldReader.readDaily(gold)).isEqualTo(sorted(many));
  }

  private static List<GoldDailyRow> generated(int symbols, int days) {
    Random r = new Random(7);
    List<GoldDailyRow> out = new ArrayList<>(symbols * days);
    for (int s = 0; s < symbols; s++) {
      String sym = String.format("S%04d", s);
      for (int d = 0; d < days; d++) {
        double close = 100 * Math.exp(r.nextGaussian() * 0.02);
        boolean early = d < 20;
        out.add(new GoldDailyRow(sym, D1.plusDays(d), "XNAS", s % 3 == 0 ? "crypto" : "equity",
            s % 5 == 0 ? "csv" : "ticks", close * 0.99, close * 1.01, close * 0.98, close,
            r.nextDouble() * 1e6, s % 5 == 0 ? null : close, s % 5 == 0 ? null : (long) r.nextInt(10_000),
            d == 0 ? null : r.nextGaussian(), d == 0 ? null : r.nextGaussian(),
            early ? null : close, early ? null : r.nextDouble(), early ? null : r.nextGaussian(),
            early ? null : r.nextDouble(), d < 14 ? null : r.nextDouble() * 100));
      }
    }
    return out;
  }

  private void assertUnchanged(GoldPublication before) {
    assertThat(GoldReader.readDaily(gold)).isEqualTo(sorted(setA()));
    assertThat(GoldReader.readSummary(gold)).isEqualTo(summaryA());
    assertThat(GoldReader.lastPublication(gold)).contains(before);
  }

  private static List<List<Object>> auditRows(long publicationId) {
    try {
      return rows(gold, "SELECT run_id, table_name, row_count FROM gold.publications"
          + " WHERE publication_id = " + publicationId + " ORDER BY table_name");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long bits(Object float8send) {
    return ByteBuffer.wrap((byte[]) float8send).getLong();
  }

  private static List<GoldDailyRow> sorted(List<GoldDailyRow> rows) {
    return rows.stream()
        .sorted(Comparator.comparing(GoldDailyRow::symbol).thenComparing(GoldDailyRow::tradeDate))
        .toList();
  }
}
