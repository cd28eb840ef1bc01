package dev.onering.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.cli.run.RunCommand;
import dev.onering.lake.S3Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The configuration as the command line builds it: every setting that has a flag, a variable, a
 * config-file key and a default is read from each source, and the sources rank flag > env > file >
 * default. Parsed through the real {@link OneRing} command line, so a flag that picocli fills with
 * a default when it is not given (the defect that made {@code lake=} in a file do nothing) shows.
 */
class SettingsTest {

  @TempDir Path dir;

  /** A setting with all four sources, and a command that has its flag. */
  record Source(String key, String flag, String defaultValue, String... command) {
    @Override
    public String toString() {
      return key + " (" + flag + " of " + String.join(" ", command) + ")";
    }
  }

  static Stream<Source> settingsWithAFlag() {
    return Stream.of(
        new Source(Settings.LAKE, "--lake", Settings.LAKE_DEFAULT, "silver"),
        new Source(Settings.LAKE, "--lake", Settings.LAKE_DEFAULT, "run"),
        new Source(Settings.DATA_DIR, "--data-dir", Settings.DATA_DIR_DEFAULT, "load-silver"),
        new Source(Settings.DATA_DIR, "--data-dir", Settings.DATA_DIR_DEFAULT, "run"),
        new Source(Settings.OUT_DIR, "--out", Settings.OUT_DIR_DEFAULT, "run"),
        new Source(Settings.CSV_DIR, "--csv-dir", null, "ingest", "csv"),
        new Source(Settings.CSV_DIR, "--csv-dir", null, "run"));
  }

  static Stream<Arguments> sourcesAndPrecedence() {
    // Which sources are set (flag, env, file) and which must win.
    return settingsWithAFlag().flatMap(s -> Stream.of(
        Arguments.of(s, false, false, false, "default"),
        Arguments.of(s, false, false, true, "file"),
        Arguments.of(s, false, true, false, "env"),
        Arguments.of(s, true, false, false, "flag"),
        Arguments.of(s, false, true, true, "env"),
        Arguments.of(s, true, false, true, "flag"),
        Arguments.of(s, true, true, false, "flag"),
        Arguments.of(s, true, true, true, "flag")));
  }

  @ParameterizedTest(name = "{0}: flag {1}, env {2}, file {3} -> {4}")
  @MethodSource("sourcesAndPrecedence")
  void eachSourceIsReadAndTheyRankFlagEnvFileDefault(Source s, boolean flag, boolean env, boolean file, String winner)
      throws IOException {
    List<String> args = new ArrayList<>(Arrays.asList(s.command()));
    Map<String, String> environment = new HashMap<>();
    if (flag) {
      args.addAll(List.of(s.flag(), "s3a://from-flag"));
    }
    if (env) {
      environment.put(Settings.envName(s.key()), "s3a://from-env");
    }
    if (file) {
      args.addAll(List.of("--config", config(s.key() + "=s3a://from-file").toString()));
    }
    String expected = winner.equals("default") ? s.defaultValue() : "s3a://from-" + winner;
    assertThat(parse(environment, args.toArray(String[]::new)).get(s.key())).isEqualTo(expected);
  }

  @Test
  void theLakeAndDataDirOfAConfigFileAreWhatTheStepUses() throws IOException {
    // The defect: --lake and --data-dir always had picocli defaults, which beat the file.
    Path config = config(Settings.LAKE + "=" + dir.resolve("lake-from-file"), Settings.DATA_DIR + "=" + dir.resolve("data-from-file"));
    try (StepContext ctx = new StepContext(parse(Map.of(), "migrate", "--config", config.toString()))) {
      assertThat(ctx.lake().root()).isEqualTo(dir.resolve("lake-from-file").toString());
      assertThat(ctx.dataDir()).isEqualTo(dir.resolve("data-from-file"));
    }
    // And through a whole command: the ingest lands in the file's lake.
    Path src = Files.createDirectories(dir.resolve("csv"));
    Files.writeString(src.resolve("ACME.csv"), "date,open,high,low,close,volume\n2026-09-01,1,2,1,2,3\n");
    CliTest.Run r = CliTest.run("ingest", "csv", "--config", config.toString(), "--csv-dir", src.toString(),
        "--run-date", "2026-09-01");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(dir.resolve("lake-from-file/bronze/ohlcv_csv/ingest_date=2026-09-01/ACME.csv")).exists();
  }

