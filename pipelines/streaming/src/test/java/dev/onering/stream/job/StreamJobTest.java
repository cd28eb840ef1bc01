package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.lake.Lake;
import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.clickhouse.ClickHouseHttp;
import dev.onering.stream.StreamEnv;
import dev.onering.stream.cli.PulsarOptions;
import dev.onering.stream.sink.SilverBarsTable;
import dev.onering.stream.sink.SilverStoreTarget;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** The entry point's options: defaults, the environment, precedence, and errors that say what to do. */
class StreamJobTest {

  static StreamJob parse(Map<String, String> env, String... args) {
    StreamJob job = StreamJob.parse(args, new PrintStream(new ByteArrayOutputStream()), StreamEnv.of(env));
    assertThat(job).as("not a --help run").isNotNull();
    return job;
  }

  static PulsarTickJob.Config config(Map<String, String> env, String... args) {
    return parse(env, args).config();
  }

  @Test
  void defaultsMakeALiveJobThatTheDagFindsByName() {
    StreamJob job = parse(Map.of());
    PulsarTickJob.Config c = job.config();
    assertThat(job.jobName).isEqualTo("onering-" + StreamJob.STEP_ID).isEqualTo("onering-stream");
    assertThat(c.bounded()).as("a live job runs until stopped").isFalse();
    assertThat(c.publishTopics()).as("a live job publishes the output topics").isTrue();
    assertThat(c.subscription()).isEqualTo("onering-stream");
    assertThat(c.checkpointInterval()).isEqualTo(PulsarTickJob.CHECKPOINT_INTERVAL_DEFAULT);
    assertThat(c.targets().flushMillis()).isEqualTo(1_000);
    assertThat(c.settings()).isEqualTo(StreamSettings.defaults());
    assertThat(c.rules()).isEqualTo(AlertRules.defaults());
    assertThat(c.serviceUrl()).isEqualTo(PulsarOptions.SERVICE_URL_DEFAULT);
    assertThat(c.adminUrl()).isEqualTo(PulsarOptions.ADMIN_URL_DEFAULT);
    assertThat(c.targets().lakeRoot()).isEqualTo(Lake.at(Lake.DEFAULT_ROOT).root());
  }

  @Test
  void theEnvironmentHandedInSetsTheDefaultsAndAnOptionWins() {
    Map<String, String> stack = Map.of(PulsarOptions.SERVICE_URL_ENV, "pulsar://pulsar:6650",
        PulsarOptions.ADMIN_URL_ENV, "http://pulsar:8080", StreamJob.LAKE_ENV, "s3a://", "UNRELATED", "x");
    PulsarTickJob.Config fromEnv = config(stack);
    assertThat(fromEnv.serviceUrl()).isEqualTo("pulsar://pulsar:6650");
    assertThat(fromEnv.adminUrl()).isEqualTo("http://pulsar:8080");
    assertThat(fromEnv.targets().lakeRoot()).isEqualTo("s3a://");
    PulsarTickJob.Config flagged = config(stack, "--service-url", "pulsar://other:6650", "--lake", "/tmp/lake");
    assertThat(flagged.serviceUrl()).isEqualTo("pulsar://other:6650");
    assertThat(flagged.targets().lakeRoot()).isEqualTo(Lake.at("/tmp/lake").root());
    // Blank is unset, as a shell's VAR= is.
    assertThat(config(Map.of(PulsarOptions.SERVICE_URL_ENV, " ")).serviceUrl()).isEqualTo(PulsarOptions.SERVICE_URL_DEFAULT);
  }

