package dev.onering.serving.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {

  @TempDir Path dir;

  /**
   * Every test closes its servers, so a postmaster still running here was orphaned by a failed
   * test (the killed child JVM's): stop it rather than leave it running over a deleted directory.
   */
  @AfterEach
  void stopAnyOrphan() throws Exception {
    if (Files.exists(dir.resolve("pgdata/postmaster.pid"))) {
      EmbeddedPostgresServer.stopOrphanOrRemoveStalePid(dir.resolve("pgdata"), dir.resolve("postgres.log"));
    }
  }

  @Test
  void dataSurvivesAStopAndAStart() throws Exception {
    try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(dir, 0)) {
      execute(first, "CREATE TABLE kept (v text)");
      execute(first, "INSERT INTO kept VALUES ('first run')");
      System.out.println("first start (initdb) took " + first.startupTime().toMillis() + " ms");
    }
    assertThat(dir.resolve(EmbeddedPostgresServer.CONNECTION_FILE)).doesNotExist();
    assertThat(dir.resolve("pgdata/postmaster.pid")).doesNotExist();

    try (EmbeddedPostgresServer second = EmbeddedPostgresServer.start(dir, 0)) {
      System.out.println("restart took " + second.startupTime().toMillis() + " ms");
      assertThat(query(second, "SELECT v FROM kept")).containsExactly("first run");
    }
  }

  @Test
  void theConnectionFileSaysHowToConnectWhileTheServerRuns() throws Exception {
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(dir.resolve(EmbeddedPostgresServer.CONNECTION_FILE))) {
        p.load(r);
      }
      assertThat(p.getProperty("url")).isEqualTo(server.jdbcUrl());
      assertThat(p.getProperty("port")).isEqualTo(String.valueOf(server.port()));
      assertThat(p.getProperty("psql")).isEqualTo("psql -h localhost -p " + server.port() + " -U postgres onering");
      assertThat(server.jdbcUrl()).endsWith("/" + EmbeddedPostgresServer.DATABASE);
      assertThat(query(server, "SELECT current_database()")).containsExactly("onering");
    }
  }

  @Test
  void aSecondServerOverTheSameDirectoryIsRefused() throws Exception {
    try (EmbeddedPostgresServer running = EmbeddedPostgresServer.start(dir, 0)) {
      assertThatThrownBy(() -> EmbeddedPostgresServer.start(dir, 0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(dir.toAbsolutePath().toString())
          .hasMessageContaining("in use");
      assertThat(query(running, "SELECT 1")).containsExactly("1");
    }
  }

  @Test
  void aTakenPortIsReportedBeforeAnythingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> EmbeddedPostgresServer.start(dir, taken.getLocalPort()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Port " + taken.getLocalPort());
    }
    // The lock was released on the failure: the directory is usable straight away.
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0)) {
      assertThat(query(server, "SELECT 1")).containsExactly("1");
    }
  }

  @Test
  void aPidFileLeftByACrashIsIgnored() throws Exception {
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0)) {
      execute(server, "CREATE TABLE kept (v int)");
    }
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path cluster = dir.resolve("pgdata").toAbsolutePath();
    // The layout Postgres writes: pid, data dir, start time, port, socket dir, listen address, shm key, status.
    Files.writeString(cluster.resolve("postmaster.pid"),
        gone.pid() + "\n" + cluster + "\n1790000000\n5999\n/tmp\nlocalhost\n  1234  5678\nready   \n");

    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0)) {
      assertThat(query(server, "SELECT count(*) FROM kept")).containsExactly("0");
    }
  }

  @Test
  void anOrphanLeftByAKilledJvmIsStoppedAndItsDataKept() throws Exception {
    Process child = startChildJvm(dir);
    long orphanPid;
    try {
      String ready = awaitReady(child);
      assertThat(ready).startsWith("READY ");
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook runs, so Postgres is left running
      child.waitFor(30, TimeUnit.SECONDS);
    }
    orphanPid = Long.parseLong(Files.readAllLines(dir.resolve("pgdata/postmaster.pid")).get(0).trim());
    assertThat(ProcessHandle.of(orphanPid)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0)) {
      assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
      assertThat(query(server, "SELECT written_by FROM marker")).containsExactly("child");
    }
  }

  @Test
  void aClusterWhoseInitdbNeverFinishedIsCreatedAgain() throws Exception {
    Path cluster = Files.createDirectories(dir.resolve("pgdata"));
    Files.writeString(cluster.resolve("PG_VERSION"), "16\n");
    Files.createDirectories(cluster.resolve("base"));

    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dir, 0)) {
      assertThat(query(server, "SELECT 1")).containsExactly("1");
    }
  }

  @Test
  void halfUnpackedBinariesAreDeletedAndCompleteOrBusyOnesKept() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("embedded-pg"));
    Path complete = Files.createDirectories(cache.resolve("PG-complete/bin"));
    for (String b : List.of("postgres", "initdb", "pg_ctl")) {
      Files.createFile(complete.resolve(b), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
    Files.createFile(cache.resolve("PG-complete/.exists"));
    Path half = Files.createDirectories(cache.resolve("PG-half/bin"));
    Files.writeString(half.resolve("postgres"), "truncated");
    Path emptied = Files.createDirectories(cache.resolve("PG-emptied"));
    Files.createFile(emptied.resolve(".exists"));
    Path busy = Files.createDirectories(cache.resolve("PG-busy"));

    try (FileChannel ch = FileChannel.open(busy.resolve("epg-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock unpacking = ch.lock()) {
      EmbeddedPostgresServer.removeBrokenBinaryCaches(cache);
    }

    assertThat(cache.resolve("PG-complete")).exists();
    assertThat(busy).exists();
    assertThat(cache.resolve("PG-half")).doesNotExist();
    assertThat(emptied).doesNotExist();
  }

  private static Process startChildJvm(Path dataDir) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return new ProcessBuilder(java, "-cp", cp, EmbeddedPostgresChild.class.getName(), dataDir.toString())
        .redirectErrorStream(true)
        .start();
  }

  /** The child's READY line, reading its output so it never blocks on a full pipe. */
  private static String awaitReady(Process child) throws Exception {
    CompletableFuture<String> ready = new CompletableFuture<>();
    List<String> seen = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (seen) {
            seen.add(line);
          }
          if (line.startsWith("READY ")) {
            ready.complete(line);
          }
        }
        ready.completeExceptionally(new IllegalStateException("child exited before READY: " + seen));
      } catch (Exception e) {
        ready.completeExceptionally(e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    return ready.get(120, TimeUnit.SECONDS);
  }

  private static void execute(EmbeddedPostgresServer server, String sql) throws Exception {
    try (Connection c = server.connection().open(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static List<String> query(EmbeddedPostgresServer server, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = server.connection().open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
