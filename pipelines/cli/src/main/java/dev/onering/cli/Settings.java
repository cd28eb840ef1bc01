package dev.onering.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Configuration, parsed once. Each key has a default beside it. Precedence, highest first: the
 * command-line flag, the environment variable ({@code ONERING_*}), the {@code --config} properties
 * file, the default. Secrets (database passwords) come only from the environment.
 */
public final class Settings {

  public static final String LAKE = "lake";
  public static final String LAKE_DEFAULT = "data/lake";
  public static final String DATA_DIR = "data.dir";
  public static final String DATA_DIR_DEFAULT = "data";
  public static final String OUT_DIR = "out.dir";
  public static final String OUT_DIR_DEFAULT = "out";
  public static final String HOME = "home";
  /** Daily OHLCV CSV files to ingest: a folder or an s3a URI (the stack: s3a://landing/ohlcv_csv). */
  public static final String CSV_DIR = "csv.dir";
  /**
   * The Silver store: a ClickHouse server's HTTP interface (the stack: http://clickhouse:8123);
   * unset means the embedded engine (chDB) under the data dir.
   */
  public static final String CLICKHOUSE_URL = "clickhouse.url";
  public static final String CLICKHOUSE_USER = "clickhouse.user";
  /** Secret: {@code ONERING_CLICKHOUSE_PASSWORD}, from the environment only. */
  public static final String CLICKHOUSE_PASSWORD = "clickhouse.password";
  /** An s3a lake's S3 API (the stack: http://minio:9000) and account; the secret from the environment only. */
  public static final String S3_ENDPOINT = "s3.endpoint";
  public static final String S3_ACCESS_KEY = "s3.access.key";
  public static final String S3_SECRET_KEY = "s3.secret.key";

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

  private final Properties file;
  private final Map<String, String> env;

  private Settings(Properties file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  public static Settings load(Path configFile) {
    Properties p = new Properties();
    if (configFile != null) {
      try (InputStream in = Files.newInputStream(configFile)) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the config file " + configFile + ": " + e.getMessage(), e);
      }
    }
    return new Settings(p, System.getenv());
  }

  static Settings of(Properties file, Map<String, String> env) {
    return new Settings(file, env);
  }

  /** {@code lake} is read from {@code ONERING_LAKE}; dots become underscores. */
  public static String envName(String key) {
    return "ONERING_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
  }

  public String get(String key, String flag, String defaultValue) {
    if (flag != null) {
      return flag;
    }
    String e = env.get(envName(key));
    if (e != null && !e.isBlank()) {
      return e;
    }
    return file.getProperty(key, defaultValue);
  }

  /** A secret ({@code ONERING_*} of {@code key}): only ever from the environment, never a file or a flag. */
  public String secret(String key) {
    String e = env.get(envName(key));
    return e == null || e.isBlank() ? null : e;
  }

  /**
   * The environment as a component reads it by its own names (e.g. {@code ONERING_CLICKHOUSE_URL}),
   * with the given non-secret keys resolved as {@link #get} does, so the config file can set them.
   * Secrets stay as the environment has them.
   */
  public Map<String, String> resolved(String... keys) {
    Map<String, String> m = new java.util.HashMap<>(env);
    for (String k : keys) {
      String v = get(k, null, null);
      if (v != null) {
        m.put(envName(k), v);
      }
    }
    return m;
  }

  /** A path setting as given (relative to the working directory), else {@code defaultUnderHome} in the OneRing folder. */
  public Path pathUnderHome(String key, String defaultUnderHome) {
    String v = get(key, null, null);
    return v != null ? Path.of(v).toAbsolutePath() : home().resolve(defaultUnderHome);
  }

  /**
   * The project folder, where platform/ lives: {@code ONERING_HOME}, else the nearest folder
   * upwards from the working directory that has {@code platform/liquibase}.
   */
  public Path home() {
    String configured = get(HOME, null, null);
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
