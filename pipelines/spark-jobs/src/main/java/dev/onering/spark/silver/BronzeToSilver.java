package dev.onering.spark.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import dev.onering.instruments.ReferenceData;
import dev.onering.lake.Lake;
import dev.onering.spark.lake.LakeFs;
import dev.onering.ticks.BatchCleaner;
import dev.onering.ticks.Tick;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Bronze ticks to Silver trades, 1-minute bars and quarantine.
 *
 * <p>Input: {@code bronze/ticks/date=D/part-*.jsonl}. Output: {@code silver/trades/trade_date=D},
 * {@code silver/bars_1m/trade_date=D} (Parquet) and {@code quarantine/ticks/date=D} (JSON lines),
 * each replaced for the dates processed. The cleaning rules are {@link BatchCleaner}'s.
 *
 * <p>Each Spark task reads whole dates in arrival order, so "first arrival" is exact and the
 * dedup needs no shuffle.
 */
public final class BronzeToSilver {
  private BronzeToSilver() {}

  /** Bronze lines with where they came from. */
  public static final StructType LINES =
      new StructType()
          .add("batch_date", DataTypes.DateType, false)
          .add("source_file", DataTypes.StringType, false)
          .add("line", DataTypes.LongType, false)
          .add("raw", DataTypes.StringType, true);

  public static final String KIND_TRADE = "trade";
  public static final String KIND_QUARANTINE = "quarantine";

  /** The cleaner's output: trades and quarantined lines in one relation, told apart by kind. */
  public static final StructType CLEANED =
      new StructType()
          .add("kind", DataTypes.StringType, false)
          .add("batch_date", DataTypes.DateType, false)
          .add("symbol", DataTypes.StringType, true)
          .add("seq", DataTypes.LongType, true)
          .add("event_time", DataTypes.TimestampType, true)
          .add("price", DataTypes.DoubleType, true)
          .add("size", DataTypes.DoubleType, true)
          .add("side", DataTypes.StringType, true)
          .add("exchange", DataTypes.StringType, true)
          .add("source_file", DataTypes.StringType, false)
          .add("line", DataTypes.LongType, false)
          .add("reason", DataTypes.StringType, true)
          .add("field", DataTypes.StringType, true)
          .add("detail", DataTypes.StringType, true)
          .add("raw", DataTypes.StringType, true);

  /** Counts of one run, for the step result. */
  public record Result(
      List<LocalDate> dates, long lines, long trades, long bars, long quarantined,
      Map<String, Long> quarantineByReason) {}

  /** Reads the dates' Bronze files: one partition per date, lines in arrival order. */
  public static Dataset<Row> readLines(SparkSession spark, LakeFs lake, List<LocalDate> dates) {
    List<String> days = dates.stream().map(LocalDate::toString).toList();
    var rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(days, Math.max(1, days.size()));
    return spark
        .createDataset(rdd.rdd(), Encoders.STRING())
        .mapPartitions(new ReadBatches(lake), Encoders.row(LINES));
  }

  /** Puts arbitrary lines into the layout {@link #clean} needs; the reader's output already has it. */
  public static Dataset<Row> inArrivalOrder(Dataset<Row> lines) {
    return lines.repartition(col("batch_date")).sortWithinPartitions("batch_date", "source_file", "line");
  }

  /**
   * The cleaning rules. Each partition must hold whole batch dates, each date's lines contiguous
   * and in arrival order (as {@link #readLines} and {@link #inArrivalOrder} produce).
   */
  public static Dataset<Row> clean(Dataset<Row> lines) {
    return lines.mapPartitions(new CleanBatches(), Encoders.row(CLEANED));
  }

  public static Dataset<Row> trades(Dataset<Row> cleaned) {
    return cleaned
        .filter(col("kind").equalTo(KIND_TRADE))
        .select(
            col("symbol"), col("seq"), col("event_time"), col("batch_date").as("trade_date"),
            col("price"), col("size"), col("side"), col("exchange"));
  }

  public static Dataset<Row> quarantine(Dataset<Row> cleaned) {
    return cleaned
        .filter(col("kind").equalTo(KIND_QUARANTINE))
        .select(
            col("batch_date"), col("source_file"), col("line"), col("reason"), col("field"),
            col("detail"), col("raw"));
  }

  /**
   * One-minute OHLCV bars. Open and close are the first and last trades by (event time, seq), so
   * two trades in the same microsecond still have a definite order.
   */
  public static Dataset<Row> bars1m(Dataset<Row> trades) {
    var order = struct(col("event_time"), col("seq"));
    return trades
        .withColumn("bar_start", date_trunc("minute", col("event_time")))
        .groupBy(col("symbol"), col("trade_date"), col("bar_start"))
        .agg(
            min_by(col("price"), order).as("open"),
            max(col("price")).as("high"),
            min(col("price")).as("low"),
            max_by(col("price"), order).as("close"),
            sum(col("size")).as("volume"),
            sum(col("price").multiply(col("size"))).as("notional"),
            count(lit(1)).as("trade_count"))
        .withColumn("vwap", col("notional").divide(col("volume")))
        .select(
            "symbol", "bar_start", "trade_date", "open", "high", "low", "close", "volume", "notional", "vwap",
            "trade_count");
  }

