package dev.onering.spark.silver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.instruments.ReferenceData;
import dev.onering.lake.Lake;
import dev.onering.simulator.BronzeWriter;
import dev.onering.simulator.Manifest;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import dev.onering.spark.SparkTestBase;
import dev.onering.spark.lake.LakeTables;
import dev.onering.ticks.RejectReason;
import dev.onering.ticks.Tick;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BronzeToSilverTest extends SparkTestBase {

  private static final LocalDate DAY = LocalDate.of(2026, 9, 1);
  private static final long T0 = Tick.startOfDayMicros(DAY) + 14 * 3_600_000_000L;

  private static String tick(String symbol, long seq, long micros, double price) {
    return new Tick(symbol, seq, micros, price, 10, "buy", ReferenceData.standard().find(symbol).orElseThrow().exchange())
        .toJson();
  }

  private static Row line(String file, long n, String raw) {
    return RowFactory.create(DAY, file, n, raw);
  }

  private Dataset<Row> lines(Row... rows) {
    return spark.createDataFrame(List.of(rows), BronzeToSilver.LINES);
  }

  @Test
  void keepsTheFirstArrivalAcrossFilesAndQuarantinesTheRestWithTheirSource() {
    String a = tick("AAPL", 1, T0, 100.0);
    String b = tick("AAPL", 2, T0 + 1, 100.5);
    // Given out of order on purpose: the cleaner must see part-00000 before part-00001.
    Dataset<Row> in = lines(
        line("bronze/ticks/date=2026-09-01/part-00001.jsonl", 1, a.replace("\"size\":10.0", "\"size\":11.0")),
        line("bronze/ticks/date=2026-09-01/part-00000.jsonl", 1, a),
        line("bronze/ticks/date=2026-09-01/part-00000.jsonl", 2, b),
        line("bronze/ticks/date=2026-09-01/part-00000.jsonl", 3, "{\"symbol\":"),
        line("bronze/ticks/date=2026-09-01/part-00000.jsonl", 4, tick("AAPL", 3, T0 + 2, 1005.0)));
    Dataset<Row> ordered = BronzeToSilver.inArrivalOrder(in);
    List<Row> trades = BronzeToSilver.clean(ordered, BronzeToSilver.Output.TRADES).collectAsList();
    assertThat(trades).extracting(r -> r.<Long>getAs("seq")).containsExactly(1L, 2L);
    assertThat(trades.get(0).<Double>getAs("size")).as("the size of the first arrival").isEqualTo(10.0);

    Map<String, Row> quarantined = new HashMap<>();
    for (Row r : BronzeToSilver.clean(ordered, BronzeToSilver.Output.QUARANTINE).collectAsList()) {
      quarantined.put(r.getAs("reason"), r);
    }
    assertThat(quarantined.keySet()).containsExactlyInAnyOrder("duplicate", "malformed_json", "price_spike");
    Row dup = quarantined.get("duplicate");
    assertThat(dup.<String>getAs("source_file")).endsWith("part-00001.jsonl");
    assertThat(dup.<Long>getAs("line")).isEqualTo(1);
    assertThat(dup.<String>getAs("raw")).as("raw line as received").contains("\"size\":11.0");
    assertThat(quarantined.get("malformed_json").<Long>getAs("line")).isEqualTo(3);
    assertThat(quarantined.get("price_spike").<String>getAs("field")).isEqualTo("price");
  }

  @Test
  void barsTakeOpenAndCloseByTimeThenSeqWhateverTheArrivalOrder() {
    long minute = T0 - T0 % 60_000_000L;
    String f = "bronze/ticks/date=2026-09-01/part-00000.jsonl";
    Dataset<Row> in = lines(
        line(f, 1, tick("AAPL", 4, minute + 60_000_000L, 98.0)), // next minute, arrives first
        line(f, 2, tick("AAPL", 2, minute + 5, 101.0)),
        line(f, 3, tick("AAPL", 1, minute + 5, 100.0)), // same microsecond, lower seq: the open
        line(f, 4, tick("AAPL", 3, minute + 59_000_000L, 99.0)));
    List<Row> bars = BronzeToSilver.clean(BronzeToSilver.inArrivalOrder(in), BronzeToSilver.Output.BARS).collectAsList();
    assertThat(bars).hasSize(2);
    Row bar = bars.get(0);
    assertThat(bar.<Instant>getAs("bar_start")).isEqualTo(Instant.ofEpochSecond(minute / 1_000_000));
    assertThat(bar.<Double>getAs("open")).isEqualTo(100.0);
    assertThat(bar.<Double>getAs("close")).isEqualTo(99.0);
    assertThat(bar.<Double>getAs("high")).isEqualTo(101.0);
    assertThat(bar.<Double>getAs("low")).isEqualTo(99.0);
    assertThat(bar.<Double>getAs("volume")).isEqualTo(30.0);
    assertThat(bar.<Double>getAs("vwap")).isEqualTo((100.0 * 10 + 101.0 * 10 + 99.0 * 10) / 30);
    assertThat(bar.<Long>getAs("trade_count")).isEqualTo(3L);
    assertThat(bars.get(1).<Long>getAs("trade_count")).isEqualTo(1L);
  }

  @Test
  void silverEqualsTheSimulatorsTruthAndQuarantineEqualsTheManifest(@TempDir Path dir) throws Exception {
    Lake lake = Lake.at(dir.resolve("lake"));
    Path truthDir = dir.resolve("truth");
    SimulationConfig config = SimulationConfig.defaults().withSize(6, 5, 800)
        .withDefectRates(SimulationConfig.defaultRates(10)).withMaxLinesPerFile(1500);
    Manifest manifest = new MarketSimulator(config, ReferenceData.standard())
        .run(new BronzeWriter(lake, config.maxLinesPerFile(), truthDir));
    List<LocalDate> dates = Stream.iterate(config.startDate(), d -> d.plusDays(1)).limit(config.days()).toList();

    LakeTables tables = tables(lake);
    BronzeToSilver.Result result = BronzeToSilver.run(spark, tables, dates);
    String trades = tables.sparkName(LakeTables.Id.SILVER_TRADES, LakeTables.AUDIT);
    String bars = tables.sparkName(LakeTables.Id.SILVER_BARS_1M, LakeTables.AUDIT);

    Set<String> expected = new HashSet<>();
    try (Stream<Path> files = Files.walk(truthDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).toList()) {
        Files.readAllLines(f).stream().skip(1).forEach(expected::add);
      }
    }
    List<String> actual = new ArrayList<>();
    for (Row r : spark.table(trades).collectAsList()) {
      Instant t = r.getAs("event_time");
      long micros = t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
      actual.add(String.join(",", r.<String>getAs("symbol"), String.valueOf(r.<Long>getAs("seq")),
          String.valueOf(micros), String.valueOf(r.<Double>getAs("price")), String.valueOf(r.<Double>getAs("size")),
          r.getAs("side"), r.getAs("exchange")));
    }
    assertThat(actual).hasSize(expected.size());
    assertThat(new HashSet<>(actual)).isEqualTo(expected);
    assertThat(result.trades()).isEqualTo(manifest.cleanTicks());
    assertThat(result.lines()).isEqualTo(manifest.lines());

    for (RejectReason reason : RejectReason.values()) {
      assertThat(result.quarantineByReason().getOrDefault(reason.code(), 0L))
          .as(reason.code()).isEqualTo(manifest.expectedQuarantine(reason));
    }
    long quarantineFiles = spark.read().json(lake.uri(Lake.QUARANTINE_TICKS)).count();
    assertThat(quarantineFiles).isEqualTo(result.quarantined());

    // A second run of the same dates replaces, never duplicates, and gives the same rows.
    List<Row> before = spark.table(bars).orderBy("symbol", "bar_start").collectAsList();
    BronzeToSilver.run(spark, tables, dates);
    assertThat(spark.table(trades).count()).isEqualTo(expected.size());
    assertThat(spark.read().json(lake.uri(Lake.QUARANTINE_TICKS)).count()).isEqualTo(result.quarantined());
    List<Row> after = spark.table(bars).orderBy("symbol", "bar_start").collectAsList();
    assertThat(after).isEqualTo(before);

    // Batch stats: per date, what Silver kept and what quarantine holds, computed here from both.
    for (Row s : spark.table(tables.sparkName(LakeTables.Id.SILVER_BATCH_STATS, LakeTables.AUDIT)).collectAsList()) {
      LocalDate d = s.getAs("trade_date");
      long kept = spark.table(trades).filter(org.apache.spark.sql.functions.col("trade_date").equalTo(java.sql.Date.valueOf(d))).count();
      long q = spark.read().json(lake.uri(Lake.datePartition(Lake.QUARANTINE_TICKS, "date", d))).count();
      assertThat(s.<Long>getAs("accepted")).as("accepted " + d).isEqualTo(kept);
      assertThat(s.<Long>getAs("quarantined")).as("quarantined " + d).isEqualTo(q);
      assertThat(s.<Long>getAs("lines_in")).isEqualTo(kept + q);
      assertThat(s.<Double>getAs("quarantine_share")).isEqualTo((double) q / (kept + q));
    }
    assertThat(spark.table(tables.sparkName(LakeTables.Id.SILVER_BATCH_STATS, LakeTables.AUDIT)).count())
        .isEqualTo(dates.size());
    // The run wrote the audit branch only: main is still the tables' empty first snapshot.
    assertThat(spark.table(tables.sparkName(LakeTables.Id.SILVER_TRADES)).count()).isZero();
  }

  @Test
  void reRunningOneDateReplacesThatDateAloneWithOneDataFilePerTable(@TempDir Path dir) throws Exception {
    Lake lake = Lake.at(dir.resolve("lake"));
    SimulationConfig config = SimulationConfig.defaults().withSize(3, 3, 300).withStartDate(LocalDate.of(2026, 9, 7))
        .withDefectRates(SimulationConfig.defaultRates(10));
    new MarketSimulator(config, ReferenceData.standard()).run(new BronzeWriter(lake, 1000, null));
    List<LocalDate> dates = Stream.iterate(config.startDate(), d -> d.plusDays(1)).limit(config.days()).toList();
    LakeTables tables = tables(lake);
    BronzeToSilver.run(spark, tables, dates);
    String trades = tables.sparkName(LakeTables.Id.SILVER_TRADES, LakeTables.AUDIT);
    Map<Object, Long> perDate = new HashMap<>();
    for (Row r : spark.table(trades).groupBy("trade_date").count().collectAsList()) {
      perDate.put(r.get(0), r.getLong(1));
    }
    assertThat(perDate).hasSize(3);
    // Published, as the gate would: each run's audit branch starts from main.
    LakeTables.Id.silverTables().forEach(tables::publish);

    LocalDate middle = dates.get(1);
    BronzeToSilver.Result again = BronzeToSilver.run(spark, tables, List.of(middle));

    Map<Object, Long> after = new HashMap<>();
    for (Row r : spark.table(trades).groupBy("trade_date").count().collectAsList()) {
      after.put(r.get(0), r.getLong(1));
    }
    assertThat(after).as("the other dates kept, the re-run date replaced, not added to").isEqualTo(perDate);
    assertThat(again.trades()).isEqualTo(perDate.get(middle));
    for (LakeTables.Id id : List.of(LakeTables.Id.SILVER_TRADES, LakeTables.Id.SILVER_BARS_1M)) {
      for (LocalDate d : dates) {
        assertThat(tables.dataFiles(id, LakeTables.AUDIT, List.of(d))).as(id + " " + d).hasSize(1);
      }
    }
    // The quarantine of the re-run date reads back with the quarantine schema, one record per line.
    long q = spark.read().schema(BronzeToSilver.Output.QUARANTINE.schema())
        .json(lake.uri(Lake.datePartition(Lake.QUARANTINE_TICKS, "date", middle))).filter("reason is not null").count();
    assertThat(q).isEqualTo(again.quarantined());
  }

  @Test
  void aBronzeFolderThatCannotBeReadIsQuarantinedAndTheOtherDatesGoOn(@TempDir Path dir) throws Exception {
    Lake lake = Lake.at(dir.resolve("lake"));
    SimulationConfig config = SimulationConfig.defaults().withSize(2, 2, 50).withStartDate(LocalDate.of(2026, 9, 5));
    Manifest manifest = new MarketSimulator(config, ReferenceData.standard()).run(new BronzeWriter(lake, 1000, null));
    // A file that lists but fails on read (EIO), as a bad disk sector would; root reads anything
    // else, so permissions cannot make one here.
    Path broken = lake.bronzeTicks(LocalDate.of(2026, 9, 6)).resolve("part-00001.jsonl");
    Files.createSymbolicLink(broken, Path.of("/proc/self/mem"));

    BronzeToSilver.Result r = BronzeToSilver.run(spark, tables(lake), List.of(LocalDate.of(2026, 9, 5), LocalDate.of(2026, 9, 6)));

    assertThat(r.quarantineByReason()).containsEntry("unreadable_file", 1L);
    assertThat(r.trades()).as("both dates' readable files are complete").isEqualTo(manifest.cleanTicks());
    Row q = spark.read().json(lake.uri(Lake.QUARANTINE_TICKS)).filter("reason = 'unreadable_file'").first();
    assertThat(q.<String>getAs("source_file")).isEqualTo("bronze/ticks/date=2026-09-06/part-00001.jsonl");
    assertThat(q.<Long>getAs("line")).isEqualTo(1);
    assertThat(q.<String>getAs("detail")).contains("re-run 2026-09-06");
  }
}
