package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.pipeline.Json;
import dev.onering.stream.StreamEnv;
import dev.onering.stream.cli.PulsarOptions;
import dev.onering.stream.pulsar.EmbeddedPulsar;
import dev.onering.stream.pulsar.StreamTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar the stack's Flink cluster runs (target/onering-flink.jar, built at package): it holds
 * the job and what the Flink image lacks, leaves out what the image provides, and its entry class
 * runs on a classpath like the image's ({@code target/flink-image-lib}: the provided scope,
 * standing in for /opt/flink/lib, plus slf4j-api) with nothing else, including the stack's
 * pulsar-init command against a real broker. Runs after package (failsafe).
 */
class FlinkJarIT {
  static final Path JAR = Path.of(System.getProperty("onering.flink.jar", "target/onering-flink.jar"));
  static final Path FLINK_LIB = Path.of(System.getProperty("onering.flink.image.lib", "target/flink-image-lib"));

  static Set<String> entries;
  static String mainClass;

  @BeforeAll
  static void read() throws IOException {
    assertThat(JAR).as("built by mvn package (maven-shade-plugin)").isRegularFile();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      entries = jar.stream().map(e -> e.getName()).collect(Collectors.toSet());
      mainClass = jar.getManifest().getMainAttributes().getValue("Main-Class");
    }
  }

  @Test
  void holdsTheJobAndWhatTheFlinkImageLacks() {
    assertThat(mainClass).isEqualTo(StreamJob.ENTRY_CLASS);
    assertThat(entries).contains(
        StreamJob.ENTRY_CLASS.replace('.', '/') + ".class",
        "dev/onering/stream/cli/StreamCli.class",                           // `stream topics`, the stack's pulsar-init
        "dev/onering/serving/clickhouse/ClickHouseHttpSilverStore.class",   // the sink's server path
        "org/apache/flink/connector/pulsar/source/PulsarSource.class",
        "org/apache/iceberg/flink/sink/IcebergSink.class",                  // closed bars into silver.bars_1m
        "org/apache/iceberg/jdbc/JdbcCatalog.class",                        // the batch's catalog
        "org/postgresql/Driver.class",                                      // ... in Postgres
        "org/apache/hadoop/conf/Configuration.class",                       // Iceberg's file IO is Hadoop's
        "org/apache/hadoop/fs/s3a/S3AFileSystem.class",                     // ... on the s3a lake
        "org/apache/commons/logging/Log.class",                             // ... whose HTTP client logs through it
        "core-default.xml",
        "picocli/CommandLine.class",
        "com/fasterxml/jackson/databind/ObjectMapper.class",
        "onering/spec/medallion.yaml");
  }

  @Test
  void leavesOutWhatTheFlinkImageProvides() {
    List<String> provided = List.of(
        "org/apache/flink/streaming/api/",    // flink-dist
        "org/apache/flink/runtime/",
        "org/apache/flink/api/common/",
        "org/apache/flink/client/",
        "org/apache/flink/cep/",              // lib/flink-cep
        "org/apache/flink/connector/file/",   // lib/flink-connector-files
        "com/esotericsoftware/kryo/",
        "org/slf4j/",                         // the image's logging
        "org/apache/logging/log4j/",
        "org/apache/flink/table/data/",       // lib/flink-table-runtime (and -api-java-uber)
        "org/apache/flink/table/runtime/",
        "io/zonky/",                          // the embedded runtime's Postgres: the stack has its own
        "org/apache/iceberg/spark/");         // the batch's Iceberg runtime never meets Flink's
    List<String> found = new ArrayList<>();
    for (String e : entries) {
      for (String p : provided) {
        if (e.startsWith(p) && e.endsWith(".class")) {
          found.add(e);
        }
      }
      if (e.matches("META-INF/[^/]+\\.(SF|DSA|RSA)")) {
        found.add(e); // a stale signature makes the JVM refuse the whole jar
      }
    }
    assertThat(found).as("entries the Flink image provides, or signatures").isEmpty();
  }

  @Test
  void theEntryClassRunsOnTheFlinkImagesClasspath() throws Exception {
    Run help = java(StreamJob.ENTRY_CLASS, "--help");
    assertThat(help.code()).as(help.err()).isZero();
    assertThat(help.out()).contains("Usage: job").contains("--clickhouse").contains("--checkpoint-interval");

    // The whole graph as the stack would deploy it, built from this jar and Flink's own classes. A
    // local lake: the file sinks open the lake's file system while the graph is built, and s3a://
    // comes from the flink-s3-fs-hadoop plugin, which the stack's job manager loads and this JVM does not.
    // The Iceberg sink loads the bars table (created when missing) from the catalog as the graph is
    // built: in the user-code classloader, as the job manager runs a REST submission's main (a flat
    // classpath found the JDBC driver where the native stack's cluster did not).
    Run plan;
    try (EmbeddedPostgres catalog = EmbeddedPostgres.start()) {
      plan = javaAsUserCode(StreamJob.ENTRY_CLASS, "--plan", "--lake", JAR.resolveSibling("flink-jar-it-lake").toString(),
          "--clickhouse", "http://clickhouse:8123", "--service-url", "pulsar://pulsar:6650",
          "--admin-url", "http://pulsar:8080", "--catalog-url", catalog.getJdbcUrl("postgres", "postgres"),
          "--catalog-user", "postgres");
    }
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("pulsar-ticks", "minute-bars", "iceberg-bars", "clickhouse-bars", "clickhouse-alerts",
        "pulsar-outputs", "lake-late", "lake-quarantine");

    // What the stack's pulsar-init service runs on this same classpath.
    Run topics = java("dev.onering.stream.cli.StreamCli", "topics", "--help");
    assertThat(topics.code()).as(topics.err()).isZero();
    assertThat(topics.out()).contains("Usage: stream topics");
  }

  /**
   * The stack's pulsar-init service, as compose.yaml runs it (no JVM flags beyond the heap, the
   * endpoints in the environment), against a real broker: the topics are StreamTopics'.
   */
  @Test
  void pulsarInitsCommandCreatesTheTopicsStreamTopicsDeclares(@TempDir Path dir) throws Exception {
    try (EmbeddedPulsar broker = EmbeddedPulsar.start(EmbeddedPulsar.Settings.defaults(dir.resolve("pulsar"), StreamEnv.system()))) {
      Map<String, String> env = Map.of(PulsarOptions.SERVICE_URL_ENV, broker.serviceUrl(),
          PulsarOptions.ADMIN_URL_ENV, broker.adminUrl());
      for (int run = 1; run <= 2; run++) {
        Run topics = java(env, "dev.onering.stream.cli.StreamCli", "topics");
        assertThat(topics.code()).as(topics.err()).isZero();
        List<String> lines = topics.out().lines().filter(l -> !l.isBlank()).toList();
        JsonNode result = Json.MAPPER.readTree(lines.get(lines.size() - 1));
        Map<String, Integer> expected = new TreeMap<>();
        StreamTopics.all(StreamTopics.TICKS_PARTITIONS_DEFAULT).forEach(t -> expected.put(t.name(), t.partitions()));
        Map<String, Integer> created = new TreeMap<>();
        result.get("topics").fields().forEachRemaining(e -> created.put(e.getKey(), e.getValue().asInt()));
        assertThat(created).isEqualTo(expected);
        // Idempotent, as an init service that runs on every `make up` must be.
        assertThat(result.get("created").isEmpty()).as("run %d: %s", run, result.get("created")).isEqualTo(run == 2);
      }
    }
  }

  /** Jars flink-dist bundles that the provided scope leaves out (see {@link #run}). */
  private static final List<String> IMAGE_BUNDLED = List.of("slf4j-api-", "commons-lang3-", "commons-compress-");

  record Run(int code, String out, String err) {}

  static Run java(String mainClass, String... args) throws Exception {
    return java(Map.of(), mainClass, args);
  }

  static Run java(Map<String, String> env, String mainClass, String... args) throws Exception {
    return run(env, JAR.toAbsolutePath().toString(), mainClass, args);
  }

  /**
   * {@code mainClass} of the jar as a cluster runs a submitted jar: in a child-first user-code
   * classloader over the image's classpath ({@link UserCodeLauncher}).
   */
  static Run javaAsUserCode(String mainClass, String... args) throws Exception {
    String launcher = Path.of(UserCodeLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    List<String> all = new ArrayList<>(List.of(JAR.toAbsolutePath().toString(), mainClass));
    all.addAll(List.of(args));
    return run(Map.of(), launcher, UserCodeLauncher.class.getName(), all.toArray(String[]::new));
  }

  static Run run(Map<String, String> env, String firstOnClasspath, String mainClass, String... args) throws Exception {
    assertThat(FLINK_LIB).as("copied at package (maven-dependency-plugin copy-flink-image-classpath)").isDirectory();
    String sep = java.io.File.pathSeparator;
    StringBuilder image = new StringBuilder(FLINK_LIB.toAbsolutePath() + "/*");
    // The image's lib/ also has what flink-dist bundles and Flink's own classes use: slf4j,
    // commons-lang3, commons-compress. The job's runtime scope needs them too, so Maven puts them
    // in target/lib rather than the provided scope that stands in for the image: add them from there.
    try (var lib = Files.list(JAR.resolveSibling("lib"))) {
      List<Path> jars = lib.sorted().toList();
      for (String bundled : IMAGE_BUNDLED) {
        image.append(sep).append(jars.stream().filter(f -> f.getFileName().toString().startsWith(bundled))
            .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + bundled + "*.jar in target/lib"))
            .toAbsolutePath());
      }
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", firstOnClasspath + sep + image, mainClass));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("flink-jar-it", ".out");
    Path err = Files.createTempFile("flink-jar-it", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not end within 2 minutes");
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
