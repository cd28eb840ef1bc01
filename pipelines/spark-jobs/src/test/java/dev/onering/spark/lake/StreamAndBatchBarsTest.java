package dev.onering.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.lake.Lake;
import dev.onering.spark.SparkTestBase;
import dev.onering.spark.silver.BronzeToSilver;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * silver.bars_1m has two writers: the batch (write-audit-publish, a date replaced in one commit)
 * and the streaming job (appends to main at each checkpoint, pipelines/streaming SilverBarsTable).
 * Here: both use one schema, and publishing an audited batch write while the stream has appended to
 * main meanwhile keeps the stream's other dates and replaces the batch's.
 */
class StreamAndBatchBarsTest extends SparkTestBase {

  @Test
  void theBatchsBarsSchemaIsTheOneTheStreamingJobWritesWith(@TempDir Path dir) throws Exception {
    String json;
    try (InputStream in = Lake.class.getResourceAsStream(Lake.SILVER_BARS_1M_SCHEMA)) {
      assertThat(in).as(Lake.SILVER_BARS_1M_SCHEMA + " in onering-core").isNotNull();
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // The table the batch creates from its Spark schema, field ids included: what the stream checks
    // an existing table against, and creates a missing one with.
    Table t = tables(Lake.at(dir)).create(LakeTables.Id.SILVER_BARS_1M, BronzeToSilver.Output.BARS.schema());
    assertThat(t.schema().asStruct()).isEqualTo(SchemaParser.fromJson(json).asStruct());
  }

  static final LocalDate D1 = LocalDate.of(2026, 9, 3);
  static final LocalDate D2 = LocalDate.of(2026, 9, 4);

  static Dataset<Row> bars(String symbol, LocalDate date, double close, int minutes) {
    List<Row> rows = new java.util.ArrayList<>();
    for (int m = 0; m < minutes; m++) {
      Instant start = date.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plusSeconds(60L * m);
      rows.add(RowFactory.create(symbol, Timestamp.from(start), Date.valueOf(date), close, close, close, close, 1.0,
          close, close, 1L));
    }
    return spark.createDataFrame(rows, BronzeToSilver.Output.BARS.schema());
  }

  static List<String> main(LakeTables tables) {
    return spark.table(tables.sparkName(LakeTables.Id.SILVER_BARS_1M)).orderBy("symbol", "bar_start")
        .collectAsList().stream().map(r -> r.getString(0) + " " + r.get(2) + " " + r.getDouble(6)).toList();
  }

  static List<String> expect(String symbol, LocalDate date, double close, int minutes) {
    return java.util.Collections.nCopies(minutes, symbol + " " + date + " " + close);
  }

  @Test
  void publishingWhileTheStreamAppendedToMainReplacesTheBatchsDatesAndKeepsTheStreamsOthers(@TempDir Path dir)
      throws Exception {
    LakeTables tables = tables(Lake.at(dir));
    LakeTables.Id id = LakeTables.Id.SILVER_BARS_1M;
    Table t = tables.create(id, BronzeToSilver.Output.BARS.schema());
    // The stream saw day 1 (without the late trades) before the batch ran it.
    bars("STREAM", D1, 1.0, 3).writeTo(tables.sparkName(id)).append();

    // The batch: audit from main, day 1 replaced on the audit branch.
    tables.resetAudit(t);
    tables.overwrite(bars("BATCH", D1, 2.0, 2), id, LakeTables.AUDIT, functions.col("trade_date").equalTo(Date.valueOf(D1)));
    // ...while the stream goes on appending day 2 to main, so main is no longer audit's base.
    bars("STREAM", D2, 3.0, 4).writeTo(tables.sparkName(id)).append();
    List<String> audited = spark.table(tables.sparkName(id, LakeTables.AUDIT))
        .filter(functions.col("trade_date").equalTo(Date.valueOf(D1))).orderBy("symbol", "bar_start")
        .collectAsList().stream().map(r -> r.getString(0) + " " + r.get(2) + " " + r.getDouble(6)).toList();

    long before = t.currentSnapshot().snapshotId();
    long published = tables.publish(id).orElseThrow();

    assertThat(published).isNotEqualTo(before);
    // Day 1 is exactly what the gate audited (the stream's day-1 rows replaced); day 2 is the stream's.
    java.util.List<String> expected = new java.util.ArrayList<>(audited);
    expected.addAll(expect("STREAM", D2, 3.0, 4));
    assertThat(main(tables)).containsExactlyElementsOf(expected);
    assertThat(audited).containsExactlyElementsOf(expect("BATCH", D1, 2.0, 2));
    // One commit on top of the stream's, and main only moved forward.
    t.refresh();
    assertThat(t.currentSnapshot().parentId()).isEqualTo(before);
    // Publishing again changes nothing.
    assertThat(tables.publish(id)).contains(published);
  }

  @Test
  void withNoStreamWritePublishingStillFastForwardsMainToTheAuditedSnapshot(@TempDir Path dir) {
    LakeTables tables = tables(Lake.at(dir));
    LakeTables.Id id = LakeTables.Id.SILVER_BARS_1M;
    Table t = tables.create(id, BronzeToSilver.Output.BARS.schema());
    tables.resetAudit(t);
    tables.overwrite(bars("BATCH", D1, 2.0, 2), id, LakeTables.AUDIT, functions.col("trade_date").equalTo(Date.valueOf(D1)));
    long audit = tables.snapshotId(id, LakeTables.AUDIT).orElseThrow();
    assertThat(tables.publish(id)).contains(audit);
    assertThat(main(tables)).containsExactlyElementsOf(expect("BATCH", D1, 2.0, 2));
  }
}