  @Test
  void settingsWithoutAFlagComeFromTheEnvironmentOrTheFile() throws IOException {
    Map<String, String> env = Map.of(
        "ONERING_CLICKHOUSE_URL", "http://clickhouse:8123",
        "ONERING_CLICKHOUSE_PASSWORD", "ch-pass",
        "ONERING_S3_ENDPOINT", "http://minio:9000",
        "ONERING_S3_SECRET_KEY", "s3-pass",
        "ONERING_PG_PASSWORD", "pg-pass");
    Path config = config(Settings.CLICKHOUSE_USER + "=reader", Settings.CLICKHOUSE_URL + "=http://ignored:8123",
        Settings.S3_ACCESS_KEY + "=onering", Settings.PG_URL + "=jdbc:postgresql://pg:5432/onering",
        Settings.PG_USER + "=gold", Settings.CHDB_LIB + "=/opt/libchdb.so", Settings.STAGE_TIMES + "=true",
        Settings.HOME + "=/etc/onering");
    Settings s = parse(env, "silver", "--config", config.toString());
    assertThat(s.clickhouseServer()).hasValueSatisfying(ch -> assertThat(ch).hasToString(
        "ClickHouseHttp[http://clickhouse:8123/, user reader]"));
    assertThat(s.s3()).isEqualTo(new S3Endpoint("http://minio:9000", "onering", "s3-pass", "us-east-1", true));
    assertThat(s.postgresServer()).hasValueSatisfying(pg -> {
      assertThat(pg.url()).isEqualTo("jdbc:postgresql://pg:5432/onering");
      assertThat(pg.user()).isEqualTo("gold");
      assertThat(pg.password()).isEqualTo("pg-pass");
    });
    assertThat(s.chdbLibrary()).isEqualTo(Path.of("/opt/libchdb.so"));
    assertThat(s.stageTimes()).isTrue();
    assertThat(s.home()).isEqualTo(Path.of("/etc/onering"));

    Settings none = parse(Map.of(), "silver");
    assertThat(none.clickhouseServer()).isEmpty();
    assertThat(none.postgresServer()).isEmpty();
    assertThat(none.chdbLibrary()).isNull();
    assertThat(none.stageTimes()).isFalse();
    assertThat(none.get(Settings.CLICKHOUSE_USER)).isEqualTo(Settings.CLICKHOUSE_USER_DEFAULT);
    assertThat(parse(Map.of("ONERING_STAGE_TIMES", "1"), "silver").stageTimes()).isTrue();
  }

  @Test
  void aSecretInTheConfigFileIsRefusedNamingTheVariableToSetInstead() throws IOException {
    for (String secret : Settings.SECRETS) {
      Path config = config(secret + "=hunter2-in-a-file");
      CliTest.Run r = CliTest.run("silver", "--config", config.toString());
      assertThat(r.code()).as(secret).isEqualTo(2);
      assertThat(r.err()).as(secret).contains(secret).contains("secret").contains(Settings.envName(secret))
          .contains(config.toString()).doesNotContain("hunter2-in-a-file");
      assertThat(r.out()).doesNotContain("hunter2-in-a-file");
    }
  }

