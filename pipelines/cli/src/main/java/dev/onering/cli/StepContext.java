package dev.onering.cli;

import dev.onering.lake.Lake;
import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.postgres.EmbeddedPostgresServer;
import dev.onering.serving.postgres.PostgresConnection;
import dev.onering.spark.Spark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * What steps share within one process: the lake, and engines started on first use and stopped at
 * the end. The runner runs every step in one context, so Spark and the stores start once.
 */
public final class StepContext implements AutoCloseable {

  private final Settings settings;
  private final Lake lake;
  private final Path dataDir;
  private SparkSession spark;
  private ChDbSilverStore silver;
  private EmbeddedPostgresServer embeddedPostgres;
  private PostgresConnection postgres;

  public StepContext(Settings settings, String lakeFlag, String dataDirFlag) {
    this.settings = settings;
    this.lake = Lake.at(settings.get(Settings.LAKE, lakeFlag, Settings.LAKE_DEFAULT));
    this.dataDir = Path.of(settings.get(Settings.DATA_DIR, dataDirFlag, Settings.DATA_DIR_DEFAULT)).toAbsolutePath();
  }

  public Settings settings() {
    return settings;
  }

  public Lake lake() {
    return lake;
  }

  public Path dataDir() {
    return dataDir;
  }

  public synchronized SparkSession spark() {
    if (spark == null) {
      Progress.update("starting Spark");
      spark = Spark.session("onering");
      spark.sparkContext().addSparkListener(new Progress.SparkProgress());
    }
    return spark;
  }

  /** The ClickHouse Silver store: the chDB engine on a folder under the data dir. */
  public synchronized ChDbSilverStore silver() {
    if (silver == null) {
      if (settings.get("clickhouse.url", null, null) != null) {
        throw new IllegalStateException(
            "ONERING_CLICKHOUSE_URL is set, but this build serves Silver only through the embedded ClickHouse "
                + "engine; unset it to use the engine under " + dataDir.resolve("clickhouse"));
      }
      silver = ChDbSilverStore.open(dataDir.resolve("clickhouse"));
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
