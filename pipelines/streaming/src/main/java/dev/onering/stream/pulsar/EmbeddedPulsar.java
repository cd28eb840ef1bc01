package dev.onering.stream.pulsar;

import dev.onering.stream.StreamEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.transaction.Transaction;

/**
 * A Pulsar 4.0 standalone broker (one bookie, RocksDB metadata) in its own JVM, for the embedded
 * runtime and the tests.
 *
 * <p>Its own JVM because the Flink connector shades a 3.0 client that clashes with the 4.0 broker's
 * classes (DESIGN.md section 5): the broker's classpath is {@code pipelines/pulsar-broker/target/lib},
 * never this module's. The data directory is wiped on every start: the embedded broker is a
 * scratch broker, the lake is the system of record.
 *
 * <p>Stopped by {@link #close()}, and by a JVM shutdown hook if the caller never gets there (Ctrl-C,
 * an exception), so no broker outlives the JVM that started it. A JVM killed with SIGKILL runs no
 * hook; the next start in the same work directory stops the broker its PID file names.
 */
public final class EmbeddedPulsar implements AutoCloseable {

  /** Environment variable naming the broker's classpath folder. */
  public static final String LIB_ENV = StreamEnv.PULSAR_LIB;
  /** The folder under the repository root (or ONERING_HOME) that {@code make build} fills. */
  public static final String LIB_DEFAULT = "pipelines/pulsar-broker/target/lib";
  /** JVM memory options for the broker; the defaults keep it near 450 MB resident. */
  public static final String MEMORY_ENV = StreamEnv.PULSAR_MEM;
  public static final String MEMORY_DEFAULT = "-Xmx512m -XX:MaxDirectMemorySize=256m";
  /** Seconds to wait for a ready broker; two shared cores under a parallel build need more than 10. */
  public static final String START_TIMEOUT_ENV = StreamEnv.PULSAR_START_TIMEOUT;
  public static final Duration START_TIMEOUT_DEFAULT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final String MAIN_CLASS = "org.apache.pulsar.PulsarStandaloneStarter";
  private static final String PID_FILE = "broker.pid";

  // What bin/pulsar passes on Java 17: without them the broker logs reflection errors at start
  // and cannot read container memory limits or GC metrics.
  private static final List<String> JAVA_17_OPENS = List.of(
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.util.zip=ALL-UNNAMED",
      "--add-opens=java.base/sun.net=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.platform=ALL-UNNAMED",
      "--add-opens=java.management/sun.management=ALL-UNNAMED",
      "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "-Dio.netty.tryReflectionSetAccessible=true");

  /**
   * How to start the broker.
   *
   * @param brokerPort the binary protocol port, 0 for a free one
   * @param webPort the admin (HTTP) port, 0 for a free one
   * @param memory JVM memory options, e.g. {@code -Xmx512m -XX:MaxDirectMemorySize=256m}
   */
  public record Settings(Path workDir, Path lib, int brokerPort, int webPort, String memory, Duration startTimeout) {

    /**
     * Free ports; the classpath from {@link #locateLib(StreamEnv)}, memory from {@value #MEMORY_ENV}
     * and the wait from {@value #START_TIMEOUT_ENV} in {@code env}.
     */
    public static Settings defaults(Path workDir, StreamEnv env) {
      Duration timeout = env.get(START_TIMEOUT_ENV).map(v -> {
        try {
          return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(START_TIMEOUT_ENV + " '" + v + "' is not a number of seconds; unset it"
              + " or give e.g. " + START_TIMEOUT_DEFAULT.toSeconds(), e);
        }
      }).orElse(START_TIMEOUT_DEFAULT);
      return new Settings(workDir, locateLib(env), 0, 0, env.get(MEMORY_ENV, MEMORY_DEFAULT), timeout);
    }

    public Settings withPorts(int brokerPort, int webPort) {
      return new Settings(workDir, lib, brokerPort, webPort, memory, startTimeout);
    }

    public Settings withStartTimeout(Duration timeout) {
      return new Settings(workDir, lib, brokerPort, webPort, memory, timeout);
    }

    public Settings withLib(Path lib) {
      return new Settings(workDir, lib, brokerPort, webPort, memory, startTimeout);
    }
  }

  private final Process process;
  private final Path workDir;
  private final Path logFile;
  private final int brokerPort;
  private final int webPort;
  private final Duration startDuration;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedPulsar(Process process, Path workDir, Path logFile, int brokerPort, int webPort,
      Duration startDuration, Thread shutdownHook) {
    this.process = process;
    this.workDir = workDir;
    this.logFile = logFile;
    this.brokerPort = brokerPort;
    this.webPort = webPort;
    this.startDuration = startDuration;
    this.shutdownHook = shutdownHook;
  }

  /**
   * Starts a broker and returns once it answers the admin API, passes its health check (a message
   * through a heartbeat topic) and commits a transaction, which the Flink sink's exactly-once mode
   * needs.
   *
   * @throws IllegalStateException if the broker classpath is missing, or the broker exits or is not
   *     ready in time; the message carries the tail of the broker's log
   */
  public static EmbeddedPulsar start(Settings settings) {
    Path workDir = settings.workDir().toAbsolutePath();
    try {
      Files.createDirectories(workDir);
      stopStale(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Pulsar work directory " + workDir, e);
    }
    Path lib = settings.lib();
    checkLib(lib);
    // A free port found here can be taken by someone else before the broker binds it; on a busy
    // machine that happens, so a bind failure is retried with new ports.
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return launch(settings, lib, workDir);
      } catch (PortTaken e) {
        last = e;
        if (settings.brokerPort() != 0 && settings.webPort() != 0) {
          break;
        }
      }
    }
    throw last;
  }

