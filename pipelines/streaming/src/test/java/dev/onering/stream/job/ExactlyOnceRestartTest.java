package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onering.bars.MinuteBar;
import dev.onering.bars.MinuteBars;
import dev.onering.lake.Lake;
import dev.onering.serving.clickhouse.ChangelogApplier;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.simulator.SimulationConfig;
import dev.onering.stream.sink.LakeAndClickHouseSinks;
import dev.onering.stream.sink.SilverBarsTable;
import dev.onering.stream.sink.SilverStoreTarget;
import dev.onering.ticks.Tick;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.HashSet;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.util.SnapshotUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once results: the job fails mid-stream, after a checkpoint, and restarts from it; what
 * it leaves in ClickHouse and in the lake equals what an uninterrupted run leaves. No bar lost,
 * none doubled, no late trade or quarantined message written twice. The lake's bars are the
 * Iceberg table silver.bars_1m, in a JDBC catalog on a real (embedded) Postgres, read back through
 * the catalog: every bar exactly once, equal to the batch's bars of the same trades.
 */
class ExactlyOnceRestartTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir static Path chdb;
  static SilverStore store;
  static SimulatedFeed feed;
  static EmbeddedPostgres catalogDb;

  @BeforeAll
  static void setUp() throws Exception {
    catalogDb = EmbeddedPostgres.start();
    store = SilverStoreTarget.chdb(chdb).openEmbedded();
    store.migrate(ChangelogApplier.locateDefaultChangelog());
    feed = SimulatedFeed.of(SimulationConfig.defaults().withSize(6, 2, 3_000)
        .withStartDate(LocalDate.of(2026, 9, 3)).withDefectRates(SimulationConfig.defaultRates(5)));
  }

  @AfterAll
  static void tearDown() throws IOException {
    store.close();
    catalogDb.close();
  }

  /** The bars table of a lake, in a catalog of its own name so the two runs' lakes share one database. */
  static SilverBarsTable barsTable(String catalog, Path lake) {
    return new SilverBarsTable(catalog, catalogDb.getJdbcUrl("postgres", "postgres"), "postgres", lake.toString());
  }

  /** The table's rows on main, through the catalog (what a batch reader sees), one line per bar. */
  static List<String> tableBars(SilverBarsTable table) throws IOException {
    List<String> out = new ArrayList<>();
    try (JdbcCatalog c = table.openCatalog();
        CloseableIterable<Record> rows = IcebergGenerics.read(c.loadTable(SilverBarsTable.IDENTIFIER)).build()) {
      for (Record r : rows) {
        out.add(r.getField("symbol") + " " + ((java.time.OffsetDateTime) r.getField("bar_start")).toInstant() + " "
            + r.getField("trade_date") + " " + r.getField("open") + " " + r.getField("high") + " " + r.getField("low")
            + " " + r.getField("close") + " " + r.getField("volume") + " " + r.getField("notional") + " "
            + r.getField("vwap") + " " + r.getField("trade_count"));
      }
    }
    return out.stream().sorted().toList();
  }

  /** The same line for a bar computed by the batch path's code. */
  static String line(MinuteBar b) {
    return b.symbol() + " " + java.time.Instant.EPOCH.plus(b.barStartMicros(), java.time.temporal.ChronoUnit.MICROS)
        + " " + Tick.utcDate(b.barStartMicros()) + " " + b.open() + " " + b.high() + " " + b.low() + " " + b.close()
        + " " + b.volume() + " " + b.notional() + " " + b.vwap() + " " + b.tradeCount();
  }

  /** Fails the job once, on the first record after a checkpoint has completed past {@code after}. */
  static final class FailOnceAfterCheckpoint extends RichMapFunction<Received, Received>
      implements CheckpointListener {
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger CHECKPOINTS_BEFORE_FAILURE = new AtomicInteger();
    private final long after;
    private long seen;
    private volatile boolean checkpointed;

    FailOnceAfterCheckpoint(long after) {
      this.after = after;
    }

    @Override
    public Received map(Received value) throws Exception {
      if (++seen >= after && !FAILED.get()) {
        if (!checkpointed) {
          // Slow down until a checkpoint has completed past this point; blocking instead would
          // also block the checkpoint, which runs in this task's thread between records.
          Thread.sleep(1);
        } else {
          FAILED.set(true);
          throw new IllegalStateException("injected failure after " + seen + " records");
        }
      }
      return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      if (seen >= after) {
        CHECKPOINTS_BEFORE_FAILURE.incrementAndGet();
        checkpointed = true;
      }
    }
  }

  record Outputs(List<String> bars, List<String> alerts, List<String> lakeBars, List<String> late,
      List<String> quarantine, long commits) {}

  Outputs run(Path lake, boolean fail) throws Exception {
    SilverBarsTable table = barsTable(fail ? "restarted" : "uninterrupted", lake);
    store.rows("TRUNCATE TABLE silver.bars_1m");
    store.rows("TRUNCATE TABLE silver.alerts");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    StreamEnvironment.configure(env, Duration.ofMillis(100));
    DataStream<Received> messages = feed.source(env);
    if (fail) {
      messages = messages.map(new FailOnceAfterCheckpoint(feed.messages().size() / 4)).setParallelism(1);
    }
    TickPipeline.Streams streams = TickPipeline.build(messages, 1, StreamSettings.defaults(), AlertRules.defaults());
    LakeAndClickHouseSinks.attach(streams,
        new LakeAndClickHouseSinks.Targets(lake.toString(), SilverStoreTarget.chdb(chdb), 50, null, table));
    env.execute(fail ? "with a failure" : "uninterrupted");
    return new Outputs(
        column("SELECT concat(symbol, ' ', toString(bar_start), ' ', toString(open), ' ', toString(high), ' ',"
            + " toString(low), ' ', toString(close), ' ', toString(volume), ' ', toString(trade_count))"
            + " AS r FROM silver.bars_1m FINAL ORDER BY symbol, bar_start"),
        column("SELECT concat(symbol, ' ', pattern, ' ', toString(first_bar_start), ' ', detail) AS r"
            + " FROM silver.alerts FINAL ORDER BY r"),
        tableBars(table),
        lines(lake.resolve(Lake.SILVER_STREAM_LATE_TICKS)),
        lines(lake.resolve(Lake.QUARANTINE_STREAM_TICKS)).stream()
            .map(l -> l.replaceFirst("\"received_at\":\\d+", "")).sorted().toList(),
        commits(table));
  }

  static final ObjectMapper JSON = new ObjectMapper();

  /** Snapshots the stream committed to main (after the table's empty first one). */
  static long commits(SilverBarsTable table) {
    try (JdbcCatalog c = table.openCatalog()) {
      Table t = c.loadTable(SilverBarsTable.IDENTIFIER);
      long n = 0;
      for (var s : SnapshotUtil.currentAncestors(t)) {
        n += "append".equals(s.operation()) && s.addedDataFiles(t.io()).iterator().hasNext() ? 1 : 0;
      }
      return n;
    }
  }

  List<String> column(String sql) {
    return store.rows(sql).stream().map(r -> (String) r.get("r")).toList();
  }

  /** Committed lines only: Flink's in-progress and pending files are hidden (leading dot). */
  static List<String> lines(Path table) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.exists(table)) {
      return out; // the sink makes the folder with its first file
    }
    try (Stream<Path> files = Files.walk(table)) {
      for (Path f : files.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
        out.addAll(Files.readAllLines(f));
      }
    }
    return out.stream().sorted().toList();
  }

  @Test
  void aRunThatFailsAndRestartsFromItsCheckpointLeavesExactlyWhatAnUninterruptedRunLeaves(
      @TempDir Path lakeA, @TempDir Path lakeB) throws Exception {
    Outputs uninterrupted = run(lakeA, false);
    Outputs restarted = run(lakeB, true);

    assertThat(FailOnceAfterCheckpoint.FAILED).isTrue();
    assertThat(FailOnceAfterCheckpoint.CHECKPOINTS_BEFORE_FAILURE.get()).isPositive();
    assertThat(uninterrupted.bars()).isNotEmpty();
    assertThat(restarted.bars()).isEqualTo(uninterrupted.bars());
    assertThat(restarted.alerts()).isNotEmpty().isEqualTo(uninterrupted.alerts());
    assertThat(restarted.lakeBars()).hasSize(uninterrupted.bars().size()).isEqualTo(uninterrupted.lakeBars())
        .doesNotHaveDuplicates();
    // Independently: the batch path's bars over the kept trades that were not late.
    Set<String> late = new HashSet<>();
    for (String l : restarted.late()) {
      JsonNode trade = JSON.readTree(l).get("trade");
      late.add(trade.get("symbol").asText() + "#" + trade.get("seq").asLong());
    }
    List<Tick> onTime = feed.batchKept().stream().filter(t -> !late.contains(t.symbol() + "#" + t.seq())).toList();
    assertThat(restarted.lakeBars()).isEqualTo(MinuteBars.of(onTime).stream().map(ExactlyOnceRestartTest::line)
        .sorted().toList());
    // Commits on checkpoints: the restarted run committed more than once, before and after the failure.
    assertThat(restarted.commits()).isGreaterThan(1);
    assertThat(restarted.late()).isNotEmpty().isEqualTo(uninterrupted.late());
    assertThat(restarted.quarantine()).hasSize(feed.batchQuarantine().size()).isEqualTo(uninterrupted.quarantine());
  }
}
