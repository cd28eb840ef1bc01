package dev.onering.lake;

import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * The lake's layout: zones and tables under one root. The root is a local folder in the embedded
 * runtime and an {@code s3a://} URI in the stack; every path is derived here so the two agree.
 * docs/data-model.md documents the layout.
 *
 * <p>Two shapes of object-store root: {@code s3a://} alone (scheme, no bucket) makes each zone its
 * own bucket, as the stack's MinIO creates them ({@code s3a://bronze/ticks/...},
 * {@code s3a://silver/trades/...}); {@code s3a://bucket/prefix} puts every zone under one bucket
 * ({@code s3a://bucket/prefix/bronze/ticks/...}).
 */
public final class Lake implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public static final String DEFAULT_ROOT = "data/lake";

  public enum Zone {
    BRONZE, SILVER, GOLD, QUARANTINE;

    public String dir() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final String root;

  private Lake(String root) {
    // "s3a://" keeps its slashes: it is the bucket-per-zone form, not an empty path.
    this.root = root.endsWith("/") && !root.endsWith("://") ? root.substring(0, root.length() - 1) : root;
  }

  /** A lake at a local folder or a URI such as {@code s3a://} (a bucket per zone) or {@code s3a://onering}. */
  public static Lake at(String root) {
    if (root.contains("://")) {
      return new Lake(root);
    }
    return new Lake(Path.of(root).toAbsolutePath().normalize().toString());
  }

  public static Lake at(Path root) {
    return new Lake(root.toAbsolutePath().normalize().toString());
  }

  /** True for the bucket-per-zone form {@code scheme://}: the first path segment is the bucket. */
  public boolean zonesAreBuckets() {
    return root.endsWith("://");
  }

  public boolean isLocal() {
    return !root.contains("://") || root.startsWith("file://");
  }

  /** The root as Spark, DuckDB and ClickHouse take it. */
  public String root() {
    return root;
  }

  /** The location of a path under the root; {@code ""} is the root itself. */
  public String uri(String relative) {
    if (relative.isEmpty()) {
      return root;
    }
    return zonesAreBuckets() ? root + relative : root + "/" + relative;
  }

  /** A local path; only for a lake on the local file system. */
  public Path path(String relative) {
    if (!isLocal()) {
      throw new IllegalStateException("the lake at " + root + " is not on the local file system");
    }
    String local = root.startsWith("file://") ? URI.create(root).getPath() : root;
    return Path.of(local, relative);
  }

  // The tables. Relative paths, so one name serves both file systems.
  public static final String BRONZE_TICKS = "bronze/ticks";
  public static final String BRONZE_OHLCV_CSV = "bronze/ohlcv_csv";
  public static final String SILVER_TRADES = "silver/trades";
  public static final String SILVER_BARS_1M = "silver/bars_1m";
  public static final String SILVER_DAILY_IMPORTED = "silver/daily_imported";
  public static final String SILVER_BATCH_STATS = "silver/batch_stats";
  public static final String QUARANTINE_TICKS = "quarantine/ticks";
  public static final String QUARANTINE_OHLCV_CSV = "quarantine/ohlcv_csv";
  public static final String GOLD_DAILY_BARS = "gold/daily_bars";
  public static final String GOLD_INSTRUMENT_SUMMARY = "gold/instrument_summary";
  /**
   * The Iceberg schema of {@code silver.bars_1m} (Iceberg's JSON form), a classpath resource: the
   * streaming job creates the table with it and checks an existing table against it; the batch's
   * Spark schema is held to it by a test (spark-jobs BarsSchemaContractTest).
   */
  public static final String SILVER_BARS_1M_SCHEMA = "/dev/onering/lake/silver.bars_1m.schema.json";

  /**
   * The properties every Iceberg table of the lake is created with, by the batch (Spark) and the
   * stream (Flink) alike; Iceberg's own keys, spelled out because core has no Iceberg dependency
   * (LakeTablePropertiesTest in spark-jobs holds them to Iceberg's constants). Format v2; each
   * date's rows handed to the writer together and in order, so no shuffle before the write;
   * copy-on-write, so readers and the ClickHouse load see plain data files, never delete files.
   */
  public static final java.util.Map<String, String> ICEBERG_TABLE_PROPERTIES = java.util.Collections.unmodifiableMap(
      new java.util.LinkedHashMap<>(java.util.Map.of(
          "format-version", "2",
          "write.distribution-mode", "none",
          "write.parquet.compression-codec", "snappy",
          "write.delete.mode", "copy-on-write",
          "write.update.mode", "copy-on-write",
          "write.merge.mode", "copy-on-write")));
  // The streaming job's own files. Its closed bars go into the batch's silver.bars_1m table.
  public static final String SILVER_STREAM_LATE_TICKS = "silver/stream_late_ticks";
  public static final String QUARANTINE_STREAM_TICKS = "quarantine/stream_ticks";

  public static String datePartition(String table, String column, LocalDate date) {
    return table + "/" + column + "=" + date;
  }

  public Path bronzeTicks(LocalDate date) {
    return path(datePartition(BRONZE_TICKS, "date", date));
  }

  @Override
  public String toString() {
    return root;
  }
}
