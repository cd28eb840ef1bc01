package dev.onering.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.instruments.ReferenceData;
import dev.onering.lake.Lake;
import dev.onering.simulator.BronzeWriter;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import dev.onering.spark.SparkTestBase;
import dev.onering.spark.gold.SilverToGold;
import dev.onering.spark.silver.BronzeToSilver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step killed with SIGKILL in the middle of its write leaves every table at its previous
 * snapshot, every row readable, and a re-run completes it: the measurement (`onering
 * silver` killed 14 s in left no Silver) turned into a test, on real processes.
 *
 * <p>To kill at the worst moment rather than at a random one, the test holds a row lock on the
 * table's row of the catalog ({@code SELECT ... FOR UPDATE} on {@code iceberg_tables}): the child
 * writes all its data files and metadata, then blocks on its commit, and is killed there. The
 * new files are on disk, the catalog still names the old metadata.
 */
class KillMidWriteTest extends SparkTestBase {

  @TempDir Path dir;

  /** Bronze simulated with this config, written to Silver and published: the state a kill must keep. */
  private List<LocalDate> publishedSilver(Lake lake, SimulationConfig config, LakeTables tables) throws Exception {
    new MarketSimulator(config, ReferenceData.standard()).run(new BronzeWriter(lake, 5000, null));
    List<LocalDate> dates = Stream.iterate(config.startDate(), d -> d.plusDays(1)).limit(config.days()).toList();
    BronzeToSilver.run(spark, tables, dates);
    for (LakeTables.Id id : LakeTables.Id.silverTables()) {
      tables.publish(id);
    }
    return dates;
  }

  @Test
  void silverKilledBeforeItsCommitLeavesThePreviousSnapshotWholeAndARerunCompletesIt() throws Exception {
    Lake lake = Lake.at(dir.resolve("lake"));
    SimulationConfig config = SimulationConfig.defaults().withSize(4, 3, 3000);
    LakeTables tables = tables(lake);
    List<LocalDate> dates = publishedSilver(lake, config, tables);
    long before = tables.snapshotId(LakeTables.Id.SILVER_TRADES, LakeTables.MAIN).orElseThrow();
    Fingerprint rows = fingerprint(tables, LakeTables.Id.SILVER_TRADES);
    assertThat(rows.count()).isPositive();
    Set<String> filesBefore = files(lake, LakeTables.Id.SILVER_TRADES);

    killAtCommit(tables, LakeTables.Id.SILVER_TRADES, "silver",
        dates.stream().map(LocalDate::toString).collect(Collectors.joining(",")));

    assertThat(files(lake, LakeTables.Id.SILVER_TRADES)).as("the killed write had written its data files")
        .hasSizeGreaterThan(filesBefore.size());
    for (String ref : List.of(LakeTables.MAIN, LakeTables.AUDIT)) {
      assertThat(tables.snapshotId(LakeTables.Id.SILVER_TRADES, ref)).as(ref).contains(before);
    }
    assertThat(fingerprint(tables, LakeTables.Id.SILVER_TRADES)).isEqualTo(rows);
    assertThat(fingerprint(tables, LakeTables.Id.SILVER_TRADES, LakeTables.AUDIT)).isEqualTo(rows);

    BronzeToSilver.run(spark, tables, dates);
    tables.publish(LakeTables.Id.SILVER_TRADES);
    assertThat(tables.snapshotId(LakeTables.Id.SILVER_TRADES, LakeTables.MAIN)).isNotEqualTo(java.util.Optional.of(before));
    assertThat(fingerprint(tables, LakeTables.Id.SILVER_TRADES)).as("the re-run replaced, never duplicated").isEqualTo(rows);
  }

