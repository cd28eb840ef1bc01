package dev.onering.cli.steps;

import dev.onering.cli.StepContext;
import dev.onering.pipeline.StepResult;
import dev.onering.quality.ExpectationSuite;
import dev.onering.quality.Severity;
import dev.onering.quality.SuiteResult;
import dev.onering.serving.postgres.GoldPublication;
import dev.onering.serving.postgres.GoldPublisher;
import dev.onering.serving.postgres.PostgresQuality;
import dev.onering.spark.gold.SilverToGold;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces Postgres Gold with the gold zone, in one transaction, and runs Gold's expectation
 * suites inside it before the commit: Gold that fails a critical expectation is rolled back and
 * never seen, and the previous Gold stays.
 */
public final class PublishGoldStep implements PipelineStep {

  /** Gold's suites, validated on the new rows before they are committed. */
  public static final List<String> GOLD_SUITES = List.of("gold_daily_bars", "gold_instrument_summary");

  @Override
  public String id() {
    return "publish-gold";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) throws Exception {
    List<ExpectationSuite> suites = QualityStep.load(ctx, GOLD_SUITES);
    SilverToGold.GoldTables gold = SilverToGold.read(ctx.tables());
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("run_id", request.runId());
    meta.put("store", "postgres");
    meta.put("validated", "before commit");
    List<SuiteResult> results = new ArrayList<>();
    Map<String, Object> details = new LinkedHashMap<>();
    long rows = gold.daily().size() + gold.summary().size();
    String rejected = null;
    try {
      GoldPublication p = GoldPublisher.publish(ctx.postgres(), request.runId(), gold.daily(), gold.summary(),
          PostgresQuality.gate(suites, meta, results));
      details.put("publication", p);
    } catch (PostgresQuality.GoldRejectedException e) {
      rejected = e.getMessage();
    }
    details.put("results_recorded", PostgresQuality.record(ctx.postgres(), request.runId(), results, Instant.now()));
    details.put("validation_results", QualityStep.writeResults(ctx, request.runId(), results));
    List<String> warnings = SuiteResult.describeFailures(results, Severity.warning);
    if (!warnings.isEmpty()) {
      dev.onering.cli.Progress.info("quality warnings: " + String.join("; ", warnings));
    }
    Object quality = QualityStep.summary(results);
    if (rejected != null) {
      return new Outcome(StepResult.Status.failed, rows, 0, 0, details, quality, rejected);
    }
    return new Outcome(StepResult.Status.success, rows, rows, 0, details, quality, null);
  }
}
