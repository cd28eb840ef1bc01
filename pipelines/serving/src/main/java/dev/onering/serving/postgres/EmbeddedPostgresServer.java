package dev.onering.serving.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Postgres server for the embedded runtime (tests, {@code make demo}): zonky's binaries run as a
 * child process on loopback, over a data directory that survives restarts, so Gold published by one
 * run is still there for the next one and for psql.
 *
 * <p>Layout of {@code dataDir}:
 *
 * <pre>
 *   pgdata/                  the Postgres cluster (initdb on first start, reused afterwards)
 *   postgres.log             the server's own log (appended)
 *   connection.properties    url, port, user, password and a psql command, while the server runs
 *   owner.lock               held by the process that runs the server
 * </pre>
 *
 * <p>Authentication is {@code trust} for connections from this machine (zonky's initdb), so the
 * password is empty; the server listens on localhost only.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  /** The database Gold lives in, as in the stack; the {@code postgres} database stays for admin. */
  public static final String DATABASE = "onering";
  /** The database of the Iceberg catalog (Silver and Gold tables), as in the stack. */
  public static final String CATALOG_DATABASE = "iceberg";
  /** zonky's initdb superuser. */
  public static final String USER = "postgres";

  static final String CLUSTER_DIR = "pgdata";
  static final String LOG_FILE = "postgres.log";
  static final String CONNECTION_FILE = "connection.properties";
  static final String OWNER_LOCK_FILE = "owner.lock";

  /** First start runs initdb (~1-2 s) and may unpack the binaries (~1 s); leave room on a busy CI box. */
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);
  private static final System.Logger LOG = System.getLogger(EmbeddedPostgresServer.class.getName());

  private final EmbeddedPostgres postgres;
  private final Path dataDir;
  private final FileChannel ownerChannel;
  private final FileLock ownerLock;
  private final Duration startupTime;
  private boolean closed;

  private EmbeddedPostgresServer(
      EmbeddedPostgres postgres, Path dataDir, FileChannel ownerChannel, FileLock ownerLock,
      Duration startupTime) {
    this.postgres = postgres;
    this.dataDir = dataDir;
    this.ownerChannel = ownerChannel;
    this.ownerLock = ownerLock;
    this.startupTime = startupTime;
  }

  /**
   * Starts Postgres over {@code dataDir} (created and initialised on first use, reused after) on
   * {@code port}, or on any free port when {@code port} is 0.
   *
   * <p>Left-overs of a process that died without stopping its server are dealt with here: a
   * postmaster still running on this data directory (its owner JVM was killed) is stopped, a
   * postmaster.pid naming a dead process is removed, a cluster whose initdb never finished is
   * re-created, and a half-unpacked binary cache is deleted so zonky unpacks it again.
   *
   * @throws IllegalStateException when another live process already runs a server on
   *     {@code dataDir}, or {@code port} is taken
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port) throws IOException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (any free port) or 1-65535, was " + port);
    }
    long t0 = System.nanoTime();
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    FileChannel channel =
        FileChannel.open(dir.resolve(OWNER_LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalStateException(
          "The embedded Postgres data directory " + dir + " is in use by another running process"
              + " (see " + dir.resolve(CONNECTION_FILE) + "). Connect to that server, stop its"
              + " process, or start with another data directory.");
    }
    try {
      // Everything below may touch files another process would be using; the owner lock makes it
      // safe to treat any server still running on this cluster as an orphan.
      Path cluster = dir.resolve(CLUSTER_DIR);
      Files.createDirectories(cluster);
      Path log = dir.resolve(LOG_FILE);
      stopOrphanOrRemoveStalePid(cluster, log);
      resetInterruptedInitdb(cluster);
      Path binaries = binariesDirectory();
      removeBrokenBinaryCaches(binaries);
      if (port != 0) {
        requirePortFree(port);
      }
      EmbeddedPostgres pg;
      try {
        pg = EmbeddedPostgres.builder()
            .setDataDirectory(cluster)
            .setCleanDataDirectory(false)
            .setOverrideWorkingDirectory(binaries.toFile())
            .setPort(port)
            .setPGStartupWait(STARTUP_WAIT)
            // zonky turns this off for speed; a publish that reported success must survive a crash.
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("listen_addresses", "localhost")
            // The server outlives a killed JVM: a file keeps its log readable, where a pipe to this
            // JVM would break.
            .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
      } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
        throw new IOException(
            "Embedded Postgres did not start over " + cluster + ": " + e.getMessage()
                + ". Last lines of " + log + ":\n" + tail(log, 15), e);
      }
      EmbeddedPostgresServer server =
          new EmbeddedPostgresServer(pg, dir, channel, lock, Duration.ofNanos(System.nanoTime() - t0));
      try {
        server.createDatabaseIfMissing();
        server.writeConnectionFile();
      } catch (SQLException | IOException | RuntimeException e) {
        server.close();
        throw new IOException("Embedded Postgres started but could not be prepared: " + e.getMessage(), e);
      }
      LOG.log(Level.INFO, "Embedded Postgres ready on localhost:{0} in {1} ms (data {2}; psql -h localhost -p {0} -U {3} {4})",
          String.valueOf(pg.getPort()), String.valueOf(server.startupTime.toMillis()), cluster, USER, DATABASE);
      return server;
    } catch (IOException | RuntimeException e) {
      if (channel.isOpen()) { // server.close() may already have released it
        lock.release();
        channel.close();
      }
      throw e;
    }
  }

  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  /** The URL of another database of this server, e.g. {@link #CATALOG_DATABASE}. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port() + "/" + database;
  }

  public String user() {
    return USER;
  }

  /** Empty: the embedded cluster trusts local connections. */
  public String password() {
    return "";
  }

  public int port() {
    return postgres.getPort();
  }

  public Path dataDirectory() {
    return dataDir;
  }

  /** Wall time of {@link #start}, binaries and initdb included. */
  public Duration startupTime() {
    return startupTime;
  }

  public PostgresConnection connection() {
    return PostgresConnection.of(this);
  }

  /** Stops the server (fast shutdown: open sessions are ended) and keeps the data directory. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Files.deleteIfExists(dataDir.resolve(CONNECTION_FILE));
      postgres.close();
      Path pid = dataDir.resolve(CLUSTER_DIR).resolve("postmaster.pid");
      // zonky swallows a failed pg_ctl stop; say so instead of leaving a silent orphan.
      if (Files.exists(pid)) {
        LOG.log(Level.WARNING, "Embedded Postgres over {0} may still be running ({1} remains);"
            + " the next start stops it. Details in {2}", dataDir, pid, dataDir.resolve(LOG_FILE));
      }
    } finally {
      ownerLock.release();
      ownerChannel.close();
    }
  }

  private void createDatabaseIfMissing() throws SQLException {
    String adminUrl = "jdbc:postgresql://localhost:" + port() + "/postgres";
    for (String db : List.of(DATABASE, CATALOG_DATABASE)) {
      try (Connection c = DriverManager.getConnection(adminUrl, USER, "");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
        if (!rs.next()) {
          s.execute("CREATE DATABASE " + db);
        }
      }
    }
  }

  private void writeConnectionFile() throws IOException {
    Properties p = new Properties();
    p.setProperty("url", jdbcUrl());
    p.setProperty("host", "localhost");
    p.setProperty("port", String.valueOf(port()));
    p.setProperty("database", DATABASE);
    p.setProperty("user", USER);
    p.setProperty("password", password());
    p.setProperty("psql", "psql -h localhost -p " + port() + " -U " + USER + " " + DATABASE);
    p.setProperty("owner_pid", String.valueOf(ProcessHandle.current().pid()));
    Path target = dataDir.resolve(CONNECTION_FILE);
    Path tmp = dataDir.resolve(CONNECTION_FILE + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "Embedded Gold Postgres, written at start and deleted at stop. Password is empty: local trust auth.");
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * We hold the owner lock, so no live process of ours uses this cluster: a postmaster still
   * running on it was left behind by a killed JVM (pg_ctl daemonises it), and a pid file naming
   * anything else is stale (a crash or reboot; the pid may even have been reused).
   */
  static void stopOrphanOrRemoveStalePid(Path cluster, Path log) throws IOException {
    Path pidFile = cluster.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    Optional<ProcessHandle> orphan = postmasterOf(cluster, pidFile);
    if (orphan.isEmpty()) {
      LOG.log(Level.INFO, "Removing stale {0}: its process is gone", pidFile);
      Files.deleteIfExists(pidFile);
      return;
    }
    ProcessHandle pm = orphan.get();
    LOG.log(Level.WARNING, "Stopping orphaned Postgres (pid {0}) left running over {1} by a process"
        + " that did not stop it", String.valueOf(pm.pid()), cluster);
    try {
      // SIGINT is Postgres' "fast" shutdown: it ends open sessions (psql left connected to the
      // orphan would block SIGTERM's "smart" one) and still checkpoints cleanly. Not pg_ctl: as
      // root it only runs inside zonky's `unshare -U` wrapper.
      Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(pm.pid()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        pm.destroy();
      }
      pm.onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while stopping orphaned Postgres pid " + pm.pid(), e);
    } catch (Exception e) {
      throw new IOException("Could not stop the orphaned Postgres (pid " + pm.pid() + ") running over "
          + cluster + "; stop it with `kill -INT " + pm.pid() + "` and start again. See " + log, e);
    }
  }

  /** The live postmaster the pid file names, if it is a postgres process over this cluster. */
  private static Optional<ProcessHandle> postmasterOf(Path cluster, Path pidFile) throws IOException {
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (RuntimeException e) {
      return Optional.empty(); // truncated by a crash while being written
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
        .filter(h -> h.info().arguments().map(a -> List.of(a).contains(cluster.toString())).orElse(false));
  }

  /**
   * initdb writes postgresql.conf before pg_control; without both, the cluster never finished
   * initialising and holds no data, and zonky's initdb would refuse the non-empty directory.
   */
  static void resetInterruptedInitdb(Path cluster) throws IOException {
    boolean configured = Files.exists(cluster.resolve("postgresql.conf"));
    boolean bootstrapped = Files.exists(cluster.resolve("global").resolve("pg_control"));
    if (configured && bootstrapped) {
      return;
    }
    boolean empty;
    try (Stream<Path> s = Files.list(cluster)) {
      empty = s.findAny().isEmpty();
    }
    if (empty) {
      return;
    }
    if (configured) {
      throw new IllegalStateException(cluster + " has postgresql.conf but no global/pg_control: it is"
          + " not a usable Postgres cluster. Move it away (Gold is rebuilt by the next gold run) and start again.");
    }
    LOG.log(Level.WARNING, "Re-initialising {0}: a previous initdb did not finish", cluster);
    deleteTree(cluster);
    Files.createDirectories(cluster);
  }

  /** zonky's default unpack location, shared by every JVM on the machine. */
  static Path binariesDirectory() {
    String dir = System.getProperty("ot.epg.working-dir");
    return dir != null
        ? Path.of(dir)
        : Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
  }

  /**
   * zonky unpacks into {@code PG-<digest>/} and marks it done with {@code .exists}. A JVM killed
   * mid-unpack leaves a directory zonky can neither use nor unpack into again (it writes files with
   * CREATE_NEW and only logs the failure); a tmp cleaner can empty a finished one. Both are
   * deleted so zonky starts over. A directory whose unpack lock is held belongs to a JVM unpacking
   * right now and is left alone.
   */
  static void removeBrokenBinaryCaches(Path binaries) throws IOException {
    if (!Files.isDirectory(binaries)) {
      return;
    }
    List<Path> caches;
    try (Stream<Path> s = Files.list(binaries)) {
      caches = s.filter(p -> p.getFileName().toString().startsWith("PG-") && Files.isDirectory(p)).toList();
    }
    for (Path cache : caches) {
      boolean done = Files.exists(cache.resolve(".exists"));
      boolean usable = Stream.of("postgres", "initdb", "pg_ctl")
          .allMatch(b -> Files.isExecutable(cache.resolve("bin").resolve(b)));
      if (done && usable) {
        continue;
      }
      if (!done && beingUnpacked(cache)) {
        continue;
      }
      LOG.log(Level.WARNING, "Deleting incomplete Postgres binaries in {0}; they are unpacked again", cache);
      deleteTree(cache);
    }
  }

  private static boolean beingUnpacked(Path cache) throws IOException {
    Path lockFile = cache.resolve("epg-lock");
    if (!Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock l = ch.tryLock()) {
      return l == null;
    } catch (OverlappingFileLockException e) {
      return true;
    }
  }

  private static void requirePortFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (BindException e) {
      throw new IllegalStateException("Port " + port + " on localhost is already in use; stop what"
          + " listens there (`ss -ltnp 'sport = :" + port + "'`) or start with another port (0 = any free port).");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check whether port " + port + " is free", e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