  @Test
  void goldKilledBeforeItsCommitLeavesThePreviousSnapshotWholeAndARerunCompletesIt() throws Exception {
    Lake lake = Lake.at(dir.resolve("lake"));
    SimulationConfig config = SimulationConfig.defaults().withSize(3, 4, 400);
    LakeTables tables = tables(lake);
    List<LocalDate> dates = publishedSilver(lake, config, tables);
    SilverToGold.run(tables);
    long before = tables.snapshotId(LakeTables.Id.GOLD_DAILY_BARS, LakeTables.MAIN).orElseThrow();
    Fingerprint rows = fingerprint(tables, LakeTables.Id.GOLD_DAILY_BARS);
    assertThat(rows.count()).isEqualTo(3L * 4);
    Set<String> filesBefore = files(lake, LakeTables.Id.GOLD_DAILY_BARS);

    killAtCommit(tables, LakeTables.Id.GOLD_DAILY_BARS, "gold", "");

    assertThat(files(lake, LakeTables.Id.GOLD_DAILY_BARS)).hasSizeGreaterThan(filesBefore.size());
    assertThat(tables.snapshotId(LakeTables.Id.GOLD_DAILY_BARS, LakeTables.MAIN)).contains(before);
    assertThat(fingerprint(tables, LakeTables.Id.GOLD_DAILY_BARS)).isEqualTo(rows);

    SilverToGold.run(tables);
    assertThat(tables.snapshotId(LakeTables.Id.GOLD_DAILY_BARS, LakeTables.MAIN)).isNotEqualTo(java.util.Optional.of(before));
    assertThat(fingerprint(tables, LakeTables.Id.GOLD_DAILY_BARS)).isEqualTo(rows);
    // Time travel: the first run's Gold, by the snapshot id a report shows, is still readable.
    assertThat(SilverToGold.read(tables, java.util.Map.of(LakeTables.Id.GOLD_DAILY_BARS, before)).daily())
        .isEqualTo(SilverToGold.read(tables).daily());
  }

  /**
   * Runs the step in a child JVM while holding the table's catalog row locked, waits until the
   * child blocks on its commit, then kills it with SIGKILL and lets go of the lock.
   */
  private static void killAtCommit(LakeTables tables, LakeTables.Id id, String step, String dates) throws Exception {
    try (Connection lock = DriverManager.getConnection(catalogUrl(), "postgres", "")) {
      lock.setAutoCommit(false);
      try (PreparedStatement s = lock.prepareStatement("SELECT metadata_location FROM iceberg_tables"
          + " WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? FOR UPDATE")) {
        s.setString(1, tables.catalogName());
        s.setString(2, id.identifier().namespace().toString());
        s.setString(3, id.identifier().name());
        try (ResultSet rs = s.executeQuery()) {
          assertThat(rs.next()).as("the catalog has a row for " + id.qualifiedName()).isTrue();
        }
      }
      Process child = start(tables, step, dates);
      try {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!waitingOnLock()) {
          assertThat(child.isAlive()).as("the child is still running (it must block on the commit, not finish)")
              .isTrue();
          assertThat(System.nanoTime()).as("the child reached its commit within 3 minutes").isLessThan(deadline);
          Thread.sleep(100);
        }
      } finally {
        child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs in the child
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // The dead process's session goes with it. Postgres notices a closed socket only at its next
        // read, and would otherwise run the UPDATE the child had sent (its commit request, already
        // on the wire) once the lock is free: a crash a moment later than the one tested here.
        terminateWaiting();
        lock.rollback();
      }
      assertThat(child.exitValue()).as("killed by signal 9").isEqualTo(128 + 9);
    }
  }

  private static void terminateWaiting() throws SQLException {
    try (Connection c = DriverManager.getConnection(catalogUrl(), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
          + " AND query ILIKE 'UPDATE iceberg_tables%'");
    }
  }

  /** True when some session of the catalog database waits for a lock on an UPDATE: the child's commit. */
  private static boolean waitingOnLock() throws SQLException {
    try (Connection c = DriverManager.getConnection(catalogUrl(), "postgres", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            + " AND query ILIKE 'UPDATE iceberg_tables%'")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  /** The test's classpath: the class loader's URLs when tests run inside Maven's JVM, else the JVM's. */
  private static String classpath() {
    if (KillMidWriteTest.class.getClassLoader() instanceof java.net.URLClassLoader u && u.getURLs().length > 1) {
      return java.util.Arrays.stream(u.getURLs()).map(url -> {
        try {
          return Path.of(url.toURI()).toString();
        } catch (java.net.URISyntaxException e) {
          throw new IllegalStateException(e);
        }
      }).collect(Collectors.joining(java.io.File.pathSeparator));
    }
    return System.getProperty("java.class.path");
  }

  private static Process start(LakeTables tables, String step, String dates) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || a.startsWith("-Djdk.reflect")
          || a.startsWith("-Dio.netty")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(StepChild.class.getName());
    cmd.add(step);
    cmd.add(tables.catalogName());
    cmd.add(catalogUrl());
    cmd.add(tables.lake().root());
    cmd.add(dates);
    // Not inheritIO: the child's output on the test JVM's stdout would corrupt surefire's channel.
    Path log = java.nio.file.Files.createTempFile("onering-kill-child-", ".log");
    System.out.println("child output: " + log);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
