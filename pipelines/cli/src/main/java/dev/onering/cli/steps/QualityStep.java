package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.lake.Lake;
import dev.onering.lake.LakeFiles;
import dev.onering.pipeline.Json;
import dev.onering.pipeline.StepResult;
import dev.onering.quality.Dialect;
import dev.onering.quality.ExpectationResult;
import dev.onering.quality.ExpectationSuite;
import dev.onering.quality.QualityGate;
import dev.onering.quality.Severity;
import dev.onering.quality.SuiteResult;
import dev.onering.lake.S3Endpoint;
import dev.onering.serving.clickhouse.ChDb;
import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.clickhouse.LakeCollection;
import dev.onering.serving.postgres.PostgresQuality;
import dev.onering.spark.lake.LakeTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The quality gate on Silver: validates Great Expectations suites (platform/quality/
 * great_expectations/expectations/) and fails when a critical expectation fails. It is the audit of
 * write-audit-publish: the Silver suites read the Iceberg tables' {@value LakeTables#AUDIT} branch
 * (what the silver steps just wrote), and a pass publishes it (main fast-forwards to it); a failure
 * publishes nothing, so Silver's main, ClickHouse, Gold and Postgres stay as the last good run left
 * them, and the step result says "not published". (Gold's own suites run inside the publishing
 * transaction, in {@link PublishGoldStep}.) Every result goes to {@code gold.quality_results}, the full
 * GX-shaped validation to the lake, and a summary to the step's JSON result (docs/quality.md).
 */
public final class QualityStep implements PipelineStep {

  /** Where the suites live, relative to the OneRing folder; the GX runner in the stack reads the same files. */
  public static final String SUITES_DIR = "platform/quality/great_expectations/expectations";
  /** Lake folder of the full validation results, one file per suite and run. */
  public static final String RESULTS_DIR = "quality/validations";
  /** How far before the run's last day the latest event may lie: a weekend plus a holiday. */
  static final int FRESHNESS_DAYS = 4;

  private final String id;
  private final List<String> suites;

  private QualityStep(String id, List<String> suites) {
    this.id = id;
    this.suites = List.copyOf(suites);
  }

  /** Bronze files and Silver tables of the run's dates: the gate in front of Gold. */
  public static QualityStep silver() {
    return new QualityStep("quality-silver", List.of("bronze_ticks", "silver_trades", "silver_bars_1m",
        "silver_batch_stats"));
  }

  @Override
  public String id() {
    return id;
  }

  public List<String> suites() {
    return suites;
  }

