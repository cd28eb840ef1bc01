package dev.onering.serving.clickhouse;

import dev.onering.lake.Lake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Silver store on the embedded ClickHouse engine. A load is one {@code INSERT ... SELECT FROM
 * file(...)}: ClickHouse reads the lake's Parquet itself, so no rows pass through the JVM.
 *
 * <p>The column list of a load is read from the table ({@code system.columns}), so the table
 * definition lives only in the changelog: a column added there is loaded from the Parquet column
 * of the same name with no change here.
 */
public final class ChDbSilverStore implements SilverStore {

  /** Environment variable naming the chDB data directory. */
  public static final String DATA_DIR_ENV = "ONERING_CHDB_PATH";
  /** Default chDB data directory, beside the default lake ({@code data/lake}). */
  public static final String DATA_DIR_DEFAULT = "data/chdb";

  private final ChDb db;

  /** Takes ownership of {@code db}: closing the store closes the handle. */
  public ChDbSilverStore(ChDb db) {
    this.db = db;
  }

  public static ChDbSilverStore open(Path dataDir) {
    return new ChDbSilverStore(ChDb.open(dataDir));
  }

  /** {@value #DATA_DIR_ENV} if set, else {@value #DATA_DIR_DEFAULT}. */
  public static Path defaultDataDir() {
    String env = System.getenv(DATA_DIR_ENV);
    return Path.of(env == null || env.isBlank() ? DATA_DIR_DEFAULT : env);
  }

  /** The handle underneath, for callers that need ClickHouse beyond this interface. */
  public ChDb chdb() {
    return db;
  }

  @Override
  public int migrate(Path changelog) {
    return new ChangelogApplier(db).apply(changelog);
  }

  @Override
  public long replacePartition(SilverTable table, Lake lake, LocalDate date) {
    if (!lake.isLocal()) {
      throw new UnsupportedOperationException("the embedded Silver store loads from a local lake, "
          + "not " + lake.root() + "; run with a local --lake, or load through the ClickHouse "
          + "server's s3() table function in the stack");
    }
    Path folder = lake.path(table.lakePartition(date));
    String insert = insertFromParquet(table, folder, date); // fails first if the table is missing
    // The partition value as a string literal: the parser takes no function call in this place.
    String dropPartition = "ALTER TABLE " + table.qualifiedName() + " DROP PARTITION "
        + ChDb.quote(date.toString());
    db.execute(dropPartition);
    if (!hasParquet(folder)) {
      return 0;
    }
    try {
      db.execute(insert);
    } catch (ChDbException e) {
      // An INSERT ... SELECT is not atomic across blocks: empty the date rather than leave part of
      // it, so a reader sees all of a date or none of it.
      try {
        db.execute(dropPartition);
      } catch (ChDbException cleanup) {
        e.addSuppressed(cleanup);
      }
      ChDbException failed = new ChDbException("loading " + folder + " into "
          + table.qualifiedName() + " failed, and partition " + SilverTable.PARTITION_COLUMN
          + "=" + date + " was emptied; fix the Parquet (or the table) and re-run the load. "
          + "ClickHouse said: " + e.clickhouseMessage(), insert);
      failed.addSuppressed(e);
      throw failed;
    }
    return count(table, date);
  }

  private String insertFromParquet(SilverTable table, Path folder, LocalDate date) {
    List<Map<String, Object>> fileColumns = db.rows("SELECT name, type FROM system.columns"
        + " WHERE database = " + ChDb.quote(table.database()) + " AND table = "
        + ChDb.quote(table.table()) + " AND name != " + ChDb.quote(SilverTable.PARTITION_COLUMN)
        + " ORDER BY position");
    if (fileColumns.isEmpty()) {
      throw new IllegalStateException(table.qualifiedName() + " does not exist in chDB at "
          + db.dataDir() + "; run migrate(" + ChangelogApplier.DEFAULT_CHANGELOG + ") first");
    }
    String names = fileColumns.stream().map(c -> identifier((String) c.get("name")))
        .collect(Collectors.joining(", "));
    // An explicit CAST to the table's type per column, because Spark's Parquet columns are
    // optional and an implicit conversion turns a NULL into 0 or '' without a word (even with
    // insert_null_as_default = 0); CAST refuses a NULL, and Silver having one is an upstream bug.
    String casts = fileColumns.stream()
        .map(c -> "CAST(" + identifier((String) c.get("name")) + " AS " + c.get("type") + ")")
        .collect(Collectors.joining(", "));
    String partition = identifier(SilverTable.PARTITION_COLUMN);
    // trade_date is the Hive folder, not a column of the files: it is added as a constant, and
    // use_hive_partitioning is off so ClickHouse does not also derive it from the path.
    return "INSERT INTO " + table.qualifiedName() + " (" + names + ", " + partition + ")"
        + " SELECT " + casts + ", " + dateLiteral(date)
        + " FROM file(" + ChDb.quote(folder.toAbsolutePath() + "/*.parquet") + ", Parquet)"
        + " SETTINGS use_hive_partitioning = 0";
  }

  private static boolean hasParquet(Path folder) {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.anyMatch(f -> Files.isRegularFile(f)
          && f.getFileName().toString().endsWith(".parquet"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the Silver partition folder " + folder, e);
    }
  }

  /** The table the quality gate's quarantine-share expectation reads (docs/quality.md). */
  public static final String BATCH_STATS = "silver.batch_stats";

  /**
   * Replaces a Bronze date's row of {@value #BATCH_STATS}: what came in, what was accepted and what
   * went to quarantine. Kept in the store, not only in the step's result, so the gate (and GX in
   * the stack) can check the quarantine share with a plain query.
   */
  public void replaceBatchStats(LocalDate date, long accepted, long quarantined) {
    if (accepted < 0 || quarantined < 0) {
      throw new IllegalArgumentException("batch stats for " + date + " cannot be negative: accepted " + accepted
          + ", quarantined " + quarantined);
    }
    long in = accepted + quarantined;
    double share = in == 0 ? 0.0 : (double) quarantined / in;
    db.execute("ALTER TABLE " + BATCH_STATS + " DROP PARTITION " + ChDb.quote(date.toString()));
    db.execute("INSERT INTO " + BATCH_STATS + " (trade_date, lines_in, accepted, quarantined, quarantine_share)"
        + " VALUES (" + dateLiteral(date) + ", " + in + ", " + accepted + ", " + quarantined + ", " + share + ")");
  }

  @Override
  public long count(SilverTable table, LocalDate date) {
    return db.scalarLong("SELECT count() FROM " + table.qualifiedName() + " WHERE "
        + identifier(SilverTable.PARTITION_COLUMN) + " = " + dateLiteral(date));
  }

  @Override
  public void insertJsonEachRow(String table, String jsonLines) {
    if (!jsonLines.isBlank()) {
      db.execute("INSERT INTO " + table + " FORMAT JSONEachRow\n" + jsonLines);
    }
  }

  @Override
  public List<Map<String, Object>> rows(String sql) {
    return db.rows(sql);
  }

  @Override
  public void close() {
    db.close();
  }

  private static String dateLiteral(LocalDate date) {
    return "toDate(" + ChDb.quote(date.toString()) + ")";
  }

  private static String identifier(String name) {
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
  }
}
