package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.lake.LakeFiles;
import dev.onering.serving.clickhouse.SilverTable;
import dev.onering.spark.lake.LakeTables;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces each date's partition of the ClickHouse Silver tables (trades, 1-minute bars, batch
 * stats) with the data files of the Iceberg tables' published snapshot ({@code main}) for that date,
 * in whichever store the environment names (chDB, or the server at ONERING_CLICKHOUSE_URL), from
 * whichever lake (a folder, or s3a). Only files the snapshot lists are read: never one of a write
 * that did not commit or of a run the quality gate did not publish. Without dates, every date the
 * published trades hold.
 */
public final class LoadSilverStep implements PipelineStep {

  @Override
  public String id() {
    return "load-silver";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    LakeFiles files = ctx.lakeFiles();
    LakeTables tables = ctx.tables();
    List<LocalDate> dates = request.dates();
    if (dates.isEmpty()) {
      dates = tables.dates(LakeTables.Id.SILVER_TRADES, LakeTables.MAIN);
    }
    Map<String, Long> loaded = new LinkedHashMap<>();
    int i = 0;
    for (LocalDate d : dates) {
      for (SilverTable t : SilverTable.values()) {
        List<String> parts = tables.dataFiles(lakeTable(t), LakeTables.MAIN, List.of(d));
        loaded.merge(t.qualifiedName(), ctx.silver().replacePartition(t, files, d, parts), Long::sum);
      }
      Progress.update(String.format("%d/%d dates loaded (%s)", ++i, dates.size(), d));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("dates", dates.size());
    details.put("store", ctx.silver().location());
    details.put("rows_by_table", loaded);
    details.put("snapshots", tables.snapshotIds(Arrays.stream(SilverTable.values()).map(LoadSilverStep::lakeTable)
        .toList(), LakeTables.MAIN));
    long trades = loaded.getOrDefault(SilverTable.TRADES.qualifiedName(), 0L);
    return Outcome.success(trades, trades, 0, details);
  }

  /** The Iceberg table a ClickHouse Silver table is loaded from: the same name. */
  static LakeTables.Id lakeTable(SilverTable t) {
    return switch (t) {
      case TRADES -> LakeTables.Id.SILVER_TRADES;
      case BARS_1M -> LakeTables.Id.SILVER_BARS_1M;
      case BATCH_STATS -> LakeTables.Id.SILVER_BATCH_STATS;
    };
  }
}