  /** The step: reads the dates' Bronze, replaces their Silver and quarantine partitions. */
  public static Result run(SparkSession spark, Lake lake, List<LocalDate> dates) {
    LakeFs fs = LakeFs.of(spark, lake);
    Dataset<Row> cleaned = clean(readLines(spark, fs, dates)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> byReason = new LinkedHashMap<>();
      long trades = 0;
      for (Row r : cleaned.groupBy("kind", "reason").count().orderBy(col("count").desc()).collectAsList()) {
        if (KIND_TRADE.equals(r.getString(0))) {
          trades += r.getLong(2);
        } else {
          byReason.merge(r.getString(1), r.getLong(2), Long::sum);
        }
      }
      long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();

      for (LocalDate d : dates) {
        fs.delete(Lake.datePartition(Lake.SILVER_TRADES, "trade_date", d));
        fs.delete(Lake.datePartition(Lake.SILVER_BARS_1M, "trade_date", d));
        fs.delete(Lake.datePartition(Lake.QUARANTINE_TICKS, "date", d));
      }
      Dataset<Row> silverTrades = trades(cleaned);
      silverTrades
          .sortWithinPartitions("symbol", "seq")
          .write()
          .mode(SaveMode.Append)
          .partitionBy("trade_date")
          .parquet(lake.uri(Lake.SILVER_TRADES));

      Dataset<Row> bars = bars1m(silverTrades).repartition(col("trade_date")).sortWithinPartitions("symbol", "bar_start");
      bars.write().mode(SaveMode.Append).partitionBy("trade_date").parquet(lake.uri(Lake.SILVER_BARS_1M));
      long barCount = spark.read().parquet(lake.uri(Lake.SILVER_BARS_1M))
          .filter(col("trade_date").isin(dates.stream().map(java.sql.Date::valueOf).toArray()))
          .count();

      quarantine(cleaned)
          .withColumn("date", col("batch_date"))
          .coalesce(1)
          .write()
          .mode(SaveMode.Append)
          .partitionBy("date")
          .json(lake.uri(Lake.QUARANTINE_TICKS));
      return new Result(dates, trades + quarantined, trades, barCount, quarantined, byReason);
    } finally {
      cleaned.unpersist();
    }
  }

  /** Reads each date's files in name order, numbering lines from 1. */
  static final class ReadBatches implements MapPartitionsFunction<String, Row> {
    private static final long serialVersionUID = 1L;
    private final LakeFs lake;

    ReadBatches(LakeFs lake) {
      this.lake = lake;
    }

    @Override
    public Iterator<Row> call(Iterator<String> dates) {
      return new Iterator<>() {
        private final List<String> files = new ArrayList<>();
        private LocalDate date;
        private BufferedReader reader;
        private String file;
        private long lineNo;
        private Row next;

        @Override
        public boolean hasNext() {
          try {
            while (next == null) {
              if (reader == null) {
                if (files.isEmpty()) {
                  if (!dates.hasNext()) {
                    return false;
                  }
                  date = LocalDate.parse(dates.next());
                  files.addAll(lake.dataFiles(Lake.datePartition(Lake.BRONZE_TICKS, "date", date)));
                  continue;
                }
                file = files.remove(0);
                reader = new BufferedReader(new InputStreamReader(lake.open(file), StandardCharsets.UTF_8), 1 << 16);
                lineNo = 0;
              }
              String raw = reader.readLine();
              if (raw == null) {
                reader.close();
                reader = null;
                continue;
              }
              next = RowFactory.create(date, file, ++lineNo, raw);
            }
            return true;
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read Bronze file " + file + " at line " + (lineNo + 1), e);
          }
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          Row r = next;
          next = null;
          return r;
        }
      };
    }
  }

  /** Runs a {@link BatchCleaner} per date over a partition's lines. */
  static final class CleanBatches implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> lines) {
      // Loaded on the executor from the job's own jar, so driver and executors agree.
      ReferenceData reference = ReferenceData.standard();
      return new Iterator<>() {
        private final List<Row> ready = new ArrayList<>();
        private int readyAt;
        private BatchCleaner cleaner;
        private final java.util.Set<LocalDate> done = new java.util.HashSet<>();
        private Row lookahead;

        private final BatchCleaner.Output out =
            new BatchCleaner.Output() {
              @Override
              public void kept(BatchCleaner.Kept k) {
                Tick t = k.tick();
                ready.add(RowFactory.create(
                    KIND_TRADE, cleaner.batchDate(), t.symbol(), t.seq(), t.eventTime(), t.price(), t.size(),
                    t.side(), t.exchange(), k.source().file(), k.source().line(), null, null, null, null));
              }

              @Override
              public void quarantined(BatchCleaner.Quarantined q) {
                ready.add(RowFactory.create(
                    KIND_QUARANTINE, cleaner.batchDate(), null, null, null, null, null, null, null,
                    q.source().file(), q.source().line(), q.reason().code(), q.field(), q.detail(), q.raw()));
              }
            };

        @Override
        public boolean hasNext() {
          while (readyAt >= ready.size()) {
            ready.clear();
            readyAt = 0;
            if (lookahead == null && !lines.hasNext()) {
              if (cleaner == null) {
                return false;
              }
              cleaner.finish();
              cleaner = null;
              continue;
            }
            Row row = lookahead != null ? lookahead : lines.next();
            lookahead = null;
            // Positional: rows straight from the reader carry no schema. Order is LINES'.
            LocalDate date = (LocalDate) row.get(0);
            if (cleaner != null && !cleaner.batchDate().equals(date)) {
              // The previous date is complete: emit it, then come back for this row.
              cleaner.finish();
              cleaner = null;
              lookahead = row;
              continue;
            }
            if (cleaner == null) {
              if (!done.add(date)) {
                throw new IllegalStateException(
                    "batch " + date + " is split within a partition; arrange lines with inArrivalOrder()");
              }
              cleaner = new BatchCleaner(reference, date, out);
            }
            cleaner.accept(row.getString(3), new BatchCleaner.Source(row.getString(1), row.getLong(2)));
          }
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return ready.get(readyAt++);
        }
      };
    }
  }
}
