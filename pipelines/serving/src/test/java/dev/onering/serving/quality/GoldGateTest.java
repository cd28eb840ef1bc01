package dev.onering.serving.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.gold.GoldDailyRow;
import dev.onering.gold.InstrumentSummary;
import dev.onering.quality.ExpectationResult;
import dev.onering.quality.ExpectationSuite;
import dev.onering.quality.SuiteResult;
import dev.onering.serving.postgres.EmbeddedPostgresServer;
import dev.onering.serving.postgres.GoldPublisher;
import dev.onering.serving.postgres.GoldReader;
import dev.onering.serving.postgres.PostgresConnection;
import dev.onering.serving.postgres.PostgresMigrations;
import dev.onering.serving.postgres.PostgresQuality;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The project's Gold suites run inside the publish: a Gold that breaks them is rolled back, never seen. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldGateTest {

  static final LocalDate D1 = LocalDate.of(2026, 9, 1);
  static final LocalDate D2 = LocalDate.of(2026, 9, 2);

  EmbeddedPostgresServer server;
  PostgresConnection gold;
  List<ExpectationSuite> suites;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = EmbeddedPostgresServer.start(dir, 0);
    gold = server.connection();
    PostgresMigrations.apply(gold, PostgresMigrations.locateChangelog(Path.of("")));
    Path suitesDir = PostgresMigrations.locateChangelog(Path.of("")).getParent().getParent().getParent()
        .resolve("quality/great_expectations/expectations");
    assertThat(Files.isDirectory(suitesDir)).as(suitesDir.toString()).isTrue();
    suites = List.of(ExpectationSuite.read(suitesDir.resolve("gold_daily_bars.json")),
        ExpectationSuite.read(suitesDir.resolve("gold_instrument_summary.json")));
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  private static GoldDailyRow day(String symbol, LocalDate d, double open, double high, double low, double close) {
    return new GoldDailyRow(symbol, d, "XNAS", "equity", "ticks", open, high, low, close, 1000.0, close, 10L,
        null, null, null, null, null, null, null);
  }

  private static InstrumentSummary summary(String symbol) {
    return new InstrumentSummary(symbol, "XNAS", "equity", "ticks", D1, D2, 2, 10.0, 10.5, 0.05, 11.0, 9.0, 2000.0,
        1000.0, 20L, null, -0.01, null, null);
  }

  @Test
  void goodGoldIsPublishedAndABadOneIsRolledBackNamingTheBrokenExpectations() {
    List<GoldDailyRow> good = List.of(day("AAA", D1, 10, 11, 9, 10.5), day("AAA", D2, 10.5, 11, 10, 10.8));
    List<SuiteResult> first = new ArrayList<>();
    GoldPublisher.publish(gold, "good", good, List.of(summary("AAA")), PostgresQuality.gate(suites, Map.of(), first));
    assertThat(first).allSatisfy(s -> assertThat(s.success()).as(s.suiteName()).isTrue());
    assertThat(GoldReader.readDaily(gold)).isEqualTo(good);

    // The second day's high is below its low and its close: three pair checks break on one row.
    List<GoldDailyRow> bad = List.of(day("BBB", D1, 10, 11, 9, 10.5), day("BBB", D2, 10.5, 9.5, 10, 10.8));
    List<SuiteResult> second = new ArrayList<>();
    assertThatThrownBy(() -> GoldPublisher.publish(gold, "bad", bad, List.of(summary("BBB")),
        PostgresQuality.gate(suites, Map.of(), second)))
        .isInstanceOf(PostgresQuality.GoldRejectedException.class)
        .hasMessageContaining("gold_daily_bars.expect_column_pair_values_a_to_be_greater_than_b(high,low)")
        .hasMessageContaining("(high,open)").hasMessageContaining("(high,close)")
        .hasMessageContaining("previous Gold is unchanged");

    assertThat(GoldReader.readDaily(gold)).as("readers still see the good Gold").isEqualTo(good);
    assertThat(GoldReader.readSummary(gold)).extracting(InstrumentSummary::symbol).containsExactly("AAA");
    ExpectationResult highLow = second.get(0).results().stream()
        .filter(r -> r.expectationConfig().id().equals("expect_column_pair_values_a_to_be_greater_than_b(high,low)"))
        .findFirst().orElseThrow();
    assertThat(highLow.unexpectedCount()).isEqualTo(1L);
    assertThat((List<?>) highLow.result().get("partial_unexpected_list")).hasSize(1);
  }
}