  private static EmbeddedPulsar launch(Settings settings, Path lib, Path workDir) {
    int brokerPort = settings.brokerPort() != 0 ? settings.brokerPort() : freePort();
    int webPort = settings.webPort() != 0 ? settings.webPort() : freePort();
    int bookiePort = freePort();
    Path conf = workDir.resolve("standalone.conf");
    Path log4j = workDir.resolve("log4j2.properties");
    Path logFile = workDir.resolve("broker.log");
    try {
      Files.writeString(conf, config(brokerPort, webPort));
      Files.writeString(log4j, LOG4J);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Pulsar configuration in " + workDir, e);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(settings.memory().trim().split("\\s+")));
    // Serial GC: one small broker on a shared two-core machine, where G1's threads cost more than
    // they save.
    command.add("-XX:+UseSerialGC");
    command.addAll(JAVA_17_OPENS);
    command.add("-Dlog4j.configurationFile=" + log4j);
    // Marks the process so a stale broker can be told apart from an unrelated one with a reused PID.
    command.add("-Donering.pulsar.workdir=" + workDir);
    command.add("-cp");
    command.add(lib.toAbsolutePath() + "/*");
    command.add(MAIN_CLASS);
    command.addAll(List.of(
        "--config", conf.toString(),
        "--no-functions-worker",
        "--no-stream-storage",
        "--metadata-dir", workDir.resolve("data/metadata").toString(),
        "--bookkeeper-dir", workDir.resolve("data/bookkeeper").toString(),
        "--bookkeeper-port", Integer.toString(bookiePort),
        "--wipe-data"));

    long t0 = System.nanoTime();
    Process process;
    try {
      process = new ProcessBuilder(command)
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(logFile.toFile())
          .start();
      Files.writeString(workDir.resolve(PID_FILE), Long.toString(process.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Pulsar broker JVM: " + String.join(" ", command), e);
    }
    Thread hook = new Thread(() -> {
      stop(process);
      deletePidFile(workDir);
    }, "onering-pulsar-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    EmbeddedPulsar pulsar = new EmbeddedPulsar(process, workDir, logFile, brokerPort, webPort, null, hook);
    try {
      pulsar.awaitReady(settings.startTimeout(), t0);
    } catch (RuntimeException e) {
      pulsar.close();
      throw e;
    }
    return new EmbeddedPulsar(process, workDir, logFile, brokerPort, webPort,
        Duration.ofNanos(System.nanoTime() - t0), hook);
  }

  /** Thrown when the broker could not bind a port we picked: worth another try with new ones. */
  private static final class PortTaken extends IllegalStateException {
    PortTaken(String message) {
      super(message);
    }
  }

  private void awaitReady(Duration timeout, long t0) {
    long deadline = t0 + timeout.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String stage = "the admin API to answer";
    while (true) {
      if (!process.isAlive()) {
        String tail = logTail(60);
        if (tail.contains("Address already in use") || tail.contains("BindException")) {
          throw new PortTaken("the Pulsar broker could not bind its ports (taken by another process); "
              + "log " + logFile + ":\n" + tail);
        }
        throw new IllegalStateException("the Pulsar broker exited with code " + process.exitValue()
            + " while starting; last lines of " + logFile + ":\n" + tail);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Pulsar broker was not ready after " + timeout.toSeconds()
            + " s (waiting for " + stage + "); last lines of " + logFile + ":\n" + logTail(40)
            + "\nIf the machine is busy, allow more time (" + START_TIMEOUT_ENV + ", seconds).");
      }
      try {
        // /brokers/health publishes and reads a message on a heartbeat topic: the bookie and the
        // metadata store answer too, not just the web server.
        HttpResponse<String> r = http.send(
            HttpRequest.newBuilder(URI.create(adminUrl() + "/admin/v2/brokers/health"))
                .timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          stage = "a transaction to commit";
          if (transactionCommits(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
            return;
          }
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the Pulsar broker", e);
      }
      sleep(250);
    }
  }

  /**
   * The transaction coordinator loads when the first transactional client connects, so readiness
   * opens one and commits an empty transaction: after this, the Flink sink's transactions work.
   */
  private boolean transactionCommits(Duration timeLeft) {
    long seconds = Math.max(5, Math.min(30, timeLeft.toSeconds()));
    try (PulsarClient client = PulsarClient.builder()
        .serviceUrl(serviceUrl())
        .enableTransaction(true)
        .operationTimeout((int) seconds, TimeUnit.SECONDS)
        .build()) {
      Transaction txn = client.newTransaction().withTransactionTimeout(1, TimeUnit.MINUTES).build()
          .get(seconds, TimeUnit.SECONDS);
      txn.commit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** {@code pulsar://127.0.0.1:<port>} */
  public String serviceUrl() {
    return "pulsar://127.0.0.1:" + brokerPort;
  }

  /** {@code http://127.0.0.1:<port>}: the admin REST API. */
  public String adminUrl() {
    return "http://127.0.0.1:" + webPort;
  }

  public long pid() {
    return process.pid();
  }

  /** The broker's own log (stdout and stderr of its JVM). */
  public Path logFile() {
    return logFile;
  }

  public Path workDir() {
    return workDir;
  }

  /** From launching the JVM to ready (health check passed, a transaction committed). */
  public Duration startDuration() {
    return startDuration;
  }

  /** Resident memory of the broker JVM now, in bytes, from /proc; -1 where there is no /proc. */
  public long residentBytes() {
    Path status = Path.of("/proc", Long.toString(pid()), "status");
    try (Stream<String> lines = Files.lines(status)) {
      return lines.filter(l -> l.startsWith("VmRSS:"))
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
          .findFirst().orElse(-1L);
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the broker: SIGTERM, a grace period, then SIGKILL for it and any child. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stop(process);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running or has run.
    }
    deletePidFile(workDir);
  }

  private static void deletePidFile(Path workDir) {
    try {
      Files.deleteIfExists(workDir.resolve(PID_FILE));
    } catch (IOException e) {
      // Only a hint for the next start.
    }
  }

  private static void stop(Process process) {
    stop(process.toHandle());
  }

  private static void stop(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return;
    }
    List<ProcessHandle> children = handle.descendants().toList();
    handle.destroy();
    try {
      handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      handle.destroyForcibly();
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Reported by isAlive() to whoever cares.
      }
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /** A broker left running by a JVM that was killed outright (no shutdown hook ran). */
  private static void stopStale(Path workDir) throws IOException {
    Path pidFile = workDir.resolve(PID_FILE);
    if (!Files.exists(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle.of(pid)
          .filter(h -> h.info().arguments().map(a -> String.join(" ", a)).orElse("")
              .contains("-Donering.pulsar.workdir=" + workDir))
          .ifPresent(EmbeddedPulsar::stop);
    } catch (NumberFormatException e) {
      // Not ours to interpret.
    }
    Files.deleteIfExists(pidFile);
  }

  /**
   * The broker's classpath folder: environment {@value #LIB_ENV}, else {@value #LIB_DEFAULT} under
   * ONERING_HOME, else under the nearest folder upwards from the working directory that has it.
   */
  public static Path locateLib(StreamEnv env) {
    Optional<String> fromEnv = env.get(LIB_ENV);
    if (fromEnv.isPresent()) {
      return Path.of(fromEnv.get());
    }
    Optional<String> home = env.get(StreamEnv.HOME);
    if (home.isPresent()) {
      return Path.of(home.get()).resolve(LIB_DEFAULT);
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path d = cwd; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve(LIB_DEFAULT))) {
        return d.resolve(LIB_DEFAULT);
      }
    }
    return cwd.resolve(LIB_DEFAULT);
  }

  private static void checkLib(Path lib) {
    boolean ok;
    try (Stream<Path> jars = Files.isDirectory(lib) ? Files.list(lib) : Stream.empty()) {
      ok = jars.anyMatch(p -> p.getFileName().toString().startsWith("pulsar-broker-"));
    } catch (IOException e) {
      ok = false;
    }
    if (!ok) {
      throw new IllegalStateException("the Pulsar broker classpath is missing: no pulsar-broker jar in " + lib
          + "; build it with 'make build' (or 'mvn -pl pulsar-broker package' in pipelines/), or point "
          + LIB_ENV + " at it");
    }
  }

  private static String config(int brokerPort, int webPort) {
    return String.join("\n",
        "# Written by EmbeddedPulsar for one run; the data directory is wiped at each start.",
        "clusterName=standalone",
        "bindAddress=127.0.0.1",
        "advertisedAddress=127.0.0.1",
        "brokerServicePort=" + brokerPort,
        "webServicePort=" + webPort,
        "# Read by the bookie: it refuses a loopback-only address otherwise.",
        "allowLoopback=true",
        "managedLedgerDefaultEnsembleSize=1",
        "managedLedgerDefaultWriteQuorum=1",
        "managedLedgerDefaultAckQuorum=1",
        "# The Flink Pulsar sink's exactly-once mode writes in transactions.",
        "transactionCoordinatorEnabled=true",
        "# Pulsar deletes a topic with no subscription after a minute by default, and with it the ticks",
        "# published before the job subscribed.",
        "brokerDeleteInactiveTopicsEnabled=false",
        "# Nothing needs the broker's view of machine load; it only costs CPU here.",
        "loadBalancerEnabled=false",
        "# The bookie stops alongside the broker on SIGTERM, so the broker's graceful close waits on",
        "# writes that cannot finish; the data is wiped at the next start anyway.",
        "brokerShutdownTimeoutMs=3000",
        "");
  }

  private static final String LOG4J = String.join("\n",
      "# Everything to standard output, which EmbeddedPulsar sends to broker.log.",
      "rootLogger.level = INFO",
      "rootLogger.appenderRef.out.ref = out",
      "appender.out.type = Console",
      "appender.out.name = out",
      "appender.out.layout.type = PatternLayout",
      "appender.out.layout.pattern = %d{ISO8601} %-5level [%t] %c{1} - %msg%n",
      "");

  /** The last lines of the broker log, for error messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free local port for the Pulsar broker", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Pulsar broker", e);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedPulsar[pid " + pid() + ", " + serviceUrl() + ", " + adminUrl() + "]";
  }
}
