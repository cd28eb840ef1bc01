package dev.onering.serving.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.quality.Dialect;
import dev.onering.quality.Expectation;
import dev.onering.quality.ExpectationResult;
import dev.onering.quality.ExpectationSuite;
import dev.onering.quality.QualityGate;
import dev.onering.quality.SuiteResult;
import dev.onering.serving.clickhouse.ChDb;
import dev.onering.serving.clickhouse.ChDbHttpFront;
import dev.onering.serving.clickhouse.ChangelogApplier;
import dev.onering.serving.postgres.EmbeddedPostgresServer;
import dev.onering.serving.postgres.PostgresConnection;
import dev.onering.serving.postgres.PostgresMigrations;
import dev.onering.serving.postgres.PostgresQuality;
import dev.onering.serving.quality.Oracle.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Great Expectations and the Java gate agree: the project's six suites, validated by GX Core 1.x
 * (platform/quality/runner.py, from the lock-built venv) and by {@link QualityGate}, on the very
 * same tables: Silver in the ClickHouse engine (chDB; GX reaches it through ClickHouse's HTTP
 * interface, {@link ChDbHttpFront}), Gold in Postgres with the project's migrations, Bronze lines
 * in the lake's files. Expectation by expectation, both must reach the success flag and the
 * observed figure (the unexpected count of a row check, the observed value of an aggregate) that
 * {@link Oracle} computes from the rows the test wrote, on clean data and on data with one injected
 * failure per expectation type the suites use.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GxAgreementTest {

  static final LocalDate D1 = LocalDate.of(2026, 9, 1);
  static final LocalDate D2 = LocalDate.of(2026, 9, 2);
  static final Set<LocalDate> RUN = new TreeSet<>(List.of(D1, D2));
  /** A day outside the run, so slicing by the batch column matters. */
  static final LocalDate D0 = LocalDate.of(2026, 8, 31);
  static final String SUITES_DIR = "platform/quality/great_expectations/expectations";
  static final List<String> SUITES = List.of("bronze_ticks", "silver_trades", "silver_bars_1m", "silver_batch_stats",
      "gold_daily_bars", "gold_instrument_summary");

  // Secrets that must never show: both stores' passwords and an S3 key the runner is given.
  final String chPassword = "ch-" + UUID.randomUUID();
  final String pgPassword = "pg-" + UUID.randomUUID();
  final String s3Secret = "s3-" + UUID.randomUUID();

  GxRunner gx;
  Path lake;
  Path work;
  ChDb ch;
  ChDbHttpFront front;
  EmbeddedPostgresServer pg;
  PostgresConnection gold;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    gx = GxRunner.locate();
    // The runs' results and Data Docs stay in target/ for a person to read.
    work = Files.createDirectories(Path.of("target", "gx-agreement"));
    lake = Files.createDirectories(dir.resolve("lake"));
    ch = ChDb.open(dir.resolve("chdb"));
    new ChangelogApplier(ch).apply(ChangelogApplier.locateDefaultChangelog());
    front = ChDbHttpFront.start(ch, "gx", chPassword);
    pg = EmbeddedPostgresServer.start(dir.resolve("pg"), 0);
    gold = pg.connection();
    PostgresMigrations.apply(gold, PostgresMigrations.locateChangelog(Path.of("")));
    // GX reads Gold as a role of its own, whose password is one of the secrets.
    pgExecute("CREATE ROLE gx LOGIN PASSWORD '" + pgPassword + "'", "GRANT USAGE ON SCHEMA gold TO gx",
        "GRANT SELECT ON ALL TABLES IN SCHEMA gold TO gx");
  }

  @AfterAll
  void stop() throws Exception {
    if (front != null) {
      front.close();
    }
    if (ch != null) {
      ch.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  // ---- the tests ---------------------------------------------------------------------------------

  @Test
  void gxAndTheJavaGateAgreeOnCleanDataAndOnOneInjectedFailurePerType() throws Exception {
    Data clean = Data.clean();
    load(clean);
    Map<String, List<Outcome>> expectedClean = Oracle.expect(suites(), clean);
    assertThat(expectedClean.values().stream().flatMap(List::stream).filter(o -> !o.success()).toList())
        .as("clean data meets every expectation").isEmpty();
    compare("clean", expectedClean);

    // The dirty data needs what the real schemas forbid: a null price, a second summary per symbol.
    ch.execute("ALTER TABLE silver.trades MODIFY COLUMN price Nullable(Float64)");
    pgExecute("ALTER TABLE gold.instrument_summary DROP CONSTRAINT instrument_summary_pk");
    Data dirty = Data.dirty();
    load(dirty);
    Map<String, List<Outcome>> expectedDirty = Oracle.expect(suites(), dirty);
    Set<String> failingTypes = new TreeSet<>();
    expectedDirty.forEach((suite, outcomes) -> outcomes.stream().filter(o -> !o.success())
        .forEach(o -> failingTypes.add(o.type())));
    Set<String> usedTypes = suites().stream().flatMap(s -> s.expectations().stream()).map(Expectation::type)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(failingTypes).as("an injected failure for every expectation type the suites use").isEqualTo(usedTypes);
    compare("dirty", expectedDirty);
  }

  @Test
  void noSecretReachesTheRunnersOutputResultsOrDataDocs() throws Exception {
    load(Data.clean());
    Path docs = work.resolve("data-docs");
    List<String> seen = new ArrayList<>();
    // A good run with Data Docs; an s3a lake (the Bronze suite goes through the named collection,
    // which this engine does not have, so it raises); a wrong ClickHouse password (no connection).
    Map<String, String> s3a = new LinkedHashMap<>(settings());
    s3a.put("ONERING_LAKE", "s3a://");
    s3a.put("ONERING_S3_ENDPOINT", "http://127.0.0.1:9");
    Map<String, String> wrong = new LinkedHashMap<>(settings());
    wrong.put("ONERING_CLICKHOUSE_PASSWORD", s3Secret);
    GxRunner.Run ok = gx.run(settings(), work.resolve("ok.json"), "--dates", dates(), "--data-docs", docs.toString());
    GxRunner.Run lakeInS3 = gx.run(s3a, work.resolve("s3a.json"), "--dates", dates(), "--suites", "bronze_ticks");
    GxRunner.Run refused = gx.run(wrong, work.resolve("refused.json"), "--dates", dates(), "--suites", "silver_trades");

    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    assertThat(lakeInS3.exitCode()).as("the Bronze suite's critical checks raised: " + lakeInS3.stderr()).isEqualTo(1);
    assertThat(lakeInS3.resultsText()).contains("onering_lake");
    assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(2);
    assertThat(refused.stderr()).contains("could not validate silver_trades");
    for (GxRunner.Run r : List.of(ok, lakeInS3, refused)) {
      seen.addAll(List.of(r.stdout(), r.stderr(), r.resultsText()));
    }
    try (Stream<Path> files = Files.walk(docs)) {
      List<Path> html = files.filter(Files::isRegularFile).toList();
      assertThat(html).as("Data Docs were built").anyMatch(p -> p.toString().endsWith(".html"));
      for (Path f : html) {
        seen.add(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    seen.addAll(front.statements());
    for (String secret : List.of(chPassword, pgPassword, s3Secret)) {
      for (String text : seen) {
        assertThat(text).as("secret in an output, a result, Data Docs or a statement sent").doesNotContain(secret);
      }
    }
  }

  // ---- running both sides ------------------------------------------------------------------------

  private void compare(String label, Map<String, List<Outcome>> expected) throws Exception {
    GxRunner.Run run = gx.run(settings(), work.resolve(label + ".json"), "--dates", dates());
    boolean anyCritical = expected.entrySet().stream().anyMatch(e -> e.getValue().stream()
        .anyMatch(o -> !o.success() && o.critical()));
    assertThat(run.exitCode()).as(label + ": " + run.stderr()).isEqualTo(anyCritical ? 1 : 0);
    Map<String, Map<String, Object>> bySuite = new LinkedHashMap<>();
    run.suites().forEach(s -> bySuite.put(String.valueOf(s.get("suite_name")), s));
    assertThat(bySuite.keySet()).containsExactlyInAnyOrderElementsOf(SUITES);

    for (ExpectationSuite suite : suites()) {
      SuiteResult java = javaGate(suite);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> gxResults = (List<Map<String, Object>>) bySuite.get(suite.name()).get("results");
      List<Outcome> want = expected.get(suite.name());
      assertThat(java.results()).hasSize(want.size());
      assertThat(gxResults).hasSize(want.size());
      for (int i = 0; i < want.size(); i++) {
        Outcome o = want.get(i);
        String what = label + " " + suite.name() + " #" + (i + 1) + " " + o.id();
        ExpectationResult j = java.results().get(i);
        Map<String, Object> g = gxResult(gxResults, suite.expectations().get(i), what);
        @SuppressWarnings("unchecked")
        Map<String, Object> cfg = (Map<String, Object>) g.get("expectation_config");
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) g.get("result");
        assertThat(cfg.get("type")).as(what).isEqualTo(o.type());
        assertThat(j.exceptionInfo()).as(what + " (Java)").isNull();
        assertThat(g.get("exception_info")).as(what + " (GX)").isNull();
        assertThat(j.success()).as(what + " success (Java)").isEqualTo(o.success());
        assertThat(g.get("success")).as(what + " success (GX)").isEqualTo(o.success());
        if (o.rowCheck()) {
          assertThat(j.unexpectedCount()).as(what + " unexpected (Java)").isEqualTo(o.unexpected());
          // Over no rows GX's count of unexpected ones is null (a SQL sum of nothing): none.
          Object gxUnexpected = result.get("unexpected_count") == null
              && ((Number) result.get("element_count")).longValue() == 0 ? 0 : result.get("unexpected_count");
          assertThat(((Number) gxUnexpected).longValue()).as(what + " unexpected (GX)").isEqualTo(o.unexpected());
        } else {
          assertThat(Oracle.same(o.observed(), j.observedValue())).as(what + " observed (Java) " + j.observedValue()
              + " vs " + o.observed()).isTrue();
          assertThat(Oracle.same(o.observed(), result.get("observed_value"))).as(what + " observed (GX) "
              + result.get("observed_value") + " vs " + o.observed()).isTrue();
        }
      }
    }
  }

  /**
   * GX's result for an expectation of the suite: GX orders its results its own way, so it is found
   * by type and kwargs (a {@code $PARAMETER} kwarg matches whatever GX shows for it).
   */
  private static Map<String, Object> gxResult(List<Map<String, Object>> results, Expectation e, String what) {
    List<Map<String, Object>> found = results.stream().filter(r -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> cfg = (Map<String, Object>) r.get("expectation_config");
      @SuppressWarnings("unchecked")
      Map<String, Object> kw = (Map<String, Object>) cfg.get("kwargs");
      return e.type().equals(cfg.get("type")) && e.kwargs().entrySet().stream().allMatch(k ->
          k.getValue() instanceof Map<?, ?> m && m.containsKey("$PARAMETER")
              || Oracle.same(k.getValue(), kw.get(k.getKey())) || k.getValue().equals(kw.get(k.getKey())));
    }).toList();
    assertThat(found).as(what + ": GX's result for it").hasSize(1);
    return found.get(0);
  }

  /** The Java gate as QualityStep and publish-gold run it: Silver and Bronze in ClickHouse, Gold in Postgres. */
  private SuiteResult javaGate(ExpectationSuite suite) {
    return switch (suite.store()) {
      case "clickhouse" -> QualityGate.validate(suite,
          QualityGate.batchTable(suite.asset(), suite.batchColumn(), RUN, Dialect.CLICKHOUSE), Dialect.CLICKHOUSE,
          ch::rows, Oracle.params(), Map.of());
      // QualityStep.lakeLines for a local lake: the engine reads the run's files.
      case "lake" -> QualityGate.validate(suite, "file(" + ChDb.quote(lake.resolve(suite.asset()) + "/date={"
          + RUN.stream().map(LocalDate::toString).collect(Collectors.joining(",")) + "}/*.jsonl") + ", 'LineAsString')",
          Dialect.CLICKHOUSE, ch::rows, Oracle.params(), Map.of());
      default -> QualityGate.validate(suite, suite.asset(), Dialect.POSTGRES, sql -> PostgresQuality.rows(gold, sql),
          Map.of(), Map.of());
    };
  }

  private Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("ONERING_CLICKHOUSE_URL", front.url().toString());
    s.put("ONERING_CLICKHOUSE_USER", "gx");
    s.put("ONERING_CLICKHOUSE_PASSWORD", chPassword);
    s.put("ONERING_PG_URL", "jdbc:postgresql://localhost:" + pg.port() + "/" + EmbeddedPostgresServer.DATABASE);
    s.put("ONERING_PG_USER", "gx");
    s.put("ONERING_PG_PASSWORD", pgPassword);
    s.put("ONERING_LAKE", lake.toString());
    s.put("ONERING_S3_SECRET_KEY", s3Secret);
    return s;
  }

  private static String dates() {
    return RUN.stream().map(LocalDate::toString).collect(Collectors.joining(","));
  }

  private List<ExpectationSuite> suites() {
    return SUITES.stream().map(n -> ExpectationSuite.read(gx.root().resolve(SUITES_DIR).resolve(n + ".json"))).toList();
  }

  // ---- loading the stores ------------------------------------------------------------------------

  private void load(Data d) throws Exception {
    for (String table : List.of("silver.trades", "silver.bars_1m", "silver.batch_stats")) {
      ch.execute("TRUNCATE TABLE " + table);
    }
    // Rows that differ only by a key the table replaces on would be merged on insert: keep them.
    insertCh("silver.trades", d.trades());
    insertCh("silver.bars_1m", d.bars());
    insertCh("silver.batch_stats", d.stats());
    pgExecute("TRUNCATE gold.daily_bars", "TRUNCATE gold.instrument_summary");
    insertPg("gold.daily_bars", d.dailyBars());
    insertPg("gold.instrument_summary", d.summaries());
    Path ticks = lake.resolve("bronze/ticks");
    if (Files.exists(ticks)) {
      try (Stream<Path> old = Files.walk(ticks)) {
        old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    d.bronze().forEach((date, lines) -> {
      try {
        Path f = Files.createDirectories(ticks.resolve("date=" + date)).resolve("part-00000.jsonl");
        Files.write(f, lines);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private void insertCh(String table, List<Map<String, Object>> rows) {
    if (!rows.isEmpty()) {
      ch.execute("INSERT INTO " + table + " (" + String.join(", ", rows.get(0).keySet()) + ") SETTINGS "
          + "optimize_on_insert = 0 VALUES " + values(rows, GxAgreementTest::chLiteral));
    }
  }

  private void insertPg(String table, List<Map<String, Object>> rows) throws Exception {
    if (!rows.isEmpty()) {
      pgExecute("INSERT INTO " + table + " (" + String.join(", ", rows.get(0).keySet()) + ") VALUES "
          + values(rows, GxAgreementTest::pgLiteral));
    }
  }

  private void pgExecute(String... sql) throws Exception {
    try (Connection c = gold.open(); Statement s = c.createStatement()) {
      for (String x : sql) {
        s.execute(x);
      }
    }
  }

  private static String values(List<Map<String, Object>> rows, java.util.function.Function<Object, String> literal) {
    return rows.stream().map(r -> r.values().stream().map(literal).collect(Collectors.joining(", ", "(", ")")))
        .collect(Collectors.joining(", "));
  }

  static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private static String chLiteral(Object v) {
    return v == null ? "NULL" : v instanceof Number ? v.toString()
        : ChDb.quote(v instanceof LocalDateTime t ? TS.format(t) : v.toString());
  }

  private static String pgLiteral(Object v) {
    return v == null ? "NULL" : v instanceof Number ? v.toString()
        : "'" + (v instanceof LocalDateTime t ? TS.format(t) : v.toString()).replace("'", "''") + "'";
  }
}