  /**
   * Whether this gate audits Silver's {@value LakeTables#AUDIT} branch and publishes it: the Silver
   * gate does (write-audit-publish); another set of suites validates what is already served.
   */
  boolean audits() {
    return id.equals("quality-silver");
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) throws Exception {
    if (audits() && ctx.tables().snapshotId(LakeTables.Id.SILVER_TRADES, LakeTables.AUDIT).isEmpty()) {
      return importsOnly(ctx);
    }
    List<ExpectationSuite> loaded = load(ctx, suites);
    List<SuiteResult> results = new ArrayList<>();
    for (ExpectationSuite suite : loaded) {
      Progress.update("validating " + suite.name());
      results.add(validate(ctx, request, suite));
    }
    Instant at = Instant.now();
    int recorded = PostgresQuality.record(ctx.postgres(), request.runId(), results, at);
    String written = writeResults(ctx, request.runId(), results);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("suites", suites);
    details.put("results_recorded", recorded);
    details.put("validation_results", written);
    Map<String, Object> quality = summary(results);
    long evaluated = results.stream().mapToLong(r -> r.results().size()).sum();
    long failed = results.stream().mapToLong(r -> r.results().stream().filter(x -> !x.success()).count()).sum();
    List<String> critical = SuiteResult.describeFailures(results, Severity.critical);
    List<String> warnings = SuiteResult.describeFailures(results, Severity.warning);
    if (!warnings.isEmpty()) {
      Progress.info("quality warnings: " + String.join("; ", warnings));
    }
    boolean publishes = audits();
    if (!critical.isEmpty()) {
      String error = critical.size() + " critical expectation(s) failed, so nothing downstream is promoted"
          + (publishes ? " (Silver not published: main and Gold stay as the last published run left them; the"
              + " rejected rows stay on the '" + LakeTables.AUDIT + "' branch to inspect)" : "") + ": "
          + String.join("; ", critical) + ". Fix the data (or the source) and re-run; details in "
          + PostgresQuality.RESULTS_TABLE + " and the run report.";
      if (publishes) {
        details.put("published", false);
        details.put("publication", "not published");
        details.put("audited_snapshots", ctx.tables().snapshotIds(LakeTables.Id.silverTables(), LakeTables.AUDIT));
        details.put("snapshots", ctx.tables().snapshotIds(LakeTables.Id.silverTables(), LakeTables.MAIN));
      }
      return new Outcome(StepResult.Status.failed, evaluated, evaluated - failed, 0, details, quality, error);
    }
    if (publishes) {
      Map<String, Long> published = new LinkedHashMap<>();
      for (LakeTables.Id t : LakeTables.Id.silverTables()) {
        ctx.tables().publish(t).ifPresent(snapshot -> published.put(t.qualifiedName(), snapshot));
      }
      details.put("published", true);
      details.put("publication", "published");
      details.put("snapshots", published);
      Progress.info("Silver published: " + published);
    }
    return new Outcome(StepResult.Status.success, evaluated, evaluated - failed, 0, details, quality, null);
  }

  /**
   * A lake that has never had a tick written to Silver (imported CSV only, as docs/ml.md's retrain
   * recipe): the suites are about ticks and would fail on their absence, which is no defect of the
   * import. Imported rows are checked line by line by silver-csv (rejects quarantined), so what it
   * wrote is published as is.
   */
  private Outcome importsOnly(StepContext ctx) {
    Map<String, Long> published = new LinkedHashMap<>();
    for (LakeTables.Id t : LakeTables.Id.silverTables()) {
      ctx.tables().publish(t).ifPresent(snapshot -> published.put(t.qualifiedName(), snapshot));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("suites", List.of());
    details.put("not_applicable", "Silver holds no ticks on any branch (no silver run yet): the tick suites "
        + String.join(", ", suites) + " do not apply; imported rows were validated by silver-csv");
    details.put("published", true);
    details.put("publication", "published");
    details.put("snapshots", published);
    Progress.info("no ticks in Silver: tick suites skipped; Silver published: " + published);
    return new Outcome(StepResult.Status.success, 0, 0, 0, details, null, null);
  }

  /** The named suites from {@value #SUITES_DIR}, read and checked before anything runs. */
  static List<ExpectationSuite> load(StepContext ctx, List<String> names) {
    Path dir = ctx.settings().home().resolve(SUITES_DIR);
    List<ExpectationSuite> loaded = new ArrayList<>();
    for (String name : names) {
      loaded.add(ExpectationSuite.read(dir.resolve(name + ".json")));
    }
    return loaded;
  }

  private SuiteResult validate(StepContext ctx, StepRequest request, ExpectationSuite suite) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("run_id", request.runId());
    meta.put("store", suite.store());
    meta.put("asset", suite.asset());
    switch (suite.store()) {
      case "clickhouse" -> {
        Set<LocalDate> dates = runDates(ctx, request);
        meta.put("batch", dates.stream().map(LocalDate::toString).toList());
        String asset = suite.asset();
        Optional<LakeTables.Id> audited = audits() ? silverTable(asset) : Optional.empty();
        if (audited.isPresent()) {
          asset = auditedFiles(ctx, audited.get(), dates);
          meta.put("ref", LakeTables.AUDIT);
          ctx.tables().snapshotId(audited.get(), LakeTables.AUDIT).ifPresent(id -> meta.put("snapshot_id", id));
        }
        String table = QualityGate.batchTable(asset, suite.batchColumn(), dates, Dialect.CLICKHOUSE);
        return QualityGate.validate(suite, table, Dialect.CLICKHOUSE, ctx.silver()::rows, params(dates), meta);
      }
      case "lake" -> {
        Set<LocalDate> dates = runDates(ctx, request);
        meta.put("batch", dates.stream().map(LocalDate::toString).toList());
        return QualityGate.validate(suite, lakeLines(ctx, suite.asset(), dates), Dialect.CLICKHOUSE,
            ctx.silver()::rows, params(dates), meta);
      }
      case "postgres" -> {
        return QualityGate.validate(suite, suite.asset(), Dialect.POSTGRES,
            sql -> PostgresQuality.rows(ctx.postgres(), sql), params(Set.of()), meta);
      }
      default -> throw new IllegalArgumentException("suite " + suite.name() + " names the store '" + suite.store()
          + "'; the gate knows clickhouse, postgres and lake");
    }
  }

