package dev.onering.spark;

import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession the steps use; only the master and the lake credentials differ in the stack. */
public final class Spark {
  private Spark() {}

  /**
   * A session for the embedded runtime, or the stack's when {@code spark.master} is already set
   * (spark-submit sets it). Settings are for a laptop: few shuffle partitions, no UI.
   */
  public static SparkSession session(String appName) {
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (System.getProperty("spark.master") == null) {
      int cores = Integer.getInteger("onering.spark.cores", Runtime.getRuntime().availableProcessors());
      b.master("local[" + cores + "]")
          // Loopback, so a laptop on a VPN or without a resolvable hostname still works.
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", String.valueOf(Math.max(4, cores * 2)));
    }
    return b.config("spark.sql.session.timeZone", "UTC")
        // Row values as java.time types, the same types the core uses.
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
        .getOrCreate();
  }
}
