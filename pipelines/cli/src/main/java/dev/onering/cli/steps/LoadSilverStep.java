package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.lake.Lake;
import dev.onering.lake.LakeFiles;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.serving.clickhouse.SilverTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces each date's partition of the ClickHouse Silver tables with the lake's Parquet for it,
 * in whichever store the environment names (chDB, or the server at ONERING_CLICKHOUSE_URL), from
 * whichever lake (a folder, or s3a). Without dates, every date in the lake's Silver trades.
 */
public final class LoadSilverStep implements PipelineStep {

  @Override
  public String id() {
    return "load-silver";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    LakeFiles files = ctx.lakeFiles();
    List<LocalDate> dates = request.dates();
    if (dates.isEmpty()) {
      dates = files.partitionValues(Lake.SILVER_TRADES, SilverTable.PARTITION_COLUMN).stream()
          .map(LocalDate::parse).toList();
    }
    Map<String, Long> loaded = new LinkedHashMap<>();
    int i = 0;
    for (LocalDate d : dates) {
      for (SilverTable t : SilverTable.values()) {
        loaded.merge(t.qualifiedName(), ctx.silver().replacePartition(t, files, d), Long::sum);
      }
      long accepted = ctx.silver().count(SilverTable.TRADES, d);
      long quarantined = quarantinedLines(files, d);
      ctx.silver().replaceBatchStats(d, accepted, quarantined);
      loaded.merge(SilverStore.BATCH_STATS, 1L, Long::sum);
      Progress.update(String.format("%d/%d dates loaded (%s)", ++i, dates.size(), d));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("dates", dates.size());
    details.put("store", ctx.silver().location());
    details.put("rows_by_table", loaded);
    long trades = loaded.getOrDefault(SilverTable.TRADES.qualifiedName(), 0L);
    return Outcome.success(trades, trades, 0, details);
  }

  /** Lines of the date's quarantine files, as the silver step wrote them (Spark's .crc files are not data). */
  static long quarantinedLines(LakeFiles lake, LocalDate date) {
    String dir = Lake.datePartition(Lake.QUARANTINE_TICKS, "date", date);
    long n = 0;
    for (String f : lake.list(dir, ".json")) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(lake.open(f), StandardCharsets.UTF_8))) {
        n += r.lines().filter(l -> !l.isBlank()).count();
      } catch (IOException | UncheckedIOException e) {
        throw new UncheckedIOException("cannot count the quarantined lines of " + lake.uri(f)
            + "; check it is readable, or re-run silver for " + date, e instanceof IOException io ? io
                : ((UncheckedIOException) e).getCause());
      }
    }
    return n;
  }
}