  @Test
  void everyOptionIsTaken() {
    PulsarTickJob.Config c = config(Map.of(), "--service-url", "pulsar://pulsar:6650", "--admin-url",
        "http://pulsar:8080", "--lake", "s3a://", "--clickhouse", "http://clickhouse:8123", "--subscription", "replay",
        "--checkpoint-interval", "500ms", "--flush-interval", "2s", "--job-name", "onering-replay", "--bounded");
    assertThat(c.serviceUrl()).isEqualTo("pulsar://pulsar:6650");
    assertThat(c.adminUrl()).isEqualTo("http://pulsar:8080");
    assertThat(c.targets().lakeRoot()).as("the bucket-per-zone form").isEqualTo("s3a://");
    assertThat(c.targets().clickhouse()).isEqualTo(SilverStoreTarget.server(URI.create("http://clickhouse:8123")));
    assertThat(c.subscription()).isEqualTo("replay");
    assertThat(c.checkpointInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.targets().flushMillis()).isEqualTo(2_000);
    assertThat(c.bounded()).isTrue();
  }

  @Test
  void clickHouseIsTheOptionElseTheServerTheEnvironmentNamesElseTheEmbeddedEngine() {
    Map<String, String> stack = Map.of(ClickHouseHttp.URL_ENV, "http://clickhouse:8123",
        ClickHouseHttp.USER_ENV, "onering", ClickHouseHttp.PASSWORD_ENV, "s3cret");
    assertThat(config(stack).targets().clickhouse())
        .isEqualTo(SilverStoreTarget.server(URI.create("http://clickhouse:8123")));
    assertThat(config(stack, "--clickhouse", "chdb:/tmp/ch").targets().clickhouse())
        .isEqualTo(SilverStoreTarget.chdb(Path.of("/tmp/ch")));
    assertThat(config(stack, "--clickhouse", "none").targets().clickhouse()).as("left out").isNull();
    assertThat(config(Map.of(ChDbSilverStore.DATA_DIR_ENV, "/var/chdb")).targets().clickhouse())
        .isEqualTo(SilverStoreTarget.chdb(Path.of("/var/chdb")));
    assertThat(config(Map.of()).targets().clickhouse())
        .isEqualTo(SilverStoreTarget.chdb(Path.of(ChDbSilverStore.DATA_DIR_DEFAULT)));
  }

  @Test
  void theJobGraphsConfigurationSerializesWithoutTheClickHousePassword() throws Exception {
    Map<String, String> stack = Map.of(ClickHouseHttp.URL_ENV, "http://clickhouse:8123",
        ClickHouseHttp.USER_ENV, "onering", ClickHouseHttp.PASSWORD_ENV, "s3cret-never-in-the-graph");
    PulsarTickJob.Config c = config(stack, "--lake", "s3a://");
    byte[] bytes = InstantiationUtil.serializeObject(c);
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("http://clickhouse:8123")
        .doesNotContain("s3cret-never-in-the-graph").doesNotContain(ClickHouseHttp.PASSWORD_ENV);
    PulsarTickJob.Config back = InstantiationUtil.deserializeObject(bytes, getClass().getClassLoader());
    assertThat(back).isEqualTo(c);
  }