  /** The run's dates, or every date the audited batch stats hold when the step was called without any. */
  private Set<LocalDate> runDates(StepContext ctx, StepRequest request) {
    Set<LocalDate> dates = new TreeSet<>(request.dates());
    if (dates.isEmpty() && audits()) {
      dates.addAll(ctx.tables().dates(LakeTables.Id.SILVER_BATCH_STATS, LakeTables.AUDIT));
    } else if (dates.isEmpty()) {
      for (Map<String, Object> r : ctx.silver().rows("SELECT DISTINCT toString(trade_date) AS d FROM silver.batch_stats")) {
        dates.add(LocalDate.parse(String.valueOf(r.get("d"))));
      }
    }
    return dates;
  }

  /** The Iceberg Silver table a suite's asset names ({@code silver.trades}), if it is one. */
  static Optional<LakeTables.Id> silverTable(String asset) {
    return LakeTables.Id.silverTables().stream().filter(t -> t.qualifiedName().equals(asset)).findFirst();
  }

  /**
   * The audit branch's data files of the dates as one table expression the Silver store's engine
   * reads itself: {@code file()} per file for chDB on a local lake, {@code s3()} through the named
   * collection for an s3a lake. Exactly the files of the audited snapshot, so the gate sees what
   * publishing would make main. No files: the served table's columns with no rows.
   */
  static String auditedFiles(StepContext ctx, LakeTables.Id table, Set<LocalDate> dates) {
    List<String> files = ctx.tables().dataFiles(table, LakeTables.AUDIT, List.copyOf(dates));
    if (files.isEmpty()) {
      return "(SELECT * FROM " + table.qualifiedName() + " WHERE 0)";
    }
    Lake lake = ctx.lake();
    List<String> selects = new ArrayList<>();
    for (String f : files) {
      String source;
      if (lake.isLocal()) {
        if (!(ctx.silver() instanceof ChDbSilverStore)) {
          throw new IllegalStateException("the gate reads " + table.qualifiedName() + "'s audit branch from the lake in "
              + "ClickHouse, but " + ctx.silver().location() + " cannot read the local lake " + lake.root()
              + "; with a ClickHouse server use an s3a lake (ONERING_LAKE=s3a://), or unset ONERING_CLICKHOUSE_URL");
        }
        source = "file(" + ChDb.quote(lake.path(f).toAbsolutePath().toString()) + ", Parquet)";
      } else {
        String uri = lake.uri(f);
        source = LakeCollection.s3(uri.substring(uri.indexOf("://") + 3), "Parquet", null);
      }
      // Hive partitioning off: trade_date is a column of Iceberg's files, not only their folder's name.
      selects.add("SELECT * FROM " + source + " SETTINGS use_hive_partitioning = 0");
    }
    return "(" + String.join(" UNION ALL ", selects) + ")";
  }

