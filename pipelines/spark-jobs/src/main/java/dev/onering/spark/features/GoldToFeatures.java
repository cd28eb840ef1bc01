package dev.onering.spark.features;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.call_udf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.weekday;
import static org.apache.spark.sql.functions.when;

import dev.onering.features.FeatureSpec;
import dev.onering.instruments.AssetClass;
import dev.onering.instruments.TradingCalendar;
import dev.onering.lake.Lake;
import dev.onering.spark.lake.LakeFs;
import dev.onering.spark.lake.LakeTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Gold daily bars to the feature table of {@code pipelines/spec/features.yaml}: one row per symbol
 * and trading day, each feature computed from that symbol's rows up to and including the day (a
 * window that ends at the current row), the label from the rows after it. docs/ml.md defines each.
 *
 * <p>The z-score, SMA-20, realised volatility and RSI are Gold's own columns (docs/metrics.md), so
 * the model sees the figures the report and Metabase show. The columns are selected and typed from
 * the spec at run time: a feature the spec names and this job does not compute fails the step.
 */
public final class GoldToFeatures {
  private GoldToFeatures() {}

  public static final String TABLE = "gold/features_daily";
  private static final String STAGING = "gold/_staging";
  static final String EVENT_TIMESTAMP_UDF = "onering_event_timestamp";

  /** The trading days each return looks back. */
  static final int[] RETURN_DAYS = {1, 5, 20};
  static final int VOLUME_WINDOW = 20;

  public record Result(long rows, long labelled, long symbols, String location) {}

