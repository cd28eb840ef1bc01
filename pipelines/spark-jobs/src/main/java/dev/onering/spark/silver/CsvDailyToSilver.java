package dev.onering.spark.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import dev.onering.gold.DailyBar;
import dev.onering.imports.OhlcvCsv;
import dev.onering.lake.Lake;
import dev.onering.spark.lake.LakeFs;
import dev.onering.spark.lake.LakeTables;
import dev.onering.ticks.RejectReason;
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
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Imported daily OHLCV CSV files to Silver.
 *
 * <p>Input: every {@code bronze/ohlcv_csv/ingest_date=D/*.csv}. Output: the Iceberg table
 * {@code silver.daily_imported} and {@code quarantine/ohlcv_csv} (JSON lines), both rebuilt from all of Bronze, so
 * running it again gives the same result. When a symbol's day was imported more than once, the
 * newest import wins.
 */
public final class CsvDailyToSilver {
  private CsvDailyToSilver() {}

  public static final StructType PARSED =
      new StructType()
          .add("kind", DataTypes.StringType, false)
          .add("symbol", DataTypes.StringType, true)
          .add("trade_date", DataTypes.DateType, true)
          .add("open", DataTypes.DoubleType, true)
          .add("high", DataTypes.DoubleType, true)
          .add("low", DataTypes.DoubleType, true)
          .add("close", DataTypes.DoubleType, true)
          .add("volume", DataTypes.DoubleType, true)
          .add("ingest_date", DataTypes.DateType, false)
          .add("source_file", DataTypes.StringType, false)
          .add("line", DataTypes.LongType, false)
          .add("reason", DataTypes.StringType, true)
          .add("field", DataTypes.StringType, true)
          .add("detail", DataTypes.StringType, true)
          .add("raw", DataTypes.StringType, true);

  /** The columns of an imported daily row, as {@code silver.daily_imported} holds them. */
  private static final List<String> IMPORTED_COLUMNS = List.of(
      "symbol", "trade_date", "open", "high", "low", "close", "volume", "ingest_date", "source_file", "line");

  /** Imported daily rows, as {@code silver.daily_imported} holds them: the parse's own fields. */
  public static final StructType DAILY_IMPORTED =
      new StructType(IMPORTED_COLUMNS.stream().map(PARSED::apply).toArray(StructField[]::new));

  public record Result(long files, long rows, long kept, long quarantined, Map<String, Long> quarantineByReason,
      List<String> examples) {}

  /** Parses the files named in a dataset of paths relative to the lake root. */
  public static Dataset<Row> parse(Dataset<String> files, LakeFs lake) {
    return files.flatMap(new ParseFile(lake), Encoders.row(PARSED));
  }

  /** Keeps one row per (symbol, date): the one from the newest import. */
  public static Dataset<Row> latestImport(Dataset<Row> parsed) {
    var newestFirst =
        Window.partitionBy("symbol", "trade_date")
            .orderBy(col("ingest_date").desc(), col("source_file").desc(), col("line").desc());
    return parsed
        .filter(col("kind").equalTo("bar"))
        .withColumn("rank", row_number().over(newestFirst))
        .filter(col("rank").equalTo(1))
        .select(IMPORTED_COLUMNS.stream().map(functions::col).toArray(Column[]::new));
  }


  /**
   * The step: {@code silver.daily_imported} replaced whole, in one commit on the table's
   * {@value LakeTables#AUDIT} branch (the quality gate publishes it), and the CSV quarantine.
   */
  public static Result run(SparkSession spark, LakeTables tables) {
    Lake lake = tables.lake();
    LakeFs fs = LakeFs.of(spark, lake);
    List<String> files = new ArrayList<>();
    for (String ingest : fs.partitionValues(Lake.BRONZE_OHLCV_CSV, "ingest_date")) {
      for (String f : fs.dataFiles(Lake.BRONZE_OHLCV_CSV + "/ingest_date=" + ingest)) {
        if (f.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
          files.add(f);
        }
      }
    }
    var rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(files, Math.max(1, Math.min(files.size(), 16)));
    Dataset<Row> parsed = parse(spark.createDataset(rdd.rdd(), Encoders.STRING()), fs).cache();
    try {
      Map<String, Long> byReason = new LinkedHashMap<>();
      long bars = 0;
      for (Row r : parsed.groupBy("kind", "reason").count().collectAsList()) {
        if ("bar".equals(r.getString(0))) {
          bars += r.getLong(2);
        } else {
          byReason.merge(r.getString(1), r.getLong(2), Long::sum);
        }
      }
      Dataset<Row> latest = latestImport(parsed);
      String target = tables.sparkName(LakeTables.Id.SILVER_DAILY_IMPORTED, LakeTables.AUDIT);
      tables.resetAudit(tables.create(LakeTables.Id.SILVER_DAILY_IMPORTED, DAILY_IMPORTED));
      tables.overwrite(latest.coalesce(1).sortWithinPartitions("symbol", "trade_date"),
          LakeTables.Id.SILVER_DAILY_IMPORTED, LakeTables.AUDIT, org.apache.spark.sql.functions.lit(true));
      long kept = spark.table(target).count();
      parsed.filter(col("kind").equalTo("quarantine"))
          .select("ingest_date", "source_file", "line", "reason", "field", "detail", "raw")
          .coalesce(1)
          .write().mode(SaveMode.Overwrite).json(lake.uri(Lake.QUARANTINE_OHLCV_CSV));
      long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();
      List<String> examples = parsed.filter(col("kind").equalTo("quarantine")).orderBy("source_file", "line").limit(3)
          .collectAsList().stream().map(BronzeToSilver::describe).toList();
      return new Result(files.size(), bars + quarantined, kept, quarantined, byReason, examples);
    } finally {
      parsed.unpersist();
    }
  }

  static final class ParseFile implements FlatMapFunction<String, Row> {
    private static final long serialVersionUID = 1L;
    private final LakeFs lake;

    ParseFile(LakeFs lake) {
      this.lake = lake;
    }

    @Override
    public Iterator<Row> call(String file) {
      LocalDate ingest = LocalDate.parse(file.replaceAll(".*ingest_date=([0-9-]+)/.*", "$1"));
      List<String> lines = new ArrayList<>();
      List<Row> out = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(lake.open(file), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines.add(l);
        }
      } catch (IOException | UncheckedIOException | org.apache.hadoop.fs.FSError e) {
        // The rest of the import goes on; the file stays in Bronze and the quarantine says why.
        out.add(RowFactory.create("quarantine", null, null, null, null, null, null, null, ingest, file,
            (long) lines.size() + 1, RejectReason.UNREADABLE_FILE.code(), null,
            file + " could not be read from line " + (lines.size() + 1) + ": " + e.getMessage()
                + "; fix it and run silver-csv again",
            null));
        return out.iterator();
      }
      OhlcvCsv.parse(file, lines.iterator(), new OhlcvCsv.Output() {
        @Override
        public void bar(DailyBar b, long line) {
          out.add(RowFactory.create("bar", b.symbol(), b.tradeDate(), b.open(), b.high(), b.low(), b.close(),
              b.volume(), ingest, file, line, null, null, null, null));
        }

        @Override
        public void rejected(OhlcvCsv.Rejection q) {
          out.add(RowFactory.create("quarantine", null, null, null, null, null, null, null, ingest, file,
              q.line(), q.reason().code(), q.field(), q.detail(), q.raw()));
        }
      });
      return out.iterator();
    }
  }
}
