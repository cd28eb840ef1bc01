package dev.onering.spark.silver;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.onering.bars.MinuteBar;
import dev.onering.instruments.ReferenceData;
import dev.onering.lake.Lake;
import dev.onering.spark.lake.LakeFs;
import dev.onering.spark.lake.LakeTables;
import dev.onering.ticks.BatchCleaner;
import dev.onering.ticks.Tick;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Bronze ticks to Silver trades, 1-minute bars and quarantine.
 *
 * <p>Input: {@code bronze/ticks/date=D/part-*.jsonl}. Output: the Iceberg tables {@code silver.trades},
 * {@code silver.bars_1m} and {@code silver.batch_stats} ({@link LakeTables}), and
 * {@code quarantine/ticks/date=D} (JSON lines), each replaced for the dates processed. The cleaning rules are {@link BatchCleaner}'s.
 *
 * <p>One pass: each Spark task reads whole dates in arrival order, so "first arrival" is exact and
 * the dedup needs no shuffle, and writes every output of its dates as it cleans them ({@link #run}).
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
    return describe(q.getAs("source_file"), q.<Long>getAs("line"), q.getAs("field"), q.getAs("detail"), q.getAs("reason"));
  }

  static String describe(String file, long line, String field, String detail, String reason) {
    String where = detail.startsWith(file) ? "" : file + " line " + line
        + (field == null ? "" : ", field " + field) + ": ";
    return where + detail + " [" + reason + "]";
  }

  /** A Bronze line and where it came from; {@code error} set means the file failed at this line. */
  record BronzeLine(LocalDate date, String file, long line, String raw, String error) {
    BronzeLine(LocalDate date, String file, long line, String raw) {
      this(date, file, line, raw, null);
    }
  }

  /**
   * The dates in contiguous runs, a few tasks per core: a task per date would spend more on task
   * overhead than on a small date's lines.
   */
  private static JavaRDD<String> dates(SparkSession spark, List<LocalDate> dates) {
    List<String> days = dates.stream().map(LocalDate::toString).sorted().toList();
    int tasks = Math.max(1, Math.min(days.size(), 2 * spark.sparkContext().defaultParallelism()));
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(days, tasks);
  }

  /** Puts arbitrary lines into the layout {@link #clean} needs; the step's reader already has it. */
  public static Dataset<Row> inArrivalOrder(Dataset<Row> lines) {
    return lines.repartition(col("batch_date")).sortWithinPartitions("batch_date", "source_file", "line");
  }

  /**
   * The cleaning rules over {@link #LINES}, emitting one of the outputs, for tests and small inputs
   * (a partition's rows are held until it is done; the step writes as it goes). Each partition must
   * hold whole batch dates, each date's lines contiguous and in arrival order (as
   * {@link #inArrivalOrder} produces). Trades come out in (symbol, seq) order per date, bars in
   * (symbol, minute) order.
   */
  public static Dataset<Row> clean(Dataset<Row> lines, Output output) {
    JavaRDD<InternalRow> rows = lines.javaRDD().mapPartitions(in -> {
      List<BronzeLine> batch = new ArrayList<>();
      in.forEachRemaining(r -> batch.add(new BronzeLine(r.getAs("batch_date"), r.getAs("source_file"),
          r.<Long>getAs("line"), r.getAs("raw"))));
      OutputRows sink = new OutputRows(output);
      clean(batch.iterator(), sink);
      return sink.rows.iterator();
    });
    // The classic session's internal entry point, which Spark's own sources use: public in the
    // bytecode, private to Scala callers. Rows are built as Spark's internal values already.
    return ((org.apache.spark.sql.classic.SparkSession) lines.sparkSession())
        .internalCreateDataFrame(rows.rdd(), output.schema(), false);
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
   *
   * <p>Bronze is read and parsed once. Each task cleans its dates and writes what they yield as it
   * goes: the trades' and bars' Parquet data files with Iceberg's own Spark writer (the one
   * {@code writeTo} runs), one file per date and table, and the quarantine's JSON lines; it hands
   * the driver the data files and counts, and the driver commits. Spark's own write path would need
   * one pass over Bronze per output, or the cleaned rows cached in between, which profiled dearer
   * than cleaning again (docs/bench.md).
   */
  public static Result run(SparkSession spark, LakeTables tables, List<LocalDate> dates) {
    Lake lake = tables.lake();
    LakeFs fs = LakeFs.of(spark, lake);
    for (LakeTables.Id id : List.of(LakeTables.Id.SILVER_TRADES, LakeTables.Id.SILVER_BARS_1M,
        LakeTables.Id.SILVER_BATCH_STATS)) {
      tables.resetAudit(tables.create(id, switch (id) {
        case SILVER_TRADES -> Output.TRADES.schema();
        case SILVER_BARS_1M -> Output.BARS.schema();
        default -> BATCH_STATS;
      }));
    }
    LakeTables.DateFileWriter tradeFiles = tables.dateFileWriter(LakeTables.Id.SILVER_TRADES, Output.TRADES.schema());
    LakeTables.DateFileWriter barFiles = tables.dateFileWriter(LakeTables.Id.SILVER_BARS_1M, Output.BARS.schema());
    // Quarantine is JSON lines for people to read, not a table: written whole to a staging folder
    // first, then swapped in per date, so the old files go only once the new ones are complete.
    String staging = "quarantine/_staging/ticks-" + UUID.randomUUID();
    List<DateOutcome> outcomes = dates(spark, dates).mapPartitions(days -> {
      Written sink = new Written(tradeFiles, barFiles, fs, staging);
      clean(new FileLines(fs, days), sink);
      return sink.outcomes.iterator();
    }).collect();

    tables.replaceDates(LakeTables.Id.SILVER_TRADES, LakeTables.AUDIT, dates,
        outcomes.stream().map(DateOutcome::trades).filter(Objects::nonNull).toList());
    tables.replaceDates(LakeTables.Id.SILVER_BARS_1M, LakeTables.AUDIT, dates,
        outcomes.stream().map(DateOutcome::bars).filter(Objects::nonNull).toList());
    for (LocalDate d : dates) {
      String from = Lake.datePartition(staging, "date", d);
      String to = Lake.datePartition(Lake.QUARANTINE_TICKS, "date", d);
      fs.delete(to);
      if (fs.exists(from)) {
        fs.rename(from, to);
      }
    }
    fs.delete(staging);

    Map<LocalDate, DateOutcome> byDate = new HashMap<>();
    Map<String, Long> reasons = new HashMap<>();
    List<Example> firstExamples = new ArrayList<>();
    long trades = 0;
    long bars = 0;
    long quarantined = 0;
    for (DateOutcome o : outcomes) {
      byDate.put(o.date(), o);
      o.byReason().forEach((r, n) -> reasons.merge(r, n, Long::sum));
      firstExamples.addAll(o.examples());
      trades += o.tradeCount();
      bars += o.barCount();
      quarantined += o.quarantined();
    }
    Map<String, Long> byReason = new LinkedHashMap<>();
    reasons.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> byReason.put(e.getKey(), e.getValue()));
    List<String> examples = firstExamples.stream().sorted(Example.ORDER).limit(Example.KEPT)
        .map(e -> describe(e.file(), e.line(), e.field(), e.detail(), e.reason())).toList();
    // A row per date, each in its date's file as a partitioned write would put it, written here:
    // thirty rows did not need a Spark job, which cost two seconds of a 1M-line run (docs/bench.md).
    LakeTables.DateFileWriter statFiles = tables.dateFileWriter(LakeTables.Id.SILVER_BATCH_STATS, BATCH_STATS);
    List<DataFile> statRows = new ArrayList<>();
    for (LocalDate d : dates) {
      DateOutcome o = byDate.get(d);
      long accepted = o == null ? 0 : o.tradeCount();
      long q = o == null ? 0 : o.quarantined();
      long in = accepted + q;
      DataWriter<InternalRow> w = statFiles.open(d);
      w.write(new GenericInternalRow(new Object[] {
          Math.toIntExact(d.toEpochDay()), in, accepted, q, in == 0 ? 0.0 : (double) q / in}));
      statRows.add(Written.close(w));
    }
    tables.replaceDates(LakeTables.Id.SILVER_BATCH_STATS, LakeTables.AUDIT, dates, statRows);
    return new Result(dates, trades + quarantined, trades, bars, quarantined, byReason, examples);
  }

  /** What a task wrote for one date: the data files (null when the date has no rows) and counts. */
  record DateOutcome(LocalDate date, DataFile trades, DataFile bars, long tradeCount, long barCount,
      long quarantined, Map<String, Long> byReason, List<Example> examples) implements Serializable {}

  /** A quarantined line, for the step result's examples: the first few by file and line. */
  record Example(LocalDate date, String file, long line, String field, String detail, String reason)
      implements Serializable {
    static final int KEPT = 3;
    static final Comparator<Example> ORDER =
        Comparator.comparing(Example::date).thenComparing(Example::file).thenComparingLong(Example::line);
  }

  /** Receives a pass's results date by date: {@link #startDate}, the cleaner's output, {@link #endDate}. */
  interface Sink extends BatchCleaner.Output {
    void startDate(LocalDate date);

    void endDate(LocalDate date);
  }

  /**
   * Runs a {@link BatchCleaner} per date over lines in arrival order, each date's lines contiguous.
   * A date's trades and bars come out when its last line has been read.
   */
  static void clean(Iterator<BronzeLine> lines, Sink sink) {
    // Loaded on the executor from the job's own jar, so driver and executors agree.
    ReferenceData reference = ReferenceData.standard();
    Set<LocalDate> done = new HashSet<>();
    BatchCleaner cleaner = null;
    while (lines.hasNext()) {
      BronzeLine line = lines.next();
      if (cleaner != null && !cleaner.batchDate().equals(line.date())) {
        cleaner.finish();
        sink.endDate(cleaner.batchDate());
        cleaner = null;
      }
      if (cleaner == null) {
        if (!done.add(line.date())) {
          throw new IllegalStateException(
              "batch " + line.date() + " is split within a partition; arrange lines with inArrivalOrder()");
        }
        sink.startDate(line.date());
        cleaner = new BatchCleaner(reference, line.date(), sink);
      }
      if (line.error() != null) {
        cleaner.unreadable(new BatchCleaner.Source(line.file(), line.line()), line.error());
      } else {
        cleaner.accept(line.raw(), new BatchCleaner.Source(line.file(), line.line()));
      }
    }
    if (cleaner != null) {
      cleaner.finish();
      sink.endDate(cleaner.batchDate());
    }
  }

  /** Rows in the outputs' column order, as Spark's internal values (UTF8String, epoch micros and days). */
  abstract static class RowsOf implements Sink {
    // Symbols, sides, exchanges, reasons and file names repeat: one UTF8String each. Rows come
    // sorted by symbol, so a symbol and its exchange are nearly always the previous row's.
    private final Map<String, UTF8String> strings = new HashMap<>();
    private final Last symbol = new Last();
    private final Last exchange = new Last();
    private static final UTF8String BUY = UTF8String.fromString(Tick.BUY);
    private static final UTF8String SELL = UTF8String.fromString(Tick.SELL);
    int day;

    /** The previous string and its UTF8String. */
    private final class Last {
      private String s;
      private UTF8String u;

      UTF8String of(String next) {
        if (!next.equals(s)) {
          s = next;
          u = utf8(next);
        }
        return u;
      }
    }

    @Override
    public void startDate(LocalDate date) {
      day = Math.toIntExact(date.toEpochDay());
    }

    UTF8String utf8(String s) {
      return s == null ? null : strings.computeIfAbsent(s, UTF8String::fromString);
    }

    void trade(Tick t, Object[] v) {
      v[0] = symbol.of(t.symbol());
      v[1] = t.seq();
      v[2] = t.eventTimeMicros();
      v[3] = day;
      v[4] = t.price();
      v[5] = t.size();
      v[6] = Tick.BUY.equals(t.side()) ? BUY : Tick.SELL.equals(t.side()) ? SELL : utf8(t.side());
      v[7] = exchange.of(t.exchange());
    }

    void bar(MinuteBar b, Object[] v) {
      v[0] = symbol.of(b.symbol());
      v[1] = b.barStartMicros();
      v[2] = day;
      v[3] = b.open();
      v[4] = b.high();
      v[5] = b.low();
      v[6] = b.close();
      v[7] = b.volume();
      v[8] = b.notional();
      v[9] = b.vwap();
      v[10] = b.tradeCount();
    }
  }

  /** One output's rows, held in memory: {@link #clean(Dataset, Output)}. */
  static final class OutputRows extends RowsOf {
    private final Output output;
    final List<InternalRow> rows = new ArrayList<>();

    OutputRows(Output output) {
      this.output = output;
    }

    private Object[] values() {
      return new Object[output.schema().size()];
    }

    @Override
    public void kept(BatchCleaner.Kept k) {
      if (output == Output.TRADES) {
        Object[] v = values();
        trade(k.tick(), v);
        rows.add(new GenericInternalRow(v));
      }
    }

    @Override
    public void bar(MinuteBar b) {
      if (output == Output.BARS) {
        Object[] v = values();
        bar(b, v);
        rows.add(new GenericInternalRow(v));
      }
    }

    @Override
    public void quarantined(BatchCleaner.Quarantined q) {
      if (output == Output.QUARANTINE) {
        rows.add(new GenericInternalRow(new Object[] {day, utf8(q.source().file()), q.source().line(),
            utf8(q.reason().code()), utf8(q.field()), UTF8String.fromString(q.detail()),
            q.raw() == null ? null : UTF8String.fromString(q.raw())}));
      }
    }

    @Override
    public void endDate(LocalDate date) {}
  }

  /**
   * The step's sink, in a task: each date's trades and bars into a data file each, its quarantine
   * into a JSON-lines file under the staging folder, opened at the first row. Rows are written as
   * they come; one reused row per table, since the writer copies what it keeps.
   */
  static final class Written extends RowsOf {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final LakeTables.DateFileWriter tradeFiles;
    private final LakeTables.DateFileWriter barFiles;
    private final LakeFs fs;
    private final String staging;
    final List<DateOutcome> outcomes = new ArrayList<>();
    private final Object[] tradeValues = new Object[Output.TRADES.schema().size()];
    private final GenericInternalRow tradeRow = new GenericInternalRow(tradeValues);
    private final Object[] barValues = new Object[Output.BARS.schema().size()];
    private final GenericInternalRow barRow = new GenericInternalRow(barValues);
    private LocalDate date;
    private DataWriter<InternalRow> trades;
    private DataWriter<InternalRow> bars;
    private JsonGenerator quarantine;
    private long tradeCount;
    private long barCount;
    private long quarantined;
    private Map<String, Long> byReason;
    private List<Example> examples;

    Written(LakeTables.DateFileWriter tradeFiles, LakeTables.DateFileWriter barFiles, LakeFs fs, String staging) {
      this.tradeFiles = tradeFiles;
      this.barFiles = barFiles;
      this.fs = fs;
      this.staging = staging;
    }

    @Override
    public void startDate(LocalDate d) {
      super.startDate(d);
      date = d;
      tradeCount = 0;
      barCount = 0;
      quarantined = 0;
      byReason = new HashMap<>();
      examples = new ArrayList<>();
    }

    @Override
    public void kept(BatchCleaner.Kept k) {
      if (trades == null) {
        trades = tradeFiles.open(date);
      }
      trade(k.tick(), tradeValues);
      trades.write(tradeRow);
      tradeCount++;
    }

    @Override
    public void bar(MinuteBar b) {
      if (bars == null) {
        bars = barFiles.open(date);
      }
      bar(b, barValues);
      bars.write(barRow);
      barCount++;
    }

    @Override
    public void quarantined(BatchCleaner.Quarantined q) {
      try {
        if (quarantine == null) {
          String file = Lake.datePartition(staging, "date", date) + "/part-" + UUID.randomUUID() + ".json";
          quarantine = JSON.createGenerator(new java.io.BufferedOutputStream(fs.create(file), 1 << 16));
          quarantine.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
        }
        // The fields of Output.QUARANTINE; a null is left out, as Spark's JSON writer does.
        quarantine.writeStartObject();
        quarantine.writeStringField("batch_date", date.toString());
        quarantine.writeStringField("source_file", q.source().file());
        quarantine.writeNumberField("line", q.source().line());
        quarantine.writeStringField("reason", q.reason().code());
        if (q.field() != null) {
          quarantine.writeStringField("field", q.field());
        }
        quarantine.writeStringField("detail", q.detail());
        if (q.raw() != null) {
          quarantine.writeStringField("raw", q.raw());
        }
        quarantine.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the quarantine of " + date + " under " + fs.uri(staging)
            + ": " + e.getMessage(), e);
      }
      quarantined++;
      byReason.merge(q.reason().code(), 1L, Long::sum);
      examples.add(new Example(date, q.source().file(), q.source().line(), q.field(), q.detail(), q.reason().code()));
      if (examples.size() > 2 * Example.KEPT) {
        examples.sort(Example.ORDER);
        examples.subList(Example.KEPT, examples.size()).clear();
      }
    }

    @Override
    public void endDate(LocalDate d) {
      DataFile tradeFile = close(trades);
      DataFile barFile = close(bars);
      trades = null;
      bars = null;
      if (quarantine != null) {
        try {
          quarantine.writeRaw('\n');
          quarantine.close();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the quarantine of " + d + " under " + fs.uri(staging)
              + ": " + e.getMessage(), e);
        }
        quarantine = null;
      }
      examples.sort(Example.ORDER);
      outcomes.add(new DateOutcome(d, tradeFile, barFile, tradeCount, barCount, quarantined, byReason,
          List.copyOf(examples.subList(0, Math.min(Example.KEPT, examples.size())))));
    }

    private static DataFile close(DataWriter<InternalRow> w) {
      if (w == null) {
        return null;
      }
      try {
        w.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot finish a Silver data file: " + e.getMessage(), e);
      }
      return w.toDataFile();
    }
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

}