  @Test
  void aSecretAsAFlagIsRefusedNamingTheVariableToSetInstead() {
    Map<String, String> flags = Map.of(
        "--clickhouse-password", Settings.CLICKHOUSE_PASSWORD,
        "--pg-password", Settings.PG_PASSWORD,
        "--catalog-password", Settings.CATALOG_PASSWORD,
        "--s3-secret-key", Settings.S3_SECRET_KEY);
    assertThat(new TreeSet<>(flags.values())).isEqualTo(new TreeSet<>(Settings.SECRETS));
    flags.forEach((flag, key) -> {
      CliTest.Run r = CliTest.run("load-silver", flag, "hunter2-on-a-flag");
      assertThat(r.code()).as(flag).isEqualTo(2);
      assertThat(r.err()).as(flag).contains(key).contains(Settings.envName(key)).doesNotContain("hunter2-on-a-flag");
    });
    // The flags exist only to refuse: help does not offer them.
    assertThat(CliTest.run("load-silver", "--help").out()).doesNotContain(flags.keySet().toArray(String[]::new));
  }

  @Test
  void aSecretComesFromTheEnvironmentOnly() {
    Settings s = Settings.of(Map.of(), new Properties(), Map.of("ONERING_CLICKHOUSE_PASSWORD", "from-env"));
    assertThat(s.get(Settings.CLICKHOUSE_PASSWORD)).isEqualTo("from-env");
    assertThat(s.redaction().apply("said from-env")).isEqualTo("said ***");
    assertThatThrownBy(() -> Settings.of(Map.of(Settings.PG_PASSWORD, "x"), new Properties(), Map.of()))
        .hasMessageContaining("ONERING_PG_PASSWORD");
  }

  @Test
  void anUnknownKeyInTheConfigFileIsRefusedListingTheKeys() throws IOException {
    // data_dir instead of data.dir: silently ignored before, the run then used data/.
    CliTest.Run r = CliTest.run("silver", "--config", config("data_dir=/srv/onering").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("data_dir").contains(Settings.DATA_DIR).contains("docs/step-contract.md");
  }

  @Test
  void theHelpOfConfigNamesEveryKeyAFileMaySetAndEachFlagSaysWhereItsDefaultComesFrom() {
    String help = CliTest.run("run", "--help").out();
    String config = help.substring(help.indexOf("--config=FILE "), help.indexOf("--csv-dir=DIR "));
    for (String key : Settings.DEFAULTS.keySet()) {
      if (Settings.SECRETS.contains(key)) {
        assertThat(config).doesNotContain(key);
      } else {
        // Whole, not wrapped at a dot.
        assertThat(config).as(key).containsPattern("[\\s(]" + java.util.regex.Pattern.quote(key) + "[,)\\s]");
      }
    }
    String flat = help.replaceAll("\\s+", " ");
    assertThat(flat).contains("Default: env ONERING_LAKE, else `lake` in the --config file, else data/lake.")
        .contains("Default: env ONERING_DATA_DIR, else `data.dir` in the --config file, else data.")
        .contains("Default: env ONERING_OUT_DIR, else `out.dir` in the --config file, else out.")
        .contains("Default: env ONERING_CSV_DIR, else `csv.dir` in the --config file, else platform/samples/ohlcv");
    assertThat(CliTest.run("ingest", "csv", "--help").out().replaceAll("\\s+", " "))
        .contains("Default: env ONERING_CSV_DIR, else `csv.dir` in the --config file, else none");
  }

  /** The settings the command line would run with, parsed as `onering ARGS` over {@code env}. */
  private static Settings parse(Map<String, String> env, String... args) {
    CommandLine.ParseResult pr = OneRing.commandLine(env).parseArgs(args);
    while (pr.hasSubcommand()) {
      pr = pr.subcommand();
    }
    Object command = pr.commandSpec().userObject();
    if (command instanceof StepCommand step) {
      return step.settings();
    }
    return ((RunCommand) command).settings();
  }

  private Path config(String... lines) throws IOException {
    Path f = Files.createTempFile(dir, "onering", ".properties");
    Files.writeString(f, String.join("\n", lines) + "\n");
    return f;
  }
}
