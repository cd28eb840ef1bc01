package dev.onering.cli.steps;

import dev.onering.cli.StepContext;
import dev.onering.spark.gold.SilverToGold;
import java.util.LinkedHashMap;
import java.util.Map;

/** Silver to the gold zone: see {@link SilverToGold}. Always over all of Silver. */
public final class GoldStep implements PipelineStep {

  @Override
  public String id() {
    return "gold";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    SilverToGold.GoldTables gold = SilverToGold.run(ctx.spark(), ctx.lake());
    if (gold.daily().isEmpty()) {
      return Outcome.failed("Silver is empty: run the silver and silver-csv steps first", Map.of());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("symbols", gold.summary().size());
    details.put("daily_rows", gold.daily().size());
    long bars = gold.daily().size();
    return Outcome.success(bars, bars + gold.summary().size(), 0, details);
  }
}
