package dev.onering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.cli.bench.BenchCommand;
import dev.onering.lake.S3Endpoint;
import dev.onering.pipeline.Json;
import dev.onering.serving.clickhouse.ChDb;
import dev.onering.serving.clickhouse.ChDbHttpFront;
import dev.onering.serving.clickhouse.LakeCollection;
import dev.onering.serving.postgres.EmbeddedPostgresServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret leaves the CLI: with recognisable S3, ClickHouse and Postgres secrets in the
 * environment, the whole pipeline runs in the stack's shape (an s3a lake on a real S3 API, the
 * ClickHouse server's HTTP protocol with a password and its own named collection for the lake, a
 * Postgres server reached by URL), then steps are made to fail where a secret used to leak: the
 * quality gate's queries failing in ClickHouse, the Bronze suite's {@code s3()} among them (its
 * error used to quote the statement, keys included, into every place the gate records), a wrong
 * ClickHouse password, an unreachable Postgres. Each run is the real
 * {@code onering} in a process of its own, so its whole standard output and error are seen; then no
 * secret may be in them, in a step's JSON result, in {@code gold.quality_results}, in any file of
 * the lake (the validation results among them) or in the run report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretLeakTest {

  static final String TAG = "LEAKCHECK" + UUID.randomUUID().toString().substring(0, 8);
  static final String S3_ACCESS = "onering";
  static final String S3_SECRET = "s3-" + TAG + "-secret";
  static final String CH_PASSWORD = "ch-" + TAG + "-password";
  static final String CH_WRONG = "ch-" + TAG + "-wrong";
  static final String PG_PASSWORD = "pg-" + TAG + "-password";
  static final List<String> SECRETS = List.of(S3_SECRET, CH_PASSWORD, CH_WRONG, PG_PASSWORD);
  static final String BUCKET = "lake";
  static final String DATE = "2026-09-01";

  private Path dir;
  private S3ProxyServer s3;
  private String endpoint;
  private ChDb clickhouse;
  private ChDbHttpFront server;
  private EmbeddedPostgresServer postgres;
  /** Everything each run printed, by run. */
  private final Map<String, String> printed = new LinkedHashMap<>();
  private final Map<String, JsonNode> results = new LinkedHashMap<>();
  private final Map<String, Integer> exitCodes = new LinkedHashMap<>();

  @BeforeAll
  void runThePipelineThenMakeStepsFail(@TempDir Path tmp) throws Exception {
    dir = tmp;
    s3 = S3ProxyServer.start(S3_ACCESS, S3_SECRET, List.of(BUCKET));
    endpoint = s3.endpoint();
    postgres = EmbeddedPostgresServer.start(dir.resolve("pg-server"), 0);
    clickhouse = ChDb.open(dir.resolve("clickhouse-server"), null,
        LakeCollection.chdbConfig(new S3Endpoint(endpoint, S3_ACCESS, S3_SECRET, S3Endpoint.REGION_DEFAULT, true)));
    server = ChDbHttpFront.start(clickhouse, "onering", CH_PASSWORD);

    Map<String, String> env = environment(server.url().toString(), CH_PASSWORD, postgres.jdbcUrl());
    run("pipeline", env, "run", "--start-date", DATE, "--days", "2", "--symbols", "4", "--ticks-per-day", "300",
        "--run-id", "leak",
        "--out", dir.resolve("out").toString());

    // Every query of the gate now fails in ClickHouse, whatever it reads and however it signs in to
    // S3: the server's session may use one byte of memory. Each error (which used to quote the
    // statement, the Bronze suite's keys included) is recorded in every place the gate writes to.
    clickhouse.execute("SET max_memory_usage = 1");
    run("gate-failing", env, "quality-silver", "--run-date", DATE, "--run-id", "leak-gate-failing");
    clickhouse.execute("SET max_memory_usage = 0");

    run("clickhouse-password-wrong", environment(server.url().toString(), CH_WRONG, postgres.jdbcUrl()), "migrate");

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    run("postgres-unreachable", environment(server.url().toString(), CH_PASSWORD,
        "jdbc:postgresql://127.0.0.1:" + closed + "/onering"), "migrate");
  }

  private Map<String, String> environment(String clickhouseUrl, String clickhousePassword, String pgUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("ONERING_LAKE", "s3a://" + BUCKET + "/onering");
    env.put("ONERING_DATA_DIR", dir.resolve("data").toString());
    env.put("ONERING_S3_ENDPOINT", endpoint);
    env.put("ONERING_S3_ACCESS_KEY", S3_ACCESS);
    env.put("ONERING_S3_SECRET_KEY", S3_SECRET);
    env.put("ONERING_CLICKHOUSE_URL", clickhouseUrl);
    env.put("ONERING_CLICKHOUSE_USER", "onering");
    env.put("ONERING_CLICKHOUSE_PASSWORD", clickhousePassword);
    env.put("ONERING_PG_URL", pgUrl);
    env.put("ONERING_PG_USER", postgres.user());
    env.put("ONERING_PG_PASSWORD", PG_PASSWORD);
    return env;
  }

  /** `onering ARGS` in a fresh JVM over exactly this environment (plus PATH and HOME), as Airflow runs it. */
  private void run(String name, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = BenchCommand.java("1536m");
    cmd.add(OneRing.class.getName());
    cmd.addAll(List.of(args));
    Path result = dir.resolve("results/" + name + ".json");
    if (!args[0].equals("run")) {
      cmd.addAll(List.of("--result", result.toString()));
    }
    Path log = dir.resolve("logs/" + name + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> childEnv = pb.environment();
    childEnv.keySet().removeIf(k -> k.startsWith("ONERING_") || k.startsWith("AWS_"));
    childEnv.putAll(env);
    Process p = pb.start();
    exitCodes.put(name, p.waitFor());
    printed.put(name, Files.readString(log));
    if (Files.exists(result)) {
      results.put(name, Json.MAPPER.readTree(result.toFile()));
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (clickhouse != null) {
      clickhouse.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void theRunsWentWhereTheSecretsUsedToLeak() {
    assertThat(exitCodes.get("pipeline")).as(printed.get("pipeline")).isZero();
    JsonNode failing = results.get("gate-failing");
    assertThat(failing.get("status").asText()).as(printed.get("gate-failing")).isEqualTo("failed");
    // The Bronze suite's s3() queries raised ClickHouse's error, and it was recorded.
    List<String> observed = new ArrayList<>();
    failing.get("quality").get("expectations").forEach(e -> {
      if (e.get("suite").asText().equals("bronze_ticks")) {
        observed.add(e.get("observed_value").asText());
      }
    });
    assertThat(observed).isNotEmpty().allSatisfy(o -> assertThat(o).startsWith("error: ").contains("MEMORY_LIMIT_EXCEEDED"));
    assertThat(results.get("clickhouse-password-wrong").get("error").asText()).contains("AUTHENTICATION_FAILED");
    assertThat(results.get("postgres-unreachable").get("error").asText()).contains("Connection refused");
  }

  @Test
  void noSecretIsInWhatARunPrintedOrItsStepResults() {
    printed.forEach((name, text) -> assertNoSecret(name + "'s output", text));
    results.forEach((name, json) -> assertNoSecret(name + "'s --result", json.toString()));
  }

  @Test
  void noSecretIsInTheQualityResultsTable() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = postgres.connection().open(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM gold.quality_results")) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.append(rs.getString(i)).append('|');
        }
        rows.add(row.toString());
      }
    }
    // Both runs recorded their suites, the failing one its errors.
    assertThat(rows).anyMatch(r -> r.startsWith("leak|")).anyMatch(r -> r.startsWith("leak-gate-failing|bronze_ticks|")
        && r.contains("MEMORY_LIMIT_EXCEEDED"));
    rows.forEach(r -> assertNoSecret("gold.quality_results", r));
  }

  @Test
  void noSecretIsInAnyFileOfTheLakeOrTheReport() throws IOException {
    List<String> keys = s3.keys(BUCKET);
    for (String key : keys) {
      assertNoSecret("s3a://" + BUCKET + "/" + key, s3.read(BUCKET, key));
    }
    assertThat(keys).anyMatch(k -> k.startsWith("onering/silver/trades/"));
    assertThat(s3.read(BUCKET, "onering/quality/validations/run_id=leak-gate-failing/bronze_ticks.json"))
        .contains("MEMORY_LIMIT_EXCEEDED");
    Path report = dir.resolve("out/runs/leak");
    assertThat(report.resolve("report.html")).exists();
    assertThat(report.resolve("report.json")).exists();
    // The CLI's own folders too: the report and whatever a step left in the data dir.
    for (Path root : List.of(dir.resolve("out"), dir.resolve("data"), dir.resolve("results"))) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> files = Files.walk(root)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            assertNoSecret(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
          }
        }
      }
    }
  }

  private static void assertNoSecret(String where, String text) {
    for (String secret : SECRETS) {
      assertThat(text).as("%s holds a secret", where).doesNotContain(secret);
    }
  }
}
