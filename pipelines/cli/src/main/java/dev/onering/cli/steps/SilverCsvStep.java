package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.lake.Lake;
import dev.onering.spark.lake.LakeFs;
import dev.onering.spark.silver.CsvDailyToSilver;
import dev.onering.spark.lake.LakeTables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Imported CSV to Silver: see {@link CsvDailyToSilver}. */
public final class SilverCsvStep implements PipelineStep {

  @Override
  public String id() {
    return "silver-csv";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    if (LakeFs.of(ctx.spark(), ctx.lake()).partitionValues(Lake.BRONZE_OHLCV_CSV, "ingest_date").isEmpty()) {
      return Outcome.skipped("no CSV imports under " + ctx.lake().uri(Lake.BRONZE_OHLCV_CSV));
    }
    CsvDailyToSilver.Result r = CsvDailyToSilver.run(ctx.spark(), ctx.tables());
    if (ctx.publishUnaudited()) {
      // --publish-unaudited: no gate in this run (the benchmark), so the write goes to main itself.
      List.of(LakeTables.Id.SILVER_DAILY_IMPORTED).forEach(ctx.tables()::publish);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("files", r.files());
    details.put("symbol_days", r.kept());
    details.put("quarantine_by_reason", r.quarantineByReason());
    details.put("quarantine_examples", r.examples());
    if (r.quarantined() > 0) {
      Progress.info(String.format("%,d records quarantined by reason %s; for example:", r.quarantined(), r.quarantineByReason()));
      r.examples().forEach(e -> Progress.info("  " + e));
    }
    return Outcome.success(r.rows(), r.kept(), r.quarantined(), details);
  }
}
