package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.lake.Lake;
import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.clickhouse.SilverTable;
import dev.onering.spark.lake.LakeFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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
      long accepted = ctx.silver().count(SilverTable.TRADES, d);
      long quarantined = quarantinedLines(ctx.lake(), d);
      ctx.silver().replaceBatchStats(d, accepted, quarantined);
      loaded.merge(ChDbSilverStore.BATCH_STATS, 1L, Long::sum);
      Progress.update(String.format("%d/%d dates loaded (%s)", ++i, dates.size(), d));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("dates", dates.size());
    details.put("rows_by_table", loaded);
    long trades = loaded.getOrDefault(SilverTable.TRADES.qualifiedName(), 0L);
    return Outcome.success(trades, trades, 0, details);
  }

  /** Lines of the date's quarantine files, as the silver step wrote them (Spark's .crc files are not data). */
  static long quarantinedLines(Lake lake, LocalDate date) {
    Path dir = lake.path(Lake.datePartition(Lake.QUARANTINE_TICKS, "date", date));
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")
          && !p.getFileName().toString().startsWith(".")).toList()) {
        try (Stream<String> lines = Files.lines(f)) {
          n += lines.filter(l -> !l.isBlank()).count();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot count the quarantined lines under " + dir
          + "; check the folder is readable, or re-run silver for " + date, e);
    }
    return n;
  }
}
