package dev.onering.spark.lake;

import dev.onering.lake.Lake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Silver and Gold as Apache Iceberg tables in one JDBC catalog (a Postgres database), their data
 * and metadata in the lake under each table's zone folder ({@code silver/trades/data/...},
 * {@code silver/trades/metadata/...}). Spark writes them through the catalog registered here; the
 * light steps (loads, the quality gate, maintenance) read the same catalog through Iceberg's Java
 * API, with no Spark.
 *
 * <p>A write is one Iceberg commit: a crash before it leaves the table at its previous snapshot,
 * and the files of the unfinished write are never referenced by any snapshot (docs/architecture.md).
 *
 * <p>Write-audit-publish: the Silver steps write to the {@value #AUDIT} branch; the quality gate
 * validates that branch and, passing, fast-forwards {@code main} to it ({@link #publish}). Every
 * reader downstream (Gold, the ClickHouse load) reads {@code main}.
 *
 * @param catalogName the catalog's name: the Spark catalog ({@code <name>.silver.trades}) and the
 *     JDBC catalog's {@code catalog_name} rows, so two lakes can share one database
 * @param jdbcUrl the catalog database, e.g. {@code jdbc:postgresql://localhost:5432/iceberg}
 * @param hadoopSettings {@code fs.*} settings for the lake's file system (s3a), empty for a folder
 */
public final class LakeTables implements AutoCloseable {

  /** The catalog name of the pipeline's runtimes. */
  public static final String DEFAULT_CATALOG = "onering";
  /** The branch the Silver steps write and the quality gate audits. */
  public static final String AUDIT = "audit";
  public static final String MAIN = SnapshotRef.MAIN_BRANCH;

  /** The tables, with their lake folder (the table location) and partition column, if any. */
  public enum Id {
    SILVER_TRADES("silver", "trades", Lake.SILVER_TRADES, "trade_date"),
    SILVER_BARS_1M("silver", "bars_1m", Lake.SILVER_BARS_1M, "trade_date"),
    SILVER_BATCH_STATS("silver", "batch_stats", Lake.SILVER_BATCH_STATS, "trade_date"),
    SILVER_DAILY_IMPORTED("silver", "daily_imported", Lake.SILVER_DAILY_IMPORTED, null),
    GOLD_DAILY_BARS("gold", "daily_bars", Lake.GOLD_DAILY_BARS, null),
    GOLD_INSTRUMENT_SUMMARY("gold", "instrument_summary", Lake.GOLD_INSTRUMENT_SUMMARY, null);

    private final String namespace;
    private final String name;
    private final String folder;
    private final String partitionColumn;

    Id(String namespace, String name, String folder, String partitionColumn) {
      this.namespace = namespace;
      this.name = name;
      this.folder = folder;
      this.partitionColumn = partitionColumn;
    }

    /** {@code silver.trades}. */
    public String qualifiedName() {
      return namespace + "." + name;
    }

    public TableIdentifier identifier() {
      return TableIdentifier.of(namespace, name);
    }

    /** The table's folder relative to the lake root. */
    public String folder() {
      return folder;
    }

    /** Null for an unpartitioned table. */
    public String partitionColumn() {
      return partitionColumn;
    }

    public boolean silver() {
      return namespace.equals("silver");
    }

    /** The Silver tables, which the gate publishes together. */
    public static List<Id> silverTables() {
      return java.util.Arrays.stream(values()).filter(Id::silver).toList();
    }
  }

  private final String catalogName;
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final Lake lake;
  private final Map<String, String> hadoopSettings;

  public LakeTables(String catalogName, String jdbcUrl, String user, String password, Lake lake,
      Map<String, String> hadoopSettings) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("the Iceberg catalog URL must be a JDBC URL (jdbc:postgresql://...), was '"
          + dev.onering.pipeline.Redaction.credentials(jdbcUrl) + "'; check ONERING_CATALOG_URL");
    }
    this.catalogName = catalogName;
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.lake = lake;
    this.hadoopSettings = Map.copyOf(hadoopSettings);
  }

  public String catalogName() {
    return catalogName;
  }

  public Lake lake() {
    return lake;
  }

  /** The catalog database's URL, for messages (it carries no password: that is a separate setting). */
  public String jdbcUrl() {
    return dev.onering.pipeline.Redaction.credentials(jdbcUrl);
  }

  /** The catalog's properties, as Iceberg's JDBC catalog and Spark's catalog plugin both take them. */
  public Map<String, String> catalogProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(CatalogProperties.CATALOG_IMPL, JdbcCatalog.class.getName());
    p.put(CatalogProperties.URI, jdbcUrl);
    if (user != null) {
      p.put(JdbcCatalog.PROPERTY_PREFIX + "user", user);
    }
    if (password != null) {
      p.put(JdbcCatalog.PROPERTY_PREFIX + "password", password);
    }
    // Views need the V1 catalog table; a fresh database gets it.
    p.put(JdbcCatalog.PROPERTY_PREFIX + "schema-version", "V1");
    // Tables are always created with a location in their zone; the warehouse is only Iceberg's
    // default for a table created without one.
    p.put(CatalogProperties.WAREHOUSE_LOCATION, location(Lake.Zone.SILVER.dir()));
    // Never serve a cached table: the gate publishes through the Java API, and Gold must then see
    // the published main at once.
    p.put(CatalogProperties.CACHE_ENABLED, "false");
    return p;
  }

  /** Registers the catalog in a Spark session (before its first use of it). */
  public void register(SparkSession spark) {
    String prefix = "spark.sql.catalog." + catalogName;
    spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
    catalogProperties().forEach((k, v) -> spark.conf().set(prefix + "." + k, v));
  }

  /** {@code <catalog>.silver.trades}, for {@code spark.table} and {@code writeTo}. */
  public String sparkName(Id id) {
    return catalogName + "." + id.qualifiedName();
  }

  /** The Spark name of a branch of the table: {@code <catalog>.silver.trades.branch_audit}. */
  public String sparkName(Id id, String branch) {
    return MAIN.equals(branch) ? sparkName(id) : sparkName(id) + ".branch_" + branch;
  }

  /**
   * Replaces the rows of {@code branch} that match {@code condition} with {@code rows}, in one
   * commit (Iceberg's overwrite by filter: the old files of those rows and the new files swap in
   * one snapshot). The condition must select whole partitions (a date list) or the whole table.
   */
  public void overwrite(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows, Id id, String branch,
      org.apache.spark.sql.Column condition) {
    try {
      rows.writeTo(sparkName(id, branch)).overwrite(condition);
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(id.qualifiedName() + " is not in the catalog at " + jdbcUrl()
          + "; it is created on the first write (create()), so something dropped it meanwhile", e);
    }
  }

  /**
   * Writes data files of a table partitioned by date from inside Spark tasks, with Iceberg's own
   * Spark Parquet writer (the one {@code writeTo} runs), for {@link #replaceDates} to commit on the
   * driver: what lets one pass write several tables. Built on the driver and shipped with the tasks,
   * it carries a serializable copy of the table (schema, spec, properties, file IO).
   */
  public static final class DateFileWriter implements java.io.Serializable {
    private final Table table;
    private final StructType sparkSchema;

    private DateFileWriter(Table table, StructType sparkSchema) {
      this.table = org.apache.iceberg.SerializableTable.copyOf(table);
      this.sparkSchema = sparkSchema;
    }

    /** A new data file in {@code date}'s partition; write Spark internal rows in the table's column order. */
    public org.apache.iceberg.io.DataWriter<org.apache.spark.sql.catalyst.InternalRow> open(LocalDate date) {
      org.apache.iceberg.PartitionKey key = new org.apache.iceberg.PartitionKey(table.spec(), table.schema());
      key.set(0, Math.toIntExact(date.toEpochDay()));
      String location = table.locationProvider().newDataLocation(table.spec(), key,
          org.apache.iceberg.FileFormat.PARQUET.addExtension(date + "-" + java.util.UUID.randomUUID()));
      var builder = org.apache.iceberg.parquet.Parquet.writeData(table.io().newOutputFile(location))
          .forTable(table)
          .withPartition(key)
          .createWriterFunc(type -> org.apache.iceberg.spark.data.SparkParquetWriters.buildWriter(sparkSchema, type));
      // Numbers and times are nearly all distinct (prices, sizes, seqs, microseconds): a dictionary
      // would not shrink them, and trying one per value was a tenth of the write's CPU. Strings and
      // dates repeat and keep theirs.
      for (var f : sparkSchema.fields()) {
        if (f.dataType() instanceof org.apache.spark.sql.types.NumericType
            || f.dataType() instanceof org.apache.spark.sql.types.TimestampType) {
          builder.set(TableProperties.PARQUET_DICT_ENCODING_ENABLED_COLUMN_PREFIX + f.name(), "false");
        }
      }
      try {
        return builder.overwrite().build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + location + ": " + e.getMessage(), e);
      }
    }
  }

  /** A writer of {@code id}'s data files by date; the table must exist, partitioned by its date column. */
  public DateFileWriter dateFileWriter(Id id, StructType sparkSchema) {
    Table t = existing(id);
    if (id.partitionColumn() == null || t.spec().fields().size() != 1) {
      throw new IllegalArgumentException(id.qualifiedName() + " is not partitioned by date alone: " + t.spec());
    }
    return new DateFileWriter(t, sparkSchema);
  }

  /**
   * Replaces the rows of {@code branch} on the given dates with these data files in one commit, as
   * {@link #overwrite} does for rows from Spark: the old files of those dates and the new files swap
   * in one snapshot, and files outside the dates are refused.
   */
  public void replaceDates(Id id, String branch, List<LocalDate> dates, List<org.apache.iceberg.DataFile> files) {
    Table t = existing(id);
    org.apache.iceberg.OverwriteFiles overwrite = t.newOverwrite()
        .overwriteByRowFilter(Expressions.in(id.partitionColumn(),
            dates.stream().map(d -> (Object) Math.toIntExact(d.toEpochDay())).toArray()))
        .validateAddedFilesMatchOverwriteFilter()
        .toBranch(branch);
    files.forEach(overwrite::addFile);
    overwrite.commit();
  }

  /**
   * All rows of a small table (Gold) at a snapshot, or at main's when {@code snapshot} is null,
   * read by Iceberg's own reader in this JVM: a few hundred rows need no Spark job, and the steps
   * that only read Gold (publish-gold, the report) need no Spark at all.
   */
  public List<Record> rows(Id id, Long snapshot) {
    List<Record> rows = new ArrayList<>();
    scan(id, snapshot, List.of(), rows::add);
    return rows;
  }

  /**
   * Hands each row of the table's current snapshot on main, only the named columns read, to
   * {@code each} as it is read, which must copy what it keeps: the reader may reuse the record.
   */
  public void forEach(Id id, List<String> columns, java.util.function.Consumer<Record> each) {
    scan(id, null, columns, each);
  }

  private void scan(Id id, Long snapshot, List<String> columns, java.util.function.Consumer<Record> each) {
    Table t = existing(id);
    IcebergGenerics.ScanBuilder scan = IcebergGenerics.read(t);
    if (snapshot != null) {
      scan = scan.useSnapshot(snapshot);
    }
    if (!columns.isEmpty()) {
      scan = scan.select(columns.toArray(String[]::new));
    }
    try (CloseableIterable<Record> read = scan.build()) {
      read.forEach(each);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + id.qualifiedName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces every row of an unpartitioned small table (Gold) on {@code branch} with these, in
   * order, as one data file and one commit: readers see the old rows or the new, never a mix.
   */
  public void replaceAll(Id id, String branch, List<Record> rows) {
    Table t = existing(id);
    if (!t.spec().isUnpartitioned()) {
      throw new IllegalArgumentException(id.qualifiedName() + " is partitioned (" + t.spec() + "); replaceDates writes it");
    }
    String location = t.locationProvider().newDataLocation(
        org.apache.iceberg.FileFormat.PARQUET.addExtension("gold-" + java.util.UUID.randomUUID()));
    org.apache.iceberg.io.DataWriter<Record> writer;
    try {
      writer = org.apache.iceberg.parquet.Parquet.writeData(t.io().newOutputFile(location))
          .forTable(t)
          .withSpec(t.spec())
          .createWriterFunc(type -> GenericParquetWriter.create(t.schema(), type))
          .overwrite()
          .build();
      try (writer) {
        rows.forEach(writer::write);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + location + ": " + e.getMessage(), e);
    }
    t.newOverwrite()
        .overwriteByRowFilter(Expressions.alwaysTrue())
        .addFile(writer.toDataFile())
        .toBranch(branch)
        .commit();
  }

  private JdbcCatalog catalog;

  /** The catalog through Iceberg's Java API, opened on first use. */
  public synchronized JdbcCatalog catalog() {
    if (catalog == null) {
      JdbcCatalog c = new JdbcCatalog();
      Configuration conf = new Configuration();
      hadoopSettings.forEach(conf::set);
      c.setConf(conf);
      try {
        c.initialize(catalogName, catalogProperties());
      } catch (RuntimeException e) {
        throw new IllegalStateException("cannot open the Iceberg catalog at " + jdbcUrl() + " (" + e.getMessage()
            + "); check ONERING_CATALOG_URL / ONERING_CATALOG_USER / ONERING_CATALOG_PASSWORD, and that the"
            + " database exists", e);
      }
      catalog = c;
    }
    return catalog;
  }

  /** The table, which must exist: the writers and readers here come after {@link #create}. */
  private Table existing(Id id) {
    return find(id).orElseThrow(() -> new IllegalStateException(id.qualifiedName() + " is not in the catalog at "
        + jdbcUrl() + "; it is created on the first write (create()), so something dropped it meanwhile"));
  }

  /** The table, if it exists. */
  public Optional<Table> find(Id id) {
    JdbcCatalog c = catalog();
    return c.tableExists(id.identifier()) ? Optional.of(c.loadTable(id.identifier())) : Optional.empty();
  }

  /**
   * The table, created when missing with this Spark schema at its folder in the lake. A new table
   * gets an empty first snapshot on {@code main} (and a Silver table the {@value #AUDIT} branch), so
   * the refs exist before the first write and "the previous snapshot" always has an id.
   */
  public Table create(Id id, StructType sparkSchema) {
    JdbcCatalog c = catalog();
    Optional<Table> existing = find(id);
    if (existing.isPresent()) {
      return existing.get();
    }
    Namespace ns = id.identifier().namespace();
    if (!c.namespaceExists(ns)) {
      try {
        c.createNamespace(ns);
      } catch (AlreadyExistsException raced) {
        // Another step created it first.
      }
    }
    Schema schema = SparkSchemaUtil.convert(sparkSchema);
    PartitionSpec spec = id.partitionColumn() == null ? PartitionSpec.unpartitioned()
        : PartitionSpec.builderFor(schema).identity(id.partitionColumn()).build();
    // The stream creates silver.bars_1m with the same properties (one definition, in core).
    Map<String, String> props = new LinkedHashMap<>(Lake.ICEBERG_TABLE_PROPERTIES);
    Table t;
    try {
      t = c.createTable(id.identifier(), schema, spec, location(id.folder()), props);
    } catch (AlreadyExistsException raced) {
      return c.loadTable(id.identifier());
    }
    t.newFastAppend().commit();
    if (id.silver()) {
      t.manageSnapshots().createBranch(AUDIT, t.currentSnapshot().snapshotId()).commit();
    }
    return t;
  }

  /** A lake folder as Iceberg stores it: an absolute path for a local lake, the URI otherwise. */
  String location(String relative) {
    return lake.isLocal() ? lake.path(relative).toAbsolutePath().toString() : lake.uri(relative);
  }

  /**
   * Points the audit branch at main's snapshot, discarding what an earlier, unpublished write left
   * there, so a run audits exactly main plus its own writes.
   */
  public void resetAudit(Table t) {
    t.refresh();
    long main = t.currentSnapshot().snapshotId();
    if (t.refs().containsKey(AUDIT)) {
      if (t.snapshot(AUDIT).snapshotId() != main) { // no commit when there is nothing to discard
        t.manageSnapshots().replaceBranch(AUDIT, main).commit();
      }
    } else {
      t.manageSnapshots().createBranch(AUDIT, main).commit();
    }
  }

  /**
   * Publishes the audit branch: main moves to what the gate saw, and only forward. Returns main's
   * snapshot id afterwards; a table missing returns empty.
   *
   * <p>When main is still the audit branch's base, main fast-forwards to it. When main moved on
   * meanwhile (the streaming job appends its closed bars to {@code silver.bars_1m}'s main at every
   * checkpoint, docs/streaming.md), the audit branch's change is applied to main instead, in one
   * commit: in every partition the audit write changed, main's files become exactly the audit
   * snapshot's (the batch replaces those dates, the stream's rows of them included), and main's
   * other partitions keep what the stream appended. The commit is validated against main as read:
   * a concurrent write into those partitions makes it fail and start over, never mix.
   */
  public Optional<Long> publish(Id id) {
    Optional<Table> found = find(id);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Table t = found.get();
    if (t.refs().containsKey(AUDIT) && t.snapshot(AUDIT).snapshotId() != t.currentSnapshot().snapshotId()) {
      long audit = t.snapshot(AUDIT).snapshotId();
      if (org.apache.iceberg.util.SnapshotUtil.isAncestorOf(t, audit, t.currentSnapshot().snapshotId())) {
        t.manageSnapshots().fastForwardBranch(MAIN, AUDIT).commit();
      } else {
        applyAuditToMain(t, id);
      }
      t.refresh();
    }
    return Optional.of(t.currentSnapshot().snapshotId());
  }

  private static final int PUBLISH_ATTEMPTS = 5;

  /** See {@link #publish}: the audit branch's changed partitions, made main's in one commit. */
  private void applyAuditToMain(Table t, Id id) {
    for (int attempt = 1; ; attempt++) {
      t.refresh();
      Snapshot main = t.currentSnapshot();
      Snapshot audit = t.snapshot(AUDIT);
      Long base = null;
      for (long a : org.apache.iceberg.util.SnapshotUtil.ancestorIds(audit, t::snapshot)) {
        if (org.apache.iceberg.util.SnapshotUtil.isAncestorOf(t, main.snapshotId(), a)) {
          base = a;
          break;
        }
      }
      if (base == null) {
        throw new IllegalStateException(id.qualifiedName() + ": the audit branch (snapshot " + audit.snapshotId()
            + ") and main (" + main.snapshotId() + ") share no snapshot; run the Silver step again (it starts the"
            + " audit branch from main)");
      }
      Map<String, org.apache.iceberg.DataFile> before = files(t, base);
      Map<String, org.apache.iceberg.DataFile> after = files(t, audit.snapshotId());
      // The changed partitions, by value (null for an unpartitioned table: the whole table).
      Map<String, Object> changed = new LinkedHashMap<>();
      java.util.Set<String> paths = new java.util.HashSet<>(before.keySet());
      paths.addAll(after.keySet());
      for (String p : paths) {
        if (before.containsKey(p) != after.containsKey(p)) {
          Object v = partitionValue((before.containsKey(p) ? before : after).get(p), id);
          changed.put(String.valueOf(v), v);
        }
      }
      Map<String, org.apache.iceberg.DataFile> onMain = files(t, main.snapshotId());
      org.apache.iceberg.OverwriteFiles ov = t.newOverwrite();
      Expression scope = Expressions.alwaysFalse();
      for (Object v : changed.values()) {
        scope = Expressions.or(scope, v == null ? Expressions.alwaysTrue() : Expressions.equal(id.partitionColumn(), v));
      }
      boolean any = false;
      for (var f : onMain.values()) {
        if (changed.containsKey(String.valueOf(partitionValue(f, id))) && !after.containsKey(f.location())) {
          ov.deleteFile(f);
          any = true;
        }
      }
      for (var f : after.values()) {
        if (changed.containsKey(String.valueOf(partitionValue(f, id))) && !onMain.containsKey(f.location())) {
          ov.addFile(f);
          any = true;
        }
      }
      if (!any) {
        return;
      }
      ov.validateFromSnapshot(main.snapshotId()).conflictDetectionFilter(scope).validateNoConflictingData()
          .validateNoConflictingDeletes();
      try {
        ov.commit();
        return;
      } catch (org.apache.iceberg.exceptions.ValidationException e) {
        if (attempt >= PUBLISH_ATTEMPTS) {
          throw new IllegalStateException(id.qualifiedName() + ": another writer kept writing into the dates being"
              + " published (" + e.getMessage() + "); publish again once it has closed them", e);
        }
      }
    }
  }

  /** The file's partition value (days since the epoch for a date), null for an unpartitioned table. */
  private static Object partitionValue(org.apache.iceberg.DataFile f, Id id) {
    return id.partitionColumn() == null ? null : f.partition().get(0, Object.class);
  }

  /** A snapshot's data files by location. */
  private static Map<String, org.apache.iceberg.DataFile> files(Table t, long snapshotId) {
    Map<String, org.apache.iceberg.DataFile> m = new java.util.HashMap<>();
    try (CloseableIterable<FileScanTask> tasks = t.newScan().useSnapshot(snapshotId).planFiles()) {
      for (FileScanTask task : tasks) {
        m.put(task.file().location(), task.file());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot plan the files of snapshot " + snapshotId + ": " + e.getMessage(), e);
    }
    return m;
  }

  /** A ref's snapshot id (branch or tag), if the table and the ref exist. */
  public Optional<Long> snapshotId(Id id, String ref) {
    return find(id).map(t -> t.snapshot(ref)).map(Snapshot::snapshotId);
  }

  /** Each existing table's snapshot id on a ref, by qualified name: what a run report shows. */
  public Map<String, Long> snapshotIds(List<Id> ids, String ref) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Id id : ids) {
      snapshotId(id, ref).ifPresent(s -> m.put(id.qualifiedName(), s));
    }
    return m;
  }

  /**
   * The data files of a ref's snapshot, relative to the lake root, holding the rows of the given
   * dates (all rows with no dates). Exactly the committed snapshot's files: never a file of a write
   * that did not commit, nor of a replaced one. A snapshot with delete files is refused; the tables
   * are copy-on-write and have none.
   */
  public List<String> dataFiles(Id id, String ref, List<LocalDate> dates) {
    Optional<Table> found = find(id);
    if (found.isEmpty()) {
      return List.of();
    }
    Table t = found.get();
    if (t.snapshot(ref) == null) {
      throw new IllegalStateException(id.qualifiedName() + " has no ref '" + ref + "'; its refs are "
          + t.refs().keySet());
    }
    TableScan scan = t.newScan().useRef(ref);
    if (!dates.isEmpty() && id.partitionColumn() != null) {
      Expression in = Expressions.in(id.partitionColumn(),
          dates.stream().map(d -> (Object) Math.toIntExact(d.toEpochDay())).toArray());
      scan = scan.filter(in);
    }
    List<String> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          throw new IllegalStateException(id.qualifiedName() + " snapshot " + t.snapshot(ref).snapshotId()
              + " has delete files on " + task.file().location() + "; the loads read data files only: rewrite"
              + " the table's data files (onering maintain)");
        }
        files.add(relative(task.file().location()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot plan the files of " + id.qualifiedName() + ": " + e.getMessage(), e);
    }
    return List.copyOf(new TreeSet<>(files));
  }

  /** The dates a ref's snapshot holds, for a table partitioned by date. */
  public List<LocalDate> dates(Id id, String ref) {
    TreeSet<LocalDate> dates = new TreeSet<>();
    Optional<Table> found = find(id);
    if (found.isEmpty() || id.partitionColumn() == null) {
      return List.of();
    }
    Table t = found.get();
    try (CloseableIterable<FileScanTask> tasks = t.newScan().useRef(ref).planFiles()) {
      for (FileScanTask task : tasks) {
        Object v = task.file().partition().get(0, Object.class);
        dates.add(LocalDate.ofEpochDay(((Number) v).longValue()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot plan the files of " + id.qualifiedName() + ": " + e.getMessage(), e);
    }
    return List.copyOf(dates);
  }

  /** A file location of the catalog as a path relative to the lake root. */
  public String relative(String location) {
    String loc = location;
    if (lake.isLocal()) {
      if (loc.startsWith("file:")) {
        loc = java.net.URI.create(loc).getPath();
      }
      String root = lake.path("").toAbsolutePath().toString();
      if (loc.startsWith(root + "/")) {
        return loc.substring(root.length() + 1);
      }
    } else {
      String root = lake.uri("");
      String prefix = lake.zonesAreBuckets() ? root : root + "/";
      if (loc.startsWith(prefix)) {
        return loc.substring(prefix.length());
      }
    }
    throw new IllegalStateException("the table file " + location + " is outside the lake " + lake.root()
        + "; the catalog and the lake setting disagree (check ONERING_LAKE and ONERING_CATALOG_URL)");
  }

  @Override
  public synchronized void close() {
    if (catalog != null) {
      catalog.close();
      catalog = null;
    }
  }

  @Override
  public String toString() {
    // Never the password.
    return "LakeTables[" + catalogName + " at " + jdbcUrl() + ", lake " + lake.root() + "]";
  }
}
