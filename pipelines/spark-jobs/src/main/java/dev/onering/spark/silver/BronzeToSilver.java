package dev.onering.spark.silver;

import static org.apache.spark.sql.functions.col;

import dev.onering.instruments.ReferenceData;
import dev.onering.lake.Lake;
import dev.onering.spark.lake.LakeFs;
import dev.onering.spark.lake.LakeTables;
import dev.onering.bars.MinuteBar;
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
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Bronze ticks to Silver trades, 1-minute bars and quarantine.
 *
 * <p>Input: {@code bronze/ticks/date=D/part-*.jsonl}. Output: the Iceberg tables {@code silver.trades},
 * {@code silver.bars_1m} and {@code silver.batch_stats} ({@link LakeTables}), and
 * {@code quarantine/ticks/date=D} (JSON lines), each replaced for the dates processed. The cleaning rules are {@link BatchCleaner}'s.
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

  /** What a cleaning pass emits; each has its own schema, the Silver and quarantine tables'. */
  public enum Output {
    TRADES(new StructType()
        .add("symbol", DataTypes.StringType, false)
        .add("seq", DataTypes.LongType, false)
        .add("event_time", DataTypes.TimestampType, false)
        .add("trade_date", DataTypes.DateType, false)
        .add("price", DataTypes.DoubleType, false)
        .add("size", DataTypes.DoubleType, false)
        .add("side", DataTypes.StringType, false)
        .add("exchange", DataTypes.StringType, false)),
    BARS(new StructType()
        .add("symbol", DataTypes.StringType, false)
        .add("bar_start", DataTypes.TimestampType, false)
        .add("trade_date", DataTypes.DateType, false)
        .add("open", DataTypes.DoubleType, false)
        .add("high", DataTypes.DoubleType, false)
        .add("low", DataTypes.DoubleType, false)
        .add("close", DataTypes.DoubleType, false)
        .add("volume", DataTypes.DoubleType, false)
        .add("notional", DataTypes.DoubleType, false)
        .add("vwap", DataTypes.DoubleType, false)
        .add("trade_count", DataTypes.LongType, false)),
    QUARANTINE(new StructType()
        .add("batch_date", DataTypes.DateType, false)
        .add("source_file", DataTypes.StringType, false)
        .add("line", DataTypes.LongType, false)
        .add("reason", DataTypes.StringType, false)
        .add("field", DataTypes.StringType, true)
        .add("detail", DataTypes.StringType, false)
        .add("raw", DataTypes.StringType, true));

    private final StructType schema;

    Output(StructType schema) {
      this.schema = schema;
    }

    public StructType schema() {
      return schema;
    }
  }

  /** Counts of one run, for the step result. */
  public record Result(
      List<LocalDate> dates, long lines, long trades, long bars, long quarantined,
      Map<String, Long> quarantineByReason, List<String> examples) {}

  /** A quarantine record as a person reads it: file, line, field, what was wrong. */
  public static String describe(Row q) {
    String field = q.getAs("field");
    String file = q.getAs("source_file");
    String detail = q.getAs("detail");
    String where = detail.startsWith(file) ? "" : file + " line " + q.getAs("line")
        + (field == null ? "" : ", field " + field) + ": ";
    return where + detail + " [" + q.getAs("reason") + "]";
  }

  /** A Bronze line and where it came from; {@code error} set means the file failed at this line. */
  record BronzeLine(LocalDate date, String file, long line, String raw, String error) {
    BronzeLine(LocalDate date, String file, long line, String raw) {
      this(date, file, line, raw, null);
    }
  }

  /** Reads the dates' Bronze files: one partition per date, lines in arrival order. */
  public static Dataset<Row> readLines(SparkSession spark, LakeFs lake, List<LocalDate> dates) {
    return dates(spark, dates).mapPartitions(
        (MapPartitionsFunction<String, Row>) days -> map(new FileLines(lake, days),
            l -> RowFactory.create(l.date(), l.file(), l.line(), l.raw())),
        Encoders.row(LINES));
  }

  /** The step's path: reads and cleans in one pass per output, with no rows in between. */
  static Dataset<Row> readAndClean(SparkSession spark, LakeFs lake, List<LocalDate> dates, Output output) {
    return dates(spark, dates).mapPartitions(
        (MapPartitionsFunction<String, Row>) days -> new Cleaned(new FileLines(lake, days), output),
        Encoders.row(output.schema()));
  }

  /**
   * The dates in contiguous runs, a few tasks per core: a task per date would spend more on task
   * overhead (Hadoop's output commit forks chmod on local disks) than on a small date's lines.
   */
  private static Dataset<String> dates(SparkSession spark, List<LocalDate> dates) {
    List<String> days = dates.stream().map(LocalDate::toString).sorted().toList();
    int tasks = Math.max(1, Math.min(days.size(), 2 * spark.sparkContext().defaultParallelism()));
    var rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(days, tasks);
    return spark.createDataset(rdd.rdd(), Encoders.STRING());
  }

  private static <A, B> Iterator<B> map(Iterator<A> in, java.util.function.Function<A, B> f) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return in.hasNext();
      }

      @Override
      public B next() {
        return f.apply(in.next());
      }
    };
  }

  /** Puts arbitrary lines into the layout {@link #clean} needs; the reader's output already has it. */
  public static Dataset<Row> inArrivalOrder(Dataset<Row> lines) {
    return lines.repartition(col("batch_date")).sortWithinPartitions("batch_date", "source_file", "line");
  }

  /**
   * The cleaning rules, emitting one of the outputs. Each partition must hold whole batch dates,
   * each date's lines contiguous and in arrival order (as {@link #readLines} and
   * {@link #inArrivalOrder} produce). Trades come out in (symbol, seq) order per date, bars in
   * (symbol, minute) order.
   *
   * <p>The step runs one pass per output rather than caching one wide relation: cleaning costs
   * about a microsecond a line, less than Spark spends encoding rows it would then filter away.
   */
  public static Dataset<Row> clean(Dataset<Row> lines, Output output) {
    return lines.mapPartitions(
        (MapPartitionsFunction<Row, Row>) rows -> new Cleaned(
            map(rows, r -> new BronzeLine(r.getAs("batch_date"), r.getAs("source_file"), r.<Long>getAs("line"),
                r.getAs("raw"))), output),
        Encoders.row(output.schema()));
  }

  /** Silver's per-date counts, the table the quality gate's quarantine-share expectation reads. */
  public static final StructType BATCH_STATS = new StructType()
      .add("trade_date", DataTypes.DateType, false)
      .add("lines_in", DataTypes.LongType, false)
      .add("accepted", DataTypes.LongType, false)
      .add("quarantined", DataTypes.LongType, false)
      .add("quarantine_share", DataTypes.DoubleType, false);

  /**
   * The step: reads the dates' Bronze and replaces their rows of the Silver tables (trades, 1-minute
   * bars, batch stats) on each table's {@value LakeTables#AUDIT} branch, one commit per table that
   * replaces exactly those dates; the quality gate publishes the branch to main. A crash before a
   * commit leaves the table as it was. The quarantine files of the dates are replaced too.
   */
  public static Result run(SparkSession spark, LakeTables tables, List<LocalDate> dates) {
    Lake lake = tables.lake();
    LakeFs fs = LakeFs.of(spark, lake);
    Object[] days = dates.stream().map(java.sql.Date::valueOf).toArray();
    Column theseDates = col("trade_date").isin(days);
    for (LakeTables.Id id : List.of(LakeTables.Id.SILVER_TRADES, LakeTables.Id.SILVER_BARS_1M,
        LakeTables.Id.SILVER_BATCH_STATS)) {
      tables.resetAudit(tables.create(id, switch (id) {
        case SILVER_TRADES -> Output.TRADES.schema();
        case SILVER_BARS_1M -> Output.BARS.schema();
        default -> BATCH_STATS;
      }));
    }
    // Each date is read by one task, so each date gets one data file per table.
    tables.overwrite(readAndClean(spark, fs, dates, Output.TRADES), LakeTables.Id.SILVER_TRADES, LakeTables.AUDIT,
        theseDates);
    tables.overwrite(readAndClean(spark, fs, dates, Output.BARS), LakeTables.Id.SILVER_BARS_1M, LakeTables.AUDIT,
        theseDates);
    // Quarantine is JSON lines for people to read, not a table: written whole to a staging folder
    // first, then swapped in per date, so the old files go only once the new ones are complete.
    String staging = "quarantine/_staging/ticks-" + java.util.UUID.randomUUID();
    readAndClean(spark, fs, dates, Output.QUARANTINE)
        .withColumn("date", col("batch_date"))
        .write().mode(SaveMode.ErrorIfExists).partitionBy("date").json(lake.uri(staging));
    for (LocalDate d : dates) {
      String from = Lake.datePartition(staging, "date", d);
      String to = Lake.datePartition(Lake.QUARANTINE_TICKS, "date", d);
      fs.delete(to);
      if (fs.exists(from)) {
        fs.rename(from, to);
      }
    }
    fs.delete(staging);

    Map<LocalDate, Long> tradesByDate = countByDate(
        spark.table(tables.sparkName(LakeTables.Id.SILVER_TRADES, LakeTables.AUDIT)).filter(theseDates), "trade_date");
    long bars = spark.table(tables.sparkName(LakeTables.Id.SILVER_BARS_1M, LakeTables.AUDIT)).filter(theseDates).count();
    Map<String, Long> byReason = new LinkedHashMap<>();
    List<String> examples = new ArrayList<>();
    Map<LocalDate, Long> quarantinedByDate = Map.of();
    if (fs.exists(Lake.QUARANTINE_TICKS)) {
      Dataset<Row> q = spark.read().schema(Output.QUARANTINE.schema().add("date", DataTypes.DateType))
          .json(lake.uri(Lake.QUARANTINE_TICKS)).filter(col("date").isin(days));
      for (Row r : q.groupBy("reason").count().orderBy(col("count").desc(), col("reason")).collectAsList()) {
        byReason.put(r.getString(0), r.getLong(1));
      }
      q.orderBy("batch_date", "source_file", "line").limit(3).collectAsList().forEach(r -> examples.add(describe(r)));
      quarantinedByDate = countByDate(q, "date");
    }
    List<Row> stats = new ArrayList<>();
    for (LocalDate d : dates) {
      long accepted = tradesByDate.getOrDefault(d, 0L);
      long quarantined = quarantinedByDate.getOrDefault(d, 0L);
      long in = accepted + quarantined;
      stats.add(RowFactory.create(d, in, accepted, quarantined, in == 0 ? 0.0 : (double) quarantined / in));
    }
    tables.overwrite(spark.createDataFrame(stats, BATCH_STATS).coalesce(1).sortWithinPartitions("trade_date"),
        LakeTables.Id.SILVER_BATCH_STATS, LakeTables.AUDIT, theseDates);
    long trades = tradesByDate.values().stream().mapToLong(Long::longValue).sum();
    long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();
    return new Result(dates, trades + quarantined, trades, bars, quarantined, byReason, examples);
  }

  private static Map<LocalDate, Long> countByDate(Dataset<Row> rows, String column) {
    Map<LocalDate, Long> m = new java.util.HashMap<>();
    for (Row r : rows.groupBy(column).count().collectAsList()) {
      m.put(r.getAs(column), r.getLong(1));
    }
    return m;
  }

  /** Each date's files in name order, lines numbered from 1. */
  static final class FileLines implements Iterator<BronzeLine> {
    private final LakeFs lake;
    private final Iterator<String> dates;
    private final List<String> files = new ArrayList<>();
    private LocalDate date;
    private BufferedReader reader;
    private String file;
    private long lineNo;
    private BronzeLine next;

    FileLines(LakeFs lake, Iterator<String> dates) {
      this.lake = lake;
      this.dates = dates;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        try {
          if (reader == null) {
            if (files.isEmpty()) {
              if (!dates.hasNext()) {
                return false;
              }
              date = LocalDate.parse(dates.next());
              file = Lake.datePartition(Lake.BRONZE_TICKS, "date", date);
              lineNo = 0;
              files.addAll(lake.dataFiles(file));
              continue;
            }
            file = files.remove(0);
            lineNo = 0;
            // A buffer under the decoder too: it asks the stream available() on every refill,
            // a system call per 8 KB through Hadoop's checksumming stream otherwise.
            reader = new BufferedReader(new InputStreamReader(
                new java.io.BufferedInputStream(lake.open(file), 1 << 20), StandardCharsets.UTF_8), 1 << 16);
          }
          String raw = reader.readLine();
          if (raw == null) {
            reader.close();
            reader = null;
            continue;
          }
          next = new BronzeLine(date, file, ++lineNo, raw);
        } catch (IOException | UncheckedIOException | org.apache.hadoop.fs.FSError e) {
          // One bad file must not stop the others: say where it broke and move on. Hadoop's local
          // file system reports a failed read (EIO) as FSError, an Error, hence the third type.
          next = new BronzeLine(date, file, lineNo + 1, null, e.getMessage() == null ? e.toString() : e.getMessage());
          closeQuietly();
        }
      }
      return true;
    }

    private void closeQuietly() {
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException ignored) {
          // Already failing; the quarantine record carries the first error.
        }
      }
      reader = null;
    }

    @Override
    public BronzeLine next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      BronzeLine l = next;
      next = null;
      return l;
    }
  }

  /**
   * Runs a {@link BatchCleaner} per date over lines in arrival order, yielding one output's rows.
   * A date's results come out when its last line has been read.
   */
  static final class Cleaned implements Iterator<Row> {
    // Loaded on the executor from the job's own jar, so driver and executors agree.
    private final ReferenceData reference = ReferenceData.standard();
    private final Iterator<BronzeLine> lines;
    private final Output output;
    private final List<Row> ready = new ArrayList<>();
    private final java.util.Set<LocalDate> done = new java.util.HashSet<>();
    private int readyAt;
    private BatchCleaner cleaner;
    private BronzeLine lookahead;

    Cleaned(Iterator<BronzeLine> lines, Output output) {
      this.lines = lines;
      this.output = output;
    }

    private final BatchCleaner.Output out =
        new BatchCleaner.Output() {
          @Override
          public void kept(BatchCleaner.Kept k) {
            if (output == Output.TRADES) {
              Tick t = k.tick();
              ready.add(RowFactory.create(t.symbol(), t.seq(), t.eventTime(), cleaner.batchDate(), t.price(),
                  t.size(), t.side(), t.exchange()));
            }
          }

          @Override
          public void bar(MinuteBar b) {
            if (output == Output.BARS) {
              ready.add(RowFactory.create(b.symbol(), micros(b.barStartMicros()), cleaner.batchDate(), b.open(),
                  b.high(), b.low(), b.close(), b.volume(), b.notional(), b.vwap(), b.tradeCount()));
            }
          }

          @Override
          public void quarantined(BatchCleaner.Quarantined q) {
            if (output == Output.QUARANTINE) {
              ready.add(RowFactory.create(cleaner.batchDate(), q.source().file(), q.source().line(),
                  q.reason().code(), q.field(), q.detail(), q.raw()));
            }
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
        BronzeLine line = lookahead != null ? lookahead : lines.next();
        lookahead = null;
        if (cleaner != null && !cleaner.batchDate().equals(line.date())) {
          // The previous date is complete: emit it, then come back for this line.
          cleaner.finish();
          cleaner = null;
          lookahead = line;
          continue;
        }
        if (cleaner == null) {
          if (!done.add(line.date())) {
            throw new IllegalStateException(
                "batch " + line.date() + " is split within a partition; arrange lines with inArrivalOrder()");
          }
          cleaner = new BatchCleaner(reference, line.date(), out);
        }
        if (line.error() != null) {
          cleaner.unreadable(new BatchCleaner.Source(line.file(), line.line()), line.error());
        } else {
          cleaner.accept(line.raw(), new BatchCleaner.Source(line.file(), line.line()));
        }
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

    private static java.time.Instant micros(long m) {
      return java.time.Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000);
    }
  }
}
