package dev.onering.serving.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.quality.Dialect;
import dev.onering.quality.Expectation;
import dev.onering.quality.ExpectationCompiler;
import dev.onering.quality.ExpectationResult;
import dev.onering.quality.ExpectationSuite;
import dev.onering.quality.QualityGate;
import dev.onering.quality.SuiteResult;
import dev.onering.quality.UnsupportedExpectationException;
import dev.onering.serving.clickhouse.ChDb;
import dev.onering.serving.postgres.EmbeddedPostgresServer;
import dev.onering.serving.postgres.PostgresConnection;
import dev.onering.serving.postgres.PostgresMigrations;
import dev.onering.serving.postgres.PostgresQuality;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every expectation type the gate supports, on the real ClickHouse engine and real Postgres, over
 * the same small table with known violations. Expected counts and figures are computed here in
 * Java over the rows, not written down and not read back from either engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QualityGateEnginesTest {

  /** A row of the test table; nulls where a column may be missing. */
  record Row(long id, String symbol, long seq, Double price, Double high, Double low, String side, String ts) {}

  static final List<Row> ROWS = List.of(
      new Row(1, "AAPL", 1, 10.0, 11.0, 9.0, "buy", "2026-09-01 10:00:00.000000"),
      new Row(2, "AAPL", 2, null, 11.0, 9.0, "sell", "2026-09-01 10:00:01.000000"),
      new Row(3, "AAPL", 2, 12.0, 12.0, 12.0, "buy", "2026-09-01 10:00:02.000000"),
      new Row(4, "MSFT", 1, -1.0, 5.0, 6.0, "sell", "2026-09-01 11:00:00.000000"),
      new Row(5, "MSFT", 2, 500.0, null, 3.0, "hold", "2026-09-02 09:30:00.000000"),
      new Row(6, "btc-usd", 1, 20.0, 21.0, 19.0, null, "2026-09-02 12:00:00.000000"),
      new Row(7, "BTC-USD", 2, 20.0, 21.0, 19.0, "buy", "2026-09-02 12:00:00.500000"),
      new Row(8, "BTC-USD", 3, 1000.0, 1000.0, 1000.0, "sell", "2026-09-02 23:59:59.250000"),
      new Row(9, "ETH", 7, 30.0, 31.0, 29.0, "buy", "2026-09-02 13:00:00.000000"),
      new Row(10, "ETH", 7, 31.0, 30.0, 31.0, "buy", "2026-09-02 13:00:01.000000"));

  static final String REGEX = "^[A-Z]{1,6}(-[A-Z]{3,5})?$";

  ChDb ch;
  EmbeddedPostgresServer pg;
  PostgresConnection pgc;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    ch = ChDb.open(dir.resolve("chdb"));
    ch.execute("CREATE DATABASE IF NOT EXISTS q");
    ch.execute("CREATE TABLE q.t (id Int64, symbol String, seq Int64, price Nullable(Float64), high Nullable(Float64),"
        + " low Nullable(Float64), side Nullable(String), ts DateTime64(6, 'UTC')) ENGINE = MergeTree ORDER BY id");
    ch.execute("INSERT INTO q.t VALUES " + values());
    pg = EmbeddedPostgresServer.start(dir.resolve("pg"), 0);
    pgc = pg.connection();
    try (Connection c = pgc.open(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA q");
      s.execute("CREATE TABLE q.t (id bigint, symbol text, seq bigint, price double precision, high double precision,"
          + " low double precision, side text, ts timestamp)");
      s.execute("INSERT INTO q.t VALUES " + values());
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (ch != null) {
      ch.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static String values() {
    return ROWS.stream().map(r -> "(" + r.id() + ", " + lit(r.symbol()) + ", " + r.seq() + ", " + lit(r.price()) + ", "
        + lit(r.high()) + ", " + lit(r.low()) + ", " + lit(r.side()) + ", " + lit(r.ts()) + ")")
        .collect(Collectors.joining(", "));
  }

  private static String lit(Object o) {
    return o == null ? "NULL" : o instanceof Number ? o.toString() : "'" + o + "'";
  }

  enum Engine { CLICKHOUSE, POSTGRES }

  private QualityGate.Sql sql(Engine e) {
    return e == Engine.CLICKHOUSE ? ch::rows : s -> PostgresQuality.rows(pgc, s);
  }

  private static Dialect dialect(Engine e) {
    return e == Engine.CLICKHOUSE ? Dialect.CLICKHOUSE : Dialect.POSTGRES;
  }

  // ---- expected values, from the rows -------------------------------------------------------

  /** A row check: the rows it applies to, and the ones among them that break it. */
  record RowCase(String name, Expectation expectation, Predicate<Row> applies, Predicate<Row> unexpected) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Expectation x(String type, Map<String, Object> kwargs) {
    return new Expectation(type, kwargs, Map.of("severity", "critical"));
  }

  private static long countOf(Function<Row, Object> key, Row r) {
    return ROWS.stream().filter(o -> Objects.equals(key.apply(o), key.apply(r))).count();
  }

  static Stream<RowCase> rowCases() {
    return Stream.of(
        new RowCase("not null", x("expect_column_values_to_not_be_null", Map.of("column", "price")),
            r -> true, r -> r.price() == null),
        new RowCase("between", x("expect_column_values_to_be_between", Map.of("column", "price", "min_value", 0,
            "max_value", 100)), r -> r.price() != null, r -> r.price() < 0 || r.price() > 100),
        new RowCase("between strict", x("expect_column_values_to_be_between", Map.of("column", "price", "min_value", 10,
            "strict_min", true)), r -> r.price() != null, r -> r.price() <= 10),
        new RowCase("in set", x("expect_column_values_to_be_in_set", Map.of("column", "side", "value_set",
            List.of("buy", "sell"))), r -> r.side() != null, r -> !List.of("buy", "sell").contains(r.side())),
        new RowCase("regex", x("expect_column_values_to_match_regex", Map.of("column", "symbol", "regex", REGEX)),
            r -> true, r -> !Pattern.compile(REGEX).matcher(r.symbol()).find()),
        new RowCase("unique", x("expect_column_values_to_be_unique", Map.of("column", "seq")),
            r -> true, r -> countOf(Row::seq, r) > 1),
        new RowCase("compound unique", x("expect_compound_columns_to_be_unique", Map.of("column_list",
            List.of("symbol", "seq"))), r -> true, r -> countOf(o -> o.symbol() + "|" + o.seq(), r) > 1),
        new RowCase("pair or equal", x("expect_column_pair_values_a_to_be_greater_than_b", Map.of("column_A", "high",
            "column_B", "low", "or_equal", true)), r -> r.high() != null && r.low() != null, r -> r.high() < r.low()),
        new RowCase("pair strict", x("expect_column_pair_values_a_to_be_greater_than_b", Map.of("column_A", "high",
            "column_B", "low")), r -> r.high() != null && r.low() != null, r -> r.high() <= r.low()));
  }

  static Stream<Object[]> rowCasesOnEngines() {
    return rowCases().flatMap(c -> Stream.of(Engine.values()).map(e -> new Object[] {e, c}));
  }

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("rowCasesOnEngines")
  void rowExpectationsCountTheRowsThatBreakThem(Engine engine, RowCase c) {
    long applicable = ROWS.stream().filter(c.applies()).count();
    long unexpected = ROWS.stream().filter(c.applies()).filter(c.unexpected()).count();
    assertThat(unexpected).as("the table has a violation for every case").isPositive();

    ExpectationResult r = evaluate(engine, c.expectation());

    assertThat(r.exceptionInfo()).isNull();
    assertThat(r.result().get("element_count")).isEqualTo((long) ROWS.size());
    assertThat(r.result().get("applicable_count")).isEqualTo(applicable);
    assertThat(r.unexpectedCount()).isEqualTo(unexpected);
    assertThat(r.success()).isFalse();
    List<?> sample = (List<?>) r.result().get("partial_unexpected_list");
    assertThat(sample).hasSize((int) Math.min(unexpected, QualityGate.SAMPLE_SIZE));
    List<Long> expectedIds = ROWS.stream().filter(c.applies()).filter(c.unexpected()).map(Row::id).toList();
    assertThat(sample).allSatisfy(o -> assertThat(expectedIds).contains(((Number) ((Map<?, ?>) o).get("id")).longValue()));
  }

  @ParameterizedTest
  @MethodSource("engines")
  void mostlyPassesWhenEnoughRowsHold(Engine engine) {
    List<Double> prices = ROWS.stream().map(Row::price).filter(Objects::nonNull).toList();
    double holding = (double) prices.stream().filter(p -> p >= 0 && p <= 100).count() / prices.size();
    Map<String, Object> kw = new HashMap<>(Map.of("column", "price", "min_value", 0, "max_value", 100));
    kw.put("mostly", holding - 0.01);
    assertThat(evaluate(engine, x("expect_column_values_to_be_between", kw)).success()).isTrue();
    kw.put("mostly", holding + 0.01);
    assertThat(evaluate(engine, x("expect_column_values_to_be_between", kw)).success()).isFalse();
  }

  static Stream<Engine> engines() {
    return Stream.of(Engine.values());
  }

  @ParameterizedTest
  @MethodSource("engines")
  void aggregatesObserveTheFigureAndCompareItWithTheBounds(Engine engine) {
    List<Double> prices = ROWS.stream().map(Row::price).filter(Objects::nonNull).toList();
    double max = prices.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double min = prices.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double mean = prices.stream().mapToDouble(Double::doubleValue).average().orElseThrow();

    ExpectationResult count = evaluate(engine, x("expect_table_row_count_to_be_between", Map.of("min_value", 1,
        "max_value", ROWS.size() - 1)));
    assertThat(((Number) count.observedValue()).longValue()).isEqualTo(ROWS.size());
    assertThat(count.success()).isFalse();
    assertThat(evaluate(engine, x("expect_table_row_count_to_be_between", Map.of("min_value", ROWS.size()))).success())
        .isTrue();

    ExpectationResult mx = evaluate(engine, x("expect_column_max_to_be_between", Map.of("column", "price",
        "max_value", 600)));
    assertThat(((Number) mx.observedValue()).doubleValue()).isEqualTo(max);
    assertThat(mx.success()).isFalse();

    ExpectationResult mn = evaluate(engine, x("expect_column_min_to_be_between", Map.of("column", "price",
        "min_value", min)));
    assertThat(((Number) mn.observedValue()).doubleValue()).isEqualTo(min);
    assertThat(mn.success()).as("a bound is inclusive").isTrue();

    ExpectationResult avg = evaluate(engine, x("expect_column_mean_to_be_between", Map.of("column", "price",
        "min_value", 0, "max_value", mean - 0.01)));
    assertThat(((Number) avg.observedValue()).doubleValue()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(avg.success()).isFalse();
  }

  /** GX's rule: an aggregate over no values observes nothing and fails, even where 0 is within the bounds. */
  @ParameterizedTest
  @MethodSource("engines")
  void anAggregateOverNoRowsObservesNothingAndFails(Engine engine) {
    String none = "(SELECT * FROM q.t WHERE id < 0)";
    for (String type : List.of("expect_column_max_to_be_between", "expect_column_min_to_be_between",
        "expect_column_mean_to_be_between")) {
      SuiteResult r = QualityGate.validate(new ExpectationSuite("t", List.of(x(type, Map.of("column", "price",
          "min_value", -1, "max_value", 1))), Map.of()), none, dialect(engine), sql(engine), Map.of(), Map.of());
      assertThat(r.results().get(0).observedValue()).as(type).isNull();
      assertThat(r.results().get(0).success()).as(type).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void freshnessComparesTheLatestTimestampWithSuiteParameters(Engine engine) {
    Expectation fresh = x("expect_column_max_to_be_between", Map.of("column", "ts",
        "min_value", Map.of("$PARAMETER", "floor"), "max_value", Map.of("$PARAMETER", "end")));
    Map<String, Object> inWindow = Map.of("floor", "2026-09-02 00:00:00", "end", "2026-09-02 23:59:59.999999");
    Map<String, Object> stale = Map.of("floor", "2026-09-03 00:00:00", "end", "2026-09-03 23:59:59.999999");
    // The latest event is 23:59:59.25 on the 2nd: in the window ending that day, and too old for the 3rd.
    ExpectationResult ok = evaluate(engine, fresh, inWindow);
    assertThat(ok.success()).isTrue();
    assertThat(String.valueOf(ok.observedValue())).startsWith("2026-09-02 23:59:59.25");
    assertThat(evaluate(engine, fresh, stale).success()).isFalse();
    assertThat(evaluate(engine, fresh, Map.of("floor", "2026-09-01 00:00:00", "end", "2026-09-02 23:59:59")).success())
        .as("an event after the window's end fails too").isFalse();
  }

  @Test
  void everySupportedTypeIsCoveredHere() {
    List<String> covered = new ArrayList<>(rowCases().map(c -> c.expectation().type()).toList());
    covered.addAll(List.of("expect_table_row_count_to_be_between", "expect_column_max_to_be_between",
        "expect_column_min_to_be_between", "expect_column_mean_to_be_between"));
    assertThat(covered).containsAll(ExpectationCompiler.SUPPORTED);
  }

  @Test
  void anUnknownTypeFailsTheSuiteLoudlyBeforeAnyQuery() {
    ExpectationSuite suite = new ExpectationSuite("s", List.of(
        x("expect_column_values_to_not_be_null", Map.of("column", "price")),
        x("expect_column_kl_divergence_to_be_less_than", Map.of("column", "price"))), Map.of());
    assertThatThrownBy(() -> QualityGate.validate(suite, "q.t", Dialect.CLICKHOUSE, s -> {
      throw new AssertionError("no query may run: " + s);
    }, Map.of(), Map.of()))
        .isInstanceOf(UnsupportedExpectationException.class)
        .hasMessageContaining("expect_column_kl_divergence_to_be_less_than")
        .hasMessageContaining("suite s");
  }

  @Test
  void resultsAreRecordedForDashboards() throws Exception {
    PostgresConnection db = fresh("quality_results_test");
    PostgresMigrations.apply(db, PostgresMigrations.locateChangelog(Path.of("")));
    ExpectationSuite suite = new ExpectationSuite("prices", List.of(
        x("expect_column_values_to_not_be_null", Map.of("column", "price")),
        new Expectation("expect_table_row_count_to_be_between", Map.of("min_value", 1), Map.of("severity", "warning"))),
        Map.of());
    SuiteResult r = QualityGate.validate(suite, "q.t", Dialect.CLICKHOUSE, ch::rows, Map.of(), Map.of());
    assertThat(r.success()).as("a critical expectation failed").isFalse();
    Instant at = Instant.parse("2026-11-23T16:00:00Z");
    PostgresQuality.record(db, "run-1", List.of(r), at);
    PostgresQuality.record(db, "run-1", List.of(r), at); // again: replaced, not doubled

    List<Map<String, Object>> rows = PostgresQuality.rows(db, "SELECT expectation, expectation_type, column_name,"
        + " severity, success, observed_value, unexpected_count FROM gold.quality_results WHERE run_id = 'run-1'"
        + " ORDER BY expectation");
    long nulls = ROWS.stream().filter(x -> x.price() == null).count();
    Map<String, Object> notNull = new LinkedHashMap<>();
    notNull.put("expectation", "expect_column_values_to_not_be_null(price)");
    notNull.put("expectation_type", "expect_column_values_to_not_be_null");
    notNull.put("column_name", "price");
    notNull.put("severity", "critical");
    notNull.put("success", false);
    notNull.put("observed_value", nulls + " of " + ROWS.size() + " rows unexpected");
    notNull.put("unexpected_count", nulls);
    Map<String, Object> count = new LinkedHashMap<>();
    count.put("expectation", "expect_table_row_count_to_be_between");
    count.put("expectation_type", "expect_table_row_count_to_be_between");
    count.put("column_name", null);
    count.put("severity", "warning");
    count.put("success", true);
    count.put("observed_value", String.valueOf(ROWS.size()));
    count.put("unexpected_count", null);
    assertThat(rows).containsExactly(notNull, count);
  }

  private PostgresConnection fresh(String name) throws Exception {
    try (Connection c = pgc.open(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name);
      s.execute("CREATE DATABASE " + name);
    }
    return new PostgresConnection("jdbc:postgresql://localhost:" + pg.port() + "/" + name, pg.user(), pg.password());
  }

  private ExpectationResult evaluate(Engine engine, Expectation e) {
    return evaluate(engine, e, Map.of());
  }

  private ExpectationResult evaluate(Engine engine, Expectation e, Map<String, Object> params) {
    SuiteResult r = QualityGate.validate(new ExpectationSuite("t", List.of(e), Map.of()), "q.t", dialect(engine),
        sql(engine), params, Map.of());
    return r.results().get(0);
  }
}
