package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.lake.Lake;
import dev.onering.serving.clickhouse.SilverTable;
import dev.onering.spark.lake.LakeFs;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces each date's partition of the ClickHouse Silver tables with the lake's Parquet for it.
 * Without dates, every date in the lake's Silver trades.
 */
public final class LoadSilverStep implements PipelineStep {

  @Override
  public String id() {
    return "load-silver";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    List<LocalDate> dates = request.dates();
    if (dates.isEmpty()) {
      dates = LakeFs.of(ctx.spark(), ctx.lake()).partitionValues(Lake.SILVER_TRADES, "trade_date").stream()
          .map(LocalDate::parse).toList();
    }
    Map<String, Long> loaded = new LinkedHashMap<>();
    int i = 0;
    for (LocalDate d : dates) {
      for (SilverTable t : SilverTable.values()) {
        loaded.merge(t.qualifiedName(), ctx.silver().replacePartition(t, ctx.lake(), d), Long::sum);
      }
      Progress.update(String.format("%d/%d dates loaded (%s)", ++i, dates.size(), d));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("dates", dates.size());
    details.put("rows_by_table", loaded);
    long trades = loaded.getOrDefault(SilverTable.TRADES.qualifiedName(), 0L);
    return Outcome.success(trades, trades, 0, details);
  }
}
