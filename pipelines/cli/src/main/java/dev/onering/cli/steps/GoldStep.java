package dev.onering.cli.steps;

import dev.onering.cli.StepContext;
import dev.onering.spark.gold.SilverToGold;
import dev.onering.spark.lake.LakeTables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Published Silver to the Gold Iceberg tables: see {@link SilverToGold}. Always over all of Silver. */
public final class GoldStep implements PipelineStep {

  @Override
  public String id() {
    return "gold";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    SilverToGold.GoldTables gold = SilverToGold.run(ctx.spark(), ctx.tables());
    if (gold.daily().isEmpty()) {
      return Outcome.failed("Silver is empty: run the silver and silver-csv steps first", Map.of());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("symbols", gold.summary().size());
    details.put("daily_rows", gold.daily().size());
    // Each Gold table's snapshot after this run: read Gold as of this run later with these
    // (SilverToGold.read(spark, tables, asOf); docs/data-model.md, Time travel).
    details.put("snapshots", ctx.tables().snapshotIds(
        List.of(LakeTables.Id.GOLD_DAILY_BARS, LakeTables.Id.GOLD_INSTRUMENT_SUMMARY), LakeTables.MAIN));
    long bars = gold.daily().size();
    return Outcome.success(bars, bars + gold.summary().size(), 0, details);
  }
}
