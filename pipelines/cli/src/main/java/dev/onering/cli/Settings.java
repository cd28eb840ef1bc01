package dev.onering.cli;

import dev.onering.lake.Lake;
import dev.onering.lake.S3Endpoint;
import dev.onering.pipeline.Redaction;
import dev.onering.serving.clickhouse.ClickHouseHttp;
import dev.onering.serving.postgres.PostgresConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The onering CLI's configuration: read once per invocation (from the command's flags, the process
 * environment {@link OneRing} hands in, and the {@code --config} file) and handed to what needs it;
 * nothing else in the CLI, the stores or the jobs reads the environment. Each key has its default
 * beside it. Precedence, highest first: the command-line flag, the environment variable
 * ({@code ONERING_} and the key upper-cased, dots as underscores: {@code data.dir} is
 * {@code ONERING_DATA_DIR}), the {@code --config} properties file, the default.
 *
 * <p>Secrets ({@link #SECRETS}: the ClickHouse, Postgres and catalog passwords, the S3 secret key) come only
 * from the environment: a config file or a flag that sets one is refused, saying which variable to
 * set instead. A config file key this class does not know is refused too, so a typo is not silently
 * ignored. The keys are listed in docs/step-contract.md (Configuration).
 */
public final class Settings {

  /** The lake root: a folder, {@code s3a://} (a bucket per zone) or {@code s3a://bucket/prefix}. */
  public static final String LAKE = "lake";
  public static final String LAKE_DEFAULT = Lake.DEFAULT_ROOT;
  /** Where the embedded ClickHouse (chDB) and Postgres keep their data. */
  public static final String DATA_DIR = "data.dir";
  public static final String DATA_DIR_DEFAULT = "data";
  /** Where {@code onering run} writes its reports. */
  public static final String OUT_DIR = "out.dir";
  public static final String OUT_DIR_DEFAULT = "out";
  /** The project folder (platform/, the suites, the changelogs); default: found upwards, see {@link #home()}. */
  public static final String HOME = "home";
  /**
   * Daily OHLCV CSV files to ingest: a folder or an s3a URI (the stack: s3a://landing/ohlcv_csv);
   * no default ({@code onering run} falls back to platform/samples/ohlcv).
   */
  public static final String CSV_DIR = "csv.dir";
  /**
   * The Silver store: a ClickHouse server's HTTP interface (the stack: http://clickhouse:8123);
   * unset means the embedded engine (chDB) under the data dir.
   */
  public static final String CLICKHOUSE_URL = "clickhouse.url";
  public static final String CLICKHOUSE_USER = "clickhouse.user";
  public static final String CLICKHOUSE_USER_DEFAULT = ClickHouseHttp.USER_DEFAULT;
  /** Secret: {@code ONERING_CLICKHOUSE_PASSWORD}, from the environment only. */
  public static final String CLICKHOUSE_PASSWORD = "clickhouse.password";
  /**
   * An s3a lake's S3 API (the stack: http://minio:9000) and account; unset, the AWS SDK's names
   * ({@code AWS_ENDPOINT_URL_S3}, {@code AWS_ACCESS_KEY_ID}, ...) are the fallback.
   */
  public static final String S3_ENDPOINT = "s3.endpoint";
  public static final String S3_ACCESS_KEY = "s3.access.key";
  /** Secret: {@code ONERING_S3_SECRET_KEY} (or {@code AWS_SECRET_ACCESS_KEY}), from the environment only. */
  public static final String S3_SECRET_KEY = "s3.secret.key";
  /** The Gold store: a Postgres server's JDBC URL (the stack's); unset means an embedded server under the data dir. */
  public static final String PG_URL = "pg.url";
  public static final String PG_USER = "pg.user";
  /** Secret: {@code ONERING_PG_PASSWORD}, from the environment only. */
  public static final String PG_PASSWORD = "pg.password";
  /**
   * The Iceberg catalog of Silver and Gold: a Postgres database's JDBC URL (the stack:
   * jdbc:postgresql://postgres:5432/iceberg); unset means the Gold Postgres server's (pg.url) own
   * database when that is set, else the embedded server's {@code iceberg} database.
   */
  public static final String CATALOG_URL = "catalog.url";
  public static final String CATALOG_USER = "catalog.user";
  /** Secret: {@code ONERING_CATALOG_PASSWORD}, from the environment only. */
  public static final String CATALOG_PASSWORD = "catalog.password";
  /**
   * libchdb.so; default: the system property {@code onering.chdb.lib}, else
   * .cache/chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so in the working folder or a parent.
   */
  public static final String CHDB_LIB = "chdb.lib";
  /** Any value but {@code false}/{@code 0}: print each Spark stage's duration, where a slow step spends its time. */
  public static final String STAGE_TIMES = "stage.times";
  public static final String STAGE_TIMES_DEFAULT = "false";

  /**
   * The MLflow tracking server the register step logs to and registers in (the stack:
   * http://mlflow:5000); unset means none, and the model stays in the lake and the run folder.
   */
  public static final String MLFLOW_URL = "mlflow.url";
  /** Where the Python services' virtualenvs are ({@code ops/scripts/py-setup.sh}); default {@code <home>/.cache/venvs}. */
  public static final String VENVS = "venvs";
  public static final String VENVS_DEFAULT = ".cache/venvs";
  /** The Evidently drift script the drift step runs; default {@code <home>/platform/ml/drift/drift.py}. */
  public static final String DRIFT_SCRIPT = "drift.script";
  public static final String DRIFT_SCRIPT_DEFAULT = "platform/ml/drift/drift.py";

  /** Every key, with its default (null: none, or found as its constant says). */
  static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(LAKE, LAKE_DEFAULT);
    d.put(DATA_DIR, DATA_DIR_DEFAULT);
    d.put(OUT_DIR, OUT_DIR_DEFAULT);
    d.put(HOME, null);
    d.put(CSV_DIR, null);
    d.put(CLICKHOUSE_URL, null);
    d.put(CLICKHOUSE_USER, CLICKHOUSE_USER_DEFAULT);
    d.put(CLICKHOUSE_PASSWORD, null);
    d.put(S3_ENDPOINT, null);
    d.put(S3_ACCESS_KEY, null);
    d.put(S3_SECRET_KEY, null);
    d.put(PG_URL, null);
    d.put(PG_USER, null);
    d.put(PG_PASSWORD, null);
    d.put(CATALOG_URL, null);
    d.put(CATALOG_USER, null);
    d.put(CATALOG_PASSWORD, null);
    d.put(CHDB_LIB, null);
    d.put(STAGE_TIMES, STAGE_TIMES_DEFAULT);
    // Found under the project folder when unset (pathUnderHome).
    d.put(MLFLOW_URL, null);
    d.put(VENVS, null);
    d.put(DRIFT_SCRIPT, null);
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  /** Keys whose values only ever come from the environment. */
  public static final Set<String> SECRETS = Set.of(CLICKHOUSE_PASSWORD, S3_SECRET_KEY, PG_PASSWORD, CATALOG_PASSWORD);

  private final Map<String, String> flags;
  private final Properties file;
  private final Map<String, String> env;

  private Settings(Map<String, String> flags, Properties file, Map<String, String> env) {
    this.flags = flags;
    this.file = file;
    this.env = env;
  }

  /**
   * Reads the configuration of one invocation.
   *
   * @param flags the command's flags that were given, by key (absent or null: not given)
   * @param configFile the {@code --config} file, or null
   * @param env the process environment
   * @throws IllegalArgumentException when a flag or the file sets a secret, or the file a key that
   *     does not exist
   * @throws UncheckedIOException when the file cannot be read
   */
  public static Settings load(Map<String, String> flags, Path configFile, Map<String, String> env) {
    Properties p = new Properties();
    if (configFile != null) {
      try (InputStream in = Files.newInputStream(configFile)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the config file " + configFile + ": " + e.getMessage()
            + "; check the --config path", e);
      }
    }
    return of(flags, p, env, configFile == null ? "the config file" : "the config file " + configFile);
  }

  /** As {@link #load}, with the file's properties already read (tests). */
  static Settings of(Map<String, String> flags, Properties file, Map<String, String> env) {
    return of(flags, file, env, "the config file");
  }

  private static Settings of(Map<String, String> flags, Properties file, Map<String, String> env, String fileName) {
    Map<String, String> given = new HashMap<>();
    flags.forEach((k, v) -> {
      if (v != null) {
        given.put(k, v);
      }
    });
    for (String k : given.keySet()) {
      if (SECRETS.contains(k)) {
        throw new IllegalArgumentException(k + " is a secret and is never taken from the command line (it would "
            + "show in the process list and the shell's history): set " + envName(k) + " in the environment instead");
      }
      if (!DEFAULTS.containsKey(k)) {
        throw new IllegalArgumentException("no setting '" + k + "'");
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String k : file.stringPropertyNames()) {
      if (SECRETS.contains(k)) {
        throw new IllegalArgumentException(fileName + " sets " + k + ", a secret; secrets come only from the "
            + "environment, so a file that may be shared or committed never holds one: remove the line and set "
            + envName(k) + " instead");
      }
      if (!DEFAULTS.containsKey(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      Set<String> known = new TreeSet<>(DEFAULTS.keySet());
      known.removeAll(SECRETS);
      throw new IllegalArgumentException(fileName + " sets " + new TreeSet<>(unknown) + ", which onering does not "
          + "know; the keys are " + known + " (docs/step-contract.md, Configuration)");
    }
    Properties copy = new Properties();
    copy.putAll(file);
    return new Settings(Map.copyOf(given), copy, Map.copyOf(env));
  }

  /** {@code lake} is read from {@code ONERING_LAKE}; dots become underscores. */
  public static String envName(String key) {
    return "ONERING_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /**
   * A setting's value: the flag, else the environment, else the file, else its default (null when
   * it has none). A secret's value comes from the environment only ({@link #secret}).
   */
  public String get(String key) {
    if (!DEFAULTS.containsKey(key)) {
      throw new IllegalArgumentException("no setting '" + key + "'");
    }
    if (SECRETS.contains(key)) {
      return secret(key);
    }
    String flag = flags.get(key);
    if (flag != null) {
      return flag;
    }
    String e = env.get(envName(key));
    if (e != null && !e.isBlank()) {
      return e.strip();
    }
    String f = file.getProperty(key);
    if (f != null && !f.isBlank()) {
      return f.strip();
    }
    return DEFAULTS.get(key);
  }

  /** A secret ({@code ONERING_*} of {@code key}): only ever from the environment, never a file or a flag. */
  public String secret(String key) {
    String e = env.get(envName(key));
    return e == null || e.isBlank() ? null : e;
  }

  public Lake lake() {
    return Lake.at(get(LAKE));
  }

  public Path dataDir() {
    return Path.of(get(DATA_DIR)).toAbsolutePath();
  }

  public Path outDir() {
    return Path.of(get(OUT_DIR));
  }

  /** The CSV folder to ingest, if one is set. */
  public Optional<String> csvDir() {
    return Optional.ofNullable(get(CSV_DIR));
  }

  /** An s3a lake's object store: the ONERING_S3_* settings, else the AWS SDK's variables. */
  public S3Endpoint s3() {
    return S3Endpoint.fromEnvironment(resolved(S3_ENDPOINT, S3_ACCESS_KEY));
  }

  /** The ClickHouse server behind Silver, when {@value #CLICKHOUSE_URL} is set; else Silver is chDB. */
  public Optional<ClickHouseHttp> clickhouseServer() {
    return ClickHouseHttp.fromEnvironment(resolved(CLICKHOUSE_URL, CLICKHOUSE_USER));
  }

  /** The Postgres server behind Gold, when {@value #PG_URL} is set; else Gold is an embedded server. */
  public Optional<PostgresConnection> postgresServer() {
    return PostgresConnection.fromEnvironment(resolved(PG_URL, PG_USER));
  }

  /**
   * The Iceberg catalog's database when {@value #CATALOG_URL} is set: URL, user and password;
   * empty means the caller falls back (see {@value #CATALOG_URL}).
   */
  public Optional<PostgresConnection> catalogServer() {
    String url = get(CATALOG_URL);
    return url == null ? Optional.empty()
        : Optional.of(new PostgresConnection(url, get(CATALOG_USER), secret(CATALOG_PASSWORD)));
  }

  /** libchdb.so as configured, or null to let {@link dev.onering.serving.clickhouse.ChDb} look for it. */
  public Path chdbLibrary() {
    String lib = get(CHDB_LIB);
    return lib == null ? null : Path.of(lib);
  }

  public boolean stageTimes() {
    String v = get(STAGE_TIMES).toLowerCase(Locale.ROOT);
    return !v.equals("false") && !v.equals("0");
  }

  /**
   * Blanks every secret this configuration holds (each of {@link #SECRETS}, and the S3 secret key
   * from the AWS SDK's variable when that is where it came from) and credential-shaped text out of
   * a message.
   */
  public Redaction redaction() {
    List<String> values = new ArrayList<>();
    SECRETS.forEach(k -> values.add(secret(k)));
    values.add(s3().secretKey());
    return Redaction.of(values);
  }

  /**
   * The environment as a component reads it by its own names (e.g. {@code ONERING_CLICKHOUSE_URL}),
   * with the given non-secret keys resolved as {@link #get} does, so a flag or the config file can
   * set them. Secrets stay as the environment has them.
   */
  private Map<String, String> resolved(String... keys) {
    Map<String, String> m = new HashMap<>(env);
    for (String k : keys) {
      String v = get(k);
      if (v != null) {
        m.put(envName(k), v);
      }
    }
    return m;
  }

  /** A path setting as given (relative to the working directory), else {@code defaultUnderHome} in the OneRing folder. */
  public Path pathUnderHome(String key, String defaultUnderHome) {
    String v = get(key);
    return v != null ? Path.of(v).toAbsolutePath() : home().resolve(defaultUnderHome);
  }

  /**
   * The project folder, where platform/ lives: the {@value #HOME} setting ({@code ONERING_HOME}),
   * else the nearest folder upwards from the working directory that has {@code platform/liquibase}.
   */
  public Path home() {
    String configured = get(HOME);
    if (configured != null) {
      return Path.of(configured).toAbsolutePath();
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("platform/liquibase"))) {
        return d;
      }
    }
    throw new IllegalStateException(
        "cannot find the OneRing folder (one with platform/liquibase) from " + dir
            + "; run from the repository or set ONERING_HOME");
  }
}
