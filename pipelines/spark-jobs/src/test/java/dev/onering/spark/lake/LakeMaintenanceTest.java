package dev.onering.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.instruments.ReferenceData;
import dev.onering.lake.Lake;
import dev.onering.simulator.BronzeWriter;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import dev.onering.spark.SparkTestBase;
import dev.onering.spark.silver.BronzeToSilver;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeMaintenanceTest extends SparkTestBase {

  @Test
  void reRunsGrowTheLakeAndMaintenanceShrinksItToTheCurrentSnapshotWithTheSameRows(@TempDir Path dir) throws Exception {
    Lake lake = Lake.at(dir.resolve("lake"));
    SimulationConfig config = SimulationConfig.defaults().withSize(3, 3, 300);
    new MarketSimulator(config, ReferenceData.standard()).run(new BronzeWriter(lake, 5000, null));
    List<LocalDate> dates = Stream.iterate(config.startDate(), d -> d.plusDays(1)).limit(config.days()).toList();
    LakeTables tables = tables(lake);
    LakeTables.Id trades = LakeTables.Id.SILVER_TRADES;
    for (int run = 0; run < 3; run++) {
      BronzeToSilver.run(spark, tables, dates);
      tables.publish(trades);
    }
    // Small files: the same rows again as three files per date, as a streaming append would leave.
    tables.resetAudit(tables.find(trades).orElseThrow());
    tables.overwrite(spark.table(tables.sparkName(trades)).repartition(3).sortWithinPartitions("trade_date"),
        trades, LakeTables.AUDIT, functions.lit(true));
    tables.publish(trades);
    Fingerprint rows = fingerprint(tables, trades);
    List<String> current = tables.dataFiles(trades, LakeTables.MAIN, List.of());
    assertThat(current).as("several files per date before compaction").hasSizeGreaterThan(dates.size());
    assertThat(files(lake, trades)).as("re-runs left the replaced files on disk").hasSizeGreaterThan(current.size());

    List<LakeMaintenance.TableResult> results = LakeMaintenance.run(spark, tables, 1);

    LakeMaintenance.TableResult r = results.stream().filter(x -> x.table().equals("silver.trades")).findFirst().orElseThrow();
    assertThat(r.skipped()).isNull();
    assertThat(r.snapshotsBefore()).isGreaterThanOrEqualTo(5);
    assertThat(r.snapshotsAfter()).isEqualTo(1);
    assertThat(r.filesRewritten()).isEqualTo(current.size());
    List<String> compacted = tables.dataFiles(trades, LakeTables.MAIN, List.of());
    assertThat(compacted).as("one file per date").hasSize(dates.size());
    Set<String> onDisk = files(lake, trades);
    Set<String> referenced = compacted.stream().map(f -> lake.path(f).toString()).collect(Collectors.toCollection(HashSet::new));
    assertThat(onDisk).as("only the current snapshot's files remain").isEqualTo(referenced);
    assertThat(fingerprint(tables, trades)).isEqualTo(rows);
    assertThat(tables.snapshotId(trades, LakeTables.AUDIT)).isEqualTo(tables.snapshotId(trades, LakeTables.MAIN));
    // The pipeline goes on: the next run's write and publish work on the maintained table.
    BronzeToSilver.run(spark, tables, dates);
    tables.publish(trades);
    assertThat(fingerprint(tables, trades)).isEqualTo(rows);
  }

  @Test
  void aTableWithAnUnpublishedWriteIsLeftAlone(@TempDir Path dir) throws Exception {
    Lake lake = Lake.at(dir.resolve("lake"));
    SimulationConfig config = SimulationConfig.defaults().withSize(2, 1, 200);
    new MarketSimulator(config, ReferenceData.standard()).run(new BronzeWriter(lake, 5000, null));
    LakeTables tables = tables(lake);
    BronzeToSilver.run(spark, tables, List.of(config.startDate()));
    long audit = tables.snapshotId(LakeTables.Id.SILVER_TRADES, LakeTables.AUDIT).orElseThrow();

    List<LakeMaintenance.TableResult> results = LakeMaintenance.run(spark, tables, 1);

    assertThat(results).filteredOn(x -> x.table().equals("silver.trades")).singleElement()
        .satisfies(x -> assertThat(x.skipped()).contains("unpublished"));
    assertThat(tables.snapshotId(LakeTables.Id.SILVER_TRADES, LakeTables.AUDIT)).contains(audit);
    assertThat(tables.publish(LakeTables.Id.SILVER_TRADES)).contains(audit);
  }
}
