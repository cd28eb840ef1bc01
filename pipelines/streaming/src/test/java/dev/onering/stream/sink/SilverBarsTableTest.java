package dev.onering.stream.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.bars.MinuteBar;
import dev.onering.lake.Lake;
import dev.onering.stream.job.BarRecord;
import dev.onering.stream.job.StreamEnvironment;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bars table as a batch reader sees it (Iceberg's Java API, what the light steps read with):
 * a running job's bars appear when the checkpoint after them completes, and never before; the files
 * of bars not yet checkpointed are in the table's folder but in no snapshot. On a real catalog
 * (embedded Postgres) and a Flink MiniCluster, checkpoints triggered by the test.
 */
class SilverBarsTableTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static EmbeddedPostgres catalogDb;

  @BeforeAll
  static void start() throws IOException {
    catalogDb = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stop() throws IOException {
    catalogDb.close();
  }

  static SilverBarsTable table(String catalog, Path lake) {
    return new SilverBarsTable(catalog, catalogDb.getJdbcUrl("postgres", "postgres"), "postgres", lake.toString());
  }

  /** Emits one list of bars each time the test opens a phase, then idles until cancelled. */
  static final class PhasedBars implements SourceFunction<BarRecord> {
    static final List<List<BarRecord>> PHASES = new ArrayList<>();
    static final Semaphore OPEN = new Semaphore(0);
    static final Semaphore EMITTED = new Semaphore(0);
    private volatile boolean running = true;

    @Override
    public void run(SourceContext<BarRecord> ctx) throws Exception {
      for (List<BarRecord> phase : PHASES) {
        while (!OPEN.tryAcquire(10, TimeUnit.MILLISECONDS)) {
          if (!running) {
            return;
          }
        }
        synchronized (ctx.getCheckpointLock()) {
          phase.forEach(ctx::collect);
        }
        EMITTED.release();
      }
      while (running) {
        Thread.sleep(10);
      }
    }

    @Override
    public void cancel() {
      running = false;
    }
  }

  static BarRecord bar(String symbol, String start, double close, long trades) {
    long micros = Instant.parse(start).toEpochMilli() * 1000L + 7; // a microsecond part that must survive
    return BarRecord.of(new MinuteBar(symbol, micros, close - 1, close + 1, close - 2, close, 10.0 * trades,
        10.0 * trades * close, trades), 0, true);
  }

  /** A bar as the table gives it back, and the same bar worked out from the record. */
  static String line(Record r) {
    return r.getField("symbol") + " " + r.getField("bar_start") + " " + r.getField("trade_date") + " "
        + r.getField("close") + " " + r.getField("vwap") + " " + r.getField("trade_count");
  }

  static String line(BarRecord b) {
    OffsetDateTime start = Instant.EPOCH.plus(Duration.ofNanos(b.barStart * 1000L)).atOffset(ZoneOffset.UTC);
    return b.symbol + " " + start + " " + start.toLocalDate() + " " + b.close + " " + b.vwap + " " + b.tradeCount;
  }

  static List<String> read(SilverBarsTable table) throws IOException {
    try (JdbcCatalog c = table.openCatalog();
        CloseableIterable<Record> rows = IcebergGenerics.read(c.loadTable(SilverBarsTable.IDENTIFIER)).build()) {
      List<String> out = new ArrayList<>();
      rows.forEach(r -> out.add(line(r)));
      return out.stream().sorted().toList();
    }
  }

  /** The data files main's snapshot lists, as absolute paths. */
  static Set<Path> committedFiles(SilverBarsTable table) throws IOException {
    Set<Path> files = new HashSet<>();
    try (JdbcCatalog c = table.openCatalog();
        CloseableIterable<FileScanTask> tasks = c.loadTable(SilverBarsTable.IDENTIFIER).newScan().planFiles()) {
      tasks.forEach(t -> files.add(Path.of(t.file().location().replaceFirst("^file:", ""))));
    }
    return files;
  }

  /** Every Parquet data file in the table's folder, whether or not a snapshot lists it. */
  static Set<Path> filesOnDisk(Path lake) throws IOException {
    Path data = lake.resolve(Lake.SILVER_BARS_1M).resolve("data");
    if (!Files.exists(data)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.walk(data)) {
      return new HashSet<>(s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".parquet")).toList());
    }
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 60 s for " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  static long snapshotId(SilverBarsTable table) {
    try (JdbcCatalog c = table.openCatalog()) {
      return c.loadTable(SilverBarsTable.IDENTIFIER).currentSnapshot().snapshotId();
    }
  }

  static void emit() throws InterruptedException {
    PhasedBars.OPEN.release();
    assertThat(PhasedBars.EMITTED.tryAcquire(60, TimeUnit.SECONDS)).as("the source emitted its phase").isTrue();
  }

  static void checkpoint(MiniCluster cluster, JobClient job) throws Exception {
    cluster.triggerCheckpoint(job.getJobID()).get(60, TimeUnit.SECONDS);
  }

  /**
   * The table holds exactly {@code expected} for 3 s after a phase was emitted: far longer than the
   * bars take to reach the writers (Flink's buffers flush every 100 ms), so a sink that committed
   * without a checkpoint would show them.
   */
  static void assertStays(SilverBarsTable table, List<String> expected) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < end) {
      assertThat(read(table)).isEqualTo(expected);
      Thread.sleep(200);
    }
  }

  static List<String> lines(List<BarRecord> bars) {
    return bars.stream().map(SilverBarsTableTest::line).sorted().toList();
  }

  @Test
  void aBatchReadSeesTheBarsOfCompletedCheckpointsAndNoOthers(@TempDir Path lake,
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    SilverBarsTable table = table("phases", lake);
    List<BarRecord> first = List.of(bar("AAPL", "2026-09-03T14:30:00Z", 190.5, 12), bar("BTC-USD", "2026-09-03T23:59:00Z",
        60_000.25, 3), bar("AAPL", "2026-09-04T14:30:00Z", 191.0, 4));
    List<BarRecord> second = List.of(bar("AAPL", "2026-09-04T14:31:00Z", 191.5, 7), bar("ETH-USD", "2026-09-05T00:00:00Z",
        2_500.0, 9));
    PhasedBars.PHASES.clear();
    List<BarRecord> third = List.of(bar("MSFT", "2026-09-04T15:00:00Z", 420.0, 5));
    PhasedBars.PHASES.addAll(List.of(first, second, third));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    // The job's own settings (exactly-once, no generic types), checkpoints only when the test asks.
    StreamEnvironment.configure(env, Duration.ofHours(1));
    table.append(env.addSource(new PhasedBars(), TypeInformation.of(BarRecord.class)).setParallelism(1));
    JobClient job = env.executeAsync("phased bars");
    try {
      // Created as the batch creates it: partitioned by date, v2, copy-on-write, main and audit.
      try (JdbcCatalog c = table.openCatalog()) {
        Table t = c.loadTable(SilverBarsTable.IDENTIFIER);
        assertThat(t.spec()).isEqualTo(PartitionSpec.builderFor(t.schema()).identity("trade_date").build());
        assertThat(((org.apache.iceberg.HasTableOperations) t).operations().current().formatVersion()).isEqualTo(2);
        assertThat(t.properties()).containsEntry(TableProperties.DELETE_MODE, "copy-on-write")
            .containsEntry(SilverBarsTable.MAX_CONTINUOUS_EMPTY_COMMITS, SilverBarsTable.NO_EMPTY_COMMITS);
        assertThat(t.refs()).containsKeys("main", "audit");
        assertThat(t.location()).isEqualTo(lake.resolve(Lake.SILVER_BARS_1M).toAbsolutePath().toString());
        assertThat(t.schema().findField("bar_start").type()).isEqualTo(Types.TimestampType.withZone());
      }

      // Emitted, not checkpointed: nothing visible, however long one looks.
      emit();
      assertStays(table, List.of());
      checkpoint(cluster, job);
      await("the first checkpoint's commit", () -> io(() -> !read(table).isEmpty()));
      assertThat(read(table)).isEqualTo(lines(first));
      Set<Path> committed = committedFiles(table);
      assertThat(committed).isNotEmpty();
      assertThat(filesOnDisk(lake)).containsAll(committed);

      emit();
      assertStays(table, lines(first));
      checkpoint(cluster, job);
      List<BarRecord> both = new ArrayList<>(first);
      both.addAll(second);
      await("the second checkpoint's commit", () -> io(() -> read(table).size() > first.size()));
      assertThat(read(table)).isEqualTo(lines(both));
      Set<Path> committedBoth = committedFiles(table);

      // Checkpoints with no bars commit nothing, past the committer's default of an empty commit
      // every 10: main moves only with bars.
      long snapshot = snapshotId(table);
      for (int i = 0; i < 12; i++) {
        checkpoint(cluster, job);
      }
      assertThat(snapshotId(table)).isEqualTo(snapshot);

      // Bars whose checkpoint never comes (the job cancelled, as a failure would end it) never show.
      emit();
      assertStays(table, lines(both));
      job.cancel().get(60, TimeUnit.SECONDS);
      assertThat(read(table)).isEqualTo(lines(both));
      assertThat(committedFiles(table)).isEqualTo(committedBoth);
    } finally {
      if (!job.getJobStatus().get().isTerminalState()) {
        job.cancel().get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anExistingTableWithOtherColumnsIsRefusedWithWhatDiffers(@TempDir Path lake) {
    SilverBarsTable table = table("other", lake);
    try (JdbcCatalog c = table.openCatalog()) {
      c.createNamespace(SilverBarsTable.IDENTIFIER.namespace());
      c.createTable(SilverBarsTable.IDENTIFIER, new org.apache.iceberg.Schema(
          Types.NestedField.required(1, "symbol", Types.StringType.get()),
          Types.NestedField.required(2, "bar_start", Types.TimestampType.withoutZone())));
    }
    assertThatThrownBy(table::ensureTable).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("silver.bars_1m").hasMessageContaining("bar_start")
        .hasMessageContaining(Lake.SILVER_BARS_1M_SCHEMA);
  }

  @Test
  void theCatalogErrorNamesTheSettingsAndNeverThePassword(@TempDir Path lake) {
    SilverBarsTable table = new SilverBarsTable("x", "jdbc:postgresql://127.0.0.1:1/iceberg", "onering", lake.toString());
    assertThatThrownBy(() -> table.openCatalog(dev.onering.stream.StreamEnv.of(
            java.util.Map.of(dev.onering.stream.StreamEnv.CATALOG_PASSWORD, "s3cr3t-pw"))).listNamespaces())
        .satisfies(e -> assertThat(stackText(e)).doesNotContain("s3cr3t-pw"))
        .hasMessageContaining("ONERING_CATALOG_URL");
    assertThat(table.toString()).doesNotContain("s3cr3t-pw");
  }

  static String stackText(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t).append('\n');
    }
    return b.toString();
  }

  interface IoCheck {
    boolean get() throws IOException;
  }

  static boolean io(IoCheck check) {
    try {
      return check.get();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
