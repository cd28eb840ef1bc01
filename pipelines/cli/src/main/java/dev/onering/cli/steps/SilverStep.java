package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.lake.Lake;
import dev.onering.spark.lake.LakeFs;
import dev.onering.spark.lake.LakeTables;
import dev.onering.spark.silver.BronzeToSilver;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bronze ticks to Silver: see {@link BronzeToSilver}. Without dates, every Bronze date. */
public final class SilverStep implements PipelineStep {

  @Override
  public String id() {
    return "silver";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    List<LocalDate> dates = request.dates();
    if (dates.isEmpty()) {
      dates = LakeFs.of(ctx.spark(), ctx.lake()).partitionValues(Lake.BRONZE_TICKS, "date").stream()
          .map(LocalDate::parse).toList();
    }
    if (dates.isEmpty()) {
      return Outcome.failed("no Bronze ticks under " + ctx.lake().uri(Lake.BRONZE_TICKS)
          + "; run `onering generate` or ingest data first", Map.of());
    }
    BronzeToSilver.Result r = BronzeToSilver.run(ctx.spark(), ctx.tables(), dates);
    if (ctx.publishUnaudited()) {
      // --publish-unaudited: no gate in this run (the benchmark), so the write goes to main itself.
      List.of(LakeTables.Id.SILVER_TRADES, LakeTables.Id.SILVER_BARS_1M, LakeTables.Id.SILVER_BATCH_STATS).forEach(ctx.tables()::publish);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("dates", dates.size());
    details.put("first_date", dates.get(0).toString());
    details.put("last_date", dates.get(dates.size() - 1).toString());
    details.put("bars_1m", r.bars());
    // What the quality gate will audit; main moves to these only when it passes.
    details.put("audited_snapshots", ctx.tables().snapshotIds(List.of(LakeTables.Id.SILVER_TRADES,
        LakeTables.Id.SILVER_BARS_1M, LakeTables.Id.SILVER_BATCH_STATS), LakeTables.AUDIT));
    details.put("quarantine_by_reason", r.quarantineByReason());
    details.put("quarantine_examples", r.examples());
    if (r.quarantined() > 0) {
      Progress.info(String.format("%,d records quarantined by reason %s; for example:", r.quarantined(), r.quarantineByReason()));
      r.examples().forEach(e -> Progress.info("  " + e));
    }
    return Outcome.success(r.lines(), r.trades(), r.quarantined(), details);
  }
}
