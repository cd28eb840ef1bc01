package dev.onering.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Reading GX 1.x suites, and what the gate refuses before it touches a store. */
class ExpectationSuiteTest {

  private static final String SUITE = """
      {"name": "s", "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "price"}, "meta": {"severity": "critical"}},
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}, "meta": {"severity": "warning"}}],
       "meta": {"onering": {"store": "clickhouse", "asset": "silver.trades", "batch_column": "trade_date"}}}
      """;

  @Test
  void aSuiteReadsAsGxWritesIt() {
    ExpectationSuite s = ExpectationSuite.parse(SUITE, "test");
    assertThat(s.name()).isEqualTo("s");
    assertThat(s.store()).isEqualTo("clickhouse");
    assertThat(s.asset()).isEqualTo("silver.trades");
    assertThat(s.batchColumn()).isEqualTo("trade_date");
    assertThat(s.expectations()).extracting(Expectation::severity).containsExactly(Severity.critical, Severity.warning);
    assertThat(s.expectations().get(0).id()).isEqualTo("expect_column_values_to_not_be_null(price)");
  }

  @Test
  void anExpectationWithoutASeverityIsRefusedNamingIt() {
    String bad = SUITE.replace("\"meta\": {\"severity\": \"warning\"}", "\"meta\": {}");
    assertThatThrownBy(() -> ExpectationSuite.parse(bad, "bad.json"))
        .hasMessageContaining("bad.json").hasMessageContaining("expectation #2").hasMessageContaining("severity");
  }

  @Test
  void anUnknownTypeIsAnErrorThatNamesIt() {
    ExpectationSuite s = new ExpectationSuite("s", List.of(new Expectation("expect_column_to_exist",
        Map.of("column", "x"), Map.of("severity", "warning"))), Map.of());
    assertThatThrownBy(() -> QualityGate.validate(s, "t", Dialect.POSTGRES, sql -> List.of(), Map.of(), Map.of()))
        .isInstanceOf(UnsupportedExpectationException.class)
        .hasMessageContaining("expect_column_to_exist");
  }

  @Test
  void aMissingSuiteParameterIsReportedAsAFailedExpectation() {
    Expectation e = new Expectation("expect_column_max_to_be_between",
        Map.of("column", "t", "min_value", Map.of("$PARAMETER", "floor")), Map.of("severity", "critical"));
    SuiteResult r = QualityGate.validate(new ExpectationSuite("s", List.of(e), Map.of()), "t", Dialect.CLICKHOUSE,
        sql -> List.of(), Map.of(), Map.of());
    assertThat(r.success()).isFalse();
    assertThat(r.results().get(0).exceptionInfo().get("exception_message").toString()).contains("floor");
  }

  @Test
  void aCriticalFailureFailsTheSuiteAndAWarningDoesNot() {
    Expectation warn = new Expectation("expect_table_row_count_to_be_between", Map.of("min_value", 5),
        Map.of("severity", "warning"));
    Expectation crit = new Expectation("expect_table_row_count_to_be_between", Map.of("min_value", 5),
        Map.of("severity", "critical"));
    QualityGate.Sql three = sql -> List.of(Map.of("observed", 3, "ok", 0));
    assertThat(QualityGate.validate(new ExpectationSuite("s", List.of(warn), Map.of()), "t", Dialect.POSTGRES, three,
        Map.of(), Map.of()).success()).isTrue();
    SuiteResult failed = QualityGate.validate(new ExpectationSuite("s", List.of(warn, crit), Map.of()), "t",
        Dialect.POSTGRES, three, Map.of(), Map.of());
    assertThat(failed.success()).isFalse();
    assertThat(failed.failed(Severity.critical)).hasSize(1);
    assertThat(failed.failed(Severity.warning)).hasSize(1);
    assertThat(failed.statistics()).containsEntry("unsuccessful_expectations", 2L);
  }

  @Test
  void theBatchIsTheRunsDates() {
    assertThat(QualityGate.batchTable("silver.trades", "trade_date",
        java.util.Set.of(java.time.LocalDate.of(2026, 9, 2), java.time.LocalDate.of(2026, 9, 1)), Dialect.CLICKHOUSE))
        .isEqualTo("(SELECT * FROM silver.trades WHERE \"trade_date\" IN ('2026-09-01', '2026-09-02'))");
    assertThat(QualityGate.batchTable("gold.daily_bars", null, java.util.Set.of(), Dialect.POSTGRES))
        .isEqualTo("gold.daily_bars");
  }

  @Test
  void theProjectsSuitesParseAndUseOnlySupportedTypes() throws IOException {
    Path dir = suitesDir();
    List<ExpectationSuite> suites = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(f -> suites.add(ExpectationSuite.read(f)));
    }
    assertThat(suites).extracting(ExpectationSuite::name).contains("bronze_ticks", "silver_trades", "silver_bars_1m",
        "silver_batch_stats", "gold_daily_bars", "gold_instrument_summary");
    for (ExpectationSuite s : suites) {
      assertThat(s.store()).isIn("clickhouse", "postgres", "lake");
      s.asset();
      assertThat(s.expectations()).allSatisfy(e -> assertThat(ExpectationCompiler.SUPPORTED).contains(e.type()));
    }
  }

  private static Path suitesDir() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path s = d.resolve("platform/quality/great_expectations/expectations");
      if (Files.isDirectory(s)) {
        return s;
      }
    }
    throw new IllegalStateException("platform/quality/great_expectations/expectations not found above the working directory");
  }
}