  @Test
  void theBarsCatalogIsTheOptionElseTheEnvironmentElseNoneAndItsPasswordNeverInTheGraph() throws Exception {
    Map<String, String> stack = Map.of(StreamEnv.CATALOG_URL, "jdbc:postgresql://postgres:5432/iceberg",
        StreamEnv.CATALOG_USER, "onering", StreamEnv.CATALOG_PASSWORD, "pg-s3cret-never-in-the-graph");
    PulsarTickJob.Config c = config(stack, "--lake", "s3a://");
    assertThat(c.targets().barsTable()).isEqualTo(new SilverBarsTable(SilverBarsTable.CATALOG_NAME,
        "jdbc:postgresql://postgres:5432/iceberg", "onering", "s3a://"));
    assertThat(config(stack, "--catalog-url", "jdbc:postgresql://other:5432/iceberg", "--catalog-user", "me")
        .targets().barsTable()).isEqualTo(new SilverBarsTable(SilverBarsTable.CATALOG_NAME,
            "jdbc:postgresql://other:5432/iceberg", "me", Lake.at(Lake.DEFAULT_ROOT).root()));
    assertThat(config(stack, "--catalog-url", "none").targets().barsTable()).as("left out").isNull();
    assertThat(config(Map.of()).targets().barsTable()).as("no catalog configured").isNull();
    byte[] bytes = InstantiationUtil.serializeObject(c);
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("jdbc:postgresql://postgres:5432/iceberg")
        .doesNotContain("pg-s3cret-never-in-the-graph");
    assertThatThrownBy(() -> config(Map.of(), "--catalog-url", "postgres://h/iceberg"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--catalog-url")
        .hasMessageContaining(StreamEnv.CATALOG_URL);
  }

  @Test
  void helpListsEveryOptionWithItsEnvironmentVariable() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(StreamJob.parse(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
            StreamEnv.of(Map.of())))
        .as("nothing to run").isNull();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: job")
        .contains("--service-url", "--admin-url", "--lake", "--clickhouse", "--subscription", "--checkpoint-interval",
            "--flush-interval", "--job-name", "--bounded", "--plan", "--catalog-url", "--catalog-user")
        .contains(PulsarOptions.SERVICE_URL_ENV, PulsarOptions.ADMIN_URL_ENV, StreamJob.LAKE_ENV, ClickHouseHttp.URL_ENV,
            ClickHouseHttp.USER_ENV, ClickHouseHttp.PASSWORD_ENV, StreamEnv.CATALOG_URL, StreamEnv.CATALOG_PASSWORD)
        .contains(StreamJob.ENTRY_CLASS);
  }

  @Test
  void wrongArgumentsAreExceptionsThatSayWhatToDoNeverAnExit() {
    // main() may run inside the job manager (REST submission): it throws, Flink shows the message.
    assertThatThrownBy(() -> StreamJob.main(new String[] {"--no-such-option"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--no-such-option").hasMessageContaining("--help");
    assertThatThrownBy(() -> config(Map.of(), "--checkpoint-interval", "soon"))
        .hasMessageContaining("--checkpoint-interval 'soon'").hasMessageContaining("30s");
    assertThatThrownBy(() -> config(Map.of(), "--checkpoint-interval", "5ms"))
        .hasMessageContaining("below Flink's minimum of 10ms");
    assertThatThrownBy(() -> config(Map.of(), "--flush-interval", "0s")).hasMessageContaining("--flush-interval");
    assertThatThrownBy(() -> config(Map.of(), "--service-url", "http://pulsar:8080"))
        .hasMessageContaining("--service-url").hasMessageContaining("pulsar://")
        .hasMessageContaining(PulsarOptions.SERVICE_URL_ENV);
    assertThatThrownBy(() -> config(Map.of(), "--admin-url", "pulsar:8080")).hasMessageContaining("http://");
    assertThatThrownBy(() -> config(Map.of(), "--clickhouse", "clickhouse:9000"))
        .hasMessageContaining("--clickhouse").hasMessageContaining("http://clickhouse:8123")
        .hasMessageContaining("chdb:").hasMessageContaining("none");
    assertThatThrownBy(() -> config(Map.of(ClickHouseHttp.URL_ENV, "tcp://clickhouse:9000")))
        .hasMessageContaining(ClickHouseHttp.URL_ENV);
    assertThatThrownBy(() -> config(Map.of(), "--job-name", " ")).hasMessageContaining("--job-name");
    assertThatThrownBy(() -> config(Map.of(), "--lake", "")).hasMessageContaining("--lake");
  }

  @Test
  void durationsAreWrittenAsFlinksConfigurationWritesThem() {
    assertThat(StreamJob.duration("500ms", "--x")).isEqualTo(Duration.ofMillis(500));
    assertThat(StreamJob.duration("30 s", "--x")).isEqualTo(Duration.ofSeconds(30));
    assertThat(StreamJob.duration("2min", "--x")).isEqualTo(Duration.ofMinutes(2));
    assertThat(StreamJob.duration("250", "--x")).as("a bare number is milliseconds").isEqualTo(Duration.ofMillis(250));
  }
}