  /**
   * Suite parameters: the freshness window. The latest event must fall between the start of the
   * day {@value #FRESHNESS_DAYS} days before the run's last date and the end of that last date.
   */
  static Map<String, Object> params(Set<LocalDate> dates) {
    Map<String, Object> p = new LinkedHashMap<>();
    LocalDate last = dates.stream().max(LocalDate::compareTo).orElse(null);
    if (last != null) {
      p.put("freshness_floor", last.minusDays(FRESHNESS_DAYS) + " 00:00:00");
      p.put("batch_end", last + " 23:59:59.999999");
    }
    return p;
  }

  /**
   * The lake's lines of the run's dates as a one-column table ({@code line}), read by the ClickHouse
   * engine itself: {@code file()} for chDB on a local lake, {@code s3()} for an s3a lake, which the
   * stack's ClickHouse server reads from MinIO directly. The endpoint and keys are the engine's
   * named collection ({@link LakeCollection}), never part of the statement.
   */
  static String lakeLines(StepContext ctx, String asset, Set<LocalDate> dates) {
    String glob = dates.isEmpty() ? "*"
        : dates.size() == 1 ? dates.iterator().next().toString()
        : dates.stream().map(LocalDate::toString).collect(Collectors.joining(",", "{", "}"));
    String relative = asset + "/date=" + glob + "/*.jsonl";
    Lake lake = ctx.lake();
    if (lake.isLocal()) {
      if (!(ctx.silver() instanceof ChDbSilverStore)) {
        throw new IllegalStateException("the " + asset + " suite reads the lake's files in ClickHouse, but "
            + ctx.silver().location() + " cannot read the local lake " + lake.root() + "; with a ClickHouse "
            + "server use an s3a lake (ONERING_LAKE=s3a://), or unset ONERING_CLICKHOUSE_URL for the embedded engine");
      }
      return "file(" + ChDb.quote(lake.path(relative).toAbsolutePath().toString()) + ", 'LineAsString')";
    }
    S3Endpoint s3 = ctx.s3();
    if (s3.endpoint() == null || !s3.hasCredentials()) {
      throw new IllegalStateException("the " + asset + " suite reads " + lake.uri(relative) + " with ClickHouse's "
          + "s3() function, which needs " + S3Endpoint.ENDPOINT_ENV + ", " + S3Endpoint.ACCESS_KEY_ENV + " and "
          + S3Endpoint.SECRET_KEY_ENV + "; set them (compose.yaml does in the stack)");
    }
    String uri = lake.uri(relative);
    // Path-style, as MinIO serves buckets: <endpoint>/<bucket>/<key>.
    return LakeCollection.s3(uri.substring(uri.indexOf("://") + 3), "LineAsString", null);
  }

  /** The compact summary for the step result and the report: one row per expectation, no samples. */
  static Map<String, Object> summary(List<SuiteResult> results) {
    List<Map<String, Object>> suites = new ArrayList<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (SuiteResult s : results) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("suite", s.suiteName());
      m.put("success", s.success());
      m.put("statistics", s.statistics());
      suites.add(m);
      for (ExpectationResult r : s.results()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("suite", s.suiteName());
        row.put("expectation", r.expectationConfig().id());
        row.put("success", r.success());
        row.put("observed_value", r.observedText());
        row.put("severity", r.severity().name());
        row.put("unexpected_count", r.unexpectedCount());
        rows.add(row);
      }
    }
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("success", results.stream().allMatch(SuiteResult::success));
    q.put("suites", suites);
    q.put("expectations", rows);
    return q;
  }

  /**
   * The full validations under {@value #RESULTS_DIR} in the lake, or null when not written: without a
   * run id, or in a lake whose zones are buckets (the stack's), which has no bucket for them; there
   * gold.quality_results and GX's Data Docs keep them.
   */
  static String writeResults(StepContext ctx, String runId, List<SuiteResult> results) throws IOException {
    if (runId == null || ctx.lake().zonesAreBuckets()) {
      return null;
    }
    LakeFiles lake = ctx.lakeFiles();
    String dir = RESULTS_DIR + "/run_id=" + runId;
    for (SuiteResult r : results) {
      try (java.io.OutputStream out = lake.create(dir + "/" + r.suiteName() + ".json")) {
        out.write((Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return lake.uri(dir);
  }

}
