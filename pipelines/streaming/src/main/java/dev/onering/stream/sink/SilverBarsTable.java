package dev.onering.stream.sink;

import dev.onering.lake.Lake;
import dev.onering.lake.S3Endpoint;
import dev.onering.pipeline.Redaction;
import dev.onering.stream.StreamEnv;
import dev.onering.stream.job.BarRecord;
import dev.onering.ticks.Tick;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * The Iceberg table {@code silver.bars_1m}, the one the batch path writes
 * (pipelines/spark-jobs/.../lake/LakeTables.java): the same JDBC catalog (the same database and
 * catalog name), the same table folder in the lake, the same schema. The job appends its closed
 * bars to the table's {@code main} through Iceberg's Flink sink, which commits the files written
 * since the last checkpoint when that checkpoint completes: a failure before it leaves no row of
 * them visible, and a restart from it commits them once (the sink records the checkpoint id it
 * committed in the snapshot, and skips what is already there).
 *
 * <p>Why append, not upsert: a closed bar is emitted once, when its minute can take no more trades
 * (window end plus the allowed lateness); later trades go to the late output, never into a bar. So
 * each (symbol, bar_start) is appended once per run, and the table stays data files only
 * (copy-on-write, as the loads and the quality gate require: no equality deletes).
 *
 * <p>No secret travels in the job graph (Flink's UI shows it, every checkpoint stores it): the
 * catalog's password ({@value StreamEnv#CATALOG_PASSWORD}) and the lake's S3 keys are read when a
 * catalog opens, from the environment of the process that opens it (the client or job manager that
 * builds the graph, the task managers that write and commit).
 *
 * @param catalogName the JDBC catalog's name; the batch's is {@value #CATALOG_NAME}
 * @param jdbcUrl the catalog database, e.g. {@code jdbc:postgresql://postgres:5432/iceberg}
 * @param user the database user, or null
 * @param lakeRoot the lake the table lives in, as {@link Lake#at(String)} takes it
 */
public record SilverBarsTable(String catalogName, String jdbcUrl, String user, String lakeRoot)
    implements Serializable {

  /** The batch path's catalog name (LakeTables.DEFAULT_CATALOG): one catalog, both paths. */
  public static final String CATALOG_NAME = "onering";
  public static final TableIdentifier IDENTIFIER = TableIdentifier.of("silver", "bars_1m");
  static final String PARTITION_COLUMN = "trade_date";
  /** The sink's operators are {@code iceberg-bars}'s writer, aggregator and committer. */
  public static final String UID = "iceberg-bars";

  public SilverBarsTable {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("the Iceberg catalog URL must be a JDBC URL (jdbc:postgresql://host:port/iceberg),"
          + " was '" + Redaction.credentials(jdbcUrl) + "'; set --catalog-url or " + StreamEnv.CATALOG_URL);
    }
  }

  /** The table's schema, from core's resource (the batch's Spark schema is tested against it). */
  public static Schema schema() {
    try (InputStream in = SilverBarsTable.class.getResourceAsStream(Lake.SILVER_BARS_1M_SCHEMA)) {
      if (in == null) {
        throw new IllegalStateException(Lake.SILVER_BARS_1M_SCHEMA + " is not on the classpath; onering-core is missing");
      }
      return SchemaParser.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + Lake.SILVER_BARS_1M_SCHEMA, e);
    }
  }

  /** Flink's row type of the table, in the schema's column order. */
  public static RowType rowType() {
    return FlinkSchemaUtil.convert(schema());
  }

  /** A closed bar as a row of the table; trade_date is bar_start's UTC date, as in the batch. */
  public static RowData row(BarRecord b) {
    return GenericRowData.of(
        StringData.fromString(b.symbol),
        TimestampData.fromEpochMillis(Math.floorDiv(b.barStart, 1000L), (int) Math.floorMod(b.barStart, 1000L) * 1000),
        (int) Tick.utcDate(b.barStart).toEpochDay(),
        b.open, b.high, b.low, b.close, b.volume, b.notional, b.vwap, b.tradeCount);
  }

  /**
   * Appends {@code closedBars} to the table's main, committed at each checkpoint. Creates the table
   * first when it is missing (the stream may run before the first batch), as the batch would.
   */
  public void append(DataStream<BarRecord> closedBars) {
    ensureTable();
    DataStream<RowData> rows = closedBars.map(SilverBarsTable::row).returns(InternalTypeInfo.of(rowType()))
        .name("bar-rows").uid("bar-rows");
    IcebergSink.forRowData(rows)
        .tableLoader(TableLoader.fromCatalog(new EnvCatalogLoader(this), IDENTIFIER))
        // Bars come keyed by symbol from the minute operator; writing them where they are keeps one
        // file per writer and checkpoint, no shuffle.
        .distributionMode(DistributionMode.NONE)
        .uidSuffix(UID)
        .append()
        .name(UID).uid(UID);
  }

  /** The catalog, opened with the password and S3 keys of this process's environment. */
  public JdbcCatalog openCatalog() {
    return openCatalog(StreamEnv.system());
  }

  JdbcCatalog openCatalog(StreamEnv env) {
    registerDriver();
    Lake lake = Lake.at(lakeRoot);
    JdbcCatalog c = new JdbcCatalog();
    Configuration conf = new Configuration();
    if (!lake.isLocal()) {
      S3Endpoint.fromEnvironment(env.asMap()).s3aSettings().forEach(conf::set);
    }
    c.setConf(conf);
    Map<String, String> p = new LinkedHashMap<>();
    p.put(CatalogProperties.CATALOG_IMPL, JdbcCatalog.class.getName());
    p.put(CatalogProperties.URI, jdbcUrl);
    if (user != null) {
      p.put(JdbcCatalog.PROPERTY_PREFIX + "user", user);
    }
    env.get(StreamEnv.CATALOG_PASSWORD).ifPresent(pw -> p.put(JdbcCatalog.PROPERTY_PREFIX + "password", pw));
    // The batch's catalog properties (LakeTables.catalogProperties): the V1 catalog table, the
    // Silver zone as warehouse, no cached tables.
    p.put(JdbcCatalog.PROPERTY_PREFIX + "schema-version", "V1");
    p.put(CatalogProperties.WAREHOUSE_LOCATION, location(lake, Lake.Zone.SILVER.dir()));
    p.put(CatalogProperties.CACHE_ENABLED, "false");
    try {
      c.initialize(catalogName, p);
    } catch (RuntimeException e) {
      // The driver's message never holds the password; the URL is redacted in case it has one.
      throw new IllegalStateException("cannot open the Iceberg catalog at " + Redaction.credentials(jdbcUrl) + " ("
          + Redaction.credentials(String.valueOf(e.getMessage())) + "); check --catalog-url / " + StreamEnv.CATALOG_URL
          + ", " + StreamEnv.CATALOG_USER + " and " + StreamEnv.CATALOG_PASSWORD + ", and that the database exists", e);
    }
    return c;
  }

  /**
   * The table, created when missing exactly as the batch creates it (LakeTables.create): format
   * v2, partitioned by trade_date, located at {@code silver/bars_1m} in the lake, copy-on-write,
   * an empty first snapshot on main and the {@code audit} branch at it. An existing table must have
   * this schema.
   */
  public Table ensureTable() {
    try (JdbcCatalog c = openCatalog()) {
      return ensureTable(c);
    }
  }

  Table ensureTable(Catalog c) {
    Schema schema = schema();
    Table t;
    if (c.tableExists(IDENTIFIER)) {
      t = c.loadTable(IDENTIFIER);
    } else {
      JdbcCatalog jdbc = (JdbcCatalog) c;
      Namespace ns = IDENTIFIER.namespace();
      if (!jdbc.namespaceExists(ns)) {
        try {
          jdbc.createNamespace(ns);
        } catch (AlreadyExistsException raced) {
          // Another writer made it first.
        }
      }
      Map<String, String> props = new LinkedHashMap<>(Lake.ICEBERG_TABLE_PROPERTIES);
      try {
        t = c.createTable(IDENTIFIER, schema, PartitionSpec.builderFor(schema).identity(PARTITION_COLUMN).build(),
            location(Lake.at(lakeRoot), Lake.SILVER_BARS_1M), props);
        t.newFastAppend().commit();
        t.manageSnapshots().createBranch(AUDIT_BRANCH, t.currentSnapshot().snapshotId()).commit();
      } catch (AlreadyExistsException raced) {
        t = c.loadTable(IDENTIFIER);
      }
    }
    if (!t.schema().asStruct().equals(schema.asStruct())) {
      throw new IllegalStateException(IDENTIFIER + " in the catalog has the columns " + t.schema().asStruct()
          + ", not the stream's " + schema.asStruct() + "; the batch and the stream must agree on "
          + Lake.SILVER_BARS_1M_SCHEMA);
    }
    if (!NO_EMPTY_COMMITS.equals(t.properties().get(MAX_CONTINUOUS_EMPTY_COMMITS))) {
      t.updateProperties().set(MAX_CONTINUOUS_EMPTY_COMMITS, NO_EMPTY_COMMITS).commit();
    }
    return t;
  }

  /**
   * Iceberg's Flink committer commits an empty snapshot after this many checkpoints without data (10
   * by default: every 100 s of a quiet market at the job's 10 s checkpoints). A table property, read
   * by the committer. Never: main moves only with bars, and the snapshots kept by {@code onering
   * maintain} are the writes'.
   */
  static final String MAX_CONTINUOUS_EMPTY_COMMITS = "flink.max-continuous-empty-commits";
  static final String NO_EMPTY_COMMITS = String.valueOf(Integer.MAX_VALUE);

  /**
   * Registers Postgres's JDBC driver from the job's own classloader. On a Flink cluster the job jar
   * is a child classloader, which DriverManager's service lookup never searched: without this the
   * catalog failed with "No suitable driver" there (the native stack's deploy test), though it
   * opened on a flat classpath.
   */
  static void registerDriver() {
    try {
      Class.forName(POSTGRES_DRIVER, true, SilverBarsTable.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(POSTGRES_DRIVER + " is not on the job's classpath; onering-flink.jar must"
          + " carry org.postgresql:postgresql", e);
    }
  }

  static final String POSTGRES_DRIVER = "org.postgresql.Driver";

  /** The batch's write-audit-publish branch (LakeTables.AUDIT). */
  static final String AUDIT_BRANCH = "audit";

  /** A lake folder as the batch's catalog stores it: an absolute path for a local lake, else the URI. */
  static String location(Lake lake, String relative) {
    return lake.isLocal() ? lake.path(relative).toAbsolutePath().toString() : lake.uri(relative);
  }

  @Override
  public String toString() {
    return "silver.bars_1m in catalog " + catalogName + " at " + Redaction.credentials(jdbcUrl) + ", lake " + lakeRoot;
  }

  /**
   * Opens the catalog where it runs, with that process's password and S3 keys: what travels with
   * the job graph is the {@link SilverBarsTable} alone, which holds neither.
   */
  static final class EnvCatalogLoader implements CatalogLoader {
    private static final long serialVersionUID = 1L;
    private final SilverBarsTable table;

    EnvCatalogLoader(SilverBarsTable table) {
      this.table = table;
    }

    @Override
    public Catalog loadCatalog() {
      return table.openCatalog();
    }

    @Override
    @SuppressWarnings({"checkstyle:NoClone", "checkstyle:SuperClone"})
    public CatalogLoader clone() {
      return new EnvCatalogLoader(table);
    }

    @Override
    public String toString() {
      return table.toString();
    }
  }
}
