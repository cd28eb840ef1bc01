package dev.onering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.cli.steps.PipelineStep;
import dev.onering.cli.steps.StepRequest;
import dev.onering.cli.steps.Steps;
import dev.onering.pipeline.Json;
import dev.onering.pipeline.StepResult;
import dev.onering.simulator.SimulationConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack's lake layout, {@code ONERING_LAKE=s3a://} with a bucket per zone, on a real S3 API:
 * S3Proxy (in-memory blob store) in this JVM, reached through hadoop-aws and the AWS SDK exactly as
 * MinIO is in the stack. The same steps run once on the s3a lake and once on a local folder, and
 * Silver in ClickHouse must come out the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3aLakeTest {

  static final String ACCESS_KEY = "onering";
  static final String SECRET_KEY = "s3proxy-secret-for-tests";
  static final List<String> BUCKETS = List.of("bronze", "silver", "gold", "quarantine", "landing");
  static final LocalDate START = LocalDate.of(2026, 9, 1);
  static final int DAYS = 2;

  private Path dir;
  private S3ProxyServer s3;

  private final Map<String, StepResult> s3aResults = new LinkedHashMap<>();
  private final Map<String, StepResult> localResults = new LinkedHashMap<>();
  private Map<String, List<Map<String, Object>>> s3aSilver;
  private Map<String, List<Map<String, Object>>> localSilver;
  private String csv;

  @BeforeAll
  void runTheStepsOnBothLakes(@TempDir Path tmp) throws Exception {
    dir = tmp;
    s3 = S3ProxyServer.start(ACCESS_KEY, SECRET_KEY, BUCKETS);

    // A CSV dropped in the landing bucket, as Airbyte or a user would.
    csv = "date,open,high,low,close,volume\n2026-09-01,10,11,9.5,10.5,1000\n2026-09-02,10.5,12,10,11.5,1200\n";
    s3.blobs().putBlob("landing", s3.blobs().blobBuilder("ohlcv_csv/ACME.csv")
        .payload(csv.getBytes(StandardCharsets.UTF_8)).build());

    Map<String, String> s3Env = Map.of(
        "ONERING_LAKE", "s3a://",
        "ONERING_S3_ENDPOINT", s3.endpoint(),
        "ONERING_S3_ACCESS_KEY", ACCESS_KEY,
        "ONERING_S3_SECRET_KEY", SECRET_KEY,
        "ONERING_CSV_DIR", "s3a://landing/ohlcv_csv");
    s3aSilver = run(s3Env, dir.resolve("data-s3a"), s3aResults,
        List.of("migrate", "generate", "ingest-csv", "silver", "silver-csv", "quality-silver", "load-silver"));
    localSilver = run(Map.of("ONERING_LAKE", dir.resolve("lake").toString()), dir.resolve("data-local"), localResults,
        List.of("migrate", "generate", "silver", "quality-silver", "load-silver"));
  }

  /** Runs the steps in one context, as the runner does, and returns Silver as ClickHouse serves it. */
  private Map<String, List<Map<String, Object>>> run(Map<String, String> env, Path dataDir,
      Map<String, StepResult> results, List<String> stepIds) {
    SimulationConfig sim = new SimulationConfig(SimulationConfig.DEFAULT_SEED, 4, START, DAYS, 300,
        SimulationConfig.defaultRates(5), 250);
    List<LocalDate> dates = Stream.iterate(START, d -> d.plusDays(1)).limit(DAYS).toList();
    Settings settings = Settings.of(Map.of(Settings.DATA_DIR, dataDir.toString()), new Properties(), env);
    try (StepContext ctx = new StepContext(settings)) {
      for (String id : stepIds) {
        List<LocalDate> stepDates = id.equals("ingest-csv") ? List.of(START) : dates;
        StepResult r = PipelineStep.run(Steps.get(id), ctx,
            new StepRequest(stepDates, "s3a-test", sim, settings.csvDir().orElse(null), null));
        results.put(id, r);
        assertThat(r.status()).as(id + ": " + r.error()).isEqualTo(StepResult.Status.success);
      }
      Map<String, List<Map<String, Object>>> silver = new LinkedHashMap<>();
      silver.put("trades", ctx.silver().rows("SELECT symbol, seq, toString(event_time) AS t, toString(trade_date) AS d,"
          + " price, size, side, exchange FROM silver.trades ORDER BY symbol, seq"));
      silver.put("bars_1m", ctx.silver().rows("SELECT symbol, toString(bar_start) AS b, open, high, low, close, volume,"
          + " notional, vwap, trade_count FROM silver.bars_1m ORDER BY symbol, bar_start"));
      silver.put("batch_stats", ctx.silver().rows("SELECT toString(trade_date) AS d, lines_in, accepted, quarantined"
          + " FROM silver.batch_stats FINAL ORDER BY trade_date"));
      return silver;
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void silverLoadedFromTheS3aLakeEqualsTheSameRunOnALocalLake() {
    assertThat(s3aSilver.get("trades")).isNotEmpty().isEqualTo(localSilver.get("trades"));
    assertThat(s3aSilver.get("bars_1m")).isNotEmpty().isEqualTo(localSilver.get("bars_1m"));
    assertThat(s3aSilver.get("batch_stats")).hasSize(DAYS).isEqualTo(localSilver.get("batch_stats"));
    // The step's own count of what it wrote agrees with what ClickHouse holds.
    assertThat((long) s3aSilver.get("trades").size()).isEqualTo(s3aResults.get("silver").rowsOut());
    // Every Bronze line is either a trade or quarantined, on both lakes alike.
    long lines = s3aSilver.get("batch_stats").stream().mapToLong(r -> ((Number) r.get("lines_in")).longValue()).sum();
    assertThat(lines).isEqualTo(s3aResults.get("generate").rowsOut());
  }

  @Test
  void everyZoneLivesInItsOwnBucket() {
    assertThat(s3.keys("bronze")).contains("ticks/_simulator/manifest.json")
        .anyMatch(k -> k.startsWith("ticks/date=" + START + "/part-00000.jsonl"))
        .contains("ohlcv_csv/ingest_date=" + START + "/ACME.csv");
    // Iceberg tables: data files under data/, the table's metadata under metadata/, both in the bucket.
    assertThat(s3.keys("silver")).anyMatch(k -> k.startsWith("trades/data/trade_date=" + START + "/") && k.endsWith(".parquet"))
        .anyMatch(k -> k.startsWith("bars_1m/data/trade_date=" + START + "/") && k.endsWith(".parquet"))
        .anyMatch(k -> k.startsWith("daily_imported/data/") && k.endsWith(".parquet"))
        .anyMatch(k -> k.startsWith("trades/metadata/") && k.endsWith(".metadata.json"));
    assertThat(s3.keys("quarantine")).anyMatch(k -> k.startsWith("ticks/date=" + START + "/") && k.endsWith(".json"));
    // Nothing went to a local folder named after the URI.
    assertThat(Path.of("s3a:")).doesNotExist();
  }

  @Test
  void theCsvDropInTheLandingBucketIsIngestedAsReceived() throws IOException {
    StepResult ingest = s3aResults.get("ingest-csv");
    assertThat(ingest.rowsOut()).isEqualTo(1);
    assertThat(s3.read("bronze", "ohlcv_csv/ingest_date=" + START + "/ACME.csv")).isEqualTo(csv);
    assertThat(s3aResults.get("silver-csv").rowsOut()).isEqualTo(2);
  }

  @Test
  void theQualityGateReadBronzeFromTheBucket() {
    StepResult q = s3aResults.get("quality-silver");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> expectations = (List<Map<String, Object>>) ((Map<String, Object>) q.quality()).get("expectations");
    List<Map<String, Object>> bronze = expectations.stream().filter(e -> "bronze_ticks".equals(e.get("suite"))).toList();
    // ClickHouse counted, through s3() and the lake's named collection, every line the simulator
    // wrote to the bronze bucket.
    assertThat(bronze).extracting(e -> e.get("observed_value"))
        .contains(String.valueOf(s3aResults.get("generate").rowsOut()));
    assertThat(bronze).allSatisfy(e -> assertThat(e.get("success")).isEqualTo(true));
  }

  @Test
  void theSecretKeyIsInNoStepResult() throws Exception {
    for (StepResult r : s3aResults.values()) {
      assertThat(Json.MAPPER.writeValueAsString(r)).as(r.step()).doesNotContain(SECRET_KEY);
    }
  }
}