  /**
   * The UTC instant a day's row becomes known: the close of the instrument's session that day
   * ({@link TradingCalendar}), or the end of the UTC day when its exchange was shut (an imported
   * FX pair on a US holiday).
   */
  public static Instant eventTimestamp(String assetClass, LocalDate date) {
    AssetClass ac = AssetClass.valueOf(assetClass.toUpperCase(Locale.ROOT));
    return TradingCalendar.of(ac).session(date).map(TradingCalendar.Session::close)
        .orElse(date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /** Every column the job can produce; the spec picks and orders them. */
  public static Dataset<Row> features(Dataset<Row> goldDaily, FeatureSpec spec) {
    SparkSession spark = goldDaily.sparkSession();
    spark.udf().register(EVENT_TIMESTAMP_UDF,
        (UDF2<String, LocalDate, Instant>) GoldToFeatures::eventTimestamp, DataTypes.TimestampType);
    WindowSpec bySymbol = Window.partitionBy("symbol").orderBy("trade_date");
    WindowSpec lastVolumeWindow = bySymbol.rowsBetween(-(VOLUME_WINDOW - 1), Window.currentRow());
    Dataset<Row> d = goldDaily;
    for (int k : RETURN_DAYS) {
      Column before = lag(col("close"), k).over(bySymbol);
      d = d.withColumn("ret_" + k, col("close").divide(before).minus(1))
          .withColumn("log_ret_" + k, log(col("close").divide(before)));
    }
    Column meanVolume = avg(col("volume")).over(lastVolumeWindow);
    Column horizonZ = lead(col("zscore_20"), spec.label().horizonDays()).over(bySymbol);
    d = d.withColumn("sma_20_dist", col("close").divide(col("sma_20")).minus(1))
        .withColumn("volume_ratio_20",
            when(count(col("volume")).over(lastVolumeWindow).equalTo(VOLUME_WINDOW).and(meanVolume.gt(0)),
                col("volume").divide(meanVolume)))
        .withColumn("day_of_week", weekday(col("trade_date")).plus(1))
        .withColumn("is_crypto", when(col("asset_class").equalTo(AssetClass.CRYPTO.code()), 1).otherwise(0))
        .withColumn("event_timestamp", call_udf(EVENT_TIMESTAMP_UDF, col("asset_class"), col("trade_date")))
        .withColumn(spec.label().name(),
            when(col("zscore_20").isNotNull().and(horizonZ.isNotNull()),
                when(abs(horizonZ).lt(abs(col("zscore_20"))), 1).otherwise(0)));
    List<Column> out = new ArrayList<>();
    List<String> available = List.of(d.columns());
    for (FeatureSpec.Column c : spec.columns()) {
      if (!available.contains(c.name())) {
        throw new IllegalArgumentException("features.yaml declares '" + c.name() + "', which the features step does "
            + "not compute (it computes " + available + "); add it to GoldToFeatures or remove it from the spec");
      }
      out.add(col(c.name()).cast(sparkType(c.type())).as(c.name()));
    }
    return d.select(out.toArray(Column[]::new));
  }

  static DataType sparkType(String specType) {
    return switch (specType) {
      case "string" -> DataTypes.StringType;
      case "date" -> DataTypes.DateType;
      case "timestamp_utc" -> DataTypes.TimestampType;
      case "double" -> DataTypes.DoubleType;
      case "int" -> DataTypes.IntegerType;
      default -> throw new IllegalArgumentException("no Spark type for the spec type " + specType);
    };
  }

  /**
   * The step: the whole table again from all of Gold (a row's label depends on later days, so a
   * new day changes earlier rows), written beside the old one and swapped in only when complete.
   */
  public static Result run(SparkSession spark, LakeTables tables, FeatureSpec spec) {
    if (tables.find(LakeTables.Id.GOLD_DAILY_BARS).isEmpty()) {
      throw new IllegalStateException("no Gold table " + LakeTables.Id.GOLD_DAILY_BARS.qualifiedName()
          + " in the catalog at " + tables.jdbcUrl() + "; run the gold step first (onering gold)");
    }
    return run(spark, tables.lake(), spark.table(tables.sparkName(LakeTables.Id.GOLD_DAILY_BARS)), spec);
  }

  /** {@link #run(SparkSession, LakeTables, FeatureSpec)} from these Gold daily bars. */
  public static Result run(SparkSession spark, Lake lake, Dataset<Row> goldDaily, FeatureSpec spec) {
    LakeFs fs = LakeFs.of(spark, lake);
    Dataset<Row> table = features(goldDaily, spec)
        .orderBy("symbol", "trade_date").coalesce(1).cache();
    try {
      String staging = STAGING + "/features_daily-" + UUID.randomUUID();
      table.write().mode(SaveMode.ErrorIfExists).parquet(lake.uri(staging));
      swap(fs, staging, TABLE);
      Row counts = table.agg(count(lit(1)), count(col(spec.label().name())),
          org.apache.spark.sql.functions.countDistinct(col("symbol"))).first();
      return new Result(counts.getLong(0), counts.getLong(1), counts.getLong(2), lake.uri(TABLE));
    } finally {
      table.unpersist();
    }
  }

  /**
   * Puts a complete new folder in place of the old: the old one is moved aside, the new one renamed
   * in, the old one deleted. A failure before leaves the old table whole; readers never see a
   * half-written one (on s3a a rename is a copy, still never of a partial table).
   */
  static void swap(LakeFs fs, String staging, String target) {
    FileSystem hfs = fs.fs(target);
    Path to = fs.path(target);
    Path from = fs.path(staging);
    Path old = new Path(to.getParent(), "_staging/" + to.getName() + "-replaced-" + UUID.randomUUID());
    try {
      boolean hadOld = hfs.exists(to);
      if (hadOld && !hfs.rename(to, old)) {
        throw new IOException("cannot move " + to + " aside to " + old);
      }
      if (!hfs.rename(from, to)) {
        if (hadOld) {
          hfs.rename(old, to);
        }
        throw new IOException("cannot rename " + from + " to " + to);
      }
      if (hadOld) {
        hfs.delete(old, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("replacing " + fs.uri(target) + " failed; the previous table is unchanged: "
          + e.getMessage(), e);
    }
  }

  /** Column name to value, for the Postgres table and the tests. */
  public static List<Map<String, Object>> collect(Dataset<Row> table) {
    List<Map<String, Object>> out = new ArrayList<>();
    String[] names = table.columns();
    for (Row r : table.collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        m.put(names[i], r.get(i));
      }
      out.add(m);
    }
    return out;
  }
}
