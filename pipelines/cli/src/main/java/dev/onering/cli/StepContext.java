package dev.onering.cli;

import dev.onering.lake.Lake;
import dev.onering.lake.LakeFiles;
import dev.onering.lake.S3Endpoint;
import dev.onering.pipeline.Redaction;
import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.clickhouse.ClickHouseHttp;
import dev.onering.serving.clickhouse.ClickHouseHttpSilverStore;
import dev.onering.serving.clickhouse.LakeCollection;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.serving.postgres.EmbeddedPostgresServer;
import dev.onering.serving.postgres.PostgresConnection;
import dev.onering.spark.Spark;
import dev.onering.spark.lake.LakeFs;
import dev.onering.spark.lake.LakeTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;

/**
 * What steps share within one process: the lake, and engines started on first use and stopped at
 * the end. The runner runs every step in one context, so Spark and the stores start once.
 *
 * <p>The configuration ({@link Settings}) picks the runtime, per store: {@code lake=s3a://...} puts
 * the lake in an object store (endpoint and keys from {@code ONERING_S3_*}), {@code clickhouse.url}
 * a ClickHouse server behind Silver, {@code pg.url} a Postgres server behind Gold. Unset, each is
 * the embedded one: a local folder, chDB, embedded Postgres.
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
  private final Object postgresLock = new Object();
  private CompletableFuture<?> postgresStarting = CompletableFuture.completedFuture(null);
  private LakeTables tables;
  private boolean publishUnaudited;

  public StepContext(Settings settings) {
    this.settings = settings;
    this.lake = settings.lake();
    this.dataDir = settings.dataDir();
    this.s3 = settings.s3();
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

  /** The s3a settings for the configured endpoint; empty for a local lake. */
  public Map<String, String> hadoopSettings() {
    return lake.isLocal() && s3.endpoint() == null ? Map.of() : LakeFs.s3aSettings(s3);
  }

  /** The object store of an s3a lake, as configured. */
  public S3Endpoint s3() {
    return s3;
  }

  public Path dataDir() {
    return dataDir;
  }

  public synchronized SparkSession spark() {
    if (spark == null) {
      // The catalog's embedded Postgres starts beside Spark rather than after it: a second off the
      // start of every Spark step, on a machine with a core to spare while Spark starts.
      // A failure there surfaces when tables() asks for the server again, with the reason.
      if (settings.catalogServer().or(settings::postgresServer).isEmpty()) {
        postgresStarting = CompletableFuture.runAsync(this::postgres);
      }
      Progress.update("starting Spark");
      spark = Spark.session("onering");
      // The same s3a settings the light steps use, so a local Spark reaches the same lake; on the
      // stack's cluster spark-defaults.conf sets the endpoint too, with the same values.
      hadoopSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
      spark.sparkContext().addSparkListener(new Progress.SparkProgress(settings.stageTimes()));
      tables().register(spark);
    }
    return spark;
  }

  /**
   * Silver and Gold as Iceberg tables: the catalog at {@code catalog.url} when set, else in the Gold
   * Postgres server's database ({@code pg.url}), else in the embedded Postgres's {@code iceberg}
   * database (started here if need be).
   */
  public synchronized LakeTables tables() {
    if (tables == null) {
      PostgresConnection c = settings.catalogServer().or(settings::postgresServer).orElseGet(() -> {
        postgres();
        return new PostgresConnection(embeddedPostgres.jdbcUrl(EmbeddedPostgresServer.CATALOG_DATABASE),
            embeddedPostgres.user(), embeddedPostgres.password());
      });
      tables = new LakeTables(LakeTables.DEFAULT_CATALOG, c.url(), c.user(), c.password(), lake, hadoopSettings());
    }
    return tables;
  }

  /**
   * The ClickHouse Silver store: the server at {@code clickhouse.url} over HTTP (user and password
   * from {@code clickhouse.user} / {@code ONERING_CLICKHOUSE_PASSWORD}) when set, else the chDB
   * engine on a folder under the data dir. chDB gets the lake's object store, if it has keys, as
   * the named collection its queries read the lake through ({@link LakeCollection}); a server
   * has it in its own configuration.
   */
  public synchronized SilverStore silver() {
    if (silver == null) {
      Optional<ClickHouseHttp> server = settings.clickhouseServer();
      silver = server.isPresent() ? new ClickHouseHttpSilverStore(server.get())
          : ChDbSilverStore.open(dataDir.resolve("clickhouse"), settings.chdbLibrary(),
              s3.hasCredentials() ? LakeCollection.chdbConfig(s3) : Map.of());
    }
    return silver;
  }

  /** Whether the Silver steps publish their writes themselves, with no gate (the benchmark's runs). */
  public boolean publishUnaudited() {
    return publishUnaudited;
  }

  public void publishUnaudited(boolean publish) {
    this.publishUnaudited = publish;
  }

  /** Blanks the configured secrets (and credential-shaped text) out of what a step reports. */
  public Redaction redaction() {
    return settings.redaction();
  }

  /** Postgres from {@code pg.url} when set (the stack), else an embedded server. */
  public PostgresConnection postgres() {
    // Its own lock, not this context's: spark() holds that while Postgres starts on another thread.
    synchronized (postgresLock) {
      return startPostgres();
    }
  }

  private PostgresConnection startPostgres() {
    if (postgres == null) {
      Optional<PostgresConnection> configured = settings.postgresServer();
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
    if (tables != null) {
      tables.close();
      tables = null;
    }
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
    // A server still starting (Spark failed first) would outlive the run.
    postgresStarting.exceptionally(e -> null).join();
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
