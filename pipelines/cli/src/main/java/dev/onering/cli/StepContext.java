package dev.onering.cli;

import dev.onering.lake.Lake;
import dev.onering.lake.LakeFiles;
import dev.onering.lake.S3Endpoint;
import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.clickhouse.ClickHouseHttpSilverStore;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.serving.postgres.EmbeddedPostgresServer;
import dev.onering.serving.postgres.PostgresConnection;
import dev.onering.spark.Spark;
import dev.onering.spark.lake.LakeFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * What steps share within one process: the lake, and engines started on first use and stopped at
 * the end. The runner runs every step in one context, so Spark and the stores start once.
 *
 * <p>The environment picks the runtime, per store: {@code ONERING_LAKE=s3a://...} puts the lake in
 * an object store (endpoint and keys from {@code ONERING_S3_*}), {@code ONERING_CLICKHOUSE_URL} a
 * ClickHouse server behind Silver, {@code ONERING_PG_URL} a Postgres server behind Gold. Unset,
 * each is the embedded one: a local folder, chDB, embedded Postgres.
 */
public final class StepContext implements AutoCloseable {

  private final Settings settings;
  private final Lake lake;
  private final Path dataDir;
  private final S3Endpoint s3;
  private SparkSession spark;
  private SilverStore silver;
  private EmbeddedPostgresServer embeddedPostgres;
  private PostgresConnection postgres;

  public StepContext(Settings settings, String lakeFlag, String dataDirFlag) {
    this.settings = settings;
    this.lake = Lake.at(settings.get(Settings.LAKE, lakeFlag, Settings.LAKE_DEFAULT));
    this.dataDir = Path.of(settings.get(Settings.DATA_DIR, dataDirFlag, Settings.DATA_DIR_DEFAULT)).toAbsolutePath();
    this.s3 = S3Endpoint.fromEnvironment(settings.resolved(Settings.S3_ENDPOINT, Settings.S3_ACCESS_KEY));
  }

  public Settings settings() {
    return settings;
  }

  public Lake lake() {
    return lake;
  }

  /** The lake's files: the local file system, or Hadoop's s3a for an object-store lake. */
  public LakeFiles lakeFiles() {
    return filesAt(lake);
  }

  /** Files under any root the lake's settings reach: a folder or an s3a URI (e.g. the CSV landing area). */
  public LakeFiles filesAt(Lake root) {
    return root.isLocal() ? LakeFiles.local(root) : LakeFs.of(root, hadoopSettings());
  }

  /** The s3a settings for the endpoint in the environment; empty for a local lake. */
  public Map<String, String> hadoopSettings() {
    return lake.isLocal() && s3.endpoint() == null ? Map.of() : LakeFs.s3aSettings(s3);
  }

  /** The object store of an s3a lake, as the environment gives it. */
  public S3Endpoint s3() {
    return s3;
  }

  public Path dataDir() {
    return dataDir;
  }

  public synchronized SparkSession spark() {
    if (spark == null) {
      Progress.update("starting Spark");
      spark = Spark.session("onering");
      // The same s3a settings the light steps use, so a local Spark reaches the same lake; on the
      // stack's cluster spark-defaults.conf sets the endpoint too, with the same values.
      hadoopSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
      spark.sparkContext().addSparkListener(new Progress.SparkProgress());
    }
    return spark;
  }

  /**
   * The ClickHouse Silver store: the server at {@code ONERING_CLICKHOUSE_URL} over HTTP (user and
   * password from {@code ONERING_CLICKHOUSE_USER} / {@code _PASSWORD}) when set, else the chDB
   * engine on a folder under the data dir.
   */
  public synchronized SilverStore silver() {
    if (silver == null) {
      Optional<ClickHouseHttpSilverStore> server = ClickHouseHttpSilverStore.fromEnvironment(
          settings.resolved(Settings.CLICKHOUSE_URL, Settings.CLICKHOUSE_USER));
      silver = server.isPresent() ? server.get() : ChDbSilverStore.open(dataDir.resolve("clickhouse"));
    }
    return silver;
  }

  /** Postgres from {@code ONERING_PG_URL} when set (the stack), else an embedded server. */
  public synchronized PostgresConnection postgres() {
    if (postgres == null) {
      Optional<PostgresConnection> configured = PostgresConnection.fromEnvironment();
      if (configured.isPresent()) {
        postgres = configured.get();
      } else {
        Progress.update("starting embedded Postgres");
        try {
          embeddedPostgres = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), 0);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start the embedded Postgres under " + dataDir.resolve("postgres"), e);
        }
        postgres = embeddedPostgres.connection();
      }
    }
    return postgres;
  }

  public Path changelog(String store) {
    return settings.home().resolve("platform/liquibase/" + store + "/changelog."
        + (store.equals("postgres") ? "yaml" : "sql"));
  }

  @Override
  public synchronized void close() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
    if (silver != null) {
      try {
        silver.close();
      } catch (Exception e) {
        Progress.info("closing ClickHouse: " + e.getMessage());
      }
      silver = null;
    }
    if (embeddedPostgres != null) {
      try {
        embeddedPostgres.close();
      } catch (IOException e) {
        Progress.info("stopping Postgres: " + e.getMessage());
      }
      embeddedPostgres = null;
    }
  }
}
