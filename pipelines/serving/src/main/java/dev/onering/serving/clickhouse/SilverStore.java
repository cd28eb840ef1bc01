package dev.onering.serving.clickhouse;

import dev.onering.lake.Lake;
import dev.onering.lake.LakeFiles;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What the pipeline asks of the Silver serving store: own its schema, take a date of the lake's
 * Silver Parquet, and answer queries (the quality gate compiles expectations to SQL and runs them
 * here). Embedded it is chDB ({@link ChDbSilverStore}); in the stack the ClickHouse server, over
 * HTTP ({@link ClickHouseHttpSilverStore}). Both share their SQL ({@link ClickHouseSilverStore}).
 */
public interface SilverStore extends AutoCloseable {

  /** The table the quality gate's quarantine-share expectation reads (docs/quality.md). */
  String BATCH_STATS = "silver.batch_stats";

  /**
   * Applies the changesets of a Liquibase formatted-SQL changelog not yet applied.
   *
   * @return the number of changesets executed; 0 when the schema is up to date
   */
  int migrate(Path changelog);

  /**
   * Replaces the {@code trade_date} partition of {@code table} with the lake's Parquet for that
   * date ({@code <table folder>/trade_date=YYYY-MM-DD/*.parquet}), read through {@code lake}, so a
   * local folder and an s3a bucket load the same way. A date with no folder or no files ends with
   * an empty partition and returns 0. Re-running replaces, never duplicates. If the load fails the
   * date is emptied: all of it or none of it is served.
   *
   * @return the rows the partition holds after the load
   */
  long replacePartition(SilverTable table, LakeFiles lake, LocalDate date);

  /**
   * Replaces the {@code trade_date} partition of {@code table} with exactly these Parquet files
   * (paths relative to the lake root), e.g. the data files an Iceberg snapshot lists for the date,
   * so no file of an uncommitted or replaced write is ever loaded. No files: an empty partition.
   * Atomic for readers as {@link #replacePartition(SilverTable, LakeFiles, LocalDate)} is.
   *
   * @return the rows the partition holds after the load
   */
  long replacePartition(SilverTable table, LakeFiles lake, LocalDate date, List<String> parts);

  /** {@link #replacePartition(SilverTable, LakeFiles, LocalDate)} from a local lake. */
  default long replacePartition(SilverTable table, Lake lake, LocalDate date) {
    return replacePartition(table, LakeFiles.local(lake), date);
  }

  /** {@link #replacePartition} for {@code silver.trades}, from a local lake. */
  default long replaceTradesPartition(Lake lake, LocalDate date) {
    return replacePartition(SilverTable.TRADES, lake, date);
  }

  /** {@link #replacePartition} for {@code silver.bars_1m}, from a local lake. */
  default long replaceBarsPartition(Lake lake, LocalDate date) {
    return replacePartition(SilverTable.BARS_1M, lake, date);
  }

  /**
   * Replaces a Bronze date's row of {@value #BATCH_STATS}: what came in, what was accepted and what
   * went to quarantine. Kept in the store, not only in the step's result, so the gate (and GX in
   * the stack) can check the quarantine share with a plain query.
   */
  void replaceBatchStats(LocalDate date, long accepted, long quarantined);

  /**
   * Rows stored for one date, counted as stored (no FINAL): a second copy of a row shows up here,
   * which is the point when checking that a re-load did not duplicate.
   */
  long count(SilverTable table, LocalDate date);

  /**
   * Inserts rows given as JSON lines (ClickHouse's JSONEachRow format) into {@code table}. The
   * streaming path upserts this way: its tables are ReplacingMergeTree on their key, so a row sent
   * again after a restart, or a bar re-emitted by a late firing, replaces the earlier one.
   */
  void insertJsonEachRow(String table, String jsonLines);

  /** Runs a read query and returns its rows; see {@link ClickHouseSql#rows(String)} for value types. */
  List<Map<String, Object>> rows(String sql);

  /** Where the store is, for messages and the run report. */
  String location();

  @Override
  void close();
}
